// The calibration history: every calibration with the evaluator id and version, the label set
// version and its hash, the date and the figures. `arbiter gate` reads each evaluator's role
// from it; `arbiter history` shows agreement over time. It lives in SQLite (`.arbiter/history.db`
// by default) or in PostgreSQL (a `postgresql://` URL), where CI runners and shards share one.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"
#include "runner/suite/role.h"

namespace arbiter {

inline constexpr char kDefaultHistoryPath[] = ".arbiter/history.db";

struct CalibrationRecord {
  int64_t id = 0;  // insertion order
  std::string evaluator;
  int evaluator_version = 0;
  std::string failure_mode;
  std::string label_set;  // NAME@vN
  std::string label_set_sha256;
  std::string calibrated_at;  // ISO 8601 UTC
  int labels = 0;
  std::optional<double> mcc;
  std::optional<double> spearman;
  Role role = Role::kUncalibrated;
  nlohmann::ordered_json figures;  // the evaluator's calibration.json entry
};

// The figure of agreement a record carries: MCC, or Spearman's rho for graded labels.
std::optional<double> Agreement(const CalibrationRecord& record);

// The drift signal for one evaluator's records (in insertion order): the latest calibration
// against the last earlier one of the same evaluator version on a different label set (another
// sha256). Returns that earlier record when agreement fell by more than `threshold`.
const CalibrationRecord* FindDrift(const std::vector<const CalibrationRecord*>& records,
                                   double threshold);

class HistoryStore {
 public:
  // Opens the store at `location`: a SQLite file, or a postgresql:// (postgres://) URL. With
  // `create` the file (with its folder) or the tables are created; without, a missing store is
  // NotFound. Messages name a URL without its password.
  static Result<std::unique_ptr<HistoryStore>> Open(const std::string& location, bool create);
  virtual ~HistoryStore() = default;

  // Safe while other processes record into the same store.
  virtual Status Record(const CalibrationRecord& record) = 0;
  // The latest calibration of `evaluator` at `version`, if any.
  Result<std::optional<CalibrationRecord>> Latest(const std::string& evaluator, int version);
  // Every calibration, ordered by evaluator, then insertion.
  Result<std::vector<CalibrationRecord>> All();

 protected:
  // The records of kSelectRecords + `clause`, with $1, $2, ... bound to `params`.
  virtual Result<std::vector<CalibrationRecord>> Select(const std::string& clause,
                                                        const std::vector<std::string>& params) = 0;
};

}  // namespace arbiter
