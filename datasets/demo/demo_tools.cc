#include "datasets/demo/demo_tools.h"

#include <array>
#include <cstdlib>

#include "datasets/demo/demo_json.h"
#include "runner/base/json_util.h"

namespace arbiter::demo {
namespace {

constexpr std::array<std::string_view, 13> kToolNames = {
    "get_account",         "lookup_invoice",  "lookup_order",
    "issue_refund",        "track_shipment",  "update_account",
    "search_kb",           "run_diagnostics", "create_privacy_request",
    "cancel_subscription", "get_pricing",     "log_feedback",
    "create_ticket"};

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

// An identifier. Its wrong-typed form is what models emit when they drop an id's prefix:
// "ORD-2026-118392" becomes 118392.
ToolArg Ident(std::string_view key, std::string_view value, bool required) {
  size_t end = value.find_last_of("0123456789");
  if (end == std::string_view::npos) std::abort();  // ids always end in digits
  size_t begin = value.find_last_not_of("0123456789", end);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  while (begin < end && value[begin] == '0') ++begin;  // JSON numbers have no leading zeros
  return {key,      Quoted(value), required, std::string(value.substr(begin, end - begin + 1)),
          "number", "string"};
}

// Free text: a model that gets it wrong sends a list of strings.
ToolArg Text(std::string_view key, std::string_view value, bool required) {
  return {key, Quoted(value), required, "[" + Quoted(value) + "]", "array", "string"};
}

// An enum member: models that get it wrong tend to send an index.
ToolArg Enum(std::string_view key, std::string_view value, bool required, int index) {
  std::string wrong;
  AppendInt(wrong, index);
  return {key, Quoted(value), required, std::move(wrong), "number", "string"};
}

// A number already formatted as JSON ("49.90", "25"); wrong as the same digits in a string.
ToolArg Num(std::string_view key, std::string json, bool required, std::string_view type) {
  std::string wrong = Quoted(json);
  return {key, std::move(json), required, std::move(wrong), "string", type};
}

ToolArg Flag(std::string_view key, bool value, bool required) {
  return {key,      value ? "true" : "false", required, value ? "\"yes\"" : "\"no\"", "string",
          "boolean"};
}

ToolArg Obj(std::string_view key, std::string json, std::string_view as_text, bool required) {
  return {key, std::move(json), required, Quoted(as_text), "string", "object"};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Amount(const ToolContext& context) {
  std::string out;
  AppendAmount(out, context.amount_cents, context.minor_units);
  return out;
}

std::string Id(std::string_view prefix, DemoRng& rng, int digits) {
  std::string out(prefix);
  int64_t limit = 1;
  for (int i = 0; i < digits; ++i) limit *= 10;
  AppendInt(out, static_cast<int64_t>(rng.Below(static_cast<uint64_t>(limit))), digits);
  return out;
}

void BuildCall(std::string_view tool, const ToolContext& ctx, DemoRng& rng, ToolCall& call) {
  const Vars& v = *ctx.vars;
  std::vector<ToolArg>& args = call.args;
  JsonWriter r(call.result);
  r.BeginObject();
  if (tool == "get_account") {
    args.push_back(Ident("account_id", v.account, true));
    r.Field("account_id", v.account);
    r.Field("plan", Lower(v.plan));
    r.FieldInt("seats", rng.Range(1, 40));
    r.Field("status", rng.Chance(0.9) ? "active" : "past_due");
    r.Key("owner_verified");
    r.Bool(rng.Chance(0.85));
  } else if (tool == "lookup_invoice") {
    args.push_back(Ident("invoice_id", v.invoice, true));
    if (rng.Chance(0.5)) args.push_back(Flag("include_lines", true, false));
    r.Field("invoice_id", v.invoice);
    r.Key("amount");
    r.Raw(Amount(ctx));
    r.Field("currency", v.cur);
    r.Field("status", "paid");
    r.Field("issued", v.date);
  } else if (tool == "lookup_order") {
    args.push_back(Ident("order_id", v.order, true));
    r.Field("order_id", v.order);
    r.Field("status", rng.Chance(0.6) ? "delivered" : "shipped");
    r.FieldInt("items", rng.Range(1, 4));
    r.Key("total");
    r.Raw(Amount(ctx));
    r.Field("currency", v.cur);
  } else if (tool == "issue_refund") {
    static constexpr std::array<std::string_view, 5> kReasons = {
        "damaged", "not_received", "wrong_item", "duplicate_charge", "changed_mind"};
    int reason = static_cast<int>(rng.Below(kReasons.size()));
    args.push_back(Ident("order_id", v.order, true));
    args.push_back(Num("amount", Amount(ctx), true, "number"));
    if (rng.Chance(0.7)) args.push_back(Enum("currency", v.cur, false, 1));
    args.push_back(Enum("reason", kReasons[reason], true, reason));
    r.Field("refund_id", Id("RF-", rng, 6));
    r.Field("status", "approved");
    r.Key("amount");
    r.Raw(Amount(ctx));
    r.Field("currency", v.cur);
    r.FieldInt("eta_days", rng.Range(2, 7));
  } else if (tool == "track_shipment") {
    args.push_back(Ident("tracking_number", v.tracking, true));
    if (rng.Chance(0.6)) args.push_back(Enum("carrier", v.carrier, false, 2));
    r.Field("tracking_number", v.tracking);
    r.Field("carrier", v.carrier);
    r.Field("status", rng.Chance(0.7) ? "in_transit" : "out_for_delivery");
    r.Field("last_scan", rng.Chance(0.5) ? "Regional sort center" : "Destination depot");
    r.Field("eta", v.date);
  } else if (tool == "update_account") {
    std::string changes;
    std::string_view changed;
    switch (rng.Below(3)) {
      case 0:
        changes = "{\"password_reset\":true}";
        changed = "password_reset";
        break;
      case 1:
        changes = "{\"two_factor\":true}";
        changed = "two_factor";
        break;
      default:
        changes = "{\"email\":" + Quoted(ctx.email) + "}";
        changed = "email";
        break;
    }
    args.push_back(Ident("account_id", v.account, true));
    args.push_back(Obj("changes", std::move(changes), changed, true));
    r.Field("account_id", v.account);
    r.Key("updated");
    r.BeginArray();
    r.String(changed);
    r.EndArray();
    r.Key("confirmation_sent");
    r.Bool(true);
  } else if (tool == "search_kb") {
    std::string_view query = ctx.query.substr(0, ctx.query.find_first_of(".?!"));
    args.push_back(Text("query", query, true));
    if (rng.Chance(0.5))
      args.push_back(Num("top_k", rng.Chance(0.5) ? "3" : "5", false, "integer"));
    r.Key("results");
    r.BeginArray();
    for (std::string_view id : ctx.doc_ids) r.String(id);
    r.EndArray();
  } else if (tool == "run_diagnostics") {
    static constexpr std::array<std::string_view, 5> kComponents = {"app", "sync", "api", "login",
                                                                    "notifications"};
    int component = static_cast<int>(rng.Below(kComponents.size()));
    args.push_back(Ident("account_id", v.account, true));
    args.push_back(Enum("component", kComponents[component], true, component));
    r.Field("component", kComponents[component]);
    r.Key("findings");
    r.BeginArray();
    r.String(rng.Chance(0.5) ? "stale_sync_token" : "outdated_cache");
    r.EndArray();
    r.Field("action", "reset");
  } else if (tool == "create_privacy_request") {
    static constexpr std::array<std::string_view, 4> kTypes = {"export", "deletion", "dpa",
                                                               "rectification"};
    int type = static_cast<int>(rng.Below(kTypes.size()));
    args.push_back(Ident("account_id", v.account, true));
    args.push_back(Enum("type", kTypes[type], true, type));
    if (rng.Chance(0.5)) args.push_back(Text("jurisdiction", rng.Chance(0.7) ? "EU" : "UK", false));
    r.Field("request_id", Id("PR-", rng, 5));
    r.Field("type", kTypes[type]);
    r.Field("due", v.date);
  } else if (tool == "cancel_subscription") {
    bool now = rng.Chance(0.2);
    args.push_back(Ident("account_id", v.account, true));
    args.push_back(Enum("effective", now ? "immediately" : "end_of_term", true, now ? 0 : 1));
    if (rng.Chance(0.4)) args.push_back(Text("reason", "no longer needed", false));
    r.Field("account_id", v.account);
    r.Field("status", now ? "cancelled" : "cancel_scheduled");
    r.Field("effective_date", v.date);
  } else if (tool == "get_pricing") {
    args.push_back(Enum("plan", Lower(v.plan), true, 1));
    if (rng.Chance(0.6)) args.push_back(Text("currency", v.cur, false));
    if (rng.Chance(0.5)) args.push_back(Num("seats", "25", false, "integer"));
    r.Field("plan", Lower(v.plan));
    r.Field("currency", v.cur);
    r.Key("monthly_per_seat");
    r.Raw(Amount(ctx));
  } else if (tool == "log_feedback") {
    bool praise = rng.Chance(0.5);
    args.push_back(Enum("category", praise ? "praise" : "suggestion", true, praise ? 0 : 2));
    args.push_back(Text("text", ctx.query, true));
    r.Field("feedback_id", Id("FB-", rng, 5));
    r.Field("status", "logged");
  } else if (tool == "create_ticket") {
    args.push_back(Text("summary", "Partnership inquiry", true));
    args.push_back(Enum("priority", rng.Chance(0.7) ? "normal" : "high", true, 1));
    if (rng.Chance(0.5)) args.push_back(Text("queue", "partnerships", false));
    r.Field("ticket_id", v.ticket);
    r.Field("queue", "partnerships");
    r.Field("status", "open");
  } else {
    std::abort();  // a tool without arguments: a typo in the intent tables
  }
  r.EndObject();
}

}  // namespace

std::span<const std::string_view> ToolNames() { return kToolNames; }

ToolCall MakeToolCall(std::string_view tool, const ToolContext& context, DemoRng& rng) {
  ToolCall call;
  call.name = std::string(tool);
  BuildCall(tool, context, rng, call);
  return call;
}

void BreakArguments(ToolCall& call, DemoRng& rng) {
  std::vector<size_t> required;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (call.args[i].required) required.push_back(i);
  }
  // Every tool has a required argument, so both breakages are always possible.
  size_t target = required[rng.Below(required.size())];
  ToolArg& arg = call.args[target];
  call.error = "invalid arguments: ";
  if (rng.Chance(0.5)) {
    call.error += "missing required property '" + std::string(arg.key) + "'";
    call.args.erase(call.args.begin() + static_cast<std::ptrdiff_t>(target));
  } else {
    call.error += "property '" + std::string(arg.key) + "' must be " + std::string(arg.type) +
                  ", got " + std::string(arg.wrong_type);
    arg.json = arg.wrong_json;
  }
  call.result.clear();
}

void FailCall(ToolCall& call, DemoRng& rng) {
  static constexpr std::array<std::string_view, 4> kErrors = {
      "timeout after 5000 ms", "503 Service Unavailable", "429 Too Many Requests: retry after 2s",
      "500 Internal Server Error"};
  call.error = std::string(kErrors[rng.Below(kErrors.size())]);
  call.result.clear();
}

}  // namespace arbiter::demo
