// JsonFormat and ByteArrayFormat. See record_format.h.
#include "connectors/s3/record_format.h"

namespace sluice::connectors::s3 {
namespace {

connect::JsonConverterConfig JsonConfig(const S3SinkConfig& c) {
  connect::JsonConverterConfig j;
  j.schemas_enable = false;
  j.decimal_format =
      c.json_decimal_numeric ? connect::DecimalFormat::kNumeric : connect::DecimalFormat::kBase64;
  return j;
}

}  // namespace

RecordFormat::RecordFormat(const S3SinkConfig& c)
    : kind_(c.format),
      json_(JsonConfig(c)),
      separator_(c.format == FormatKind::kJson ? "\n" : c.bytearray_separator) {
  extension_ = c.format == FormatKind::kJson ? ".json" : c.bytearray_extension;
  if (c.gzip) extension_ += ".gz";
}

Status RecordFormat::Append(const connect::SinkRecord& r, std::string& out) const {
  if (kind_ == FormatKind::kJson) {
    RETURN_IF_ERROR(json_.AppendPayload(r.value_schema.get(), r.value, out));
    out += separator_;
    return Status::OK();
  }
  if (const auto* b = r.value.get_if<connect::Bytes>()) {
    out.append(reinterpret_cast<const char*>(b->data()), b->size());
  } else if (const auto* s = r.value.get_if<std::string>()) {
    out += *s;
  } else if (!r.value.is_null()) {
    return Status::InvalidArgument(
        "ByteArrayFormat: the value of " + r.topic + "-" + std::to_string(r.kafka_partition.value_or(0)) +
        "@" + std::to_string(r.kafka_offset) +
        " is not bytes (use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter)");
  }
  out += separator_;
  return Status::OK();
}

}  // namespace sluice::connectors::s3
