#include "runner/plugin_registry.h"

#include <algorithm>

namespace arbiter {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

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
  const PluginInfo* best = nullptr;
  size_t best_distance = 3;  // suggest only close names
  for (const auto& [known, info] : plugins_) {
    size_t d = EditDistance(name, known);
    if (d < best_distance) {
      best_distance = d;
      best = &info;
    }
  }
  if (best) message += " (did you mean '" + best->name + "'?)";
  message += "; known plugins:";
  for (const auto& [known, info] : plugins_) message += " " + known;
  return message;
}

}  // namespace arbiter
