#include "datasets/demo/demo_generator.h"

#include <string_view>

#include "datasets/demo/demo_answer.h"
#include "datasets/demo/demo_json.h"
#include "datasets/demo/demo_template.h"
#include "datasets/demo/demo_tools.h"
#include "datasets/demo/demo_trace.h"

namespace arbiter::demo {
namespace {

constexpr size_t kMaxOpenSessions = 12;
constexpr size_t kReturningUsers = 64;
constexpr double kNewSessionRate = 0.4;
constexpr double kReturningUserRate = 0.25;
constexpr double kStatusErrorRate = 0.025;      // the model call failed: no output
constexpr double kNaturalToolErrorRate = 0.05;  // a tool failed and the answer says so
constexpr double kInputEmailRate = 0.08;        // the user writes their email in the request
constexpr double kHistoryRate = 0.30;           // a later turn carries the previous one

constexpr double kTurnWeights[] = {.35, .25, .17, .11, .07, .05};  // traces per session: 1..6
constexpr double kLangWeights[] = {.52, .16, .12, .11, .09};
constexpr double kPersonaWeights[] = {.55, .30, .15};
// Channels by persona: web_chat, mobile_app, email, api.
constexpr double kChannelWeights[3][4] = {
    {.50, .35, .15, 0}, {.45, .15, .30, .10}, {.30, 0, .25, .45}};
constexpr double kModelWeights[] = {.45, .25, .20, .10};  // as kModels
constexpr double kPromptWeights[] = {.15, .50, .35};      // v11, v12, v13

const std::vector<double>& IntentWeights() {
  static const std::vector<double> kWeights = [] {
    std::vector<double> weights;
    for (const Intent& intent : Intents()) weights.push_back(intent.weight);
    return weights;
  }();
  return kWeights;
}

constexpr std::string_view kEmailNames[] = {
    "anna.keller", "james.miller", "lea.dubois",   "carlos.ruiz", "kenji.sato",  "sofia.rossi",
    "tom.becker",  "emma.wilson",  "lucas.martin", "yuki.tanaka", "marta.lopez", "noah.schmidt"};
constexpr std::string_view kEmailDomains[] = {"example.com", "example.org", "example.net"};
constexpr std::string_view kCards[] = {"4242 4242 4242 4242", "4111 1111 1111 1111",
                                       "5555 5555 5555 4444", "4000-0566-5566-5556",
                                       "3782 822463 10005"};
constexpr std::string_view kCarriers[kLangCount][2] = {{"UPS", "FedEx"},
                                                       {"DHL", "DPD"},
                                                       {"Colissimo", "DPD"},
                                                       {"SEUR", "DHL"},
                                                       {"Yamato", "JapanPost"}};
constexpr std::string_view kInputEmail[kLangCount] = {
    " My email is {pii}.", " Meine E-Mail-Adresse: {pii}.", " Mon adresse e-mail : {pii}.",
    " Mi correo es {pii}.", "メールアドレスは {pii} です。"};

std::string Digits(DemoRng& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng.Below(10)));
  return out;
}

std::string Email(DemoRng& rng) {
  std::string out(rng.Pick(kEmailNames));
  if (rng.Chance(0.5)) out += Digits(rng, 2);
  out += '@';
  out += rng.Pick(kEmailDomains);
  return out;
}

// A phone number in the format of the user's country.
std::string Phone(Lang lang, DemoRng& rng) {
  switch (lang) {
    case kDe:
      return "+49 30 " + Digits(rng, 4) + " " + Digits(rng, 4);
    case kFr:
      return "+33 6 " + Digits(rng, 2) + " " + Digits(rng, 2) + " " + Digits(rng, 2) + " " +
             Digits(rng, 2);
    case kEs:
      return "+34 612 " + Digits(rng, 3) + " " + Digits(rng, 3);
    case kJa:
      return "+81 3-" + Digits(rng, 4) + "-" + Digits(rng, 4);
    default:
      return "+1 (415) 555-01" + Digits(rng, 2);
  }
}

std::string Tracking(DemoRng& rng) {
  static constexpr std::string_view kAlnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
  std::string out = "1Z";
  for (int i = 0; i < 6; ++i) out.push_back(kAlnum[rng.Below(kAlnum.size())]);
  return out + Digits(rng, 10);
}

// A document id that was not retrieved, the way models invent them: one past the end for
// numbered ids (doc{n} when only doc0..doc{n-1} exist is the classic off-by-one), or a
// plausible knowledge-base number.
std::string InventedId(int style, const std::vector<std::string>& ids, DemoRng& rng) {
  auto retrieved = [&](const std::string& id) {
    for (const std::string& known : ids) {
      if (known == id) return true;
    }
    return false;
  };
  std::string id;
  do {
    id.clear();
    if (style == 1) {
      id = "KB-";
      AppendInt(id, rng.Range(1000, 9999));
    } else {
      id = "doc";
      AppendInt(id, static_cast<int64_t>(ids.size()) + rng.Range(style == 2 ? 0 : 1, 3));
    }
  } while (retrieved(id));
  return id;
}

}  // namespace

DemoGenerator::DemoGenerator(uint64_t seed) : rng_(seed), clock_(kDemoEpoch) {}

DemoGenerator::User DemoGenerator::NewUser() {
  User user;
  user.id = "u-";
  AppendInt(user.id, static_cast<int64_t>(++users_), 5);
  user.account = "ACC-" + Digits(rng_, 6);
  user.email = Email(rng_);
  user.lang = static_cast<Lang>(rng_.Weighted(kLangWeights));
  user.persona = static_cast<int>(rng_.Weighted(kPersonaWeights));
  user.channel = static_cast<int>(rng_.Weighted(kChannelWeights[user.persona]));
  user.prefers_json = rng_.Chance(user.channel == kApiChannel ? 0.85 : 0.06);
  switch (user.lang) {
    case kEn:
      user.currency = rng_.Chance(0.7) ? "USD" : "GBP";
      break;
    case kJa:
      user.currency = "JPY";
      break;
    default:
      user.currency = "EUR";
  }
  user.plan = user.persona == 0   ? "Starter"
              : user.persona == 2 ? "Enterprise"
              : rng_.Chance(0.6)  ? "Team"
                                  : "Business";
  return user;
}

DemoGenerator::Session& DemoGenerator::PickSession() {
  if (!open_.empty() && (open_.size() >= kMaxOpenSessions || !rng_.Chance(kNewSessionRate))) {
    return open_[rng_.Below(open_.size())];
  }
  Session session;
  session.id = "s-";
  AppendInt(session.id, static_cast<int64_t>(++sessions_), 6);
  if (!returning_.empty() && rng_.Chance(kReturningUserRate)) {
    session.user = rng_.Pick(returning_);
  } else {
    session.user = NewUser();
    if (returning_.size() < kReturningUsers) {
      returning_.push_back(session.user);
    } else {
      returning_[users_ % kReturningUsers] = session.user;
    }
  }
  session.intent = &Intents()[rng_.Weighted(IntentWeights())];
  session.model = static_cast<int>(rng_.Weighted(kModelWeights));
  session.prompt_version = static_cast<int>(rng_.Weighted(kPromptWeights));
  session.remaining = static_cast<int>(rng_.Weighted(kTurnWeights)) + 1;
  open_.push_back(std::move(session));
  return open_.back();
}

void DemoGenerator::Next(std::string& traces, std::string* truth) {
  Session& session = PickSession();
  const User& user = session.user;
  if (session.turns > 0 && rng_.Chance(0.3)) {
    session.intent = &Intents()[rng_.Weighted(IntentWeights())];
  }
  clock_ += rng_.Range(1, 45);

  TraceDraft d;
  d.trace_id = "t-";
  AppendInt(d.trace_id, static_cast<int64_t>(++traces_), 6);
  d.session_id = session.id;
  d.user_id = user.id;
  d.time = clock_;
  d.intent = session.intent;
  d.lang = user.lang;
  d.persona = user.persona;
  d.channel = user.channel;
  d.plan = user.plan;
  d.json = user.prefers_json;
  d.model = session.model;
  d.prompt_version = session.prompt_version;
  d.turn = ++session.turns;
  if (rng_.Chance(kHistoryRate)) {  // some clients replay the previous turn
    d.history_input = session.last_input;
    d.history_output = session.last_output;
  }
  const Rates& rates = d.intent->rates;

  // Which failures this trace carries. Answer-level modes need an answer (no model error) that
  // is not a refusal; length modes need a text answer; invalid JSON needs a json answer.
  auto& inj = injected_;
  inj.fill(false);
  d.status_error = rng_.Chance(kStatusErrorRate);
  inj[kRefusal] = !d.status_error && rng_.Chance(rates[kRefusal]);
  const bool answers = !d.status_error && !inj[kRefusal];
  inj[kInvalidJson] = d.json && !d.status_error && rng_.Chance(rates[kInvalidJson]);
  inj[kAnswerTooLong] = answers && !d.json && rng_.Chance(rates[kAnswerTooLong]);
  inj[kOverlengthNoSummary] =
      answers && !d.json && !inj[kAnswerTooLong] && rng_.Chance(rates[kOverlengthNoSummary]);
  inj[kInventedCitation] = answers && rng_.Chance(rates[kInventedCitation]);
  inj[kPiiLeak] = answers && rng_.Chance(rates[kPiiLeak]);
  inj[kWrongTool] = rng_.Chance(rates[kWrongTool]);
  inj[kToolArgumentError] = !inj[kRefusal] && rng_.Chance(rates[kToolArgumentError]);
  inj[kRepeatedToolCall] = rng_.Chance(rates[kRepeatedToolCall]);
  inj[kToolErrorUnacknowledged] = answers && rng_.Chance(rates[kToolErrorUnacknowledged]);

  // Values the texts and tools refer to.
  Vars& v = d.vars;
  v.order = "ORD-2026-" + Digits(rng_, 6);
  v.invoice = "INV-2026-" + Digits(rng_, 5);
  d.minor_units = user.currency != "JPY";
  d.amount_cents = d.minor_units ? rng_.Range(500, 25000) : rng_.Range(50, 3000) * 10;
  AppendAmount(v.amount, d.amount_cents, d.minor_units);
  v.cur = user.currency;
  v.tracking = Tracking(rng_);
  v.carrier = std::string(kCarriers[d.lang][rng_.Below(2)]);
  AppendDate(v.date, clock_ + 86400 * rng_.Range(1, 7));
  v.account = user.account;
  v.plan = user.plan;
  v.ticket = "TCK-" + Digits(rng_, 5);

  const IntentText& text = d.intent->text[d.lang];
  Expand(d.input, rng_.Pick(text.questions), v);
  if (rng_.Chance(kInputEmailRate)) {
    Vars with_email = v;
    with_email.pii = user.email;
    Expand(d.input, kInputEmail[d.lang], with_email);
  }

  PickDocuments(d, rng_);
  if (inj[kInventedCitation]) d.invented_id = InventedId(d.id_style, d.doc_ids, rng_);

  // Tool calls: optional helpers, then the intent's tool (or, injected, another intent's).
  ToolContext context{&v, d.input, user.email, {}, d.amount_cents, d.minor_units};
  for (const std::string& id : d.kb_ids) context.doc_ids.push_back(id);
  for (std::string_view helper : d.intent->helper_tools) {
    if (rng_.Chance(0.5)) d.calls.push_back(MakeToolCall(helper, context, rng_));
  }
  std::string_view primary = d.intent->primary_tool;
  if (inj[kWrongTool]) primary = WrongTool(*d.intent, rng_);
  d.calls.push_back(MakeToolCall(primary, context, rng_));
  if (inj[kToolArgumentError]) {
    size_t target = rng_.Chance(0.7) ? d.calls.size() - 1 : rng_.Below(d.calls.size());
    BreakArguments(d.calls[target], rng_);
  }
  if (!inj[kRefusal] && (rng_.Chance(kNaturalToolErrorRate) || inj[kToolErrorUnacknowledged])) {
    ToolCall& call = d.calls[rng_.Below(d.calls.size())];
    if (call.error.empty()) FailCall(call, rng_);
  }
  if (inj[kRepeatedToolCall]) {
    size_t index = rng_.Below(d.calls.size());
    ToolCall copy = d.calls[index];
    int copies = rng_.Chance(0.8) ? 1 : 2;
    for (int i = 0; i < copies; ++i) {
      d.calls.insert(d.calls.begin() + static_cast<std::ptrdiff_t>(index) + 1, copy);
    }
  }

  // The model's own escalation flag (the JSON answer's `escalate`).
  d.model_escalates = inj[kRefusal] || (d.intent->name == "compliance" && rng_.Chance(0.2));
  if (!d.status_error) {
    AnswerSpec spec;
    spec.intent = d.intent;
    spec.lang = d.lang;
    spec.json = d.json;
    spec.escalate = d.model_escalates;
    spec.injected = inj;
    spec.doc_ids = d.doc_ids;
    spec.docs = d.docs;
    spec.invented_id = d.invented_id;
    for (const ToolCall& call : d.calls) {
      if (!call.error.empty()) spec.failed_tools.push_back(call.name);
    }
    if (inj[kPiiLeak]) {
      spec.pii_kind = static_cast<int>(rng_.Below(3));
      spec.pii = spec.pii_kind == 0   ? (rng_.Chance(0.3) ? user.email : Email(rng_))
                 : spec.pii_kind == 1 ? Phone(d.lang, rng_)
                                      : std::string(rng_.Pick(kCards));
      v.pii = spec.pii;
    }
    d.output = BuildAnswer(spec, v, rng_);
  }

  FinishTrace(d, inj, rng_);
  WriteTrace(d, traces);
  if (truth != nullptr) WriteTruth(d.trace_id, inj, *truth);

  session.last_input = d.input;
  session.last_output = d.output;
  if (--session.remaining == 0) {
    size_t index = static_cast<size_t>(&session - open_.data());
    open_[index] = std::move(open_.back());
    open_.pop_back();
  }
}

}  // namespace arbiter::demo
