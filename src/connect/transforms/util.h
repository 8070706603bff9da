// Helpers shared by the built-in transformations: the $Key/$Value side, Kafka's Requirements checks
// and their messages, Java-style class names and number text, schema copying, map access, a small
// per-instance schema translation cache and config validators.
//
// Thread-safety: free functions are thread-safe; a SchemaCache is not synchronised (one per
// transformation instance, used from the task's thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config_def.h"
#include "base/java_number.h"  // JavaFloatToString, JavaDoubleToString
#include "base/status.h"
#include "connect/api/record.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect::transforms {

// Which part of the record a $Key / $Value transformation works on.
enum class Side { kKey, kValue };

inline SchemaPtr& OperatingSchema(ConnectRecord& r, Side side) {
  return side == Side::kKey ? r.key_schema : r.value_schema;
}
inline Value& OperatingValue(ConnectRecord& r, Side side) { return side == Side::kKey ? r.key : r.value; }

// The Java class Kafka would see for a value, for messages: "java.lang.String", "[B", "null", ...
std::string JavaClassName(const Value& v);
// Kafka's Schema.Type of a schemaless value ("INT32", "MAP", ...); "NULL" for null.
std::string_view InferredTypeName(const Value& v);

// Kafka's Requirements: a MAP (schemaless) or a STRUCT, else InvalidArgument
// "Only Map objects supported in absence of schema for [<purpose>], found: <class>".
Result<const Map*> RequireMap(const Value& v, std::string_view purpose);
Result<const Struct*> RequireStruct(const Value& v, std::string_view purpose);

// A field's value as Kafka's Struct.get returns it: the schema default when the value is null.
const Value& StructGet(const Struct& s, const Field& f);

// Map entries with string keys.
const Value* MapFind(const Map& m, std::string_view key);
// Replaces the value of an existing key or appends the entry.
void MapPut(Map& m, std::string_view key, Value value);

// Kafka's SchemaUtil.copySchemaBasics: name, version, doc and parameters onto `builder`.
SchemaBuilder& CopySchemaBasics(const Schema& source, SchemaBuilder& builder);
// A builder of the same type (ARRAY/MAP keep their element schemas) with the basics copied.
SchemaBuilder BuilderLike(const Schema& source);
// Builds, turning a builder error into InvalidArgument.
Result<SchemaPtr> BuildSchema(const SchemaBuilder& builder);

// Java's toString of a primitive value; bytes as base64 (Cast's string form). Nested values: "".
std::string PrimitiveToJavaString(const Value& v);

// Java's Long.parseLong (optional sign, digits only); nullopt if malformed.
std::optional<int64_t> ParseJavaLong(std::string_view text);
// Java's Double.parseDouble (trimmed; "1e3", "1.5f", "NaN", "-Infinity"); nullopt if malformed.
std::optional<double> ParseJavaDouble(std::string_view text);
// Java's BigDecimal.toString of unscaled * 10^-scale ("123.45", "0.001", "1.23E+5").
std::string DecimalToString(int64_t unscaled, int32_t scale);
// A decimal number ("-12.5") as the unscaled value at `scale`; fails if it does not fit exactly.
Result<int64_t> ParseDecimalUnscaled(std::string_view text, int32_t scale);
// The value of a Decimal as a double / truncated to an integer (BigDecimal.doubleValue/longValue).
double DecimalToDouble(int64_t unscaled, int32_t scale);
int64_t DecimalToLong(int64_t unscaled, int32_t scale);
bool IsDecimal(const Schema& schema);

// Input-schema -> output-schema translations of one transformation, like Kafka's LRUCache(16).
// Looked up by pointer first, then by structural equality (a converter may build a new but equal
// schema for every record); the input schema is kept alive so its address is not reused.
class SchemaCache {
 public:
  SchemaPtr Get(const SchemaPtr& input);
  void Put(SchemaPtr input, SchemaPtr output);
  size_t size() const { return entries_.size(); }

 private:
  static constexpr size_t kCapacity = 16;
  std::vector<std::pair<SchemaPtr, SchemaPtr>> entries_;  // most recent first
};

// Config validators with Kafka's wording.
Validator NonEmptyList();          // "Empty list"
Validator RegexPattern();          // "Invalid regex: ..." (null passes)
Validator NonEmptyStringOrNull();  // "String must be non-empty" (null passes)
// Validates `pattern` as a SimpleDateFormat pattern (empty passes).
Validator DateFormatPattern(std::string_view what);

}  // namespace sluice::connect::transforms
