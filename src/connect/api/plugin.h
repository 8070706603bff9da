// The registry of built-in plugins: connectors, converters, header converters, transformations and
// predicates, each under its class name and aliases (Kafka's simple names, Confluent's and Apache's
// full names). Modules add their plugins through a Register*(PluginRegistry&) function; there is no
// static-initialisation magic. Lookup is exact on any name.
//
// Thread-safety: fill it once at start-up, then read it from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "connect/api/connector.h"
#include "connect/api/converter.h"
#include "connect/api/task.h"
#include "connect/api/transformation.h"

namespace sluice::connect {

enum class PluginType { kSource, kSink, kConverter, kHeaderConverter, kTransformation, kPredicate };
std::string_view PluginTypeName(PluginType type);  // "source", "sink", "converter", ...

struct PluginInfo {
  std::string class_name;            // canonical, e.g. "io.confluent.connect.jdbc.JdbcSourceConnector"
  std::vector<std::string> aliases;  // e.g. "JdbcSourceConnector", "JdbcSource"
  PluginType type = PluginType::kSource;
  std::string version = "1.0.0";
  // Exactly one matches `type`: connectors for kSource/kSink.
  std::function<std::unique_ptr<Connector>()> new_connector;
  std::function<std::unique_ptr<Task>()> new_task;  // the connector's task class
  std::function<std::unique_ptr<Converter>()> new_converter;
  std::function<std::unique_ptr<HeaderConverter>()> new_header_converter;
  std::function<std::unique_ptr<Transformation>()> new_transformation;
  std::function<std::unique_ptr<Predicate>()> new_predicate;
};

class PluginRegistry {
 public:
  void Add(PluginInfo info);
  // nullptr if no plugin has this class name or alias (of a type in `types`, when given).
  const PluginInfo* Find(std::string_view name) const;
  const PluginInfo* Find(std::string_view name, std::initializer_list<PluginType> types) const;
  const std::vector<PluginInfo>& plugins() const { return plugins_; }
  // Class names of the plugins of these types, sorted: for "unknown class" errors.
  std::vector<std::string> Names(std::initializer_list<PluginType> types) const;

 private:
  std::vector<PluginInfo> plugins_;
};

}  // namespace sluice::connect
