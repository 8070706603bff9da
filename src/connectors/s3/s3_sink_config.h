// The S3 sink's configuration with Confluent's names and defaults (s3.bucket.name, flush.size,
// partitioner.class, path.format, ...), its ConfigDef, and the cross-field checks Confluent makes
// (e.g. TimeBasedPartitioner needs path.format, partition.duration.ms, locale and timezone), reported
// per field for config/validate.
//
// Thread-safety: S3SinkConfig is a plain value; the ConfigDef is immutable after first use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "connect/api/connector.h"

namespace sluice::connectors::s3 {

enum class PartitionerKind { kDefault, kField, kTimeBased, kDaily, kHourly };
enum class FormatKind { kJson, kByteArray };
enum class ExtractorKind { kRecord, kRecordField, kWallclock };
enum class NullBehavior { kFail, kIgnore, kWrite };

struct S3SinkConfig {
  // S3
  std::string bucket;
  std::string region;
  std::string store_url;
  bool path_style = true;
  int32_t part_size = 25 * 1024 * 1024;
  bool gzip = false;
  int32_t compression_level = -1;
  int32_t part_retries = 3;
  int64_t retry_backoff_ms = 200;
  std::string sse;
  std::string acl_canned;
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  // Writing
  int32_t flush_size = 0;
  int64_t rotate_interval_ms = -1;
  int64_t rotate_schedule_interval_ms = -1;
  std::string timezone;
  std::string locale;
  FormatKind format = FormatKind::kJson;
  std::string topics_dir = "topics";
  std::string directory_delim = "/";
  std::string file_delim = "+";
  int32_t zero_pad_width = 10;
  PartitionerKind partitioner = PartitionerKind::kDefault;
  std::vector<std::string> partition_fields;
  int64_t partition_duration_ms = -1;
  std::string path_format;
  ExtractorKind extractor = ExtractorKind::kWallclock;
  std::string timestamp_field = "timestamp";
  NullBehavior on_null = NullBehavior::kFail;
  // Keys and headers in objects of their own beside the values (store.kafka.keys/headers).
  bool store_keys = false;
  bool store_headers = false;
  FormatKind keys_format = FormatKind::kJson;     // keys.format.class
  FormatKind headers_format = FormatKind::kJson;  // headers.format.class
  bool json_decimal_numeric = false;
  std::string bytearray_extension = ".bin";
  std::string bytearray_separator = "\n";
  int32_t max_open_files = 1000;
  int32_t parts_in_flight = 1;  // parts a task uploads at once (each holds a part buffer)
};

const ConfigDef& S3SinkConfigDef();

// Per-key validation plus the cross-field checks, errors attached to their keys.
std::vector<ConfigValidation> ValidateS3SinkConfig(const connect::ConfigMap& props);

// Parses and checks a config; the first error as InvalidArgument ("Invalid value ... for configuration
// ...: ..." or the cross-field message naming the key).
Result<S3SinkConfig> ParseS3SinkConfig(const connect::ConfigMap& props);

}  // namespace sluice::connectors::s3
