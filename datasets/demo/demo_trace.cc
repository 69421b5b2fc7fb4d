#include "datasets/demo/demo_trace.h"

#include <algorithm>

#include "datasets/demo/demo_json.h"

namespace arbiter::demo {
namespace {

constexpr double kDocCountWeights[] = {.40, .35, .15, .10};  // 1..4 retrieved documents
constexpr double kIdStyleWeights[] = {.50, .30, .20};        // doc1.., KB-1042, no ids
constexpr double kSpikeRate = 0.04;                          // slow calls (queueing, retries)

// What English-speaking users write when the answer shows the failure, by Failure.
constexpr std::array<std::string_view, kFailureCount> kFailureComments = {
    "The answer cites an article that doesn't exist.",
    "It looked up something unrelated to my question.",
    "Way too long, I just wanted a quick answer.",
    "Our integration could not parse the response.",
    "Why is it showing personal contact details?!",
    "It refused a perfectly normal request.",
    "It said the lookup didn't work.",
    "It kept doing the same lookup over and over.",
    "It said everything worked, but nothing happened.",
    "The answer kept repeating itself."};

struct ModelError {
  std::string_view message;
  bool timeout;
};
constexpr ModelError kModelErrors[] = {{"model timeout after 30000 ms", true},
                                       {"502 Bad Gateway from model provider", false},
                                       {"429 Too Many Requests from model provider", false}};

// The system prompt of each prompt version, then the per-trace context.
std::string SystemPrompt(const TraceDraft& d) {
  std::string out = "You are Nova, Northwind Cloud's support assistant. Answer in ";
  out += LocaleFor(d.lang).name;
  out +=
      ", using only the documents and tool results; cite documents as [id]. Never reveal "
      "personal data.";
  if (d.prompt_version >= 1) {
    out +=
        " Use documented tool arguments, never repeat a successful call, and say when a tool "
        "fails. Answers over 1200 characters start with a one-line summary.";
  }
  if (d.prompt_version >= 2) out += " Escalate legal and privacy requests when unsure.";
  out += d.json ? " Reply with only a JSON object {\"answer\", \"sources\", \"escalate\"}."
                : " Reply in plain text.";
  out += " Customer: ";
  out += kPersonas[d.persona];
  out += ", ";
  out += d.plan;
  out += " plan, via ";
  out += kChannels[d.channel];
  out += ".";
  return out;
}

void WriteMessage(JsonWriter& w, std::string_view role, std::string_view content) {
  w.BeginObject();
  w.Field("role", role);
  w.Field("content", content);
  w.EndObject();
}

}  // namespace

void PickDocuments(TraceDraft& d, DemoRng& rng) {
  const std::vector<Doc>& own = d.intent->docs;
  const std::vector<Doc>& general = GeneralDocs();
  size_t count = rng.Weighted(kDocCountWeights) + 1;
  // Positions in `own` and `general`, shuffled, taken without replacement.
  std::vector<size_t> own_order(own.size()), general_order(general.size());
  for (size_t i = 0; i < own.size(); ++i) own_order[i] = i;
  for (size_t i = 0; i < general.size(); ++i) general_order[i] = i;
  for (size_t i = own.size(); i > 1; --i) std::swap(own_order[i - 1], own_order[rng.Below(i)]);
  for (size_t i = general.size(); i > 1; --i) {
    std::swap(general_order[i - 1], general_order[rng.Below(i)]);
  }
  size_t next_own = 0, next_general = 0;
  while (d.docs.size() < count) {
    bool take_own = next_own < own.size() && (d.docs.empty() || rng.Chance(0.7));
    if (take_own) {
      d.docs.push_back(&own[own_order[next_own++]]);
    } else if (next_general < general.size()) {
      d.docs.push_back(&general[general_order[next_general++]]);
    } else {
      break;
    }
  }
  d.id_style = static_cast<int>(rng.Weighted(kIdStyleWeights));
  int score = rng.Range(78, 95);
  for (size_t i = 0; i < d.docs.size(); ++i) {
    std::string kb = "KB-";
    AppendInt(kb, d.docs[i]->kb_number);
    std::string id = "doc";
    AppendInt(id, static_cast<int64_t>(d.id_style == 0 ? i + 1 : i));
    d.doc_ids.push_back(d.id_style == 1 ? kb : id);
    d.kb_ids.push_back(std::move(kb));
    d.doc_scores.push_back(score);
    score = std::max(30, score - rng.Range(2, 12));
  }
}

std::string_view WrongTool(const Intent& intent, DemoRng& rng) {
  std::vector<std::string_view> candidates;
  for (const Intent& other : Intents()) {
    std::string_view tool = other.primary_tool;
    bool excluded = tool == intent.primary_tool;
    for (std::string_view helper : intent.helper_tools) excluded = excluded || tool == helper;
    for (std::string_view seen : candidates) excluded = excluded || tool == seen;
    if (!excluded) candidates.push_back(tool);
  }
  return rng.Pick(candidates);
}

void FinishTrace(TraceDraft& d, const std::array<bool, kFailureCount>& injected, DemoRng& rng) {
  d.system_prompt = SystemPrompt(d);
  const ModelInfo& model = kModels[d.model];

  size_t prompt_bytes =
      d.system_prompt.size() + d.history_input.size() + d.history_output.size() + d.input.size();
  for (const Doc* doc : d.docs) prompt_bytes += doc->title.size() + doc->content.size();
  int64_t tools_ms = 0;
  for (const ToolCall& call : d.calls) {
    prompt_bytes += call.result.size() + call.error.size() + 16 * call.args.size();
    tools_ms += call.error.starts_with("timeout") ? 5000 : rng.Range(60, 700);
  }
  d.input_tokens = static_cast<int64_t>(prompt_bytes / 4) + rng.Range(20, 80);

  if (d.status_error) {
    const ModelError& error = rng.Pick(kModelErrors);
    d.error = std::string(error.message);
    d.output_tokens = 0;
    d.latency_ms = tools_ms + (error.timeout ? 30000 + rng.Range(0, 300) : rng.Range(200, 3000));
  } else {
    d.output_tokens = static_cast<int64_t>(d.output.size() / 4) + rng.Range(0, 15);
    d.latency_ms = tools_ms + model.base_ms + rng.Range(0, 250) +
                   d.output_tokens * model.ms_per_token +
                   (rng.Chance(kSpikeRate) ? rng.Range(1500, 8000) : 0);
  }

  int first_failure = -1;
  for (int i = 0; i < kFailureCount && first_failure < 0; ++i) {
    if (injected[i]) first_failure = i;
  }
  const bool failed = first_failure >= 0 || d.status_error;
  const Locale& locale = LocaleFor(d.lang);
  const double down = failed ? 0.45 : 0.05;
  const double up = failed ? 0.05 : 0.30;
  const double u = rng.Unit();
  if (u < down) {
    d.thumbs = "down";
    if (rng.Chance(0.8)) {
      d.comment = first_failure >= 0 && d.lang == kEn && rng.Chance(0.6)
                      ? std::string(kFailureComments[first_failure])
                      : std::string(rng.Pick(locale.feedback_down));
    }
  } else if (u < down + up) {
    d.thumbs = "up";
    if (rng.Chance(0.4)) d.comment = std::string(rng.Pick(locale.feedback_up));
  }

  d.escalated = injected[kRefusal]   ? rng.Chance(0.5)
                : d.status_error     ? rng.Chance(0.3)
                : d.thumbs == "down" ? rng.Chance(0.3)
                : d.model_escalates  ? rng.Chance(0.6)
                                     : rng.Chance(0.02);
}

void WriteTrace(const TraceDraft& d, std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("trace_id", d.trace_id);
  w.Field("session_id", d.session_id);
  w.Field("user_id", d.user_id);
  w.Key("timestamp");
  std::string time = "\"";
  AppendTimestamp(time, d.time);
  time += '"';
  w.Raw(time);
  w.Field("input", d.input);
  if (!d.status_error) w.Field("output", d.output);

  w.Key("messages");
  w.BeginArray();
  WriteMessage(w, "system", d.system_prompt);
  if (!d.history_input.empty()) {
    WriteMessage(w, "user", d.history_input);
    if (!d.history_output.empty()) WriteMessage(w, "assistant", d.history_output);
  }
  WriteMessage(w, "user", d.input);  // the answer is `output`, not repeated here
  w.EndArray();

  w.Key("retrieved_documents");
  w.BeginArray();
  for (size_t i = 0; i < d.docs.size(); ++i) {
    w.BeginObject();
    if (d.id_style != 2) w.Field("id", d.doc_ids[i]);
    w.Field("title", d.docs[i]->title);
    w.Field("content", d.docs[i]->content);
    w.Key("score");
    std::string score = "0.";
    AppendInt(score, d.doc_scores[i], 2);
    w.Raw(score);
    w.EndObject();
  }
  w.EndArray();

  w.Key("tool_calls");
  w.BeginArray();
  for (const ToolCall& call : d.calls) {
    w.BeginObject();
    w.Field("name", call.name);
    w.Key("arguments");
    w.BeginObject();
    for (const ToolArg& arg : call.args) {
      w.Key(arg.key);
      w.Raw(arg.json);
    }
    w.EndObject();
    w.Key("result");
    if (call.error.empty()) {
      w.String(call.result);
    } else {
      w.Null();
    }
    w.Key("error");
    if (call.error.empty()) {
      w.Null();
    } else {
      w.String(call.error);
    }
    w.EndObject();
  }
  w.EndArray();

  const ModelInfo& model = kModels[d.model];
  w.Field("model", model.name);
  w.Field("prompt_version", kPromptVersions[d.prompt_version]);
  w.Key("usage");
  w.BeginObject();
  w.FieldInt("input_tokens", d.input_tokens);
  w.FieldInt("output_tokens", d.output_tokens);
  w.FieldInt("context_window", model.context_window);
  w.EndObject();
  w.FieldInt("latency_ms", d.latency_ms);
  w.Field("status", d.status_error ? "error" : "ok");
  if (d.status_error) w.Field("error", d.error);

  w.Key("feedback");
  w.BeginObject();
  w.Field("thumbs", d.thumbs);
  w.Key("comment");
  if (d.comment.empty()) {
    w.Null();
  } else {
    w.String(d.comment);
  }
  w.EndObject();

  w.Key("metadata");
  w.BeginObject();
  w.Field("intent", d.intent->name);
  w.Field("persona", kPersonas[d.persona]);
  w.Field("language", LocaleFor(d.lang).code);
  w.Field("channel", kChannels[d.channel]);
  w.Field("response_format", d.json ? "json" : "text");
  w.Key("escalated");
  w.Bool(d.escalated);
  w.Field("plan", d.plan);
  w.FieldInt("turn", d.turn);
  w.EndObject();
  w.EndObject();
  out.push_back('\n');
}

void WriteTruth(std::string_view trace_id, const std::array<bool, kFailureCount>& injected,
                std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("trace_id", trace_id);
  w.Key("injected");
  w.BeginArray();
  for (int i = 0; i < kFailureCount; ++i) {
    if (injected[i]) w.String(kFailureTags[i]);
  }
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
}

}  // namespace arbiter::demo
