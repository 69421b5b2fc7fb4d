#include "runner/generate/judge_draft.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "runner/base/hash.h"
#include "runner/generate/draft_files.h"
#include "runner/redact/redactor.h"
#include "runner/stats/threshold_search.h"

namespace arbiter {
namespace {

constexpr size_t kMaxExampleText = 1200;  // bytes of one field of an example
constexpr size_t kMaxNotes = 5;

// The trace fields a judge reads, in rubric order; each placeholder is used only when every
// labeled trace of the mode has it (a missing one would make the trace an error row).
constexpr const char* kFields[] = {"input", "tool_calls", "output"};

// A field's text as the rubric shows it: a string as it is, anything else as compact JSON;
// redacted. Empty when the trace lacks it (or has null, or no tool calls).
std::string FieldText(const nlohmann::ordered_json& trace, const std::string& field,
                      const Redactor& redactor) {
  auto it = trace.find(field);
  if (it == trace.end() || it->is_null() || (it->is_array() && it->empty())) return std::string();
  RedactionCounts counts;
  if (it->is_string()) return redactor.Redact(it->get<std::string>(), counts);
  nlohmann::ordered_json value = *it;
  redactor.RedactJson(value, counts);
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// `text` cut to `limit` bytes at a code point boundary, with what was left out said; `{{` and
// `}}` spaced apart so that trace text is never read as a placeholder.
std::string ExampleText(std::string text, size_t limit) {
  if (text.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    size_t left = text.size() - cut;
    text = text.substr(0, cut) + " [... " + std::to_string(left) + " more bytes]";
  }
  for (const char* pair : {"{{", "}}"}) {
    for (size_t at = text.find(pair); at != std::string::npos; at = text.find(pair, at + 2)) {
      text.insert(at + 1, " ");
    }
  }
  return text;
}

struct Example {
  std::string id;
  bool fail = false;
  nlohmann::ordered_json trace;
};

}  // namespace

JudgeDraft DraftJudge(const JudgeDraftInput& input) {
  const ModeResult& mode = *input.mode;
  const std::string stem = IdText(mode.failure_mode);
  Redactor redactor;
  JudgeDraft draft;
  draft.rubric_file = "rubrics/" + stem + ".md";
  draft.yaml_file = DraftId(mode.failure_mode, "llm_judge") + ".yaml";

  std::map<std::string, const LabeledTrace*> by_id;
  for (const LabeledTrace& trace : *input.traces) by_id.emplace(trace.id, &trace);

  // The mode's labeled traces: which fields all of them have; the calibration ones, by class,
  // in the order of their id's hash (spread over the set, the same on every run).
  std::set<std::string> fields(std::begin(kFields), std::end(kFields));
  std::vector<std::pair<uint64_t, Example>> fails, passes;
  for (const ConsensusLabel& label : input.consensus->labels) {
    auto it = by_id.find(label.trace_id);
    if (it == by_id.end()) continue;
    nlohmann::ordered_json trace =
        nlohmann::ordered_json::parse(it->second->json, nullptr, /*allow_exceptions=*/false);
    for (const char* field : kFields) {
      auto value = trace.is_object() ? trace.find(field) : trace.end();
      if (!trace.is_object() || value == trace.end() || value->is_null() ||
          (value->is_array() && value->empty())) {
        fields.erase(field);
      }
    }
    if (IsHeldOut(label.trace_id) || !trace.is_object()) continue;
    (label.fail ? fails : passes)
        .emplace_back(Hash64(label.trace_id), Example{label.trace_id, label.fail, trace});
  }
  if (fields.empty()) fields.insert("output");
  auto by_hash = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.id < b.second.id;
  };
  std::sort(fails.begin(), fails.end(), by_hash);
  std::sort(passes.begin(), passes.end(), by_hash);
  const size_t k = std::min({input.examples_per_class, fails.size(), passes.size()});
  std::vector<const Example*> examples;  // fail and pass alternating
  for (size_t i = 0; i < k; ++i) {
    examples.push_back(&fails[i].second);
    examples.push_back(&passes[i].second);
    draft.fail_examples.push_back(fails[i].second.id);
    draft.pass_examples.push_back(passes[i].second.id);
  }

  // The reviewers' notes on the calibration split: per trace, and the distinct ones of failing
  // labels for the definition.
  std::map<std::string, std::vector<std::string>> notes_of;
  std::vector<std::string> fail_notes;
  for (const Label& label : *input.labels) {
    if (label.failure_mode != mode.failure_mode || label.note.empty() ||
        IsHeldOut(label.trace_id)) {
      continue;
    }
    RedactionCounts counts;
    std::string note = redactor.Redact(label.note, counts);
    notes_of[label.trace_id].push_back(note);
    if (label.label == "fail" &&
        std::find(fail_notes.begin(), fail_notes.end(), note) == fail_notes.end()) {
      fail_notes.push_back(note);
    }
  }
  std::sort(fail_notes.begin(), fail_notes.end());
  if (fail_notes.size() > kMaxNotes) fail_notes.resize(kMaxNotes);

  std::vector<std::string> descriptions;
  if (input.suite) {
    for (const LoadedEvaluator& e : input.suite->evaluators) {
      if (e.spec.failure_mode == mode.failure_mode && !e.spec.description.empty() &&
          std::find(descriptions.begin(), descriptions.end(), e.spec.description) ==
              descriptions.end()) {
        descriptions.push_back(e.spec.description);
      }
    }
  }
  const std::string summary =
      descriptions.empty() ? "The trace does not show the failure mode " + mode.failure_mode + "."
                           : descriptions.front();

  std::string& r = draft.rubric;
  r += "---\n";
  r += "id: " + stem + "\n";
  r += "version: 1\n";
  r += "scale: binary\n";
  r += "output: [score, reason]\n";
  r += "description: " + YamlQuoted(summary) + "\n";
  r += "---\n";
  r += "You are checking one trace of an AI assistant for one failure mode, `" + mode.failure_mode +
       "`.\n\n";
  r += "What the failure mode is (drafted by `arbiter generate` from the label set " +
       input.label_set + "; edit it into a definition before use):\n";
  for (const std::string& d : descriptions)
    r += "- A check of the suite: " + ExampleText(d, 400) + "\n";
  for (const std::string& note : fail_notes) {
    r += "- A reviewer on a failing trace: \"" + ExampleText(note, 400) + "\"\n";
  }
  if (descriptions.empty() && fail_notes.empty()) {
    r += "- Only its name and the examples below describe it.\n";
  }
  r += "\nScore 0 when the trace shows this failure, 1 when it does not.\n";
  if (!examples.empty()) {
    r += "\nExamples judged by the reviewers (personal data replaced by placeholders such as "
         "<EMAIL>):\n";
  }
  size_t number = 0;
  for (const Example* example : examples) {
    r += "\n## Example " + std::to_string(++number) + " (trace " + example->id + "): score " +
         (example->fail ? "0, fails" : "1, passes") + "\n\n";
    for (const char* field : kFields) {
      if (!fields.count(field)) continue;
      std::string text = FieldText(example->trace, field, redactor);
      r += std::string("<") + field + ">\n" + ExampleText(text, kMaxExampleText) + "\n</" + field +
           ">\n";
    }
    auto notes = notes_of.find(example->id);
    if (notes != notes_of.end()) {
      for (const std::string& note : notes->second) {
        r += "Reviewer's note: " + ExampleText(note, 400) + "\n";
      }
    }
  }
  r += "\n## The trace to judge\n\n";
  for (const char* field : kFields) {
    if (!fields.count(field)) continue;
    r += std::string("<") + field + ">\n{{" + field + "}}\n</" + field + ">\n";
  }

  std::string& y = draft.yaml;
  y += "# Drafted by `arbiter generate` from " + input.label_set + " (" + mode.failure_mode + ": " +
       std::to_string(mode.fails) + " failing, " + std::to_string(mode.passes) +
       " passing labels). No rule reached a signal, so this judge reads each trace through " +
       draft.rubric_file + ".\n";
  y += "# Its few-shot examples are " + std::to_string(k) + " failing and " + std::to_string(k) +
       " passing traces of the calibration split, redacted; the held-out split is not in it.\n";
  y += "# Its agreement is not measured here: review the rubric, then run `arbiter calibrate` "
       "with a judge endpoint.\n";
  y += "id: " + DraftId(mode.failure_mode, "llm_judge") +
       "\nversion: 1\ndescription: " + YamlQuoted(summary) +
       "\nfailure_mode: " + mode.failure_mode + "\nplugin: llm_judge\n";
  // The judge of rubrics/ in this repository, with its budget: tokens per call, calls in flight,
  // retries for the whole run.
  y += R"(params:
  provider: openai
  base_url: '${JUDGE_BASE_URL:-https://api.openai.com/v1}'
  model: '${JUDGE_MODEL:-gpt-4o-mini}'
  api_key_env: OPENAI_API_KEY
  rubric: )" +
       draft.rubric_file + R"(
  temperature: 0
  max_tokens: 300
  max_in_flight: 16
  retry_budget: 100
  price: { input_per_mtok: 0.15, output_per_mtok: 0.6 }
pass_threshold: 0.5
)";
  return draft;
}

}  // namespace arbiter
