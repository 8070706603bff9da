// The broker's configuration: Kafka's server.properties names, defined and validated through ConfigDef.
// Unknown keys are logged once and ignored; invalid values fail start-up naming the key.
// Thread-safety: an immutable value after Parse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/properties.h"
#include "base/status.h"

namespace sluice::broker {

struct Listener {
  std::string name = "PLAINTEXT";
  std::string host = "127.0.0.1";
  uint16_t port = 9092;
};

struct BrokerConfig {
  int32_t node_id = 1;
  std::vector<Listener> listeners;
  std::vector<Listener> advertised_listeners;
  std::vector<std::string> log_dirs;
  int32_t num_partitions = 1;
  bool auto_create_topics = true;
  int16_t default_replication_factor = 1;
  int64_t log_segment_bytes = 1073741824;
  int64_t log_roll_ms = 168LL * 3600 * 1000;
  int64_t log_retention_ms = 168LL * 3600 * 1000;
  int64_t log_retention_bytes = -1;
  int64_t log_retention_check_interval_ms = 300000;
  std::string log_cleanup_policy = "delete";
  int64_t log_flush_interval_messages = INT64_MAX;
  int64_t log_flush_interval_ms = INT64_MAX;
  int32_t message_max_bytes = 1048588;
  int32_t socket_request_max_bytes = 104857600;
  int64_t connections_max_idle_ms = 600000;
  int32_t max_connections = INT32_MAX;
  int32_t max_connections_per_ip = INT32_MAX;
  int32_t log_index_interval_bytes = 4096;
  int32_t offsets_topic_num_partitions = 50;
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
  int64_t offsets_retention_check_interval_ms = 600000;
  int32_t group_initial_rebalance_delay_ms = 3000;
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int64_t log_cleaner_delete_retention_ms = 86400000;
  int64_t log_cleaner_min_compaction_lag_ms = 0;
  std::string compression_type = "producer";
  std::string log_message_timestamp_type = "CreateTime";
  std::string cluster_id;  // generated and persisted in meta.properties when absent

  // The definitions of every key above.
  static const ConfigDef& Definition();
  // Parses and validates; logs unknown keys once.
  static Result<BrokerConfig> Parse(const Properties& props);
};

// "PLAINTEXT://host:port,NAME://host:port" -> listeners. An empty host means all interfaces.
Result<std::vector<Listener>> ParseListeners(const std::string& key, const std::vector<std::string>& items);

}  // namespace sluice::broker
