#include "runner/gate/roles.h"

#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/calibration/history_store.h"
#include "runner/suite/role.h"

namespace arbiter {

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
      std::string name = entry.value("role", "uncalibrated");
      std::optional<Role> parsed = ParseRole(name);
      if (!parsed) {
        return Status::InvalidArgument(path + ": " + id + " has an unknown role '" + name +
                                       "' (gate, signal, revise or uncalibrated)");
      }
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
    for (const CalibrationRecord& record : all) {  // ordered by insertion: the last one wins
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

}  // namespace arbiter
