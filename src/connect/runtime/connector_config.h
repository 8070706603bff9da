// The runtime's part of a connector config (Kafka's ConnectorConfig, SourceConnectorConfig and
// SinkConnectorConfig): name, connector.class, tasks.max, converters, transforms, predicates, error
// handling, and for sinks topics / topics.regex and the dead letter queue.
//
// Thread-safety: immutable after parsing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/connector.h"
#include "connect/api/plugin.h"
#include "connect/runtime/herder.h"

namespace sluice::connect {

struct ConnectorConfig {
  std::string name;
  std::string connector_class;
  const PluginInfo* plugin = nullptr;
  int32_t tasks_max = 1;
  std::string key_converter;  // empty: the worker's
  std::string value_converter;
  std::string header_converter;
  int64_t errors_retry_timeout_ms = 0;
  int64_t errors_retry_delay_max_ms = 60000;
  bool errors_tolerance_all = false;
  bool errors_log_enable = false;
  bool errors_log_include_messages = false;
  // Sinks.
  std::vector<std::string> topics;
  std::string topics_regex;
  std::string dlq_topic;
  int16_t dlq_replication_factor = 3;
  bool dlq_context_headers = false;

  static const ConfigDef& CommonDefinition();
  static const ConfigDef& SinkDefinition();
  // REQUIRES: config has been validated (ValidateConnectorConfig has no errors).
  static Result<ConnectorConfig> Parse(const ConfigMap& config, const PluginRegistry& plugins);
};

// Every problem of a connector config as Kafka's ConfigInfos: the runtime's keys, the connector's own
// keys (its Validate), transforms and predicates. `plugins` resolves connector.class; an unknown class
// is an error on connector.class that lists the known ones.
ConfigInfos ValidateConnectorConfig(const ConfigMap& config, const PluginRegistry& plugins);

// A one-line summary of a validation's errors for a 400 response:
// "Connector configuration is invalid and contains the following 2 error(s):\n..." as Kafka.
std::string DescribeValidationErrors(const ConfigInfos& infos);

}  // namespace sluice::connect
