// A suite (SPEC "Suite") and its evaluators, loaded and validated as a whole before the first
// trace is read: every declaration parsed, every plugin found, every regex, schema and Lua chunk
// compiled. A suite that loads is ready to score.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/source/otlp/mapping_options.h"
#include "runner/trace/condition.h"
#include "runner/trace/trace_path.h"

namespace arbiter {

// One evaluator declaration, compiled.
struct LoadedEvaluator {
  EvaluatorSpec spec;
  const PluginInfo* plugin = nullptr;  // owned by the registry
  std::optional<Condition> when;       // absent: scores every trace
  std::unique_ptr<Evaluator> evaluator;
  std::string skipped;      // the evaluator's SkipReason(): when set, no rows, reported as skipped
  std::string fingerprint;  // runner/suite/fingerprint.h
};

// SPEC "Suite" `gate:`; defaults as documented there. LoadSuite checks every range (finite,
// fractions in [0, 1], MCC in [-1, 1], signal_mcc <= gate_mcc), so users of the policy need not.
struct GatePolicy {
  double tolerance = 0.02;       // a gate evaluator blocks on a drop larger than this (a fraction)
  double gate_mcc = 0.6;         // MCC at or above: role `gate`
  double signal_mcc = 0.4;       // MCC at or above (below gate_mcc): role `signal`
  double min_coverage = 0.9;     // shared traces must cover this share of the baseline's judged
  double max_error_rate = 0.05;  // a candidate error share above this (and the baseline's)
};

struct Suite {
  std::string name;
  std::filesystem::path file;
  std::vector<LoadedEvaluator> evaluators;  // in declaration order: the order of rows and reports
  std::vector<TracePath> strata;
  GatePolicy gate;
  OtlpMappingOptions otlp = {};  // `otlp:`, how OTLP inputs map onto trace fields
};

// Loads one evaluator declaration file (SPEC "Evaluator declaration").
Result<LoadedEvaluator> LoadEvaluator(const std::filesystem::path& file,
                                      const PluginRegistry& registry);

// Loads a suite and every evaluator it names. Errors from several declarations are all
// reported, one per line, so a user fixes them in one pass.
Result<Suite> LoadSuite(const std::filesystem::path& file, const PluginRegistry& registry);

// The same from the suite file's document `root`, already read with LoadYamlFile by a caller
// that also reads its `plugins:` key (runner/cli/suite_loader.h): the file is read once.
Result<Suite> LoadSuite(const std::filesystem::path& file, const YAML::Node& root,
                        const PluginRegistry& registry);

// InvalidArgument at the first top-level key of a suite that is not one of its keys (name,
// evaluators, strata, gate, plugins, otlp): also for commands that read only `plugins:`.
Status CheckSuiteKeys(const YAML::Node& root, const std::string& file);

}  // namespace arbiter
