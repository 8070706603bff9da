// The worker's configuration: Kafka Connect's worker property names (connect-distributed.properties /
// connect-standalone.properties), validated with ConfigDef, plus the pass-through prefixes
// producer.*, consumer.*, admin.* (handed to librdkafka) and key./value./header.converter.* (handed to
// the converters).
//
// Thread-safety: immutable after Parse; share freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/properties.h"
#include "base/status.h"
#include "connect/api/connector.h"

namespace sluice::connect {

enum class WorkerMode { kStandalone, kDistributed };

struct WorkerConfig {
  WorkerMode mode = WorkerMode::kDistributed;
  std::string bootstrap_servers;
  std::string group_id;  // distributed only
  std::string key_converter;
  std::string value_converter;
  std::string header_converter;
  ConfigMap key_converter_props;  // "key.converter.*" with the prefix stripped
  ConfigMap value_converter_props;
  ConfigMap header_converter_props;
  std::string offset_storage_topic;
  std::string config_storage_topic;
  std::string status_storage_topic;
  int32_t offset_storage_partitions = 25;
  int32_t status_storage_partitions = 5;
  int16_t offset_storage_replication_factor = 3;
  int16_t config_storage_replication_factor = 3;
  int16_t status_storage_replication_factor = 3;
  int64_t offset_flush_interval_ms = 60000;
  int64_t offset_flush_timeout_ms = 5000;
  std::string rest_host = "0.0.0.0";  // from listeners / rest.host.name
  int32_t rest_port = 8083;
  std::string rest_advertised_host;  // empty: the host name of this machine
  int32_t rest_advertised_port = 0;  // 0: rest_port
  std::string rest_advertised_scheme = "http";
  int32_t session_timeout_ms = 10000;
  int32_t heartbeat_interval_ms = 3000;
  int32_t rebalance_timeout_ms = 60000;
  int32_t scheduled_rebalance_max_delay_ms = 0;
  int64_t task_shutdown_graceful_timeout_ms = 5000;
  std::string offset_storage_file;  // standalone
  std::string client_id_prefix = "sluice-connect";
  ConfigMap producer_props;  // librdkafka overrides
  ConfigMap consumer_props;
  ConfigMap admin_props;
  ConfigMap config_providers;  // "config.providers" and "config.providers.*"
  std::vector<std::string> unknown_keys;

  // REQUIRES: mode as the command that reads the file (connect-standalone / connect-distributed).
  static Result<WorkerConfig> Parse(const Properties& props, WorkerMode mode);
  static const ConfigDef& Definition(WorkerMode mode);

  // "host:port" as other workers and clients reach this worker's REST API.
  std::string AdvertisedHostPort() const;
  std::string AdvertisedUrl() const;  // "http://host:port/"
};

}  // namespace sluice::connect
