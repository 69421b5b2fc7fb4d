// The plugin interface: every evaluator type (built in or external) implements Evaluator and is
// registered as a PluginInfo. Plugins include this header, trace.h and param_reader.h only.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "runner/status.h"
#include "runner/trace.h"
#include "runner/trace_path.h"

namespace arbiter {

// What one evaluator call produced. The host checks `value` (NaN or outside [0, 1] becomes an
// error row naming the plugin) and applies the pass threshold; plugins never decide pass/fail.
struct Score {
  double value = 0.0;
  std::string reason;
};

// Per-call context. `worker` is in [0, workers) as announced by PrepareWorkers; a plugin that
// keeps per-thread state (a Lua state) indexes it by worker and needs no lock.
struct EvalContext {
  int worker = 0;
};

// A validated declaration (SPEC "Evaluator declaration"), handed to a plugin's factory.
struct EvaluatorSpec {
  std::string id;
  int version = 0;
  std::string description;
  std::string failure_mode;
  std::string plugin;
  std::optional<TracePath> target;  // absent when the YAML names none
  YAML::Node params;                // `${NAME}` references already substituted
  double pass_threshold = 0.5;
  std::filesystem::path file;       // the YAML file, for messages
  YAML::Node node;                  // the whole declaration, for marks

  // A path in the declaration resolved against the folder of its YAML file.
  std::filesystem::path Resolve(std::string_view relative) const {
    std::filesystem::path p(relative);
    return p.is_absolute() ? p : file.parent_path() / p;
  }
  // "file:line:column: reason" pointing at `at` (or at the declaration when `at` has no mark).
  Status ErrorAt(const YAML::Node& at, std::string_view reason) const;
};

// One configured evaluator. Created once from its YAML (the expensive part: compile the regex,
// the schema, the Lua chunk); then Evaluate is called per trace, concurrently.
class Evaluator {
 public:
  virtual ~Evaluator() = default;

  // Called once before the first Evaluate with the number of worker threads. A plugin with
  // per-thread state allocates it here. Default: nothing to prepare.
  virtual Status PrepareWorkers(int /*workers*/) { return Status::OK(); }

  // Thread-safe: called from several workers at once, each with its own ctx.worker.
  // Returns a score in [0, 1] with a reason, or an error Status when it could not judge
  // (the host records an error row, never a pass or a fail).
  virtual Result<Score> Evaluate(const Trace& trace, const EvalContext& ctx) const = 0;
};

using EvaluatorFactory =
    std::function<Result<std::unique_ptr<Evaluator>>(const EvaluatorSpec& spec)>;

// A plugin: a named, versioned factory of evaluators.
struct PluginInfo {
  std::string name;             // what `plugin:` names in YAML
  int version = 1;              // bump when the plugin's scoring changes
  std::string description;
  std::string origin = "builtin";  // "builtin" or the shared library's path
  std::string params_schema;    // JSON Schema (draft 7) of `params`, as JSON text
  bool requires_target = false; // the declaration must name a `target`
  EvaluatorFactory create;
};

}  // namespace arbiter
