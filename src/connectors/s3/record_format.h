// Record encodings of the S3 sink: JsonFormat (one datum per line as Kafka's JsonConverter writes it
// with schemas.enable=false, logical types as there: Timestamp as epoch ms, Decimal per
// json.decimal.format) and ByteArrayFormat (the datum's bytes, then format.bytearray.separator).
// A format writes one view of the record, as Confluent's record views:
//  - the value (format.class);
//  - the key (store.kafka.keys, keys.format.class): a null key fails, "Key cannot be null for
//    SinkRecord: ...";
//  - the headers (store.kafka.headers, headers.format.class, JsonFormat only): one line
//    {"headers":[{"key":"k","value":"v"},...]} per record, values as Kafka's Values.convertToString;
//    a record without headers fails, "Headers cannot be null for SinkRecord: ...".
// Extensions as Confluent's: ".json", ".bin" (format.bytearray.extension), with ".keys" or ".headers"
// before them for those views, plus ".gz" with gzip.
//
// Thread-safety: immutable after construction; Append may be called from several threads.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "connect/api/json_converter.h"
#include "connect/api/record.h"
#include "connectors/s3/s3_sink_config.h"

namespace sluice::connectors::s3 {

enum class RecordView : unsigned char { kValue, kKey, kHeaders };

class RecordFormat {
 public:
  // The value view in format.class.
  explicit RecordFormat(const S3SinkConfig& config);
  RecordFormat(const S3SinkConfig& config, FormatKind kind, RecordView view);
  // ".json", ".json.gz", ".bin", ".keys.json", ".headers.json.gz", ...
  const std::string& extension() const { return extension_; }
  RecordView view() const { return view_; }
  // Appends the record's encoding (with its line separator) to `out`. A null value is encoded as
  // "null" (JSON) or nothing (bytes); the caller applies behavior.on.null.values first. On error
  // `out` may hold part of the record.
  Status Append(const connect::SinkRecord& record, std::string& out) const;

 private:
  Status AppendDatum(const connect::SinkRecord& r, const connect::Schema* schema, const connect::Value& v,
                     std::string_view what, std::string& out) const;
  Status AppendHeaders(const connect::SinkRecord& r, std::string& out) const;

  FormatKind kind_;
  RecordView view_;
  connect::JsonConverter json_;
  std::string separator_;
  std::string extension_;
};

// Confluent's text for a record in errors: SinkRecord{kafkaOffset=5, topic='t', kafkaPartition=0}
std::string LoggableRecord(const connect::SinkRecord& r);

}  // namespace sluice::connectors::s3
