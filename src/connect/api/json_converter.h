// JsonConverter with Kafka's semantics: with schemas.enable=true every record is the envelope
// {"schema":{...},"payload":...}; with schemas.enable=false it is just the payload (schemaless data
// comes back as maps, arrays, INT64/FLOAT64 numbers, strings and booleans). Bytes are base64;
// Decimal is base64 of the unscaled two's complement value (decimal.format=BASE64); Date, Time and
// Timestamp are integers. Output is compact with Kafka's key order.
//
// Thread-safety: a JsonConverter is immutable after construction; its methods may be called from many
// threads at once.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect {

struct SchemaAndValue {
  SchemaPtr schema;  // nullptr for schemaless data or a null record
  Value value;
};

struct JsonConverterConfig {
  bool schemas_enable = true;  // "schemas.enable"
};

class JsonConverter {
 public:
  explicit JsonConverter(JsonConverterConfig config = {}) : config_(config) {}

  // Serializes a record value. The schema (nullptr for schemaless) drives the conversion in both
  // modes; with schemas.enable it is also written into the envelope. A null value with no schema
  // (Kafka's null record) is the literal `null`.
  Result<std::string> FromConnectData(const Schema* schema, const Value& value) const;
  // Parses a record value. Empty input or the literal `null` is a null record.
  Result<SchemaAndValue> ToConnectData(std::string_view json) const;

  // The schema alone as its JSON text (compact, Kafka's key order), and back.
  static Result<std::string> SchemaToJsonText(const Schema& schema);
  static Result<SchemaPtr> SchemaFromJsonText(std::string_view json);

 private:
  JsonConverterConfig config_;
};

}  // namespace sluice::connect
