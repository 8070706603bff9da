// S3 sink configuration. See s3_sink_config.h.
#include "connectors/s3/s3_sink_config.h"

#include <algorithm>
#include <map>

#include "connectors/s3/time_zone.h"

namespace sluice::connectors::s3 {
namespace {

constexpr std::string_view kPartitionerPrefix = "io.confluent.connect.storage.partitioner.";
constexpr std::string_view kFormatJson = "io.confluent.connect.s3.format.json.JsonFormat";
constexpr std::string_view kFormatBytes = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
constexpr std::string_view kFormatAvro = "io.confluent.connect.s3.format.avro.AvroFormat";
constexpr std::string_view kFormatParquet = "io.confluent.connect.s3.format.parquet.ParquetFormat";
constexpr std::string_view kStorage = "io.confluent.connect.s3.storage.S3Storage";

std::string Simple(std::string_view cls) {
  size_t dot = cls.rfind('.');
  return std::string(dot == std::string_view::npos ? cls : cls.substr(dot + 1));
}

Result<PartitionerKind> PartitionerOf(std::string_view cls) {
  static const std::map<std::string, PartitionerKind, std::less<>> kinds = {
      {"DefaultPartitioner", PartitionerKind::kDefault},
      {"FieldPartitioner", PartitionerKind::kField},
      {"TimeBasedPartitioner", PartitionerKind::kTimeBased},
      {"DailyPartitioner", PartitionerKind::kDaily},
      {"HourlyPartitioner", PartitionerKind::kHourly}};
  std::string simple = Simple(cls);
  bool ok_prefix = cls.find('.') == std::string_view::npos || cls.starts_with(kPartitionerPrefix);
  auto it = kinds.find(simple);
  if (!ok_prefix || it == kinds.end()) {
    return Status::InvalidArgument("Invalid value " + std::string(cls) +
                                   " for configuration partitioner.class: Class " + std::string(cls) +
                                   " could not be found (supported: DefaultPartitioner, FieldPartitioner, "
                                   "TimeBasedPartitioner, DailyPartitioner, HourlyPartitioner)");
  }
  return it->second;
}

// format.class, keys.format.class or headers.format.class (`key`).
Result<FormatKind> FormatOf(std::string_view cls, std::string_view key = "format.class") {
  const std::string prefix =
      "Invalid value " + std::string(cls) + " for configuration " + std::string(key) + ": ";
  if (cls == kFormatJson || cls == "JsonFormat") return FormatKind::kJson;
  if (cls == kFormatBytes || cls == "ByteArrayFormat") return FormatKind::kByteArray;
  if (cls == kFormatAvro || cls == kFormatParquet || cls == "AvroFormat" || cls == "ParquetFormat") {
    return Status::InvalidArgument(prefix + Simple(cls) + " is not supported by Sluice yet; use " +
                                   std::string(kFormatJson) + " or " + std::string(kFormatBytes));
  }
  return Status::InvalidArgument(prefix + "Class " + std::string(cls) + " could not be found");
}

// Cross-field problems: key -> messages.
std::map<std::string, std::vector<std::string>> CrossChecks(const ParsedConfig& c) {
  std::map<std::string, std::vector<std::string>> errs;
  Result<PartitionerKind> p = PartitionerOf(c.GetString("partitioner.class"));
  if (!p.ok()) errs["partitioner.class"].push_back(p.status().message());
  Result<FormatKind> f = FormatOf(c.GetString("format.class"));
  if (!f.ok()) errs["format.class"].push_back(f.status().message());
  const std::string& storage = c.GetString("storage.class");
  if (storage != kStorage && storage != "S3Storage") {
    errs["storage.class"].push_back("Invalid value " + storage + " for configuration storage.class: only " +
                                    std::string(kStorage) + " is supported");
  }
  const std::string& tz = c.GetString("timezone");
  if (!tz.empty() && !TimeZone::Load(tz).ok()) {
    errs["timezone"].push_back("Invalid value " + tz + " for configuration timezone: unknown time zone");
  }
  if (p.ok()) {
    bool time_based =
        *p == PartitionerKind::kTimeBased || *p == PartitionerKind::kDaily || *p == PartitionerKind::kHourly;
    if (*p == PartitionerKind::kField && c.GetList("partition.field.name").empty()) {
      errs["partition.field.name"].push_back("Partition field name cannot be empty for FieldPartitioner.");
    }
    if (*p == PartitionerKind::kTimeBased) {
      if (c.GetString("path.format").empty()) errs["path.format"].push_back("Path format cannot be empty.");
      if (c.GetLong("partition.duration.ms") <= 0) {
        errs["partition.duration.ms"].push_back("Partition duration needs to be a positive.");
      }
    }
    if (time_based) {
      if (c.GetString("locale").empty()) errs["locale"].push_back("Locale cannot be empty.");
      if (tz.empty()) errs["timezone"].push_back("Timezone cannot be empty.");
      if (c.GetString("timestamp.extractor") == "RecordField" && c.GetString("timestamp.field").empty()) {
        errs["timestamp.field"].push_back("timestamp.field cannot be empty with the RecordField extractor.");
      }
    }
  }
  if (c.GetLong("rotate.schedule.interval.ms") > 0 && tz.empty()) {
    errs["timezone"].push_back("Timezone cannot be empty when using scheduled file rotation.");
  }
  if (c.GetString("aws.access.key.id").empty() != c.GetPassword("aws.secret.access.key").value().empty()) {
    errs["aws.access.key.id"].push_back("aws.access.key.id and aws.secret.access.key must be set together.");
  }
  // Keys and headers: Confluent's formats default to AvroFormat, which Sluice cannot write yet; and
  // Confluent offers no ByteArrayFormat for headers (they are a list of key/value pairs).
  if (c.GetBool("store.kafka.keys")) {
    Result<FormatKind> k = FormatOf(c.GetString("keys.format.class"), "keys.format.class");
    if (!k.ok()) errs["keys.format.class"].push_back(k.status().message());
  }
  if (c.GetBool("store.kafka.headers")) {
    const std::string& cls = c.GetString("headers.format.class");
    Result<FormatKind> h = FormatOf(cls, "headers.format.class");
    if (!h.ok()) {
      errs["headers.format.class"].push_back(h.status().message());
    } else if (*h == FormatKind::kByteArray) {
      std::string m = "Invalid value " + cls + " for configuration headers.format.class: ";
      m += "ByteArrayFormat cannot write headers; use " + std::string(kFormatJson);
      errs["headers.format.class"].push_back(std::move(m));
    }
  }
  return errs;
}

}  // namespace

const ConfigDef& S3SinkConfigDef() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    auto key = [&](std::string name, ConfigType type, std::string dflt, Importance imp, std::string doc,
                   Validator v = {}) {
      ConfigKey k(std::move(name), type);
      k.Default(std::move(dflt)).Importance(imp).Doc(std::move(doc));
      if (v) k.Validate(std::move(v));
      d->Define(std::move(k));
    };
    d->Define(ConfigKey("s3.bucket.name", ConfigType::kString)
                  .Validate(NonEmptyString())
                  .Importance(Importance::kHigh)
                  .Doc("The S3 Bucket."));
    key("s3.region", ConfigType::kString, "us-west-2", Importance::kMedium,
        "The AWS region to be used the connector.");
    d->Define(ConfigKey("store.url", ConfigType::kString)
                  .NullDefault()
                  .Importance(Importance::kHigh)
                  .Doc("Store's connection URL, if applicable (a custom S3 endpoint: MinIO, s3rver, Ceph)."));
    key("s3.path.style.access.enabled", ConfigType::kBoolean, "true", Importance::kLow,
        "Specifies whether or not to enable path style access to the bucket used by the connector");
    key("s3.part.size", ConfigType::kInt, "26214400", Importance::kHigh,
        "The Part Size in S3 Multi-part Uploads.", Range::Between(5242880, 2147483647));
    key("s3.compression.type", ConfigType::kString, "none", Importance::kLow,
        "Compression type for files written to S3. Applied when using JsonFormat or ByteArrayFormat.",
        ValidString::In({"none", "gzip"}));
    key("s3.compression.level", ConfigType::kInt, "-1", Importance::kLow,
        "Compression level for gzip (-1: zlib's default).", Range::Between(-1, 9));
    key("s3.part.retries", ConfigType::kInt, "3", Importance::kMedium,
        "Maximum number of retry attempts for failed requests. Zero means no retries.", Range::AtLeast(0));
    key("s3.retry.backoff.ms", ConfigType::kLong, "200", Importance::kLow,
        "How long to wait in milliseconds before attempting the first retry of a failed S3 request.",
        Range::AtLeast(0));
    key("s3.ssea.name", ConfigType::kString, "", Importance::kLow, "The S3 Server Side Encryption Algorithm.",
        ValidString::In({"", "AES256", "aws:kms"}));
    d->Define(ConfigKey("s3.acl.canned", ConfigType::kString)
                  .NullDefault()
                  .Importance(Importance::kLow)
                  .Doc("An S3 canned ACL header value to apply when writing objects."));
    key("aws.access.key.id", ConfigType::kString, "", Importance::kHigh, "The AWS access key ID.");
    key("aws.secret.access.key", ConfigType::kPassword, "", Importance::kHigh, "The secret access key.");
    d->Define(ConfigKey("flush.size", ConfigType::kInt)
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kHigh)
                  .Doc("Number of records written to store before invoking file commits."));
    key("rotate.interval.ms", ConfigType::kLong, "-1", Importance::kHigh,
        "The time interval in milliseconds to invoke file commits (record time; also closes idle files).");
    key("rotate.schedule.interval.ms", ConfigType::kLong, "-1", Importance::kMedium,
        "The time interval in milliseconds to periodically invoke file commits, by the wall clock.");
    key("timezone", ConfigType::kString, "", Importance::kMedium,
        "The timezone to use when partitioning with time.");
    key("locale", ConfigType::kString, "", Importance::kMedium,
        "The locale to use when partitioning with time.");
    d->Define(ConfigKey("storage.class", ConfigType::kClass)
                  .Importance(Importance::kHigh)
                  .Doc("The underlying storage layer."));
    d->Define(ConfigKey("format.class", ConfigType::kClass)
                  .Importance(Importance::kHigh)
                  .Doc("The format class to use when writing data to the store."));
    key("topics.dir", ConfigType::kString, "topics", Importance::kHigh,
        "Top level directory to store the data ingested from Kafka.");
    key("directory.delim", ConfigType::kString, "/", Importance::kMedium, "Directory delimiter pattern");
    key("file.delim", ConfigType::kString, "+", Importance::kMedium, "File delimiter pattern");
    key("filename.offset.zero.pad.width", ConfigType::kInt, "10", Importance::kLow,
        "Width to zero-pad offsets in store's filenames if offsets are too short.", Range::AtLeast(0));
    key("partitioner.class", ConfigType::kClass,
        "io.confluent.connect.storage.partitioner.DefaultPartitioner", Importance::kHigh,
        "The partitioner to use when writing data to the store.");
    key("partition.field.name", ConfigType::kList, "", Importance::kMedium,
        "The name of the partitioning field when FieldPartitioner is used.");
    key("partition.duration.ms", ConfigType::kLong, "-1", Importance::kMedium,
        "The duration of a partition milliseconds used by TimeBasedPartitioner.");
    key("path.format", ConfigType::kString, "", Importance::kMedium,
        "This configuration is used to set the format of the data directories when partitioning with "
        "TimeBasedPartitioner (Joda-Time patterns, e.g. 'year'=YYYY/'month'=MM).");
    key("timestamp.extractor", ConfigType::kString, "Wallclock", Importance::kMedium,
        "The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner.",
        ValidString::In({"Record", "RecordField", "Wallclock"}));
    key("timestamp.field", ConfigType::kString, "timestamp", Importance::kMedium,
        "The record field to be used as timestamp by the timestamp extractor.");
    key("behavior.on.null.values", ConfigType::kString, "fail", Importance::kLow,
        "How to handle records with a null value (tombstones).",
        ValidString::InIgnoreCase({"fail", "ignore", "write"}));
    key("store.kafka.keys", ConfigType::kBoolean, "false", Importance::kLow,
        "Enable or disable writing keys to storage (objects <name>.keys<ext> beside the values).");
    key("store.kafka.headers", ConfigType::kBoolean, "false", Importance::kLow,
        "Enable or disable writing headers to storage (objects <name>.headers<ext> beside the values).");
    key("keys.format.class", ConfigType::kClass, std::string(kFormatAvro), Importance::kLow,
        "The format class to use when writing keys to the store.");
    key("headers.format.class", ConfigType::kClass, std::string(kFormatAvro), Importance::kLow,
        "The format class to use when writing headers to the store.");
    key("json.decimal.format", ConfigType::kString, "BASE64", Importance::kLow,
        "Controls which format json converter will serialize decimals in.",
        ValidString::InIgnoreCase({"BASE64", "NUMERIC"}));
    key("format.bytearray.extension", ConfigType::kString, ".bin", Importance::kLow,
        "Output file extension for ByteArrayFormat.");
    d->Define(ConfigKey("format.bytearray.separator", ConfigType::kString)
                  .NullDefault()
                  .Importance(Importance::kLow)
                  .Doc("String inserted between records for ByteArrayFormat (default: a line separator)."));
    key("s3.max.open.files", ConfigType::kInt, "1000", Importance::kLow,
        "Sluice: the most files a task keeps open at once (each holds up to one part in memory); beyond it "
        "the task fails with a clear error.",
        Range::AtLeast(1));
    key("s3.parts.in.flight", ConfigType::kInt, "1", Importance::kLow,
        "Sluice: the most parts a task uploads at once while it fills the next (each holds up to "
        "s3.part.size in memory beside the open files' buffers); more helps on links with high latency.",
        Range::Between(1, 16));
    return d;
  }();
  return *def;
}

std::vector<ConfigValidation> ValidateS3SinkConfig(const connect::ConfigMap& props) {
  std::vector<ConfigValidation> out = S3SinkConfigDef().Validate(props);
  bool clean =
      std::all_of(out.begin(), out.end(), [](const ConfigValidation& v) { return v.errors.empty(); });
  if (!clean) return out;
  Result<ParsedConfig> parsed = S3SinkConfigDef().Parse(props);
  if (!parsed.ok()) return out;
  for (auto& [key, msgs] : CrossChecks(*parsed)) {
    for (auto& v : out) {
      if (v.name == key) v.errors.insert(v.errors.end(), msgs.begin(), msgs.end());
    }
  }
  return out;
}

Result<S3SinkConfig> ParseS3SinkConfig(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig c, S3SinkConfigDef().Parse(props));
  auto errs = CrossChecks(c);
  if (!errs.empty()) {
    const auto& [key, msgs] = *errs.begin();
    const std::string& m = msgs.front();
    return Status::InvalidArgument(m.starts_with("Invalid value") ? m : key + ": " + m);
  }
  S3SinkConfig s;
  s.bucket = c.GetString("s3.bucket.name");
  s.region = c.GetString("s3.region");
  s.store_url = c.GetString("store.url");
  s.path_style = c.GetBool("s3.path.style.access.enabled");
  s.part_size = c.GetInt("s3.part.size");
  s.gzip = c.GetString("s3.compression.type") == "gzip";
  s.compression_level = c.GetInt("s3.compression.level");
  s.part_retries = c.GetInt("s3.part.retries");
  s.retry_backoff_ms = c.GetLong("s3.retry.backoff.ms");
  s.sse = c.GetString("s3.ssea.name");
  s.acl_canned = c.GetString("s3.acl.canned");
  s.access_key_id = c.GetString("aws.access.key.id");
  s.secret_access_key = c.GetPassword("aws.secret.access.key").value();
  s.flush_size = c.GetInt("flush.size");
  s.rotate_interval_ms = c.GetLong("rotate.interval.ms");
  s.rotate_schedule_interval_ms = c.GetLong("rotate.schedule.interval.ms");
  s.timezone = c.GetString("timezone");
  s.locale = c.GetString("locale");
  s.format = *FormatOf(c.GetString("format.class"));
  s.topics_dir = c.GetString("topics.dir");
  s.directory_delim = c.GetString("directory.delim");
  s.file_delim = c.GetString("file.delim");
  s.zero_pad_width = c.GetInt("filename.offset.zero.pad.width");
  s.partitioner = *PartitionerOf(c.GetString("partitioner.class"));
  s.partition_fields = c.GetList("partition.field.name");
  s.partition_duration_ms = c.GetLong("partition.duration.ms");
  s.path_format = c.GetString("path.format");
  const std::string& ex = c.GetString("timestamp.extractor");
  s.extractor = ex == "Record"        ? ExtractorKind::kRecord
                : ex == "RecordField" ? ExtractorKind::kRecordField
                                      : ExtractorKind::kWallclock;
  s.timestamp_field = c.GetString("timestamp.field");
  std::string on_null = c.GetString("behavior.on.null.values");
  std::transform(on_null.begin(), on_null.end(), on_null.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  s.on_null = on_null == "ignore"  ? NullBehavior::kIgnore
              : on_null == "write" ? NullBehavior::kWrite
                                   : NullBehavior::kFail;
  s.store_keys = c.GetBool("store.kafka.keys");
  s.store_headers = c.GetBool("store.kafka.headers");
  if (s.store_keys) s.keys_format = *FormatOf(c.GetString("keys.format.class"));
  if (s.store_headers) s.headers_format = *FormatOf(c.GetString("headers.format.class"));
  std::string dec = c.GetString("json.decimal.format");
  s.json_decimal_numeric = dec == "NUMERIC" || dec == "numeric";
  s.bytearray_extension = c.GetString("format.bytearray.extension");
  if (!c.IsNull("format.bytearray.separator"))
    s.bytearray_separator = c.GetString("format.bytearray.separator");
  s.max_open_files = c.GetInt("s3.max.open.files");
  s.parts_in_flight = c.GetInt("s3.parts.in.flight");
  if (s.partitioner == PartitionerKind::kDaily) {
    s.path_format = "'year'=YYYY/'month'=MM/'day'=dd";
    s.partition_duration_ms = 86400000;
  } else if (s.partitioner == PartitionerKind::kHourly) {
    s.path_format = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";
    s.partition_duration_ms = 3600000;
  }
  return s;
}

}  // namespace sluice::connectors::s3
