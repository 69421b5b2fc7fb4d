// An evaluator type registered by an external plugin library, adapted to the Evaluator
// interface: params go to the plugin as JSON (checked against its schema first), each trace as
// its JSON text plus its target's text, and the result comes back through the host's checks.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "plugins/sdk/arbiter_plugin.h"
#include "runner/plugin_api/evaluator.h"
#include "runner/plugin_api/json_schema/compiled_schema.h"

namespace arbiter {

// What a library registered for one type, copied into host memory.
struct ExternalType {
  // The registration, zero-extended to the host's struct size: fields a shorter (older) struct
  // lacks are absent (null, 0). The arbiter_str fields point into the strings below.
  arbiter_evaluator_type c_type{};
  std::string name;
  std::string description;
  std::string params_schema;             // "" when the plugin declared none
  std::optional<CompiledSchema> schema;  // compiled params_schema
  std::string library_path;              // for messages
  std::shared_ptr<void> library;         // the dlopen handle: keeps the code loaded

  bool thread_safe() const { return (c_type.flags & ARBITER_THREAD_SAFE) != 0; }
};

// A sink that appends what the plugin writes to `out` (the host owns the message).
arbiter_sink StringSink(std::string& out);

// The PluginInfo for `type`: its create() validates params, calls the plugin's create and wraps
// the instance in an Evaluator that calls score() (serialized unless the type is thread-safe).
PluginInfo ExternalPluginInfo(std::shared_ptr<const ExternalType> type);

}  // namespace arbiter
