// `arbiter gate --baseline DIR --candidate DIR --out DIR`: compares two runs evaluator by
// evaluator and decides whether the candidate may ship. Writes gate.json, gate.md (also appended
// to $GITHUB_STEP_SUMMARY when set), junit.xml and report.html. Exit 0 passed, 1 blocked.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "runner/base/atomic_file.h"
#include "runner/calibration/history_store.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/gate/gate.h"
#include "runner/gate/gate_report.h"
#include "runner/gate/report_html.h"
#include "runner/labels/label_store.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct GateFlags {
  std::string baseline;
  std::string candidate;
  std::string out;
  std::string calibration;
  std::string history = kDefaultHistoryPath;
  std::string suite;
  std::optional<double> tolerance;
};

// Roles from a calibration.json: an entry for another version of the evaluator is stale.
Result<std::map<std::string, EvaluatorRole>> RolesFromFile(const std::string& path,
                                                           const RunOutput& candidate) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open calibration file");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json calibration =
      nlohmann::ordered_json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!calibration.is_object() || !calibration["evaluators"].is_array()) {
    return Status::InvalidArgument(path + ": not a calibration.json (no evaluators array)");
  }
  std::map<std::string, EvaluatorRole> roles;
  for (const auto& entry : calibration["evaluators"]) {
    std::string id = entry.value("id", "");
    const EvaluatorRun* run = candidate.Find(id);
    if (!run) continue;
    EvaluatorRole role;
    role.source = path + " (" + calibration.value("label_set", "") + ")";
    role.figures = entry;
    int version = entry.value("version", 0);
    if (version != run->version) {
      role.note = "stale: calibrated at v" + std::to_string(version) + ", the run used v" +
                  std::to_string(run->version);
    } else {
      role.role = entry.value("role", "uncalibrated");
    }
    roles[id] = role;
  }
  return roles;
}

// Roles from the history store: the latest calibration of each evaluator's id and version.
Result<std::map<std::string, EvaluatorRole>> RolesFromHistory(const std::string& path,
                                                              const RunOutput& candidate) {
  std::map<std::string, EvaluatorRole> roles;
  auto store = HistoryStore::Open(path, /*create=*/false);
  if (!store.ok()) {
    if (store.status().code() == Status::Code::kNotFound) return roles;  // nothing calibrated yet
    return store.status();
  }
  auto all = (*store)->All();
  if (!all.ok()) return all.status();
  for (const EvaluatorRun& run : candidate.evaluators) {
    EvaluatorRole role;
    role.note = "never calibrated";
    for (const CalibrationRecord& record : *all) {  // ordered by insertion: the last one wins
      if (record.evaluator != run.id) continue;
      if (record.evaluator_version == run.version) {
        role.role = record.role;
        role.source = "history: " + record.label_set + ", " + record.calibrated_at;
        role.figures = record.figures;
        role.note.clear();
      } else if (role.source.empty()) {
        role.note = "stale: calibrated at v" + std::to_string(record.evaluator_version) +
                    ", the run used v" + std::to_string(run.version);
      }
    }
    roles[run.id] = role;
  }
  return roles;
}

int Gate(const GateFlags& flags) {
  namespace fs = std::filesystem;
  GateOptions options;
  if (!flags.suite.empty()) {
    PluginRegistry registry;
    Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry);
    if (!suite.ok()) return Fail("gate", suite.status());
    options.tolerance = suite->gate.tolerance;
  }
  if (flags.tolerance) options.tolerance = *flags.tolerance;

  Result<RunOutput> baseline = LoadRunOutput(flags.baseline);
  if (!baseline.ok()) return Fail("gate", baseline.status().WithContext("--baseline: "));
  Result<RunOutput> candidate = LoadRunOutput(flags.candidate);
  if (!candidate.ok()) return Fail("gate", candidate.status().WithContext("--candidate: "));

  auto roles = flags.calibration.empty() ? RolesFromHistory(flags.history, *candidate)
                                         : RolesFromFile(flags.calibration, *candidate);
  if (!roles.ok()) return Fail("gate", roles.status());

  GateResult result = ComputeGate(*baseline, *candidate, *roles, options);
  std::string markdown = GateMarkdown(result);
  std::string now = UtcNow();
  now.pop_back();  // the JUnit timestamp carries no zone

  std::error_code ec;
  fs::create_directories(flags.out, ec);
  if (ec) {
    return Fail("gate",
                Status::IoError(flags.out + ": cannot create output folder: " + ec.message()));
  }
  const fs::path out(flags.out);
  for (auto [name, contents] :
       {std::pair<const char*, std::string>{"gate.json", GateJson(result).dump(2) + "\n"},
        std::pair<const char*, std::string>{"gate.md", markdown},
        std::pair<const char*, std::string>{"junit.xml", GateJunit(result, now)},
        std::pair<const char*, std::string>{"report.html",
                                            GateHtml(result, *baseline, *candidate)}}) {
    Status written = WriteFileAtomic(out / name, contents);
    if (!written.ok()) return Fail("gate", written);
  }
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream(summary, std::ios::app) << markdown << "\n";
  }

  std::printf("%s", markdown.c_str());
  std::fprintf(stderr, "reports: %s\n", (out / "report.html").c_str());
  return result.decision == "blocked" ? kExitGateBlocked : kExitOk;
}

}  // namespace

Command GateCommand() {
  return {"gate", "Compare a candidate run with a baseline; exit 1 when a gate evaluator blocks",
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<GateFlags>();
            app.add_option("--baseline", flags->baseline, "The baseline run's output folder")
                ->required();
            app.add_option("--candidate", flags->candidate, "The candidate run's output folder")
                ->required();
            app.add_option("--out", flags->out, "Folder for the reports")->required();
            app.add_option("--calibration", flags->calibration,
                           "calibration.json giving the roles (default: the history store)");
            app.add_option("--history", flags->history, "History store (SQLite)")
                ->capture_default_str();
            app.add_option("--suite", flags->suite, "Suite whose gate policy (tolerance) applies");
            app.add_option("--tolerance", flags->tolerance,
                           "Largest pass-rate drop that does not block (default: the suite's, "
                           "else 0.02)")
                ->check(CLI::Range(0.0, 1.0));
            return [flags] {
              // Calibration files may be written by hand: a value of the wrong type makes
              // nlohmann::json throw while the reports read it. That is bad input, not a crash.
              try {
                return Gate(*flags);
              } catch (const nlohmann::json::exception& e) {
                return Fail("gate", Status::InvalidArgument(
                                        std::string("unexpected value in the calibration or a "
                                                    "run's scorecard: ") +
                                        e.what()));
              }
            };
          }};
}

}  // namespace arbiter
