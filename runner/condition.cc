// Placeholder: implemented by the conditions work (see condition.h).
#include "runner/condition.h"

namespace arbiter {
struct Condition::Node {};
Result<Condition> Condition::Parse(std::string_view text) {
  return Status::InvalidArgument("conditions are not implemented yet: " + std::string(text));
}
bool Condition::Matches(simdjson::dom::element) const { return false; }
}  // namespace arbiter
