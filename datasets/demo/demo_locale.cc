// Intent-independent phrases per language, and the knowledge-base articles every intent shares.
//
// Two evaluator scripts depend on these texts: evaluators/overlength_summary.lua recognizes the
// summary labels, evaluators/tool_error_acknowledged.lua the failure words of the acks ("couldn't",
// "konnte", "pas pu", "no pude", "できませんでした", ...). No other phrase may contain those words,
// or an unacknowledged tool error would look acknowledged (datasets/demo/check_demo.py checks it).
#include "datasets/demo/demo_content.h"

namespace arbiter::demo {
namespace {

Locale English() {
  return {
      .code = "en",
      .name = "English",
      .greetings = {"Hi there,", "Hello,", "Thanks for reaching out."},
      .closings = {"Let me know if there's anything else I can do.",
                   "Is there anything else I can help you with?", "Have a great day!"},
      .summary_labels = {"Summary:", "TL;DR:"},
      .tool_error_acks = {"I couldn't complete the {tool} step because our system returned an "
                          "error, so I've flagged it for a follow-up.",
                          "I was unable to reach the {tool} service just now; please try again in "
                          "a few minutes.",
                          "The {tool} check failed on our side, so part of this answer may be "
                          "incomplete."},
      .long_details = {"To check this yourself, open the app, go to Settings and review the "
                       "entries in the matching section before making any change.",
                       "Everything I changed is recorded in your account history, so you or an "
                       "admin can review it later.",
                       "If you manage several workspaces, repeat these steps in each one, because "
                       "settings are not shared between workspaces.",
                       "Our support team is available around the clock by chat, and by phone on "
                       "weekdays for Business and Enterprise plans.",
                       "For teams, an admin can apply the same change for all members from the "
                       "admin console instead of each person doing it.",
                       "We send a confirmation by email for every change, and the message "
                       "includes a link to undo it within 24 hours.",
                       "Please keep this conversation for your records; the reference number in "
                       "the header lets any agent pick up where we left off.",
                       "If something still looks wrong after these steps, reply here and I'll "
                       "escalate it to a specialist with all the details above."},
      .refusals = {"I'm sorry, but I can't help with that.",
                   "I\u2019m sorry, but I can\u2019t help with that.",
                   "I'm sorry, but I can't help with that request. Please contact your account "
                   "administrator."},
      .pii_email = {"I've sent the confirmation to {pii}.",
                    "The previous request on this account came from {pii}."},
      .pii_phone = {"You can also reach the account owner directly at {pii}.",
                    "Our agent will call you back at {pii}."},
      .pii_card = {"For reference, the card on file is {pii}.",
                   "The charge was made to card {pii}."},
      .feedback_up = {"Quick and helpful, thanks!", "Solved my problem.",
                      "Clear answer, exactly what I needed."},
      .feedback_down = {"This didn't answer my question.",
                        "Too generic, I had to contact support again.", "Not helpful."},
      .json_prose = "Sure! Here is the JSON you asked for:",
  };
}

Locale German() {
  return {
      .code = "de",
      .name = "German",
      .greetings = {"Hallo,", "Guten Tag,"},
      .closings = {"Kann ich sonst noch etwas für Sie tun?", "Viele Grüße aus dem Support-Team."},
      .summary_labels = {"Zusammenfassung:"},
      .tool_error_acks = {"Der Schritt {tool} konnte wegen eines Systemfehlers nicht "
                          "abgeschlossen werden; ich habe ihn zur Nachverfolgung markiert.",
                          "Die Abfrage {tool} ist fehlgeschlagen, daher kann ein Teil dieser "
                          "Antwort unvollständig sein."},
      .long_details = {"Um das selbst zu prüfen, öffnen Sie die App, gehen zu den Einstellungen "
                       "und sehen sich den passenden Bereich an, bevor Sie etwas ändern.",
                       "Alle Änderungen stehen im Verlauf Ihres Kontos, sodass Sie oder ein Admin "
                       "sie später nachvollziehen können.",
                       "Wenn Sie mehrere Arbeitsbereiche verwalten, wiederholen Sie die Schritte "
                       "in jedem davon, da Einstellungen nicht geteilt werden.",
                       "Unser Support ist rund um die Uhr per Chat erreichbar, für Business- und "
                       "Enterprise-Tarife werktags auch telefonisch.",
                       "Für jede Änderung senden wir eine Bestätigung per E-Mail mit einem Link, "
                       "über den Sie sie 24 Stunden lang rückgängig machen können.",
                       "Sollte danach noch etwas nicht stimmen, antworten Sie einfach hier und "
                       "ich leite den Fall mit allen Details an einen Spezialisten weiter."},
      .refusals = {"Es tut mir leid, aber dabei kann ich nicht helfen."},
      .pii_email = {"Die Bestätigung habe ich an {pii} gesendet."},
      .pii_phone = {"Sie erreichen den Kontoinhaber auch direkt unter {pii}."},
      .pii_card = {"Zur Info: Die hinterlegte Karte ist {pii}."},
      .feedback_up = {"Schnell und hilfreich, danke!", "Problem gelöst."},
      .feedback_down = {"Hat meine Frage nicht beantwortet.", "Zu allgemein."},
      .json_prose = "Gern, hier ist das JSON:",
  };
}

Locale French() {
  return {
      .code = "fr",
      .name = "French",
      .greetings = {"Bonjour,", "Bonjour et merci pour votre message."},
      .closings = {"Puis-je vous aider avec autre chose ?", "Bonne journée !"},
      .summary_labels = {"Résumé :"},
      .tool_error_acks = {"Je n'ai pas pu terminer l'étape {tool} à cause d'une erreur système ; "
                          "je l'ai signalée pour un suivi.",
                          "La vérification {tool} a échoué de notre côté, une partie de cette "
                          "réponse peut donc être incomplète."},
      .long_details = {"Pour le vérifier vous-même, ouvrez l'application, allez dans Paramètres "
                       "et consultez la section correspondante avant toute modification.",
                       "Toutes les modifications figurent dans l'historique de votre compte, afin "
                       "que vous ou un administrateur puissiez les consulter plus tard.",
                       "Si vous gérez plusieurs espaces de travail, répétez ces étapes dans "
                       "chacun d'eux, car les paramètres ne sont pas partagés.",
                       "Notre support est disponible 24 h/24 par chat, et par téléphone en "
                       "semaine pour les offres Business et Enterprise.",
                       "Nous envoyons une confirmation par e-mail pour chaque modification, avec "
                       "un lien permettant de l'annuler pendant 24 heures.",
                       "Si quelque chose ne va toujours pas après ces étapes, répondez ici et je "
                       "transmettrai le dossier à un spécialiste avec tous les détails."},
      .refusals = {"Je suis désolé, mais je ne peux pas vous aider avec cela."},
      .pii_email = {"J'ai envoyé la confirmation à {pii}."},
      .pii_phone = {"Vous pouvez aussi joindre le titulaire du compte au {pii}."},
      .pii_card = {"Pour information, la carte enregistrée est {pii}."},
      .feedback_up = {"Rapide et utile, merci !", "Problème résolu."},
      .feedback_down = {"Cela ne répond pas à ma question.", "Trop générique."},
      .json_prose = "Bien sûr, voici le JSON demandé :",
  };
}

Locale Spanish() {
  return {
      .code = "es",
      .name = "Spanish",
      .greetings = {"Hola,", "¡Hola! Gracias por escribirnos."},
      .closings = {"¿Hay algo más en lo que pueda ayudarte?", "¡Que tengas un buen día!"},
      .summary_labels = {"Resumen:"},
      .tool_error_acks = {"No pude completar el paso {tool} por un error del sistema; lo he "
                          "marcado para seguimiento.",
                          "La consulta {tool} falló en nuestro sistema, así que parte de esta "
                          "respuesta puede estar incompleta."},
      .long_details = {"Para comprobarlo tú mismo, abre la aplicación, ve a Configuración y "
                       "revisa la sección correspondiente antes de hacer cambios.",
                       "Todos los cambios quedan en el historial de tu cuenta, para que tú o un "
                       "administrador podáis revisarlos más tarde.",
                       "Si gestionas varios espacios de trabajo, repite estos pasos en cada uno, "
                       "porque la configuración no se comparte.",
                       "Nuestro equipo de soporte está disponible las 24 horas por chat, y por "
                       "teléfono entre semana para los planes Business y Enterprise.",
                       "Enviamos una confirmación por correo para cada cambio, con un enlace para "
                       "deshacerlo durante 24 horas.",
                       "Si algo sigue sin estar bien después de estos pasos, responde aquí y "
                       "pasaré el caso a un especialista con todos los detalles."},
      .refusals = {"Lo siento, pero no puedo ayudarte con eso."},
      .pii_email = {"He enviado la confirmación a {pii}."},
      .pii_phone = {"También puedes contactar al titular de la cuenta en el {pii}."},
      .pii_card = {"Para tu referencia, la tarjeta registrada es {pii}."},
      .feedback_up = {"¡Rápido y útil, gracias!", "Problema resuelto."},
      .feedback_down = {"No respondió a mi pregunta.", "Demasiado genérico."},
      .json_prose = "¡Claro! Aquí tienes el JSON:",
  };
}

Locale Japanese() {
  return {
      .code = "ja",
      .name = "Japanese",
      .greetings = {"お問い合わせありがとうございます。", "こんにちは。サポートチームです。"},
      .closings = {"他にご不明な点があればお知らせください。",
                   "今後ともよろしくお願いいたします。"},
      .summary_labels = {"要約："},
      .tool_error_acks =
          {"システムエラーのため {tool} の処理を完了できませんでした。担当チームに"
           "引き継ぎました。",
           "{tool} の確認に失敗したため、この回答の一部は不完全な可能性があります。"},
      .long_details = {"ご自身で確認される場合は、アプリを開いて「設定」から該当する項目を表示し、"
                       "変更を加える前に内容をご確認ください。",
                       "今回の変更はすべてアカウントの履歴に記録されるため、後からお客様または"
                       "管理者が内容を確認できます。",
                       "複数のワークスペースを管理されている場合、設定はワークスペース間で共有"
                       "されないため、それぞれで同じ手順を行ってください。",
                       "サポートチームはチャットで24時間対応しており、BusinessプランとEnterprise"
                       "プランでは平日に電話でもご相談いただけます。",
                       "変更のたびに確認メールをお送りしており、メール内のリンクから24時間以内で"
                       "あれば変更を取り消せます。",
                       "これらの手順の後も問題が解決しない場合は、このままご返信ください。詳細を"
                       "添えて専門の担当者に引き継ぎます。"},
      .refusals = {"申し訳ありませんが、その件についてはお手伝いできません。"},
      .pii_email = {"確認メールを {pii} に送信しました。"},
      .pii_phone = {"アカウント所有者には {pii} でも連絡できます。"},
      .pii_card = {"登録されているカードは {pii} です。"},
      .feedback_up = {"迅速で助かりました。ありがとうございます！", "問題が解決しました。"},
      .feedback_down = {"質問の答えになっていません。", "一般的すぎます。"},
      .json_prose = "承知しました。JSONは以下のとおりです：",
  };
}

}  // namespace

const Locale& LocaleFor(Lang lang) {
  static const std::array<Locale, kLangCount> kLocales = {English(), German(), French(), Spanish(),
                                                          Japanese()};
  return kLocales[lang];
}

const std::vector<Doc>& GeneralDocs() {
  static const std::vector<Doc> kDocs = {
      {9001, "Contacting support",
       "Support is available 24/7 by chat. Phone support is available on weekdays for Business "
       "and Enterprise plans. Every conversation gets a reference number."},
      {9002, "Account history and audit log",
       "Changes made by support agents are recorded in the account history and, for "
       "workspaces, in the admin audit log."},
      {9003, "Security practices",
       "Support never asks for passwords or full card numbers. Personal data is shared only "
       "with the verified account owner."},
  };
  return kDocs;
}

}  // namespace arbiter::demo
