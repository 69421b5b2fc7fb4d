#include "runner/triage/signals.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <re2/re2.h>

#include "runner/base/json_util.h"
#include "runner/base/report_text.h"
#include "runner/plugin_api/text_target.h"
#include "runner/source/otlp/time.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {

// One RE2 alternation of the quoted phrases: a single DFA scan of the output whatever the
// number of phrases (measured: 1.6 KB of demo output in about 1 us).
class RefusalMatcher {
 public:
  explicit RefusalMatcher(const std::vector<std::string>& phrases) {
    std::string pattern;
    for (const std::string& phrase : phrases) {
      pattern += (pattern.empty() ? "(" : "|") + RE2::QuoteMeta(phrase);
    }
    pattern += ")";
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    re_ = std::make_unique<RE2>(pattern, options);
  }
  bool ok() const { return re_->ok(); }
  const std::string& error() const { return re_->error(); }
  bool Matches(std::string_view text) const { return RE2::PartialMatch(text, *re_); }
  std::string_view Match(std::string_view text) const {
    re2::StringPiece match;
    if (!RE2::PartialMatch(text, *re_, &match)) return {};
    return std::string_view(match.data(), match.size());
  }

 private:
  std::unique_ptr<RE2> re_;
};

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  return out;
}

bool IsOneOf(std::string_view value, const std::vector<std::string>& lower_list) {
  if (value.size() > 64) return false;
  std::string lower = Lower(value);
  return std::find(lower_list.begin(), lower_list.end(), lower) != lower_list.end();
}

std::optional<double> NumberAt(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element element;
  if (object.at_key(key).get(element)) return std::nullopt;
  return ElementNumber(element);
}

std::string_view StringAt(simdjson::dom::object object, std::string_view key) {
  std::string_view text;
  if (object.at_key(key).get_string().get(text)) return {};
  return text;
}

// Joins parts with "; ", listing at most three.
std::string JoinParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size() && i < 3; ++i) out += (i ? "; " : "") + parts[i];
  if (parts.size() > 3) out += "; and " + std::to_string(parts.size() - 3) + " more";
  return out;
}

void Fire(TraceFacts& facts, std::vector<TriageReason>* reasons, TriageSignal signal,
          double strength, const std::function<std::string()>& detail) {
  facts.strength[static_cast<size_t>(signal)] = strength;
  if (reasons) reasons->push_back({signal, strength, detail()});
}

void ContextPressure(simdjson::dom::object usage, double threshold, TraceFacts& facts,
                     std::vector<TriageReason>* reasons) {
  std::optional<double> input = NumberAt(usage, "input_tokens");
  std::optional<double> window = NumberAt(usage, "context_window");
  if (!input || !window || !(*window > 0)) return;
  double ratio = *input / *window;
  if (!(ratio > threshold)) return;
  double strength = std::min(2.0, 0.5 + 0.5 * (ratio - threshold) / (1 - threshold));
  Fire(facts, reasons, TriageSignal::kContextPressure, strength, [&] {
    return "input tokens " + CountText(*input) + " of " + CountText(*window) + " (" +
           std::to_string(static_cast<long long>(std::floor(ratio * 100))) + "%)" +
           (ratio > 1 ? ": over the context window" : "");
  });
}

void ToolErrors(simdjson::dom::array calls, TraceFacts& facts, std::vector<TriageReason>* reasons) {
  size_t events = 0;
  std::vector<std::string> parts;
  std::string_view previous;
  size_t index = 0;
  for (simdjson::dom::element call : calls) {
    ++index;
    simdjson::dom::object object;
    if (call.get_object().get(object)) {
      previous = {};
      continue;
    }
    std::string_view name = StringAt(object, "name");
    simdjson::dom::element error;
    if (!object.at_key("error").get(error) && !error.is_null()) {
      ++events;
      if (reasons) {
        parts.push_back("call " + std::to_string(index) + " " + Excerpt(name, 40) +
                        " failed: " + Excerpt(ElementText(error), 80));
      }
    }
    if (!name.empty() && name == previous) {
      ++events;
      if (reasons) {
        parts.push_back("call " + std::to_string(index) + " repeats " + Excerpt(name, 40) +
                        " (a retry)");
      }
    }
    previous = name;
  }
  if (events == 0) return;
  Fire(facts, reasons, TriageSignal::kToolErrors, std::min(2.0, 0.5 * static_cast<double>(events)),
       [&] { return JoinParts(parts); });
}

}  // namespace

Result<std::unique_ptr<LocalSignals>> LocalSignals::Create(const TriageOptions& options) {
  auto refusal = std::make_unique<RefusalMatcher>(options.refusal_phrases);
  if (!refusal->ok()) return Status::InvalidArgument("refusal_phrases: " + refusal->error());
  return std::unique_ptr<LocalSignals>(new LocalSignals(options, std::move(refusal)));
}

LocalSignals::LocalSignals(const TriageOptions& options, std::unique_ptr<RefusalMatcher> refusal)
    : options_(options), refusal_(std::move(refusal)) {
  for (const std::string& status : options.guardrail_statuses) statuses_.push_back(Lower(status));
  for (const std::string& reason : options.guardrail_finish_reasons) {
    finish_reasons_.push_back(Lower(reason));
  }
}

LocalSignals::~LocalSignals() = default;

std::string LocalSignals::Read(simdjson::dom::element root, TraceFacts& facts,
                               std::vector<TriageReason>* reasons) const {
  simdjson::dom::object object;
  if (root.get_object().get(object)) return "a trace must be a JSON object";
  facts = TraceFacts();
  // One walk over the top-level fields; the signals below look inside the few they need.
  std::string_view output, status, finish_reason, stop_reason;
  simdjson::dom::object usage, feedback, metadata, otel;
  simdjson::dom::array tool_calls;
  bool has_usage = false, has_feedback = false, has_metadata = false, has_otel = false,
       has_tools = false;
  KnownFieldTracker known;
  for (simdjson::dom::key_value_pair field : object) {
    std::string_view key = field.key;
    simdjson::dom::element value = field.value;
    if (Status repeated = known.Add(key); !repeated.ok()) return repeated.message();
    if (key == "trace_id") {
      facts.trace_id = ElementString(value).value_or("");
    } else if (key == "session_id") {
      facts.session_id = ElementString(value).value_or("");
    } else if (key == "timestamp") {
      std::string_view text;
      if (!value.get_string().get(text))
        facts.has_timestamp = ParseRfc3339(text, facts.timestamp_ns);
    } else if (key == "input") {
      facts.input = ElementString(value).value_or("");
    } else if (key == "output") {
      output = ElementString(value).value_or("");
    } else if (key == "model") {
      facts.model = ElementString(value).value_or("");
    } else if (key == "status") {
      status = ElementString(value).value_or("");
    } else if (key == "finish_reason") {
      finish_reason = ElementString(value).value_or("");
    } else if (key == "stop_reason") {
      stop_reason = ElementString(value).value_or("");
    } else if (key == "usage") {
      has_usage = !value.get_object().get(usage);
    } else if (key == "tool_calls") {
      has_tools = !value.get_array().get(tool_calls);
    } else if (key == "feedback") {
      has_feedback = !value.get_object().get(feedback);
    } else if (key == "metadata") {
      has_metadata = !value.get_object().get(metadata);
    } else if (key == "otel") {
      has_otel = !value.get_object().get(otel);
    }
  }
  if (facts.trace_id.empty()) return "no trace_id (a non-empty string)";
  if (has_metadata) facts.intent = StringAt(metadata, "intent");

  if (has_usage) {
    std::optional<double> total = NumberAt(usage, "total_tokens");
    if (!total) {
      std::optional<double> input = NumberAt(usage, "input_tokens");
      std::optional<double> output_tokens = NumberAt(usage, "output_tokens");
      if (input || output_tokens) total = input.value_or(0) + output_tokens.value_or(0);
    }
    if (total && *total >= 0) {
      facts.has_tokens = true;
      facts.total_tokens = *total;
    }
    ContextPressure(usage, options_.context_ratio, facts, reasons);
  }
  if (has_tools) ToolErrors(tool_calls, facts, reasons);
  if (!output.empty() && refusal_->Matches(output)) {
    Fire(facts, reasons, TriageSignal::kRefusal, 1.0,
         [&] { return "output contains " + Excerpt(refusal_->Match(output), 80); });
  }

  std::vector<std::string> trips;
  auto trip = [&](std::string_view value, const std::vector<std::string>& list,
                  const std::function<std::string()>& label) {
    if (!value.empty() && IsOneOf(value, list)) trips.push_back(label() + Excerpt(value, 40));
  };
  trip(status, statuses_, [] { return "status "; });
  trip(finish_reason, finish_reasons_, [] { return "finish_reason "; });
  trip(stop_reason, finish_reasons_, [] { return "stop_reason "; });
  if (has_metadata) {
    for (std::string_view key : {"finish_reason", "stop_reason"}) {
      trip(StringAt(metadata, key), finish_reasons_,
           [&] { return "metadata." + std::string(key) + " "; });
    }
  }
  simdjson::dom::array spans;
  if (has_otel && !otel.at_key("spans").get_array().get(spans)) {
    for (simdjson::dom::element span : spans) {
      simdjson::dom::element value;
      simdjson::dom::object attributes;
      if (span.at_key("attributes").get_object().get(attributes) ||
          attributes.at_key("gen_ai.response.finish_reasons").get(value)) {
        continue;
      }
      auto label = [&] {
        std::string_view name;
        if (span.at_key("name").get_string().get(name)) name = "";
        return "span " + Excerpt(name, 40) + " finished with ";
      };
      simdjson::dom::array items;
      if (value.get_array().get(items)) {
        trip(ElementString(value).value_or(""), finish_reasons_, label);
        continue;
      }
      for (simdjson::dom::element item : items) {
        trip(ElementString(item).value_or(""), finish_reasons_, label);
      }
    }
  }
  if (!trips.empty()) {
    Fire(facts, reasons, TriageSignal::kGuardrail, 1.0, [&] { return JoinParts(trips); });
  }

  if (has_feedback) {
    std::string_view thumbs = StringAt(feedback, "thumbs");
    if (thumbs.size() == 4 && Lower(thumbs) == "down") {
      Fire(facts, reasons, TriageSignal::kNegativeFeedback, 1.0, [&] {
        std::string_view comment = StringAt(feedback, "comment");
        return comment.empty() ? std::string("thumbs down, no comment")
                               : "thumbs down: " + Excerpt(comment, 120);
      });
    }
  }
  return "";
}

}  // namespace arbiter
