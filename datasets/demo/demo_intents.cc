// The six main intents of the demo support agent. The long tail is in demo_intents_tail.cc.
#include "datasets/demo/demo_content.h"

namespace arbiter::demo {

std::vector<Intent> TailIntents();  // demo_intents_tail.cc

namespace {

// Columns follow enum Failure: citation, wrong tool, overlength, invalid json (of json answers),
// pii, refusal, tool arguments, repeated call, unacknowledged tool error, too long.
constexpr Rates kBillingRates = {.05, .03, .04, .08, .04, .01, .04, .03, .03, .005};
constexpr Rates kRefundRates = {.07, .06, .03, .10, .03, .02, .07, .04, .04, .005};
constexpr Rates kShippingRates = {.04, .02, .03, .06, .02, .01, .03, .07, .03, .005};
constexpr Rates kAccountRates = {.03, .04, .03, .08, .09, .03, .05, .02, .02, .005};
constexpr Rates kTechnicalRates = {.10, .05, .12, .12, .01, .01, .03, .04, .04, .02};
constexpr Rates kComplianceRates = {.12, .03, .08, .06, .06, .07, .02, .02, .02, .005};

Intent Billing() {
  return {
      .name = "billing",
      .weight = 0.20,
      .primary_tool = "lookup_invoice",
      .helper_tools = {"get_account"},
      .rates = kBillingRates,
      .text = {{
          {.questions = {"Hi, I was charged twice for invoice {invoice} this month. Can you check "
                         "what happened?",
                         "Why is my latest invoice {invoice} higher than usual? It says {amount} "
                         "{cur}.",
                         "I need a copy of invoice {invoice} for our accounting team, and can you "
                         "confirm it's been paid?"},
           .outcomes = {"I checked invoice {invoice}: it was issued on {date} for {amount} {cur} "
                        "and is marked as paid{cite}.",
                        "Invoice {invoice} for {amount} {cur} shows a single successful payment; "
                        "the second entry on your statement is a pending authorization that "
                        "drops off within 3-5 business days{cite}."},
           .details = {"Invoices are generated on the first day of each billing cycle and sent to "
                       "the billing contact on the account{cite2}.",
                       "The amount includes prorated charges for seats added in the middle of "
                       "the cycle.",
                       "You can download every invoice as a PDF under Settings > Billing > "
                       "Invoices.",
                       "If your company needs a purchase order number on invoices, add it under "
                       "Billing details and it will appear from the next cycle."}},
          {.questions = {"Hallo, mir wurde die Rechnung {invoice} diesen Monat doppelt belastet. "
                         "Können Sie das prüfen?",
                         "Warum ist meine Rechnung {invoice} mit {amount} {cur} höher als sonst?"},
           .outcomes = {"Ich habe die Rechnung {invoice} geprüft: Sie wurde am {date} über "
                        "{amount} {cur} ausgestellt und ist bezahlt{cite}."},
           .details = {"Rechnungen werden am ersten Tag jedes Abrechnungszeitraums "
                       "erstellt{cite2}.",
                       "Alle Rechnungen finden Sie als PDF unter Einstellungen > Abrechnung > "
                       "Rechnungen.",
                       "Der Betrag enthält anteilige Gebühren für zusätzliche Nutzerplätze."}},
          {.questions = {"Bonjour, la facture {invoice} m'a été débitée deux fois ce mois-ci. "
                         "Pouvez-vous vérifier ?",
                         "Pourquoi ma facture {invoice} est-elle plus élevée que d'habitude "
                         "({amount} {cur}) ?"},
           .outcomes = {"J'ai vérifié la facture {invoice} : elle a été émise le {date} pour "
                        "{amount} {cur} et elle est réglée{cite}."},
           .details = {"Les factures sont générées le premier jour de chaque cycle de "
                       "facturation{cite2}.",
                       "Vous pouvez télécharger toutes vos factures en PDF dans Paramètres > "
                       "Facturation.",
                       "Le montant inclut des frais au prorata pour les licences ajoutées en "
                       "cours de cycle."}},
          {.questions = {"Hola, me cobraron dos veces la factura {invoice} este mes. ¿Pueden "
                         "revisarlo?",
                         "¿Por qué mi factura {invoice} es más alta de lo normal? Indica {amount} "
                         "{cur}."},
           .outcomes = {"He revisado la factura {invoice}: se emitió el {date} por {amount} {cur} "
                        "y figura como pagada{cite}."},
           .details = {"Las facturas se generan el primer día de cada ciclo de "
                       "facturación{cite2}.",
                       "Puedes descargar todas las facturas en PDF en Configuración > "
                       "Facturación.",
                       "El importe incluye cargos prorrateados por las licencias añadidas a "
                       "mitad de ciclo."}},
          {.questions =
               {"請求書 {invoice} の料金が今月二重に請求されています。確認していただけますか？",
                "請求書 {invoice} の金額（{amount} {cur}）がいつもより高いのはなぜですか？"},
           .outcomes = {"請求書 {invoice} を確認しました。{date} に {amount} {cur} で発行され、"
                        "支払い済みです{cite}。"},
           .details = {"請求書は各請求サイクルの初日に発行されます{cite2}。",
                       "すべての請求書は「設定 > 請求」からPDFでダウンロードできます。",
                       "金額にはサイクル途中で追加したライセンスの日割り料金が含まれます。"}},
      }},
      .docs = {{1042, "Billing cycles and invoices",
                "Invoices are issued on the first day of each billing cycle and emailed to the "
                "billing contact. Each invoice lists seats, prorated changes and taxes. Paid "
                "invoices can be downloaded as PDF from Settings > Billing > Invoices."},
               {1043, "Duplicate charges and pending authorizations",
                "A second entry on a card statement is usually a pending authorization, not a "
                "charge. Authorizations are released by the bank within 3-5 business days. "
                "Confirmed duplicate charges are refunded automatically."},
               {1047, "Proration when seats change",
                "Seats added mid-cycle are charged pro rata for the remaining days of the cycle "
                "and appear on the next invoice as a separate line."},
               {1051, "Purchase order numbers",
                "A purchase order number entered under Billing details is printed on every "
                "invoice issued after the change. It cannot be added to past invoices."}},
  };
}

Intent Refund() {
  return {
      .name = "refund",
      .weight = 0.17,
      .primary_tool = "issue_refund",
      .helper_tools = {"lookup_order"},
      .rates = kRefundRates,
      .text = {{
          {.questions = {"I returned order {order} two weeks ago and still haven't received my "
                         "refund. Where is it?",
                         "The item from order {order} arrived damaged. I'd like a refund of "
                         "{amount} {cur}, please.",
                         "Can I get my money back for order {order}? I ordered the wrong size."},
           .outcomes = {"I've issued a refund of {amount} {cur} for order {order}{cite}. It "
                        "should reach your original payment method within 5-7 business days.",
                        "Your refund of {amount} {cur} for order {order} has been approved and "
                        "sent to the original payment method{cite}."},
           .details = {"Refunds go back to the card or account you paid with; we can't redirect "
                       "them to a different method{cite2}.",
                       "Your bank may take a few extra days to show the credit on your "
                       "statement.",
                       "You'll receive a confirmation email once the refund has been processed.",
                       "Items returned after 30 days are eligible for store credit instead of a "
                       "refund{cite2}."}},
          {.questions = {"Ich habe die Bestellung {order} vor zwei Wochen zurückgeschickt und "
                         "noch keine Erstattung erhalten.",
                         "Der Artikel aus Bestellung {order} kam beschädigt an. Ich möchte "
                         "{amount} {cur} zurück."},
           .outcomes = {"Ich habe eine Erstattung über {amount} {cur} für die Bestellung {order} "
                        "veranlasst{cite}. Das Geld ist in 5-7 Werktagen auf Ihrem ursprünglichen "
                        "Zahlungsmittel."},
           .details = {"Erstattungen gehen immer auf das ursprüngliche Zahlungsmittel "
                       "zurück{cite2}.",
                       "Ihre Bank braucht eventuell ein paar Tage, bis die Gutschrift sichtbar "
                       "ist.",
                       "Sie erhalten eine Bestätigung per E-Mail, sobald die Erstattung verbucht "
                       "ist."}},
          {.questions = {"J'ai renvoyé la commande {order} il y a deux semaines et je n'ai "
                         "toujours pas été remboursé.",
                         "L'article de la commande {order} est arrivé endommagé. Je souhaite un "
                         "remboursement de {amount} {cur}."},
           .outcomes = {"J'ai émis un remboursement de {amount} {cur} pour la commande "
                        "{order}{cite}. Il apparaîtra sur votre moyen de paiement d'origine sous 5 "
                        "à 7 jours ouvrés."},
           .details = {"Les remboursements sont toujours versés sur le moyen de paiement "
                       "d'origine{cite2}.",
                       "Votre banque peut mettre quelques jours de plus à afficher le crédit.",
                       "Vous recevrez un e-mail de confirmation une fois le remboursement "
                       "traité."}},
          {.questions = {"Devolví el pedido {order} hace dos semanas y todavía no he recibido el "
                         "reembolso.",
                         "El artículo del pedido {order} llegó dañado. Quiero un reembolso de "
                         "{amount} {cur}."},
           .outcomes = {"He emitido un reembolso de {amount} {cur} para el pedido {order}{cite}. "
                        "Lo verás en tu método de pago original en 5-7 días hábiles."},
           .details = {"Los reembolsos siempre se abonan en el método de pago original{cite2}.",
                       "Tu banco puede tardar unos días más en mostrar el abono.",
                       "Recibirás un correo de confirmación cuando se procese el reembolso."}},
          {.questions =
               {"注文 {order} を2週間前に返品しましたが、まだ返金されていません。",
                "注文 {order} の商品が破損して届きました。{amount} {cur} の返金をお願いします。"},
           .outcomes = {"注文 {order} について {amount} {cur} の返金手続きを行いました{cite}。"
                        "5〜7営業日以内に元のお支払い方法に返金されます。"},
           .details = {"返金は常に元のお支払い方法に戻ります{cite2}。",
                       "カード会社によっては明細への反映に数日かかる場合があります。",
                       "返金処理が完了すると確認メールが届きます。"}},
      }},
      .docs = {{2101, "Refund policy",
                "Orders can be returned within 30 days for a full refund to the original payment "
                "method. Returns after 30 days receive store credit. Refunds are issued within "
                "2 business days of the return being scanned."},
               {2104, "Damaged or defective items",
                "Items that arrive damaged are refunded or replaced without a return when the "
                "customer sends a photo within 14 days of delivery."},
               {2110, "Refund timing by payment method",
                "Card refunds take 5-7 business days to appear; PayPal refunds 1-2 days; bank "
                "transfers up to 10 business days. Refunds cannot be redirected to another "
                "payment method."}},
  };
}

Intent Shipping() {
  return {
      .name = "shipping",
      .weight = 0.18,
      .primary_tool = "track_shipment",
      .helper_tools = {"lookup_order"},
      .rates = kShippingRates,
      .text = {{
          {.questions = {"Where is my package? Order {order} was supposed to arrive on {date}.",
                         "My tracking number {tracking} hasn't updated in four days. Is my order "
                         "lost?",
                         "Can you tell me when order {order} will be delivered?"},
           .outcomes = {"Your order {order} shipped with {carrier} under tracking number "
                        "{tracking} and is expected to arrive on {date}{cite}.",
                        "The {carrier} tracking for {tracking} shows your parcel at the regional "
                        "sort center; delivery is scheduled for {date}{cite}."},
           .details = {"Tracking can pause for up to 72 hours while a parcel crosses a border or "
                       "changes carriers{cite2}.",
                       "If the parcel hasn't moved within 10 business days, we'll send a "
                       "replacement at no cost.",
                       "You can change the delivery address until the parcel leaves our "
                       "warehouse.",
                       "Deliveries to pickup points are held for 7 days before being "
                       "returned{cite2}."}},
          {.questions = {"Wo ist mein Paket? Die Bestellung {order} sollte am {date} ankommen.",
                         "Die Sendungsverfolgung {tracking} hat sich seit vier Tagen nicht "
                         "aktualisiert."},
           .outcomes = {"Ihre Bestellung {order} wurde mit {carrier} unter der Sendungsnummer "
                        "{tracking} verschickt und kommt voraussichtlich am {date} an{cite}."},
           .details = {"Bei Grenzübertritten kann die Sendungsverfolgung bis zu 72 Stunden "
                       "pausieren{cite2}.",
                       "Bewegt sich das Paket 10 Werktage lang nicht, senden wir kostenlos "
                       "Ersatz.",
                       "Die Lieferadresse lässt sich ändern, bis das Paket unser Lager "
                       "verlässt."}},
          {.questions = {"Où est mon colis ? La commande {order} devait arriver le {date}.",
                         "Le suivi {tracking} n'a pas bougé depuis quatre jours."},
           .outcomes = {"Votre commande {order} a été expédiée avec {carrier} sous le numéro de "
                        "suivi {tracking} et devrait arriver le {date}{cite}."},
           .details = {"Le suivi peut s'interrompre jusqu'à 72 heures lors d'un passage en "
                       "douane{cite2}.",
                       "Si le colis ne bouge pas pendant 10 jours ouvrés, nous envoyons un "
                       "remplacement gratuit.",
                       "Vous pouvez modifier l'adresse de livraison tant que le colis n'a pas "
                       "quitté l'entrepôt."}},
          {.questions = {"¿Dónde está mi paquete? El pedido {order} debía llegar el {date}.",
                         "El seguimiento {tracking} no se actualiza desde hace cuatro días."},
           .outcomes = {"Tu pedido {order} se envió con {carrier} con el número de seguimiento "
                        "{tracking} y debería llegar el {date}{cite}."},
           .details = {"El seguimiento puede detenerse hasta 72 horas al cruzar una "
                       "frontera{cite2}.",
                       "Si el paquete no se mueve en 10 días hábiles, enviamos un reemplazo sin "
                       "coste.",
                       "Puedes cambiar la dirección de entrega hasta que el paquete salga del "
                       "almacén."}},
          {.questions = {"注文 {order} は {date} に届く予定でしたが、まだ届きません。",
                         "追跡番号 {tracking} が4日間更新されていません。"},
           .outcomes = {"ご注文 {order} は {carrier} の追跡番号 {tracking} で発送済みで、{date} "
                        "にお届け予定です{cite}。"},
           .details = {"国境を越える際は追跡情報の更新が最大72時間止まることがあります{cite2}。",
                       "10営業日以上動きがない場合は、無料で代替品をお送りします。",
                       "倉庫から出荷されるまではお届け先住所を変更できます。"}},
      }},
      .docs = {{3001, "Delivery times",
                "Standard delivery takes 2-4 business days domestically and 5-10 business days "
                "internationally. Express orders placed before 14:00 ship the same day."},
               {3007, "Tracking gaps",
                "Tracking may not update for up to 72 hours during customs clearance or a "
                "carrier handover. Parcels without a scan for 10 business days are treated as "
                "lost and replaced free of charge."},
               {3012, "Changing a delivery address",
                "The delivery address can be changed in the order page until the parcel leaves "
                "the warehouse. After that, the carrier's redirect service must be used."},
               {3015, "Pickup points",
                "Parcels sent to a pickup point are held for 7 days, then returned to the "
                "warehouse and refunded."}},
  };
}

Intent Account() {
  return {
      .name = "account",
      .weight = 0.15,
      .primary_tool = "update_account",
      .helper_tools = {"get_account"},
      .rates = kAccountRates,
      .text = {{
          {.questions = {"I can't log in to my account anymore. Can you reset my password?",
                         "How do I turn on two-factor authentication for account {account}?",
                         "I need to change the email address on my account {account}."},
           .outcomes = {"I've sent a password reset link to the email address on file for account "
                        "{account}{cite}. The link is valid for 30 minutes.",
                        "Two-factor authentication is now enabled for account {account}{cite}; "
                        "you'll be asked for a code at your next sign-in.",
                        "I've started the email change for account {account}{cite}. Please "
                        "confirm it from the link we sent to your current address."},
           .details = {"For security, we never ask for your password in chat or by "
                       "email{cite2}.",
                       "You can review active sessions and sign out other devices under "
                       "Settings > Security.",
                       "Backup codes are shown once when you enable two-factor authentication, "
                       "so store them somewhere safe.",
                       "Account changes are recorded in the audit log for workspace "
                       "admins{cite2}."}},
          {.questions = {"Ich kann mich nicht mehr anmelden. Können Sie mein Passwort "
                         "zurücksetzen?",
                         "Wie aktiviere ich die Zwei-Faktor-Authentifizierung für das Konto "
                         "{account}?"},
           .outcomes = {"Ich habe einen Link zum Zurücksetzen des Passworts an die hinterlegte "
                        "E-Mail-Adresse des Kontos {account} gesendet{cite}. Der Link ist 30 "
                        "Minuten gültig."},
           .details = {"Aus Sicherheitsgründen fragen wir nie per Chat oder E-Mail nach Ihrem "
                       "Passwort{cite2}.",
                       "Aktive Sitzungen sehen Sie unter Einstellungen > Sicherheit.",
                       "Kontoänderungen werden im Audit-Log protokolliert."}},
          {.questions = {"Je n'arrive plus à me connecter. Pouvez-vous réinitialiser mon mot de "
                         "passe ?",
                         "Comment activer l'authentification à deux facteurs pour le compte "
                         "{account} ?"},
           .outcomes = {"J'ai envoyé un lien de réinitialisation à l'adresse e-mail enregistrée "
                        "pour le compte {account}{cite}. Le lien est valable 30 minutes."},
           .details = {"Pour votre sécurité, nous ne demandons jamais votre mot de passe par chat "
                       "ou par e-mail{cite2}.",
                       "Vous pouvez consulter les sessions actives dans Paramètres > Sécurité.",
                       "Les modifications du compte sont enregistrées dans le journal "
                       "d'audit."}},
          {.questions = {"Ya no puedo iniciar sesión. ¿Pueden restablecer mi contraseña?",
                         "¿Cómo activo la autenticación en dos pasos para la cuenta {account}?"},
           .outcomes = {"He enviado un enlace para restablecer la contraseña al correo registrado "
                        "de la cuenta {account}{cite}. El enlace es válido durante 30 minutos."},
           .details = {"Por seguridad, nunca pedimos tu contraseña por chat ni por "
                       "correo{cite2}.",
                       "Puedes revisar las sesiones activas en Configuración > Seguridad.",
                       "Los cambios de la cuenta quedan registrados en el registro de "
                       "auditoría."}},
          {.questions =
               {"アカウントにログインできなくなりました。パスワードをリセットしてもらえますか？",
                "アカウント {account} で二要素認証を有効にするにはどうすればいいですか？"},
           .outcomes = {"アカウント {account} の登録メールアドレスにパスワード再設定用のリンクを"
                        "送信しました{cite}。リンクの有効期限は30分です。"},
           .details =
               {"セキュリティのため、チャットやメールでパスワードをお尋ねすることはありません"
                "{cite2}。",
                "有効なセッションは「設定 > セキュリティ」で確認できます。",
                "アカウントの変更は監査ログに記録されます。"}},
      }},
      .docs = {{4020, "Resetting a password",
                "Password reset links are sent to the account's verified email address and "
                "expire after 30 minutes. Support agents never ask for a password."},
               {4022, "Two-factor authentication",
                "Two-factor authentication can be enabled with an authenticator app or "
                "security key. Ten backup codes are shown once at setup."},
               {4031, "Changing the account email",
                "An email change takes effect after the link sent to the current address is "
                "confirmed. Workspace admins see the change in the audit log."}},
  };
}

Intent Technical() {
  return {
      .name = "technical",
      .weight = 0.14,
      .primary_tool = "run_diagnostics",
      .helper_tools = {"search_kb", "get_account"},
      .rates = kTechnicalRates,
      .text = {{
          {.questions = {"The desktop app keeps crashing when I open a shared workspace. I'm on "
                         "version 4.2.1.",
                         "Sync has been stuck at 'pending' since yesterday for account {account}.",
                         "Our API calls started returning 401 errors this morning even though the "
                         "key hasn't changed."},
           .outcomes = {"I ran diagnostics on account {account} and found a stale sync token; "
                        "I've reset it, so sync should resume within a few minutes{cite}.",
                        "Diagnostics show the crash comes from an outdated local cache; clearing "
                        "it under Help > Troubleshooting resolves this in most cases{cite}.",
                        "The 401 responses come from a key that was rotated by your workspace "
                        "admin; creating a new key under Settings > API fixes it{cite}."},
           .details = {"Updating to the latest app version is the first step, because many fixes "
                       "ship there{cite2}.",
                       "If the problem comes back, send us the log file from Help > Export logs "
                       "and we'll take a closer look.",
                       "Our status page lists any ongoing incidents affecting sync or the API.",
                       "API keys are scoped per workspace, so a key from another workspace "
                       "returns 401.",
                       "Large workspaces can take up to an hour to finish the first sync after a "
                       "reset{cite2}."}},
          {.questions = {"Die Desktop-App stürzt ab, sobald ich einen geteilten Arbeitsbereich "
                         "öffne.",
                         "Die Synchronisierung hängt seit gestern auf 'ausstehend'."},
           .outcomes = {"Ich habe eine Diagnose für das Konto {account} ausgeführt und ein "
                        "veraltetes Sync-Token zurückgesetzt; die Synchronisierung sollte in "
                        "wenigen Minuten weiterlaufen{cite}."},
           .details = {"Aktualisieren Sie zuerst auf die neueste App-Version, da dort viele "
                       "Korrekturen enthalten sind{cite2}.",
                       "Tritt das Problem erneut auf, senden Sie uns die Logdatei über Hilfe > "
                       "Logs exportieren.",
                       "Auf unserer Statusseite finden Sie aktuelle Störungen."}},
          {.questions = {"L'application de bureau plante dès que j'ouvre un espace de travail "
                         "partagé.",
                         "La synchronisation est bloquée sur « en attente » depuis hier."},
           .outcomes = {"J'ai lancé un diagnostic sur le compte {account} et réinitialisé un "
                        "jeton de synchronisation expiré ; la synchronisation devrait reprendre "
                        "dans quelques minutes{cite}."},
           .details = {"Commencez par installer la dernière version de l'application, qui "
                       "contient de nombreux correctifs{cite2}.",
                       "Si le problème revient, envoyez-nous le fichier journal via Aide > "
                       "Exporter les journaux.",
                       "Notre page de statut indique les incidents en cours."}},
          {.questions = {"La aplicación de escritorio se cierra cuando abro un espacio de trabajo "
                         "compartido.",
                         "La sincronización lleva desde ayer en 'pendiente'."},
           .outcomes = {"He ejecutado un diagnóstico en la cuenta {account} y he restablecido un "
                        "token de sincronización caducado; la sincronización debería reanudarse "
                        "en unos minutos{cite}."},
           .details = {"Primero actualiza a la última versión de la aplicación, que incluye "
                       "muchas correcciones{cite2}.",
                       "Si el problema vuelve, envíanos el archivo de registro desde Ayuda > "
                       "Exportar registros.",
                       "Nuestra página de estado muestra las incidencias en curso."}},
          {.questions = {"共有ワークスペースを開くとデスクトップアプリがクラッシュします。",
                         "昨日から同期が「保留中」のまま止まっています。"},
           .outcomes = {"アカウント {account} の診断を実行し、期限切れの同期トークンをリセット"
                        "しました。数分以内に同期が再開されます{cite}。"},
           .details = {"多くの修正が含まれているため、まず最新バージョンのアプリに更新してください"
                       "{cite2}。",
                       "問題が再発する場合は「ヘルプ > ログをエクスポート」からログファイルを"
                       "お送りください。",
                       "現在発生中の障害はステータスページで確認できます。"}},
      }},
      .docs = {{5003, "Desktop app crashes",
                "Most crashes when opening shared workspaces come from a stale local cache. "
                "Clear it under Help > Troubleshooting > Clear cache, then restart the app. "
                "Version 4.2.3 fixes a related crash."},
               {5009, "Sync stuck in pending",
                "A sync that stays pending for more than an hour usually has an expired sync "
                "token. Support can reset it; large workspaces then need up to an hour for the "
                "first full sync."},
               {5014, "API authentication errors",
                "API keys are scoped to one workspace. A 401 response means the key was "
                "revoked, rotated or belongs to another workspace. Create keys under Settings > "
                "API."},
               {5020, "Collecting logs",
                "Logs can be exported from Help > Export logs. They contain no document "
                "contents and are deleted after 30 days."}},
  };
}

Intent Compliance() {
  return {
      .name = "compliance",
      .weight = 0.06,
      .primary_tool = "create_privacy_request",
      .helper_tools = {"get_account", "search_kb"},
      .rates = kComplianceRates,
      .text = {{
          {.questions = {"Under GDPR I'd like a copy of all personal data you hold about me.",
                         "Please delete my account {account} and all associated data.",
                         "Our legal team needs your data processing agreement (DPA) for account "
                         "{account}."},
           .outcomes = {"I've opened a data export request for account {account}{cite}. You'll "
                        "receive a download link within 30 days, usually much sooner.",
                        "I've filed a deletion request for account {account}{cite}. Data is "
                        "removed from active systems within 30 days and from backups within 90 "
                        "days.",
                        "I've requested a countersigned DPA for account {account}{cite}; our "
                        "privacy team sends it to the account owner within 5 business days."},
           .details = {"Requests are verified against the account owner's email before any data "
                       "is released{cite2}.",
                       "Invoices are kept for 10 years where tax law requires it, even after "
                       "deletion.",
                       "You can track the status of privacy requests under Settings > Privacy.",
                       "Our subprocessor list is published on the trust center and updated 30 "
                       "days before changes{cite2}."}},
          {.questions = {"Gemäß DSGVO möchte ich eine Kopie aller über mich gespeicherten Daten.",
                         "Bitte löschen Sie mein Konto {account} mit allen zugehörigen Daten."},
           .outcomes = {"Ich habe eine Datenauskunft für das Konto {account} beantragt{cite}. Sie "
                        "erhalten innerhalb von 30 Tagen einen Download-Link, meist deutlich "
                        "früher."},
           .details = {"Anfragen werden vor der Herausgabe über die E-Mail des Kontoinhabers "
                       "verifiziert{cite2}.",
                       "Rechnungen bewahren wir aus steuerrechtlichen Gründen 10 Jahre auf.",
                       "Den Status Ihrer Anfrage sehen Sie unter Einstellungen > Datenschutz."}},
          {.questions = {"Conformément au RGPD, je souhaite une copie de toutes mes données "
                         "personnelles.",
                         "Merci de supprimer mon compte {account} et toutes les données "
                         "associées."},
           .outcomes = {"J'ai ouvert une demande d'export de données pour le compte "
                        "{account}{cite}. Vous recevrez un lien de téléchargement sous 30 jours, "
                        "souvent bien avant."},
           .details = {"Les demandes sont vérifiées auprès de l'adresse e-mail du titulaire avant "
                       "toute communication{cite2}.",
                       "Les factures sont conservées 10 ans lorsque la loi fiscale l'exige.",
                       "Vous pouvez suivre vos demandes dans Paramètres > Confidentialité."}},
          {.questions = {"Según el RGPD, quiero una copia de todos los datos personales que "
                         "tienen sobre mí.",
                         "Por favor, eliminen mi cuenta {account} y todos los datos asociados."},
           .outcomes = {"He abierto una solicitud de exportación de datos para la cuenta "
                        "{account}{cite}. Recibirás un enlace de descarga en un plazo de 30 días, "
                        "normalmente antes."},
           .details = {"Las solicitudes se verifican con el correo del titular antes de entregar "
                       "datos{cite2}.",
                       "Las facturas se conservan 10 años cuando la ley fiscal lo exige.",
                       "Puedes seguir el estado de tus solicitudes en Configuración > "
                       "Privacidad."}},
          {.questions = {"私に関して保有しているすべての個人データのコピーを請求します。",
                         "アカウント {account} と関連するすべてのデータを削除してください。"},
           .outcomes = {"アカウント {account} のデータエクスポート申請を受け付けました{cite}。"
                        "30日以内にダウンロードリンクをお送りします。"},
           .details = {"データをお渡しする前に、アカウント所有者のメールアドレスで本人確認を"
                       "行います{cite2}。",
                       "請求書は税法上の要件により10年間保管されます。",
                       "申請の状況は「設定 > プライバシー」で確認できます。"}},
      }},
      .docs = {{6001, "Data subject access requests",
                "Customers can request a copy of their personal data. Requests are verified "
                "against the account owner's email and fulfilled within 30 days as required by "
                "GDPR Article 15."},
               {6004, "Account and data deletion",
                "Deleted accounts are removed from active systems within 30 days and from "
                "backups within 90 days. Invoices are retained for 10 years where tax law "
                "requires it."},
               {6010, "Data processing agreement",
                "Business and Enterprise customers can request a countersigned DPA. The privacy "
                "team sends it to the account owner within 5 business days."},
               {6012, "Subprocessors",
                "The subprocessor list is published on the trust center. Customers are notified "
                "30 days before a new subprocessor is added."}},
  };
}

}  // namespace

const std::vector<Intent>& Intents() {
  static const std::vector<Intent> kIntents = [] {
    std::vector<Intent> intents = {Billing(), Refund(),    Shipping(),
                                   Account(), Technical(), Compliance()};
    for (Intent& intent : TailIntents()) intents.push_back(std::move(intent));
    return intents;
  }();
  return kIntents;
}

}  // namespace arbiter::demo
