// `arbiter history`: each evaluator's agreement with the humans across its versions and label
// sets, and the drift signal: when the latest calibration, on a different label set (or
// version) than the one before it, agrees less by more than --drift, the humans' view and the
// evaluator have moved apart (new traffic, a changed rubric) and the role deserves a look.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/db_url.h"
#include "runner/base/report_text.h"
#include "runner/calibration/history_store.h"
#include "runner/cli/cli.h"
#include "runner/cli/json_output.h"

namespace arbiter {
namespace {

struct HistoryFlags {
  std::string history = kDefaultHistoryPath;
  std::string evaluator;
  double drift = 0.1;
  bool json = false;  // one JSON document on stdout
};

using Json = nlohmann::ordered_json;

// `history --json`: per evaluator, its calibrations in the order recorded and the drift finding.
int PrintHistoryJson(
    const HistoryFlags& flags,
    const std::map<std::string, std::vector<const CalibrationRecord*>>& by_evaluator) {
  Json evaluators = Json::array();
  for (const auto& [id, list] : by_evaluator) {
    Json calibrations = Json::array();
    for (const CalibrationRecord* r : list) {
      calibrations.push_back({{"calibrated_at", r->calibrated_at},
                              {"version", r->evaluator_version},
                              {"failure_mode", r->failure_mode},
                              {"label_set", r->label_set},
                              {"label_set_sha256", r->label_set_sha256},
                              {"labels", r->labels},
                              {"mcc", NumberOrNull(r->mcc)},
                              {"spearman", NumberOrNull(r->spearman)},
                              {"role", RoleName(r->role)}});
    }
    Json drift = nullptr;
    if (const CalibrationRecord* earlier = FindDrift(list, flags.drift)) {
      drift = {{"from_label_set", earlier->label_set},
               {"from_agreement", NumberOrNull(Agreement(*earlier))},
               {"to_label_set", list.back()->label_set},
               {"to_agreement", NumberOrNull(Agreement(*list.back()))}};
    }
    evaluators.push_back({{"id", id}, {"calibrations", calibrations}, {"drift", drift}});
  }
  PrintJsonDocument({{"history", RedactUrl(flags.history)},
                     {"drift_threshold", flags.drift},
                     {"evaluators", evaluators}});
  return kExitOk;
}

int History(const HistoryFlags& flags) {
  auto store = HistoryStore::Open(flags.history, /*create=*/false);
  if (!store.ok()) {
    Status status = store.status();
    // No store yet is the usual case: say how one comes to be.
    if (status.code() == Status::Code::kNotFound) {
      status = Status::NotFound(status.message() + " (run arbiter calibrate first)");
    }
    return Fail("history", status);
  }
  auto records = (*store)->All();
  if (!records.ok()) return Fail("history", records.status());
  std::map<std::string, std::vector<const CalibrationRecord*>> by_evaluator;
  for (const CalibrationRecord& r : *records) {
    if (flags.evaluator.empty() || r.evaluator == flags.evaluator)
      by_evaluator[r.evaluator].push_back(&r);
  }
  if (flags.json) return PrintHistoryJson(flags, by_evaluator);
  int drifting = 0;
  for (const auto& [id, list] : by_evaluator) {
    std::printf("%s\n", id.c_str());
    for (const CalibrationRecord* r : list) {
      std::printf("  %s  v%-3d %-28s labels %-4d agreement %-5s role %s\n",
                  r->calibrated_at.c_str(), r->evaluator_version, r->label_set.c_str(), r->labels,
                  FigureText(Agreement(*r), 2).c_str(), RoleName(r->role).c_str());
    }
    if (const CalibrationRecord* earlier = FindDrift(list, flags.drift)) {
      ++drifting;
      const CalibrationRecord* latest = list.back();
      std::printf("  DRIFT: agreement %s on %s against %s on %s (drop over %s)\n",
                  FigureText(Agreement(*latest), 2).c_str(), latest->label_set.c_str(),
                  FigureText(Agreement(*earlier), 2).c_str(), earlier->label_set.c_str(),
                  FigureText(flags.drift, 2).c_str());
    }
  }
  if (by_evaluator.empty()) {
    std::printf("no calibrations recorded in %s\n", RedactUrl(flags.history).c_str());
  }
  if (drifting) std::printf("%d evaluators drift: review their labels and rubrics.\n", drifting);
  return kExitOk;
}

}  // namespace

Command HistoryCommand() {
  return {"history",
          "Agreement of each evaluator across versions and label sets; drift",
          {{"arbiter history --history out/history.db",
            "arbiter history --history out/history.db --evaluator citation-grounded --json"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<HistoryFlags>();
            app.add_option("--history", flags->history,
                           "History store: a SQLite file or a postgresql:// URL")
                ->capture_default_str()
                ->envname("ARBITER_HISTORY");
            app.add_option("--evaluator", flags->evaluator, "Only this evaluator id");
            app.add_option("--drift", flags->drift,
                           "Agreement drop, between label set versions, that counts as drift")
                ->capture_default_str()
                ->check(FiniteNumber())
                ->check(CLI::Range(0.0, 2.0));
            app.add_flag("--json", flags->json, "Print one JSON document on stdout");
            return [flags] { return History(*flags); };
          }};
}

}  // namespace arbiter
