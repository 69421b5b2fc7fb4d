#include "runner/calibration/history_store.h"

#include "runner/base/db_url.h"
#include "runner/calibration/history_backends.h"

namespace arbiter {

Result<std::unique_ptr<HistoryStore>> HistoryStore::Open(const std::string& location, bool create) {
  if (IsPostgresUrl(location)) return OpenPostgresHistory(location, create);
  return OpenSqliteHistory(location, create);
}

Status DecodeRoleAndFigures(const std::string& role, const std::string& figures,
                            CalibrationRecord& record) {
  std::optional<Role> parsed = ParseRole(role);
  if (!parsed) {
    return Status::Corruption("history store: calibration " + std::to_string(record.id) +
                              " has an unknown role '" + role + "'");
  }
  record.role = *parsed;
  record.figures = nlohmann::ordered_json::parse(figures, nullptr, /*allow_exceptions=*/false);
  return Status::OK();
}

std::optional<double> Agreement(const CalibrationRecord& record) {
  return record.mcc ? record.mcc : record.spearman;
}

const CalibrationRecord* FindDrift(const std::vector<const CalibrationRecord*>& records,
                                   double threshold) {
  if (records.size() < 2) return nullptr;
  const CalibrationRecord* latest = records.back();
  for (auto it = records.rbegin() + 1; it != records.rend(); ++it) {
    const CalibrationRecord* earlier = *it;
    if (earlier->evaluator_version != latest->evaluator_version ||
        earlier->label_set_sha256 == latest->label_set_sha256) {
      continue;
    }
    auto now = Agreement(*latest), before = Agreement(*earlier);
    return now && before && *before - *now > threshold ? earlier : nullptr;
  }
  return nullptr;
}

Result<std::optional<CalibrationRecord>> HistoryStore::Latest(const std::string& evaluator,
                                                              int version) {
  ARBITER_ASSIGN_OR_RETURN(
      auto records,
      Select("WHERE evaluator = $1 AND evaluator_version = $2 ORDER BY id DESC LIMIT 1",
             {evaluator, std::to_string(version)}));
  if (records.empty()) return std::optional<CalibrationRecord>();
  return std::optional<CalibrationRecord>(std::move(records.front()));
}

Result<std::vector<CalibrationRecord>> HistoryStore::All() {
  return Select("ORDER BY evaluator, id", {});
}

}  // namespace arbiter
