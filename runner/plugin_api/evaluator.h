// The plugin interface: every evaluator type (built in or external) implements Evaluator and is
// registered as a PluginInfo. Plugins include this header, trace.h and param_reader.h only.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/plugin_api/live_calls.h"
#include "runner/trace/trace.h"
#include "runner/trace/trace_path.h"

namespace arbiter {

class PendingScore;

// What one evaluator call produced. The host checks `value` (NaN or outside [0, 1] becomes an
// error row naming the plugin) and applies the pass threshold; plugins never decide pass/fail.
struct Score {
  Score() = default;
  Score(double value_in, std::string reason_in)
      : value(value_in), reason(std::move(reason_in)) {}

  double value = 0.0;
  std::string reason;
  // Set by a plugin whose answer arrives later (an HTTP judge): `value` and `reason` are then
  // ignored and the host writes the row from pending->Wait(), in input order, so the output does
  // not depend on completion order. The worker thread moves on to the next trace meanwhile.
  std::shared_ptr<PendingScore> pending;
};

// A result still being computed outside the worker threads.
class PendingScore {
 public:
  virtual ~PendingScore() = default;
  // Blocks until the result is known. Called once, from the thread that writes the rows.
  virtual Result<Score> Wait() = 0;
};

// Settings of one `arbiter run` that a plugin may use (PrepareRun).
struct RunSettings {
  // Persistent caches (a judge's responses): a folder or a postgresql:// URL; empty: none.
  std::filesystem::path cache_dir;
  // Becomes true on Ctrl-C: a plugin with work outside the workers abandons what is not done.
  const std::atomic<bool>* stop = nullptr;
};

// A figure a plugin reports for a whole run (a judge's calls, cache hits, tokens, cost). The
// scorecard lists them under the evaluator's `usage`, in order. Must not depend on timing.
struct UsageFigure {
  std::string name;
  double value = 0.0;
  bool integer = true;  // printed as an integer
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

  // Every path Resolve returned, in order. Plugins resolve each file they read (script, schema,
  // rubric) through Resolve, so the host fingerprints those files' bytes without each plugin
  // having to list them; mutable because the factory receives the spec as const.
  mutable std::vector<std::filesystem::path> resolved_files;

  // A path in the declaration resolved against the folder of its YAML file.
  std::filesystem::path Resolve(std::string_view relative) const {
    std::filesystem::path p(relative);
    std::filesystem::path resolved = p.is_absolute() ? p : file.parent_path() / p;
    resolved_files.push_back(resolved);
    return resolved;
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

  // Called once before the first Evaluate of a run, after PrepareWorkers. Default: nothing.
  virtual Status PrepareRun(const RunSettings& /*settings*/) { return Status::OK(); }

  // Non-empty when this evaluator cannot run here (a judge without its API key): the run
  // writes no row for it and reports it as skipped with this reason, never with made-up scores.
  virtual std::string SkipReason() const { return {}; }

  // Figures for the scorecard, read after the last row was written. Default: none.
  virtual std::vector<UsageFigure> Usage() const { return {}; }

  // The live figures of the calls this evaluator makes outside the workers (a judge's HTTP
  // calls), for the progress display (live_calls.h). Thread-safe and cheap: read from the
  // display's thread about four times a second while Evaluate runs on the workers. Default:
  // none, the evaluator makes no such calls.
  virtual std::optional<LiveCalls> Live() const { return std::nullopt; }

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
