// JsonConverter with Kafka's semantics: with schemas.enable=true every record is the envelope
// {"schema":{...},"payload":...}; with schemas.enable=false it is just the payload (schemaless data
// comes back as maps, arrays, INT64/FLOAT64 numbers, strings and booleans). Bytes are base64;
// Decimal is base64 of the unscaled two's complement value (decimal.format=BASE64) or a JSON number
// with the value's scale, e.g. 12.30 (decimal.format=NUMERIC; both forms are read back); Date, Time and
// Timestamp are integers. Output is byte-identical to Kafka's (Jackson's): compact, Kafka's key order,
// numbers as Java prints them (1.0E20, 0.001, "NaN"), Jackson's string escapes.
//
// Also the Java text forms of numbers (Double.toString, Float.toString, BigDecimal.toString) that the
// converters module shares.
//
// Thread-safety: a JsonConverter is immutable after construction; its methods may be called from many
// threads at once. The free functions are pure.
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
  explicit JsonConverter(JsonConverterConfig config = {}) : config_(config) {}

  // Serializes a record value. The schema (nullptr for schemaless) drives the conversion in both
  // modes; with schemas.enable it is also written into the envelope. A null value with no schema
  // (Kafka's null record, for which Kafka returns null bytes) is the literal `null` here; the
  // Converter plugin (connect/converters) turns it into a null Kafka value.
  Result<std::string> FromConnectData(const Schema* schema, const Value& value) const;
  // Parses a record value. Empty input or the literal `null` is a null record.
  Result<SchemaAndValue> ToConnectData(std::string_view json) const;

  // The schema alone as its JSON text (compact, Kafka's key order, defaults as with the default
  // config), and back.
  static Result<std::string> SchemaToJsonText(const Schema& schema);
  static Result<SchemaPtr> SchemaFromJsonText(std::string_view json);

 private:
  JsonConverterConfig config_;
};

// Java's Double.toString (JDK 19+ shortest form): "1.0", "0.001", "1.0E7", "4.9E-324", "NaN",
// "-Infinity".
std::string JavaDoubleToString(double d);
// Java's Float.toString: "1.1", "1.0E10".
std::string JavaFloatToString(float f);
// BigDecimal.toString of unscaled × 10^-scale, the unscaled value being big-endian two's complement of
// any length up to 4 KiB (a Decimal value): "12.30", "-0.05", "1E-8", "1.2E+3". Fails on empty bytes.
Result<std::string> DecimalToString(const Bytes& unscaled, int32_t scale);
// Parses a decimal number ("-12.3", "1.50E+2", "7") into the unscaled value at `scale` (minimal two's
// complement, as BigInteger.toByteArray). Fails if the text is not a number or needs rounding (more
// fractional digits than `scale` allows, ignoring trailing zeros) or has more than 10000 digits.
Result<Bytes> DecimalFromString(std::string_view text, int32_t scale);

}  // namespace sluice::connect
