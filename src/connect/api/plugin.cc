// PluginRegistry lookups. See plugin.h.
#include "connect/api/plugin.h"

#include <algorithm>

namespace sluice::connect {

std::string_view ConnectorTypeName(ConnectorType type) {
  return type == ConnectorType::kSource ? "source" : "sink";
}

std::string_view PluginTypeName(PluginType type) {
  switch (type) {
    case PluginType::kSource:
      return "source";
    case PluginType::kSink:
      return "sink";
    case PluginType::kConverter:
      return "converter";
    case PluginType::kHeaderConverter:
      return "header_converter";
    case PluginType::kTransformation:
      return "transformation";
    case PluginType::kPredicate:
      return "predicate";
  }
  return "unknown";
}

void PluginRegistry::Add(PluginInfo info) { plugins_.push_back(std::move(info)); }

const PluginInfo* PluginRegistry::Find(std::string_view name) const {
  for (const PluginInfo& p : plugins_) {
    if (p.class_name == name) return &p;
    if (std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return &p;
  }
  return nullptr;
}

const PluginInfo* PluginRegistry::Find(std::string_view name, std::initializer_list<PluginType> types) const {
  for (const PluginInfo& p : plugins_) {
    if (std::find(types.begin(), types.end(), p.type) == types.end()) continue;
    if (p.class_name == name) return &p;
    if (std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return &p;
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::Names(std::initializer_list<PluginType> types) const {
  std::vector<std::string> names;
  for (const PluginInfo& p : plugins_) {
    if (std::find(types.begin(), types.end(), p.type) != types.end()) names.push_back(p.class_name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sluice::connect
