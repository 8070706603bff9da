// LogConfig: Kafka's per-topic log settings (segment.bytes, retention.ms, cleanup.policy, ...), with
// conversion from and to topic config properties using Kafka's names.
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "base/properties.h"
#include "base/status.h"

namespace sluice::broker::storage {

enum class TimestampType : uint8_t { kCreateTime, kLogAppendTime };

struct LogConfig {
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  static constexpr int64_t kDay = 24LL * 60 * 60 * 1000;

  int64_t segment_bytes = 1LL << 30;         // segment.bytes
  int64_t segment_ms = 7 * kDay;             // segment.ms
  int64_t retention_ms = 7 * kDay;           // retention.ms; -1 = unlimited
  int64_t retention_bytes = -1;              // retention.bytes; -1 = unlimited
  int32_t index_interval_bytes = 4096;       // index.interval.bytes
  int64_t flush_interval_messages = kNever;  // flush.messages (never: rely on the OS)
  int64_t flush_interval_ms = kNever;        // flush.ms
  bool cleanup_delete = true;                // cleanup.policy contains "delete"
  bool cleanup_compact = false;              // cleanup.policy contains "compact"
  int64_t delete_retention_ms = kDay;        // delete.retention.ms
  int64_t min_compaction_lag_ms = 0;         // min.compaction.lag.ms
  int32_t max_message_bytes = 1048588;       // max.message.bytes
  TimestampType message_timestamp_type = TimestampType::kCreateTime;  // message.timestamp.type
  // compression.type: kept and reported; stored batches keep the producer\'s codec (no recompression yet).
  std::string compression_type = "producer";

  // Sets one setting by its Kafka name. InvalidArgument for an unknown key or a bad value, with Kafka's
  // wording ("Invalid value x for configuration segment.bytes: ...").
  Status Set(std::string_view key, std::string_view value);
  // The value of a setting as Kafka prints it ("compact,delete", "LogAppendTime", "1073741824").
  // REQUIRES: IsLogConfigKey(key).
  std::string Get(std::string_view key) const;
  // `base` with every key of `props` applied (all keys must be log config keys).
  static Result<LogConfig> FromProperties(const Properties& props, const LogConfig& base);
  static Result<LogConfig> FromProperties(const Properties& props);
  // The settings whose values differ from `base` (what a topic overrides).
  Properties OverridesFrom(const LogConfig& base) const;

  bool operator==(const LogConfig&) const = default;
};

// True for the keys LogConfig::Set understands.
bool IsLogConfigKey(std::string_view key);
// Every topic-level key LogConfig knows, in a stable order.
std::span<const std::string_view> LogConfigKeys();

}  // namespace sluice::broker::storage
