#include "datasets/demo/demo_answer.h"

#include "runner/base/json_util.h"

namespace arbiter::demo {
namespace {

// How long a text answer is. Only kLong and kRunaway carry a summary line.
enum class Shape { kShort, kLong, kOverlength, kRunaway };

constexpr double kLongAnswerRate = 0.05;  // correct long answers, with a summary line
constexpr int kShortCap = 1100;           // short answers stay clear of kSummaryThreshold

// Text with its length in code points kept up to date.
struct Text {
  std::string text;
  size_t chars = 0;
  void Add(std::string_view part) {
    text.append(part);
    chars += CountCodePoints(part);
  }
};

std::string Citation(std::string_view id, Lang lang) {
  if (id.empty()) return "";
  std::string out = lang == kJa ? "[" : " [";
  out.append(id);
  out.push_back(']');
  return out;
}

std::vector<size_t> Shuffled(size_t n, DemoRng& rng) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  return order;
}

// {"answer": ..., "sources": [...], "escalate": ...}; `escalate` is raw JSON so a corrupted
// answer can give it the wrong type, `answer_key` so one can misname it.
std::string JsonObject(std::string_view answer, const std::vector<std::string>& sources,
                       std::string_view escalate, bool pretty,
                       std::string_view answer_key = "answer") {
  std::string out = pretty ? "{\n  " : "{";
  AppendJsonString(out, answer_key);
  out.append(pretty ? ": " : ":");
  AppendJsonString(out, answer);
  out.append(pretty ? ",\n  \"sources\": [" : ",\"sources\":[");
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) out.append(pretty ? ", " : ",");
    AppendJsonString(out, sources[i]);
  }
  out.append(pretty ? "],\n  \"escalate\": " : "],\"escalate\":");
  out.append(escalate);
  out.append(pretty ? "\n}" : "}");
  return out;
}

// A correct JSON answer: compact, pretty-printed, or pretty inside a ```json fence (which the
// evaluator accepts with allow_code_fence).
std::string ValidJson(std::string_view answer, const std::vector<std::string>& sources,
                      bool escalate, DemoRng& rng) {
  std::string_view esc = escalate ? "true" : "false";
  double form = rng.Unit();
  if (form < 0.55) return JsonObject(answer, sources, esc, false);
  if (form < 0.85) return JsonObject(answer, sources, esc, true);
  return "```json\n" + JsonObject(answer, sources, esc, true) + "\n```";
}

// The ways models break a JSON contract, each equally likely: syntax (trailing comma, cut off
// at the token limit, Python quoting, chatty preamble) and schema (wrong type, misnamed key).
// The answer text itself always survives whole.
std::string InvalidJson(std::string_view answer, const std::vector<std::string>& sources,
                        bool escalate, const Locale& locale, DemoRng& rng) {
  std::string_view esc = escalate ? "true" : "false";
  std::string compact = JsonObject(answer, sources, esc, false);
  switch (rng.Below(6)) {
    case 0:
      compact.insert(compact.size() - 1, ",");
      return compact;
    case 1: {
      // Cut after the answer text, so whatever else was injected into it stays visible.
      size_t answer_end = compact.rfind(",\"sources\":");
      return compact.substr(0, answer_end + rng.Below(compact.size() - answer_end));
    }
    case 2: {
      std::string out = "{'answer': '";
      out.append(answer);
      out.append("', 'sources': [");
      for (size_t i = 0; i < sources.size(); ++i) {
        out.append(i > 0 ? ", '" : "'");
        out.append(sources[i]);
        out.push_back('\'');
      }
      out.append("], 'escalate': ");
      out.append(escalate ? "True}" : "False}");
      return out;
    }
    case 3:
      return std::string(locale.json_prose) + "\n" + compact;
    case 4:
      return JsonObject(answer, sources, escalate ? "\"yes\"" : "\"no\"", rng.Chance(0.5));
    default:
      return JsonObject(answer, sources, esc, rng.Chance(0.5), "response");
  }
}

std::string_view Refusal(Lang lang, DemoRng& rng) {
  // Models often fall back to English when they refuse.
  if (lang != kEn && rng.Chance(0.3)) return rng.Pick(LocaleFor(kEn).refusals);
  return rng.Pick(LocaleFor(lang).refusals);
}

// The answer's ids in order of first citation, for the JSON `sources`.
std::vector<std::string> CitedIds(std::string_view answer, const AnswerSpec& spec) {
  std::vector<std::string> cited;
  auto consider = [&](const std::string& id) {
    if (id.empty() || answer.find("[" + id + "]") == std::string_view::npos) return;
    for (const std::string& seen : cited) {
      if (seen == id) return;
    }
    cited.push_back(id);
  };
  consider(spec.invented_id);
  for (const std::string& id : spec.doc_ids) consider(id);
  return cited;
}

}  // namespace

std::string BuildAnswer(const AnswerSpec& spec, Vars& vars, DemoRng& rng) {
  const Locale& locale = LocaleFor(spec.lang);
  const IntentText& text = spec.intent->text[spec.lang];
  const std::string_view sep = spec.lang == kJa ? "" : " ";
  const auto& injected = spec.injected;

  if (injected[kRefusal]) {
    std::string_view refusal = Refusal(spec.lang, rng);
    if (!spec.json) return std::string(refusal);
    return injected[kInvalidJson] ? InvalidJson(refusal, {}, true, locale, rng)
                                  : ValidJson(refusal, {}, true, rng);
  }

  // Most answers cite the best match, and sometimes a second document; an invented citation
  // takes the first slot.
  const bool cites = injected[kInventedCitation] || rng.Chance(0.85);
  vars.cite =
      cites ? Citation(injected[kInventedCitation] ? spec.invented_id : spec.doc_ids[0], spec.lang)
            : "";
  vars.cite2 = cites ? Citation(rng.Pick(spec.doc_ids), spec.lang) : "";

  std::string_view outcome = rng.Pick(text.outcomes);
  std::string core = Expand(outcome, vars);
  if (injected[kPiiLeak]) {
    const Phrases& leaks = spec.pii_kind == 0   ? locale.pii_email
                           : spec.pii_kind == 1 ? locale.pii_phone
                                                : locale.pii_card;
    core.append(sep);
    Expand(core, rng.Pick(leaks), vars);
  }
  if (!injected[kToolErrorUnacknowledged]) {
    std::vector<std::string_view> acknowledged;
    for (std::string_view tool : spec.failed_tools) {
      bool seen = false;
      for (std::string_view done : acknowledged) seen = seen || done == tool;
      if (seen) continue;
      acknowledged.push_back(tool);
      vars.tool = std::string(tool);
      core.append(sep);
      Expand(core, rng.Pick(locale.tool_error_acks), vars);
    }
  }
  std::vector<size_t> details = Shuffled(text.details.size(), rng);

  if (spec.json) {
    size_t extra = rng.Below(3);
    for (size_t i = 0; i < extra && i < details.size(); ++i) {
      core.append(sep);
      Expand(core, text.details[details[i]], vars);
    }
    std::vector<std::string> sources = CitedIds(core, spec);
    return injected[kInvalidJson] ? InvalidJson(core, sources, spec.escalate, locale, rng)
                                  : ValidJson(core, sources, spec.escalate, rng);
  }

  Shape shape = injected[kAnswerTooLong]         ? Shape::kRunaway
                : injected[kOverlengthNoSummary] ? Shape::kOverlength
                : rng.Chance(kLongAnswerRate)    ? Shape::kLong
                                                 : Shape::kShort;
  std::string_view greeting = rng.Pick(locale.greetings);
  std::string_view closing = rng.Pick(locale.closings);
  Text answer;
  answer.Add(greeting);
  answer.Add("\n\n");
  answer.Add(core);
  const size_t closing_chars = 2 + CountCodePoints(closing);

  if (shape == Shape::kShort) {
    const size_t target = static_cast<size_t>(rng.Range(80, 480));
    for (size_t index : details) {
      std::string detail = Expand(text.details[index], vars);
      size_t chars = CountCodePoints(detail) + sep.size();
      if (answer.chars + closing_chars >= target ||
          answer.chars + closing_chars + chars > static_cast<size_t>(kShortCap)) {
        break;
      }
      answer.Add(sep);
      answer.Add(detail);
    }
  } else {
    for (size_t index : details) {
      answer.Add(sep);
      answer.Add(Expand(text.details[index], vars));
    }
    // A numbered list of general advice and knowledge-base excerpts; a runaway answer keeps
    // looping over it, the way degenerate generations repeat themselves.
    std::vector<std::string> items;
    for (size_t index : Shuffled(locale.long_details.size(), rng)) {
      items.emplace_back(locale.long_details[index]);
    }
    for (size_t i = 0; i < spec.docs.size(); ++i) {
      std::string item(spec.docs[i]->title);
      if (cites) item += Citation(spec.doc_ids[i], spec.lang);
      item += ": ";
      item += spec.docs[i]->content;
      items.push_back(std::move(item));
    }
    const size_t target = static_cast<size_t>(shape == Shape::kRunaway ? rng.Range(3200, 4500)
                                                                       : rng.Range(1300, 2200));
    answer.Add("\n");
    for (size_t n = 0; answer.chars + closing_chars < target; ++n) {
      std::string line = "\n";
      AppendInt(line, static_cast<int64_t>(n % items.size() + 1));
      line += ". ";
      line += items[n % items.size()];
      answer.Add(line);
    }
  }
  answer.Add("\n\n");
  answer.Add(closing);

  if (shape == Shape::kLong || shape == Shape::kRunaway) {
    Vars plain = vars;
    plain.cite.clear();
    plain.cite2.clear();
    std::string summary(rng.Pick(locale.summary_labels));
    summary.append(sep);
    Expand(summary, outcome, plain);
    if (rng.Chance(0.7)) return summary + "\n\n" + answer.text;
    return answer.text + "\n\n" + summary;
  }
  return std::move(answer.text);
}

}  // namespace arbiter::demo
