// Per-topic configuration. Thread-safety: see topic_config.h.
#include "broker/core/topic_config.h"

namespace sluice::broker {

storage::LogConfig BrokerLogDefaults(const BrokerConfig& b) {
  storage::LogConfig c;
  c.segment_bytes = b.log_segment_bytes;
  c.segment_ms = b.log_roll_ms;
  c.retention_ms = b.log_retention_ms;
  c.retention_bytes = b.log_retention_bytes;
  c.index_interval_bytes = b.log_index_interval_bytes;
  c.flush_interval_messages = b.log_flush_interval_messages;
  c.flush_interval_ms = b.log_flush_interval_ms;
  c.cleanup_delete = b.log_cleanup_policy.find("delete") != std::string::npos;
  c.cleanup_compact = b.log_cleanup_policy.find("compact") != std::string::npos;
  c.delete_retention_ms = b.log_cleaner_delete_retention_ms;
  c.min_compaction_lag_ms = b.log_cleaner_min_compaction_lag_ms;
  c.max_message_bytes = b.message_max_bytes;
  c.message_timestamp_type = b.log_message_timestamp_type == "LogAppendTime"
                                 ? storage::TimestampType::kLogAppendTime
                                 : storage::TimestampType::kCreateTime;
  c.compression_type = b.compression_type;
  return c;
}

std::optional<kafka::CompressionType> TopicCompression(const storage::LogConfig& c) {
  if (c.compression_type == "producer") return std::nullopt;
  if (c.compression_type == "uncompressed") return kafka::CompressionType::kNone;
  auto t = kafka::CompressionFromName(c.compression_type);
  return t.ok() ? std::optional<kafka::CompressionType>(*t) : std::nullopt;
}

Result<storage::LogConfig> TopicLogConfig(const BrokerConfig& broker,
                                          const std::map<std::string, std::string>& overrides) {
  storage::LogConfig c = BrokerLogDefaults(broker);
  for (const auto& [k, v] : overrides) RETURN_IF_ERROR(c.Set(k, v));
  return c;
}

std::vector<TopicConfigEntry> EffectiveTopicConfigs(const BrokerConfig& broker,
                                                    const std::map<std::string, std::string>& overrides) {
  const storage::LogConfig defaults = BrokerLogDefaults(broker);
  std::vector<TopicConfigEntry> out;
  for (std::string_view key : storage::LogConfigKeys()) {
    auto it = overrides.find(std::string(key));
    if (it != overrides.end()) {
      out.push_back({std::string(key), it->second, false});
    } else {
      out.push_back({std::string(key), defaults.Get(key), true});
    }
  }
  return out;
}

}  // namespace sluice::broker
