// A judge rubric (SPEC "Plugin params", llm_judge `rubric:`): a Markdown file with a YAML front
// matter, whose body is a template over the trace.
//
//   ---
//   id: tool-result-grounded      # [a-z0-9-]+
//   version: 2                    # part of the cache key: bump on any wording change
//   scale: binary                 # binary (0/1) | 1-5 | 0-1
//   output: [score, reason]       # fields the judge returns; score is required
//   ---
//   Question: {{input}}
//   Tool results: {{tool_calls}}
//   Intent: {{metadata.intent}}
//
// A placeholder names a trace path. Its first key must be a field of SPEC "Trace format"; any
// other name is an error at load with the rubric's file:line:column, never an empty string at
// run time. A path missing from a given trace makes that trace an error row.
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"  // the trace model plugins see

namespace arbiter {

enum class JudgeScale { kBinary, kOneToFive, kUnit };

// "binary", "1-5", "0-1".
const char* ScaleName(JudgeScale scale);

struct Rubric {
  std::filesystem::path file;
  std::string id;
  int version = 0;
  JudgeScale scale = JudgeScale::kBinary;
  std::vector<std::string> output_fields;  // "score" first
  std::string sha256;                      // of the file's bytes: part of the cache key
  // The body: literal text and trace paths, alternating as written.
  std::vector<std::variant<std::string, TracePath>> parts;

  // The body with every placeholder replaced by the trace's value (a string's contents, any
  // other value as JSON text). An error names the first path missing from the trace.
  Result<std::string> Render(const Trace& trace) const;
};

Result<Rubric> LoadRubric(const std::filesystem::path& file);

// Same, from text (tests); `file` is only used in messages.
Result<Rubric> ParseRubric(const std::string& text, const std::filesystem::path& file);

}  // namespace arbiter
