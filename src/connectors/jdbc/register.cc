// RegisterJdbcConnectors. See register.h.
#include "connectors/jdbc/register.h"

#include <memory>

#include "connectors/jdbc/source_connector.h"
#include "connectors/jdbc/source_task.h"

namespace sluice::connectors {

void RegisterJdbcConnectors(connect::PluginRegistry& registry) {
  connect::PluginInfo source;
  source.class_name = std::string(jdbc::JdbcSourceConnector::kClassName);
  source.aliases = {"JdbcSourceConnector", "JdbcSource"};
  source.type = connect::PluginType::kSource;
  source.new_connector = [] { return std::make_unique<jdbc::JdbcSourceConnector>(); };
  source.new_task = [] { return std::make_unique<jdbc::JdbcSourceTask>(); };
  registry.Add(std::move(source));
}

}  // namespace sluice::connectors
