#include "runner/plugin_api/plugin_registry.h"

#include "runner/base/suggest.h"

namespace arbiter {

Status PluginRegistry::Register(PluginInfo info) {
  if (info.name.empty()) return Status::InvalidArgument("plugin without a name from " + info.origin);
  if (!info.create) return Status::InvalidArgument("plugin '" + info.name + "' has no factory");
  auto it = plugins_.find(info.name);
  if (it != plugins_.end()) {
    return Status::InvalidArgument("plugin '" + info.name + "' version " +
                                   std::to_string(info.version) + " from " + info.origin +
                                   " is already registered (version " +
                                   std::to_string(it->second.version) + " from " +
                                   it->second.origin + ")");
  }
  std::string name = info.name;
  plugins_.emplace(std::move(name), std::move(info));
  return Status::OK();
}

const PluginInfo* PluginRegistry::Find(std::string_view name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const PluginInfo*> PluginRegistry::List() const {
  std::vector<const PluginInfo*> list;
  for (const auto& [name, info] : plugins_) list.push_back(&info);
  return list;
}

std::string PluginRegistry::UnknownPluginMessage(std::string_view name) const {
  std::string message = "unknown plugin '" + std::string(name) + "'";
  std::vector<std::string> names;
  for (const auto& [known, info] : plugins_) names.push_back(known);
  std::string closest = ClosestName(name, names);
  if (!closest.empty()) message += " (did you mean '" + closest + "'?)";
  message += "; known plugins:";
  for (const auto& [known, info] : plugins_) message += " " + known;
  return message;
}

}  // namespace arbiter
