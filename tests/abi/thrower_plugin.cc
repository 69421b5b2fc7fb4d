// A C++ plugin through the SDK's convenience layer whose code throws: the layer must turn each
// exception into an error code with its message, and nothing may reach the host as an exception.
#include <stdexcept>
#include <string>

#include "arbiter_plugin.hpp"

namespace {

class Thrower {
 public:
  static constexpr const char* kName = "abi_thrower";
  static constexpr uint32_t kVersion = 2;
  static constexpr const char* kDescription = "throws on request";
  static constexpr const char* kParamsSchema =
      R"({"type": "object", "properties": {"mode": {"enum": ["ok", "reject", "crash_create"]}},
          "additionalProperties": false})";

  explicit Thrower(const arbiter_sdk::Config& config) {
    std::string params(config.params_json);
    if (params.find("reject") != std::string::npos) {
      throw arbiter_sdk::InvalidParams("mode reject: refused");
    }
    if (params.find("crash_create") != std::string::npos) throw std::logic_error("bug in create");
  }

  // By trace id: "throw-runtime" throws std::runtime_error, "throw-judge" CannotJudge,
  // "throw-int" an int; any other trace scores 0.25.
  arbiter_sdk::Score Score(const arbiter_sdk::TraceView& trace) const {
    if (trace.trace_id == "throw-runtime") throw std::runtime_error("boom");
    if (trace.trace_id == "throw-judge") throw arbiter_sdk::CannotJudge("no output to judge");
    if (trace.trace_id == "throw-int") throw 42;
    return {0.25, "quarter"};
  }
};

}  // namespace

ARBITER_PLUGIN(Thrower)
