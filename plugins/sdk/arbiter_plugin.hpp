// A header-only C++ (C++20) layer over arbiter_plugin.h: write one class, add one macro, and
// the library exports the C ABI. Exceptions stop here: none crosses into the host.
//
//   class Shouting {
//    public:
//     static constexpr const char* kName = "shouting";          // required
//     static constexpr uint32_t kVersion = 1;                   // required
//     static constexpr const char* kDescription = "...";        // optional
//     static constexpr const char* kParamsSchema = R"({...})";  // optional: JSON Schema
//     static constexpr uint32_t kFlags = ARBITER_THREAD_SAFE;   // optional: see arbiter_plugin.h
//
//     explicit Shouting(const arbiter_sdk::Config& config);     // throw InvalidParams on bad
//     params arbiter_sdk::Score Score(const arbiter_sdk::TraceView& trace) const;  // throw
//     CannotJudge
//   };
//   ARBITER_PLUGIN(Shouting)   // or ARBITER_PLUGIN(Shouting, Whispering): one line per library
//
// At the boundary: InvalidParams becomes ARBITER_INVALID_PARAMS, CannotJudge becomes
// ARBITER_CANNOT_JUDGE (an error row), any other exception ARBITER_INTERNAL with its what().
// Score() is called concurrently only when kFlags has ARBITER_THREAD_SAFE (then it must be).
#pragma once

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "arbiter_plugin.h"

namespace arbiter_sdk {

// The declaration, as create() receives it. Views are valid during the constructor only.
struct Config {
  std::string_view evaluator_id;
  uint32_t evaluator_version = 0;
  std::string_view params_json;  // checked against kParamsSchema by the host already
  std::string_view target_path;  // empty when the declaration names no target
  std::string_view base_dir;     // resolve relative paths in params against it
};

// One trace, as score() receives it. Views are valid during the call only.
struct TraceView {
  std::string_view json;
  std::string_view trace_id;
  bool has_target = false;
  std::string_view target;
};

struct Score {
  double value = 0.0;  // in [0, 1], 1 = good
  std::string reason;
};

// Thrown from the constructor: the declaration's params are wrong.
class InvalidParams : public std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown from Score(): this trace cannot be judged (an error row, never a pass or a fail).
class CannotJudge : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

inline std::string_view View(arbiter_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.size);
}
inline arbiter_str Str(std::string_view s) { return {s.data(), s.size()}; }
inline void Write(arbiter_sink* sink, std::string_view text) {
  if (sink != nullptr && !text.empty()) sink->append(sink->context, text.data(), text.size());
}

// Runs `body`, turning each exception into its code with what() written to `sink`.
template <typename Body>
int Guard(arbiter_sink* sink, int fallback_code, Body&& body) noexcept {
  try {
    body();
    return ARBITER_OK;
  } catch (const InvalidParams& e) {
    Write(sink, e.what());
    return ARBITER_INVALID_PARAMS;
  } catch (const CannotJudge& e) {
    Write(sink, e.what());
    return ARBITER_CANNOT_JUDGE;
  } catch (const std::exception& e) {
    Write(sink, "exception: ");
    Write(sink, e.what());
    return fallback_code;
  } catch (...) {
    Write(sink, "unknown exception");
    return fallback_code;
  }
}

template <typename T>
int Create(void* /*type_data*/, const arbiter_create_args* args, void** instance,
           arbiter_sink* error) {
  return Guard(error, ARBITER_INTERNAL, [&] {
    Config config{View(args->evaluator_id), args->evaluator_version, View(args->params_json),
                  View(args->target_path), View(args->base_dir)};
    *instance = new T(config);
  });
}

template <typename T>
int ScoreTrace(void* instance, const arbiter_trace_view* trace, double* score,
               arbiter_sink* message) {
  return Guard(message, ARBITER_INTERNAL, [&] {
    TraceView view{View(trace->json), View(trace->trace_id), trace->has_target != 0,
                   View(trace->target)};
    arbiter_sdk::Score result = static_cast<const T*>(instance)->Score(view);
    *score = result.value;
    Write(message, result.reason);
  });
}

template <typename T>
void Destroy(void* instance) {
  delete static_cast<T*>(instance);
}

template <typename T>
int Register(const arbiter_registrar* registrar) {
  arbiter_evaluator_type type{};
  type.name = Str(T::kName);
  type.version = T::kVersion;
  if constexpr (requires { T::kParamsSchema; }) type.params_schema = Str(T::kParamsSchema);
  if constexpr (requires { T::kDescription; }) type.description = Str(T::kDescription);
  if constexpr (requires { T::kFlags; }) type.flags = T::kFlags;
  type.create = &Create<T>;
  type.score = &ScoreTrace<T>;
  type.destroy = &Destroy<T>;
  return registrar->register_evaluator(registrar->context, &type, sizeof(type));
}

template <typename... Types>
int RegisterAll(const arbiter_registrar* registrar) {
  int code = ARBITER_OK;
  // Stops at the first refusal: the host has recorded why.
  for (int (*register_type)(const arbiter_registrar*) : {&Register<Types>...}) {
    code = register_type(registrar);
    if (code != ARBITER_OK) break;
  }
  return code;
}

}  // namespace detail
}  // namespace arbiter_sdk

// Exports the ABI for the listed evaluator classes. Use once per library.
#define ARBITER_PLUGIN(...)                                                              \
  extern "C" ARBITER_PLUGIN_EXPORT uint32_t arbiter_plugin_abi_version(void) {           \
    return ARBITER_PLUGIN_ABI_VERSION;                                                   \
  }                                                                                      \
  extern "C" ARBITER_PLUGIN_EXPORT int arbiter_plugin_init(const arbiter_registrar* r) { \
    return ::arbiter_sdk::detail::RegisterAll<__VA_ARGS__>(r);                           \
  }
