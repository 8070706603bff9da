// Record encodings of the S3 sink: JsonFormat (one value per line as Kafka's JsonConverter writes it
// with schemas.enable=false, logical types as there: Timestamp as epoch ms, Decimal per
// json.decimal.format) and ByteArrayFormat (the value's bytes, then format.bytearray.separator).
// Extensions as Confluent's: ".json", ".bin" (format.bytearray.extension), plus ".gz" with gzip.
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

class RecordFormat {
 public:
  explicit RecordFormat(const S3SinkConfig& config);
  // ".json", ".json.gz", ".bin", ...
  const std::string& extension() const { return extension_; }
  // Appends the record's encoding (with its line separator) to `out`. A null value is encoded as
  // "null" (JSON) or nothing (bytes); the caller applies behavior.on.null.values first.
  Status Append(const connect::SinkRecord& record, std::string& out) const;

 private:
  FormatKind kind_;
  connect::JsonConverter json_;
  std::string separator_;
  std::string extension_;
};

}  // namespace sluice::connectors::s3
