// The plugins a run can use, by name. Built-in and external plugins register the same way.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

class PluginRegistry {
 public:
  // Refuses a second plugin of the same name, naming both origins.
  Status Register(PluginInfo info);
  // nullptr when unknown.
  const PluginInfo* Find(std::string_view name) const;
  // Every plugin, sorted by name.
  std::vector<const PluginInfo*> List() const;
  // "unknown plugin 'regx' (did you mean 'regex'?); known: ..." for error messages.
  std::string UnknownPluginMessage(std::string_view name) const;

 private:
  std::map<std::string, PluginInfo, std::less<>> plugins_;
};

}  // namespace arbiter
