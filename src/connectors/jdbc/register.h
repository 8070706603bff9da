// Registers the JDBC source connector (io.confluent.connect.jdbc.JdbcSourceConnector, aliases
// JdbcSourceConnector and JdbcSource) with the plugin registry.
// Thread-safety: call during start-up, before the registry is shared.
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connectors {

void RegisterJdbcConnectors(connect::PluginRegistry& registry);

}  // namespace sluice::connectors
