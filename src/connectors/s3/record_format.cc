// JsonFormat and ByteArrayFormat, per record view. See record_format.h.
#include "connectors/s3/record_format.h"

#include "connect/api/json_text.h"
#include "connect/converters/value_text.h"

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

std::string LoggableRecord(const connect::SinkRecord& r) {
  return "SinkRecord{kafkaOffset=" + std::to_string(r.kafka_offset) + ", topic='" + r.topic +
         "', kafkaPartition=" + std::to_string(r.kafka_partition.value_or(0)) + "} ";
}

RecordFormat::RecordFormat(const S3SinkConfig& c) : RecordFormat(c, c.format, RecordView::kValue) {}

RecordFormat::RecordFormat(const S3SinkConfig& c, FormatKind kind, RecordView view)
    : kind_(kind),
      view_(view),
      json_(JsonConfig(c)),
      separator_(kind == FormatKind::kJson ? "\n" : c.bytearray_separator) {
  extension_ = view == RecordView::kKey ? ".keys" : view == RecordView::kHeaders ? ".headers" : "";
  extension_ += kind == FormatKind::kJson ? ".json" : c.bytearray_extension;
  if (c.gzip) extension_ += ".gz";
}

Status RecordFormat::Append(const connect::SinkRecord& r, std::string& out) const {
  switch (view_) {
    case RecordView::kValue:
      return AppendDatum(r, r.value_schema.get(), r.value, "value", out);
    case RecordView::kKey:
      // Checked before anything of the record is written, so the objects of a file stay aligned.
      if (r.key.is_null())
        return Status::InvalidArgument("Key cannot be null for SinkRecord: " + LoggableRecord(r));
      return AppendDatum(r, r.key_schema.get(), r.key, "key", out);
    case RecordView::kHeaders:
      return AppendHeaders(r, out);
  }
  return Status::OK();
}

Status RecordFormat::AppendDatum(const connect::SinkRecord& r, const connect::Schema* schema,
                                 const connect::Value& v, std::string_view what, std::string& out) const {
  if (kind_ == FormatKind::kJson) {
    RETURN_IF_ERROR(json_.AppendPayload(schema, v, out));
    out += separator_;
    return Status::OK();
  }
  if (const auto* b = v.get_if<connect::Bytes>()) {
    out.append(reinterpret_cast<const char*>(b->data()), b->size());
  } else if (const auto* s = v.get_if<std::string>()) {
    out += *s;
  } else if (!v.is_null()) {
    const std::string converter = what == "key" ? "key.converter" : "value.converter";
    return Status::InvalidArgument("ByteArrayFormat: the " + std::string(what) + " of " + r.topic + "-" +
                                   std::to_string(r.kafka_partition.value_or(0)) + "@" +
                                   std::to_string(r.kafka_offset) + " is not bytes (use " + converter +
                                   "=org.apache.kafka.connect.converters.ByteArrayConverter)");
  }
  out += separator_;
  return Status::OK();
}

Status RecordFormat::AppendHeaders(const connect::SinkRecord& r, std::string& out) const {
  if (r.headers.empty())
    return Status::InvalidArgument("Headers cannot be null for SinkRecord: " + LoggableRecord(r));
  // Confluent's header view with JsonFormat: a struct {headers: [{key, value}]} (value a required
  // string: Values.convertToString of the header), through the JsonConverter.
  out += R"({"headers":[)";
  bool first = true;
  for (const connect::Header& h : r.headers) {
    if (h.value.is_null()) {
      return Status::InvalidArgument(
          "Invalid value: null used for required field: \"value\", schema type: STRING (header '" + h.key +
          "' of " + LoggableRecord(r) + ")");
    }
    ASSIGN_OR_RETURN(std::string text, connect::ValuesToString(h.schema.get(), h.value));
    if (!first) out += ',';
    first = false;
    out += R"({"key":)";
    connect::json_text::WriteString(h.key, out);
    out += R"(,"value":)";
    connect::json_text::WriteString(text, out);
    out += '}';
  }
  out += "]}";
  out += separator_;
  return Status::OK();
}

}  // namespace sluice::connectors::s3
