// LogConfig parsing and printing (see log_config.h).
#include "broker/storage/log_config.h"

#include <array>
#include <charconv>

namespace sluice::broker::storage {
namespace {

constexpr std::array<std::string_view, 13> kKeys = {"segment.bytes",
                                                    "segment.ms",
                                                    "retention.ms",
                                                    "retention.bytes",
                                                    "index.interval.bytes",
                                                    "flush.messages",
                                                    "flush.ms",
                                                    "cleanup.policy",
                                                    "delete.retention.ms",
                                                    "min.compaction.lag.ms",
                                                    "max.message.bytes",
                                                    "message.timestamp.type",
                                                    "compression.type"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Invalid(std::string_view key, std::string_view value, std::string_view why) {
  return Status::InvalidArgument("Invalid value " + std::string(value) + " for configuration " +
                                 std::string(key) + ": " + std::string(why));
}

Status ParseLong(std::string_view key, std::string_view value, int64_t min, int64_t max, int64_t* out) {
  std::string_view v = Trim(value);
  int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    return Invalid(
        key, value,
        max > std::numeric_limits<int32_t>::max() ? "Not a number of type LONG" : "Not a number of type INT");
  }
  if (x < min) return Invalid(key, value, "Value must be at least " + std::to_string(min));
  if (x > max) return Invalid(key, value, "Value must be no more than " + std::to_string(max));
  *out = x;
  return Status::OK();
}

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

}  // namespace

bool IsLogConfigKey(std::string_view key) {
  for (std::string_view k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

Status LogConfig::Set(std::string_view key, std::string_view value) {
  int64_t v = 0;
  if (key == "segment.bytes") {
    RETURN_IF_ERROR(
        ParseLong(key, value, 14, kIntMax, &v));  // Kafka: at least LegacyRecord.RECORD_OVERHEAD_V0
    segment_bytes = v;
  } else if (key == "segment.ms") {
    RETURN_IF_ERROR(ParseLong(key, value, 1, kLongMax, &segment_ms));
  } else if (key == "retention.ms") {
    RETURN_IF_ERROR(ParseLong(key, value, -1, kLongMax, &retention_ms));
  } else if (key == "retention.bytes") {
    RETURN_IF_ERROR(ParseLong(key, value, -1, kLongMax, &retention_bytes));
  } else if (key == "index.interval.bytes") {
    RETURN_IF_ERROR(ParseLong(key, value, 0, kIntMax, &v));
    index_interval_bytes = static_cast<int32_t>(v);
  } else if (key == "flush.messages") {
    RETURN_IF_ERROR(ParseLong(key, value, 1, kLongMax, &flush_interval_messages));
  } else if (key == "flush.ms") {
    RETURN_IF_ERROR(ParseLong(key, value, 0, kLongMax, &flush_interval_ms));
  } else if (key == "cleanup.policy") {
    bool del = false, compact = false;
    std::string_view rest = value;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view item = Trim(rest.substr(0, comma));
      if (item == "delete") {
        del = true;
      } else if (item == "compact") {
        compact = true;
      } else {
        return Invalid(key, value, "String must be one of: compact, delete");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    cleanup_delete = del;
    cleanup_compact = compact;
  } else if (key == "delete.retention.ms") {
    RETURN_IF_ERROR(ParseLong(key, value, 0, kLongMax, &delete_retention_ms));
  } else if (key == "min.compaction.lag.ms") {
    RETURN_IF_ERROR(ParseLong(key, value, 0, kLongMax, &min_compaction_lag_ms));
  } else if (key == "max.message.bytes") {
    RETURN_IF_ERROR(ParseLong(key, value, 0, kIntMax, &v));
    max_message_bytes = static_cast<int32_t>(v);
  } else if (key == "message.timestamp.type") {
    std::string_view t = Trim(value);
    if (t == "CreateTime") {
      message_timestamp_type = TimestampType::kCreateTime;
    } else if (t == "LogAppendTime") {
      message_timestamp_type = TimestampType::kLogAppendTime;
    } else {
      return Invalid(key, value, "String must be one of: CreateTime, LogAppendTime");
    }
  } else if (key == "compression.type") {
    std::string_view t = Trim(value);
    if (t != "uncompressed" && t != "zstd" && t != "lz4" && t != "snappy" && t != "gzip" && t != "producer") {
      return Invalid(key, value, "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer");
    }
    compression_type = std::string(t);
  } else {
    return Status::InvalidArgument("Unknown topic config name: " + std::string(key));
  }
  return Status::OK();
}

std::string LogConfig::Get(std::string_view key) const {
  if (key == "segment.bytes") return std::to_string(segment_bytes);
  if (key == "segment.ms") return std::to_string(segment_ms);
  if (key == "retention.ms") return std::to_string(retention_ms);
  if (key == "retention.bytes") return std::to_string(retention_bytes);
  if (key == "index.interval.bytes") return std::to_string(index_interval_bytes);
  if (key == "flush.messages") return std::to_string(flush_interval_messages);
  if (key == "flush.ms") return std::to_string(flush_interval_ms);
  if (key == "cleanup.policy") {
    if (cleanup_compact && cleanup_delete) return "compact,delete";
    if (cleanup_compact) return "compact";
    return "delete";
  }
  if (key == "delete.retention.ms") return std::to_string(delete_retention_ms);
  if (key == "min.compaction.lag.ms") return std::to_string(min_compaction_lag_ms);
  if (key == "max.message.bytes") return std::to_string(max_message_bytes);
  if (key == "message.timestamp.type") {
    return message_timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
  }
  if (key == "compression.type") return compression_type;
  return "";
}

std::span<const std::string_view> LogConfigKeys() { return kKeys; }

Result<LogConfig> LogConfig::FromProperties(const Properties& props, const LogConfig& base) {
  LogConfig config = base;
  for (const auto& [key, value] : props) RETURN_IF_ERROR(config.Set(key, value));
  return config;
}

Result<LogConfig> LogConfig::FromProperties(const Properties& props) {
  return FromProperties(props, LogConfig());
}

Properties LogConfig::OverridesFrom(const LogConfig& base) const {
  Properties out;
  for (std::string_view key : kKeys) {
    std::string mine = Get(key);
    if (mine != base.Get(key)) out.Set(key, mine);
  }
  return out;
}

}  // namespace sluice::broker::storage
