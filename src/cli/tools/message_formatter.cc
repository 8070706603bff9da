// Kafka's DefaultMessageFormatter. Thread-safety: see message_formatter.h.
#include "cli/tools/message_formatter.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "base/java_number.h"
#include "cli/tools/tool_support.h"

namespace sluice::cli::tools {
namespace {

bool BoolProperty(const Properties& props, const char* key, bool fallback) {
  const std::string* v = props.Find(key);
  if (v == nullptr) return fallback;
  std::string t = *v;
  t.erase(0, t.find_first_not_of(" \t"));
  t.erase(t.find_last_not_of(" \t") + 1);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t == "true";
}

uint64_t BigEndian(const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

MessageFormat::Deserializer MessageFormat::DeserializerFor(const Properties& props, const char* key) {
  const std::string* name = props.Find(key);
  if (name == nullptr) return Deserializer::kBytes;
  const std::string_view n = *name;
  auto is = [&](std::string_view cls) {
    return n == cls || n == "org.apache.kafka.common.serialization." + std::string(cls);
  };
  if (is("ShortDeserializer")) return Deserializer::kShort;
  if (is("IntegerDeserializer")) return Deserializer::kInteger;
  if (is("LongDeserializer")) return Deserializer::kLong;
  if (is("FloatDeserializer")) return Deserializer::kFloat;
  if (is("DoubleDeserializer")) return Deserializer::kDouble;
  if (!is("StringDeserializer") && !is("ByteArrayDeserializer") && !is("BytesDeserializer") &&
      !is("ByteBufferDeserializer") && !is("UUIDDeserializer")) {
    Log("ERROR", "Unable to instantiate a deserializer from " + *name,
        "org.apache.kafka.tools.consumer.DefaultMessageFormatter");
  }
  return Deserializer::kBytes;
}

MessageFormat MessageFormat::FromProperties(const Properties& props) {
  MessageFormat f;
  f.print_timestamp_ = BoolProperty(props, "print.timestamp", false);
  f.print_key_ = BoolProperty(props, "print.key", false);
  f.print_value_ = BoolProperty(props, "print.value", true);
  f.print_partition_ = BoolProperty(props, "print.partition", false);
  f.print_offset_ = BoolProperty(props, "print.offset", false);
  f.print_headers_ = BoolProperty(props, "print.headers", false);
  f.key_separator_ = props.GetOr("key.separator", "\t");
  f.line_separator_ = props.GetOr("line.separator", "\n");
  f.headers_separator_ = props.GetOr("headers.separator", ",");
  f.null_literal_ = props.GetOr("null.literal", "null");
  f.key_deserializer_ = DeserializerFor(props, "key.deserializer");
  f.value_deserializer_ = DeserializerFor(props, "value.deserializer");
  f.headers_deserializer_ = DeserializerFor(props, "headers.deserializer");
  return f;
}

Status MessageFormat::AppendDeserialized(Deserializer d, const void* data, size_t size,
                                         std::string* out) const {
  if (data == nullptr) {  // Kafka hands the null literal's bytes to the deserializer
    data = null_literal_.data();
    size = null_literal_.size();
  }
  auto need = [&](size_t n, const char* name) -> Status {
    if (size == n) return Status::OK();
    return Status::InvalidArgument("Size of data received by " + std::string(name) + " is not " +
                                   std::to_string(n));
  };
  switch (d) {
    case Deserializer::kBytes:
      out->append(static_cast<const char*>(data), size);
      return Status::OK();
    case Deserializer::kShort:
      RETURN_IF_ERROR(need(2, "ShortDeserializer"));
      *out += std::to_string(static_cast<int16_t>(BigEndian(data, 2)));
      return Status::OK();
    case Deserializer::kInteger:
      RETURN_IF_ERROR(need(4, "IntegerDeserializer"));
      *out += std::to_string(static_cast<int32_t>(BigEndian(data, 4)));
      return Status::OK();
    case Deserializer::kLong:
      RETURN_IF_ERROR(need(8, "LongDeserializer"));
      *out += std::to_string(static_cast<int64_t>(BigEndian(data, 8)));
      return Status::OK();
    case Deserializer::kFloat: {
      RETURN_IF_ERROR(need(4, "FloatDeserializer"));
      const auto bits = static_cast<uint32_t>(BigEndian(data, 4));
      float v;
      std::memcpy(&v, &bits, sizeof v);
      *out += JavaFloatToString(v);
      return Status::OK();
    }
    case Deserializer::kDouble: {
      RETURN_IF_ERROR(need(8, "DoubleDeserializer"));
      const uint64_t bits = BigEndian(data, 8);
      double v;
      std::memcpy(&v, &bits, sizeof v);
      *out += JavaDoubleToString(v);
      return Status::OK();
    }
  }
  return Status::OK();
}

Result<std::string> MessageFormat::Format(const rd_kafka_message_t* msg) const {
  std::string out;
  auto separator = [&](bool column) { out += column ? key_separator_ : line_separator_; };
  if (print_timestamp_) {
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    const int64_t ts = rd_kafka_message_timestamp(msg, &type);
    if (type == RD_KAFKA_TIMESTAMP_CREATE_TIME) {
      out += "CreateTime:" + std::to_string(ts);
    } else if (type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME) {
      out += "LogAppendTime:" + std::to_string(ts);
    } else {
      out += "NO_TIMESTAMP";
    }
    separator(print_partition_ || print_offset_ || print_headers_ || print_key_ || print_value_);
  }
  if (print_partition_) {
    out += "Partition:" + std::to_string(msg->partition);
    separator(print_offset_ || print_headers_ || print_key_ || print_value_);
  }
  if (print_offset_) {
    out += "Offset:" + std::to_string(msg->offset);
    separator(print_headers_ || print_key_ || print_value_);
  }
  if (print_headers_) {
    rd_kafka_headers_t* headers = nullptr;
    const size_t count = rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers
                             ? rd_kafka_header_cnt(headers)
                             : 0;
    if (count == 0) out += "NO_HEADERS";
    for (size_t i = 0; i < count; ++i) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      rd_kafka_header_get_all(headers, i, &name, &value, &size);
      out += std::string(name) + ":";
      RETURN_IF_ERROR(AppendDeserialized(headers_deserializer_, value, size, &out));
      if (i + 1 < count) out += headers_separator_;
    }
    separator(print_key_ || print_value_);
  }
  if (print_key_) {
    RETURN_IF_ERROR(AppendDeserialized(key_deserializer_, msg->key, msg->key_len, &out));
    separator(print_value_);
  }
  if (print_value_) {
    RETURN_IF_ERROR(AppendDeserialized(value_deserializer_, msg->payload, msg->len, &out));
    out += line_separator_;
  }
  return out;
}

}  // namespace sluice::cli::tools
