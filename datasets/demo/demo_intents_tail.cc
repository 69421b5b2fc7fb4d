// The long tail of intents: rarer requests, one question and one outcome per language (two in
// English), with their own tools so a wrong tool stays visible.
#include "datasets/demo/demo_content.h"

namespace arbiter::demo {

std::vector<Intent> TailIntents();

namespace {

// Columns as in demo_intents.cc. The tail shares one row: rare intents are where a router most
// often picks another intent's tool.
constexpr Rates kTailRates = {.05, .08, .05, .10, .02, .04, .04, .03, .03, .005};

Intent Cancellation() {
  return {
      .name = "cancellation",
      .weight = 0.035,
      .primary_tool = "cancel_subscription",
      .helper_tools = {"get_account"},
      .rates = kTailRates,
      .text = {{
          {.questions = {"Please cancel my subscription for account {account} at the end of this "
                         "billing period.",
                         "How do I cancel the {plan} plan? We don't need it anymore."},
           .outcomes = {"I've scheduled the cancellation of your {plan} plan for account "
                        "{account}; it stays active until {date}{cite}.",
                        "Your {plan} subscription for account {account} is cancelled and won't "
                        "renew on {date}{cite}."},
           .details = {"You keep full access until the end of the paid period{cite2}.",
                       "Your data stays available for export for 30 days after the subscription "
                       "ends.",
                       "You can reactivate at any time before {date} without losing settings."}},
          {.questions = {"Bitte kündigen Sie mein Abonnement für das Konto {account} zum Ende des "
                         "Abrechnungszeitraums."},
           .outcomes = {"Ich habe die Kündigung Ihres {plan}-Tarifs für das Konto {account} zum "
                        "{date} vorgemerkt{cite}."},
           .details = {"Bis zum Ende des bezahlten Zeitraums behalten Sie vollen Zugriff{cite2}.",
                       "Ihre Daten können Sie noch 30 Tage nach Vertragsende exportieren."}},
          {.questions = {"Merci de résilier mon abonnement pour le compte {account} à la fin de la "
                         "période en cours."},
           .outcomes = {"J'ai programmé la résiliation de votre offre {plan} pour le compte "
                        "{account} au {date}{cite}."},
           .details = {"Vous gardez un accès complet jusqu'à la fin de la période payée{cite2}.",
                       "Vos données restent exportables pendant 30 jours après la fin de "
                       "l'abonnement."}},
          {.questions = {"Por favor, cancelen mi suscripción de la cuenta {account} al final del "
                         "periodo de facturación."},
           .outcomes = {"He programado la cancelación de tu plan {plan} de la cuenta {account} "
                        "para el {date}{cite}."},
           .details = {"Mantienes el acceso completo hasta el final del periodo pagado{cite2}.",
                       "Tus datos se pueden exportar durante 30 días después de que termine la "
                       "suscripción."}},
          {.questions = {"アカウント {account} のサブスクリプションを今回の請求期間の終わりで"
                         "解約してください。"},
           .outcomes = {"アカウント {account} の{plan}プランを {date} で解約するよう設定しました"
                        "{cite}。"},
           .details = {"お支払い済みの期間が終わるまでは引き続きすべての機能をご利用いただけます"
                       "{cite2}。",
                       "契約終了後30日間はデータをエクスポートできます。"}},
      }},
      .docs = {{7001, "Cancelling a subscription",
                "Subscriptions can be cancelled at any time and stay active until the end of the "
                "paid period. Data can be exported for 30 days after the end date."}},
  };
}

Intent Pricing() {
  return {
      .name = "pricing",
      .weight = 0.025,
      .primary_tool = "get_pricing",
      .helper_tools = {"search_kb"},
      .rates = kTailRates,
      .text = {{
          {.questions = {"How much does the {plan} plan cost for 25 seats?",
                         "Do you offer discounts for annual billing on the {plan} plan?"},
           .outcomes = {"The {plan} plan costs {amount} {cur} per seat per month when billed "
                        "monthly{cite}.",
                        "Annual billing on the {plan} plan saves 20% compared with monthly "
                        "billing, which brings it to {amount} {cur} per seat per month{cite}."},
           .details = {"Prices exclude VAT, which is added at checkout based on your billing "
                       "country{cite2}.",
                       "Nonprofits and schools can apply for a 50% discount.",
                       "You can switch between monthly and annual billing at any time from the "
                       "billing page."}},
          {.questions = {"Was kostet der {plan}-Tarif für 25 Nutzer?"},
           .outcomes = {"Der {plan}-Tarif kostet bei monatlicher Abrechnung {amount} {cur} pro "
                        "Nutzer und Monat{cite}."},
           .details = {"Die Preise verstehen sich zuzüglich Mehrwertsteuer{cite2}.",
                       "Bei jährlicher Abrechnung sparen Sie 20 %."}},
          {.questions = {"Combien coûte l'offre {plan} pour 25 utilisateurs ?"},
           .outcomes = {"L'offre {plan} coûte {amount} {cur} par utilisateur et par mois en "
                        "facturation mensuelle{cite}."},
           .details = {"Les prix s'entendent hors TVA{cite2}.",
                       "La facturation annuelle permet d'économiser 20 %."}},
          {.questions = {"¿Cuánto cuesta el plan {plan} para 25 usuarios?"},
           .outcomes = {"El plan {plan} cuesta {amount} {cur} por usuario al mes con facturación "
                        "mensual{cite}."},
           .details = {"Los precios no incluyen el IVA{cite2}.",
                       "Con la facturación anual ahorras un 20 %."}},
          {.questions = {"{plan}プランを25ユーザーで使う場合の料金を教えてください。"},
           .outcomes = {"{plan}プランは月払いの場合、1ユーザーあたり月額 {amount} {cur} です"
                        "{cite}。"},
           .details = {"表示価格には消費税は含まれていません{cite2}。",
                       "年払いにすると20%お得になります。"}},
      }},
      .docs = {{7101, "Plans and prices",
                "Starter, Team, Business and Enterprise plans are priced per seat per month. "
                "Annual billing saves 20%. Prices exclude VAT."},
               {7104, "Discounts",
                "Registered nonprofits and schools receive 50% off Team and Business plans."}},
  };
}

Intent Feedback() {
  return {
      .name = "feedback",
      .weight = 0.015,
      .primary_tool = "log_feedback",
      .helper_tools = {},
      .rates = kTailRates,
      .text = {{
          {.questions = {"Just wanted to say the new dashboard is great, thanks!",
                         "The mobile app's dark mode makes the charts unreadable. Please fix "
                         "this."},
           .outcomes = {"Thank you for the feedback! I've passed it on to our product "
                        "team{cite}.",
                        "Thanks for letting us know. I've logged this for the product team so "
                        "they can look at it in the next planning cycle{cite}."},
           .details = {"Feedback is reviewed every week by the product managers{cite2}.",
                       "You can follow and vote on feature requests on our community board."}},
          {.questions = {"Das neue Dashboard gefällt mir sehr gut, danke!"},
           .outcomes = {"Vielen Dank für Ihr Feedback! Ich habe es an unser Produktteam "
                        "weitergegeben{cite}."},
           .details = {"Das Produktteam sichtet Feedback jede Woche{cite2}.",
                       "Auf unserem Community-Board können Sie über Funktionswünsche "
                       "abstimmen."}},
          {.questions = {"Le mode sombre de l'application mobile rend les graphiques illisibles."},
           .outcomes = {"Merci pour votre retour ! Je l'ai transmis à notre équipe "
                        "produit{cite}."},
           .details = {"Les retours sont examinés chaque semaine par l'équipe produit{cite2}.",
                       "Vous pouvez voter pour les demandes de fonctionnalités sur notre "
                       "forum."}},
          {.questions = {"Solo quería decir que el nuevo panel es genial, ¡gracias!"},
           .outcomes = {"¡Gracias por tus comentarios! Los he enviado a nuestro equipo de "
                        "producto{cite}."},
           .details = {"El equipo de producto revisa los comentarios cada semana{cite2}.",
                       "Puedes votar propuestas de funciones en nuestro foro de la comunidad."}},
          {.questions = {"新しいダッシュボードがとても使いやすいです。ありがとうございます！"},
           .outcomes = {"貴重なご意見ありがとうございます。製品チームに共有しました{cite}。"},
           .details = {"いただいたご意見は製品チームが毎週確認しています{cite2}。",
                       "機能リクエストはコミュニティボードで投票できます。"}},
      }},
      .docs = {{7201, "How we handle feedback",
                "Product managers review all feedback weekly. Feature requests can be voted on "
                "in the community board."}},
  };
}

Intent Partnership() {
  return {
      .name = "partnership",
      .weight = 0.013,
      .primary_tool = "create_ticket",
      .helper_tools = {"search_kb"},
      .rates = kTailRates,
      .text = {{
          {.questions = {"We're an agency and would like to resell your product to our clients. "
                         "Who should we talk to?",
                         "Is there a partner program for integration vendors?"},
           .outcomes = {"I've opened ticket {ticket} with our partnerships team; they'll contact "
                        "you within 2 business days{cite}.",
                        "Our partner program is open to agencies and integration vendors, and "
                        "I've created ticket {ticket} so the team can follow up{cite}."},
           .details = {"Partners get a dedicated sandbox workspace and co-marketing "
                       "support{cite2}.",
                       "Reseller margins depend on the annual volume you commit to."}},
          {.questions = {"Wir sind eine Agentur und möchten Ihr Produkt an unsere Kunden "
                         "weiterverkaufen."},
           .outcomes = {"Ich habe das Ticket {ticket} für unser Partnerteam angelegt; es meldet "
                        "sich innerhalb von 2 Werktagen{cite}."},
           .details = {"Partner erhalten einen eigenen Sandbox-Arbeitsbereich{cite2}.",
                       "Die Marge für Wiederverkäufer hängt vom zugesagten Jahresvolumen ab."}},
          {.questions = {"Nous sommes une agence et souhaitons revendre votre produit à nos "
                         "clients."},
           .outcomes = {"J'ai ouvert le ticket {ticket} auprès de notre équipe partenariats ; "
                        "elle vous contactera sous 2 jours ouvrés{cite}."},
           .details = {"Les partenaires disposent d'un espace de test dédié{cite2}.",
                       "La marge des revendeurs dépend du volume annuel engagé."}},
          {.questions = {"Somos una agencia y queremos revender su producto a nuestros "
                         "clientes."},
           .outcomes = {"He abierto el ticket {ticket} con nuestro equipo de alianzas; te "
                        "contactarán en 2 días hábiles{cite}."},
           .details = {"Los socios obtienen un espacio de pruebas dedicado{cite2}.",
                       "El margen de reventa depende del volumen anual comprometido."}},
          {.questions = {"代理店として御社の製品を顧客に再販したいのですが、どなたに相談すれば"
                         "よいですか？"},
           .outcomes = {"パートナー担当チーム宛てにチケット {ticket} を作成しました。2営業日以内に"
                        "ご連絡します{cite}。"},
           .details = {"パートナーには専用のサンドボックス環境が提供されます{cite2}。",
                       "再販マージンは年間のご契約量によって異なります。"}},
      }},
      .docs = {{7301, "Partner program",
                "Agencies and integration vendors can join the partner program. Partners get a "
                "sandbox workspace, co-marketing and volume-based reseller margins."}},
  };
}

Intent Accessibility() {
  return {
      .name = "accessibility",
      .weight = 0.012,
      .primary_tool = "search_kb",
      .helper_tools = {},
      .rates = kTailRates,
      .text = {{
          {.questions = {"Does your web app work with screen readers like NVDA and VoiceOver?",
                         "Is there a way to increase the font size in the app?"},
           .outcomes = {"Yes, the web app supports NVDA, JAWS and VoiceOver, and we test every "
                        "release against WCAG 2.1 AA{cite}.",
                        "You can raise the font size under Settings > Appearance > Text size, up "
                        "to 200%{cite}."},
           .details = {"All actions are reachable with the keyboard; press ? to see the "
                       "shortcuts{cite2}.",
                       "Our accessibility conformance report (VPAT) is available on request."}},
          {.questions = {"Funktioniert Ihre Web-App mit Screenreadern wie NVDA und VoiceOver?"},
           .outcomes = {"Ja, die Web-App unterstützt NVDA, JAWS und VoiceOver und wird bei jedem "
                        "Release gegen WCAG 2.1 AA getestet{cite}."},
           .details = {"Alle Aktionen sind per Tastatur erreichbar{cite2}.",
                       "Die Schriftgröße stellen Sie unter Einstellungen > Darstellung ein."}},
          {.questions = {"Votre application web fonctionne-t-elle avec les lecteurs d'écran comme "
                         "NVDA et VoiceOver ?"},
           .outcomes = {"Oui, l'application web prend en charge NVDA, JAWS et VoiceOver, et "
                        "chaque version est testée selon les WCAG 2.1 AA{cite}."},
           .details = {"Toutes les actions sont accessibles au clavier{cite2}.",
                       "La taille du texte se règle dans Paramètres > Apparence."}},
          {.questions = {"¿Su aplicación web funciona con lectores de pantalla como NVDA y "
                         "VoiceOver?"},
           .outcomes = {"Sí, la aplicación web es compatible con NVDA, JAWS y VoiceOver, y cada "
                        "versión se prueba según WCAG 2.1 AA{cite}."},
           .details = {"Todas las acciones son accesibles con el teclado{cite2}.",
                       "El tamaño del texto se ajusta en Configuración > Apariencia."}},
          {.questions = {"御社のWebアプリはNVDAやVoiceOverなどのスクリーンリーダーに対応して"
                         "いますか？"},
           .outcomes = {"はい、WebアプリはNVDA、JAWS、VoiceOverに対応しており、リリースごとに"
                        "WCAG 2.1 AAに沿って検証しています{cite}。"},
           .details = {"すべての操作はキーボードで行えます{cite2}。",
                       "文字サイズは「設定 > 表示」で変更できます。"}},
      }},
      .docs = {{7401, "Accessibility",
                "The web app supports NVDA, JAWS and VoiceOver and is tested against WCAG 2.1 AA "
                "for every release. Text size can be raised to 200% under Settings > "
                "Appearance."}},
  };
}

}  // namespace

std::vector<Intent> TailIntents() {
  return {Cancellation(), Pricing(), Feedback(), Partnership(), Accessibility()};
}

}  // namespace arbiter::demo
