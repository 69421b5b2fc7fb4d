#include "runner/gate/roles.h"

#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/base/json_error.h"
#include "runner/calibration/history_store.h"
#include "runner/suite/role.h"

namespace arbiter {
namespace {

// Why a calibration entry of the run's id and version does not hold for the evaluator that ran,
// or "" when it does: a calibration vouches for the evaluator it measured, not for its name.
std::string FingerprintProblem(const nlohmann::ordered_json& entry, const EvaluatorRun& run) {
  std::string calibrated =
      entry.is_object() && entry.contains("fingerprint") && entry["fingerprint"].is_string()
          ? entry["fingerprint"].get<std::string>()
          : "";
  if (calibrated.empty()) {
    return "its calibration records no fingerprint (recalibrate with this version of arbiter)";
  }
  if (run.fingerprint.empty()) {
    return "the run's scorecard.json records no fingerprint to match its calibration";
  }
  if (calibrated != run.fingerprint) {
    return "changed without a version bump since its calibration (fingerprint " +
           calibrated.substr(0, 12) + " calibrated, " + run.fingerprint.substr(0, 12) +
           " in the run)";
  }
  return "";
}

// The first entry of calibration.json's evaluators whose id, version or role has the wrong
// type, in words; "" when all are well typed (calibrate writes them so; a hand edit may not).
std::string EntryTypeProblem(const nlohmann::ordered_json& evaluators) {
  for (size_t i = 0; i < evaluators.size(); ++i) {
    const nlohmann::ordered_json& entry = evaluators[i];
    std::string where = "evaluators[" + std::to_string(i) + "]";
    if (!entry.is_object()) return where + " is not an object";
    if (!entry.contains("id") || !entry["id"].is_string()) return where + ".id is not a string";
    if (entry.contains("version") && !entry["version"].is_number_integer()) {
      return where + ".version is not a whole number";
    }
    if (entry.contains("role") && !entry["role"].is_string()) {
      return where + ".role is not a string";
    }
  }
  return "";
}

}  // namespace

Result<std::map<std::string, EvaluatorRole>> RolesFromFile(const std::string& path,
                                                           const RunOutput& candidate) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open calibration file");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json calibration;
  try {
    calibration = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(path + ": not JSON: " + JsonErrorText(e));
  }
  if (!calibration.is_object() || !calibration["evaluators"].is_array()) {
    return Status::InvalidArgument(path + ": not a calibration.json (no evaluators array)");
  }
  if (calibration.contains("label_set") && !calibration["label_set"].is_string()) {
    return Status::InvalidArgument(path + ": label_set is not a string");
  }
  if (std::string problem = EntryTypeProblem(calibration["evaluators"]); !problem.empty()) {
    return Status::InvalidArgument(path + ": " + problem);
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
    std::string name = entry.value("role", "uncalibrated");
    std::optional<Role> parsed = ParseRole(name);
    if (!parsed) {
      return Status::InvalidArgument(path + ": " + id + " has an unknown role '" + name +
                                     "' (gate, signal, revise or uncalibrated)");
    }
    if (version != run->version) {
      role.note = "stale: calibrated at v" + std::to_string(version) + ", the run used v" +
                  std::to_string(run->version);
      role.lost_role = *parsed;
    } else if (std::string problem = FingerprintProblem(entry, *run); !problem.empty()) {
      role.note = problem;
      role.lost_role = *parsed;
    } else {
      role.role = *parsed;
    }
    roles[id] = role;
  }
  return roles;
}

Result<std::map<std::string, EvaluatorRole>> RolesFromHistory(const std::string& path,
                                                              const RunOutput& candidate) {
  std::map<std::string, EvaluatorRole> roles;
  auto store = HistoryStore::Open(path, /*create=*/false);
  if (!store.ok()) {
    if (store.status().code() == Status::Code::kNotFound) return roles;  // nothing calibrated yet
    return store.status();
  }
  ARBITER_ASSIGN_OR_RETURN(auto all, (*store)->All());
  for (const EvaluatorRun& run : candidate.evaluators) {
    EvaluatorRole role;
    role.note = "never calibrated";
    bool matched = false;
    for (const CalibrationRecord& record : all) {  // ordered by insertion: the last one wins
      if (record.evaluator != run.id) continue;
      if (record.evaluator_version != run.version) {
        if (role.source.empty()) {
          role.note = "stale: calibrated at v" + std::to_string(record.evaluator_version) +
                      ", the run used v" + std::to_string(run.version);
          role.lost_role = record.role;
        }
        continue;
      }
      // SPEC: the latest calibration of this id, version and fingerprint decides; one of the same
      // version but another fingerprint only explains why there is none.
      std::string problem = FingerprintProblem(record.figures, run);
      if (!problem.empty() && matched) continue;
      matched = problem.empty();
      role.role = matched ? record.role : Role::kUncalibrated;
      role.lost_role = matched ? Role::kUncalibrated : record.role;
      role.source = "history: " + record.label_set + ", " + record.calibrated_at;
      role.figures = record.figures;
      role.note = problem;
    }
    roles[run.id] = role;
  }
  return roles;
}

}  // namespace arbiter
