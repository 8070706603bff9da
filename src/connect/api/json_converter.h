// JsonConverter with Kafka's semantics: with schemas.enable=true every record is the envelope
// {"schema":{...},"payload":...}; with schemas.enable=false it is just the payload (schemaless data
// comes back as maps, arrays, INT64/FLOAT64 numbers, strings and booleans). Bytes are base64;
// Decimal is base64 of the unscaled two's complement value (decimal.format=BASE64) or a JSON number
// with the value's scale, e.g. 12.30 (decimal.format=NUMERIC; both forms are read back); Date, Time and
// Timestamp are integers. Output is byte-identical to Kafka's (Jackson's): compact, Kafka's key order,
// numbers as Java prints them (1.0E20, 0.001, "NaN"), Jackson's string escapes.
//
// The JSON text layer (writer, parser, Decimal text) is json_text.h, included here for the converters
// module, which shares DecimalToString/DecimalFromString and the Java number text.
//
// Thread-safety: a JsonConverter is immutable after construction; its methods may be called from many
// threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/json_text.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect {

struct SchemaAndValue {
  SchemaPtr schema;  // nullptr for schemaless data or a null record
  Value value;
};

enum class DecimalFormat : unsigned char { kBase64, kNumeric };

struct JsonConverterConfig {
  bool schemas_enable = true;                             // "schemas.enable"
  DecimalFormat decimal_format = DecimalFormat::kBase64;  // "decimal.format"
  // "replace.null.with.default": a null value of a schema with a default is written (and read) as the
  // default; when false it stays null (the schema must then be optional).
  bool replace_null_with_default = true;
};

class JsonConverter {
 public:
  explicit JsonConverter(JsonConverterConfig config = {});

  // Serializes a record value. The schema (nullptr for schemaless) drives the conversion in both
  // modes; with schemas.enable it is also written into the envelope. A null value with no schema
  // (Kafka's null record, for which Kafka returns null bytes) is the literal `null` here; the
  // Converter plugin (connect/converters) turns it into a null Kafka value.
  Result<std::string> FromConnectData(const Schema* schema, const Value& value) const;
  // What FromConnectData returns, appended to `out` (the source runtime reuses one buffer); on error
  // `out` is left as it was.
  Status AppendConnectData(const Schema* schema, const Value& value, std::string& out) const;
  // The payload alone (what FromConnectData writes with schemas.enable=false, whatever the config),
  // appended to `out`; on error `out` is left as it was. The S3 sink's JsonFormat writes lines so.
  Status AppendPayload(const Schema* schema, const Value& value, std::string& out) const;
  // Parses a record value. Empty input or the literal `null` is a null record.
  Result<SchemaAndValue> ToConnectData(std::string_view json) const;

  // The schema alone as its JSON text (compact, Kafka's key order, defaults as with the default
  // config), and back.
  static Result<std::string> SchemaToJsonText(const Schema& schema);
  static Result<SchemaPtr> SchemaFromJsonText(std::string_view json);

 private:
  struct SchemaCache;  // the last schema's JSON text (schemas.enable), shared by copies
  JsonConverterConfig config_;
  std::shared_ptr<SchemaCache> cache_;
};

}  // namespace sluice::connect
