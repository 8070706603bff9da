// Kafka Connect's Schema model: primitive, ARRAY, MAP and STRUCT schemas with optional flag, default,
// name, version, doc and parameters; logical types (Decimal, Date, Time, Timestamp) identified by name.
// Schemas are immutable and shared as SchemaPtr (std::shared_ptr<const Schema>); build them with
// SchemaBuilder.
//
// Thread-safety: a built Schema is immutable and safe to share between threads. A SchemaBuilder is not
// synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::connect {

class Schema;
class Value;
using SchemaPtr = std::shared_ptr<const Schema>;

enum class SchemaType : unsigned char {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBoolean,
  kString,
  kBytes,
  kArray,
  kMap,
  kStruct,
};

// "INT8", "FLOAT64", ... as Kafka's Schema.Type names.
std::string_view SchemaTypeName(SchemaType type);

// Logical type names (Schema::name()) and the Decimal "scale" parameter.
inline constexpr std::string_view kDecimalLogicalName = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kDateLogicalName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeLogicalName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kTimestampLogicalName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDecimalScaleParameter = "scale";

struct Field {
  std::string name;
  int index = 0;
  SchemaPtr schema;
};

// Derives from enable_shared_from_this so that caches (e.g. the JsonConverter's schema text) can tell
// a live schema from a new one at a reused address.
class Schema : public std::enable_shared_from_this<Schema> {
 public:
  using Parameters = std::vector<std::pair<std::string, std::string>>;  // insertion-ordered

  SchemaType type() const { return type_; }
  bool optional() const { return optional_; }
  // nullptr when there is no default.
  const Value* default_value() const { return default_.get(); }
  const std::optional<std::string>& name() const { return name_; }
  const std::optional<int32_t>& version() const { return version_; }
  const std::optional<std::string>& doc() const { return doc_; }
  const Parameters& parameters() const { return parameters_; }
  // nullptr if the parameter is absent.
  const std::string* parameter(std::string_view key) const;
  // STRUCT only (empty otherwise).
  const std::vector<Field>& fields() const { return fields_; }
  // nullptr if there is no such field.
  const Field* field(std::string_view name) const;
  // MAP: key_schema and value_schema; ARRAY: value_schema (the element schema). nullptr otherwise.
  const SchemaPtr& key_schema() const { return key_schema_; }
  const SchemaPtr& value_schema() const { return value_schema_; }

  bool is_primitive() const { return type_ < SchemaType::kArray; }
  // Short form for messages: "INT32", or the name if there is one.
  std::string DebugName() const;

  // Shared required and optional primitive schemas.
  static const SchemaPtr& Int8();
  static const SchemaPtr& Int16();
  static const SchemaPtr& Int32();
  static const SchemaPtr& Int64();
  static const SchemaPtr& Float32();
  static const SchemaPtr& Float64();
  static const SchemaPtr& Boolean();
  static const SchemaPtr& String();
  static const SchemaPtr& Bytes();
  static const SchemaPtr& OptionalInt8();
  static const SchemaPtr& OptionalInt16();
  static const SchemaPtr& OptionalInt32();
  static const SchemaPtr& OptionalInt64();
  static const SchemaPtr& OptionalFloat32();
  static const SchemaPtr& OptionalFloat64();
  static const SchemaPtr& OptionalBoolean();
  static const SchemaPtr& OptionalString();
  static const SchemaPtr& OptionalBytes();

  // Deep structural equality (as Kafka's ConnectSchema.equals).
  friend bool operator==(const Schema& a, const Schema& b);

 private:
  friend class SchemaBuilder;
  explicit Schema(SchemaType type) : type_(type) {}

  SchemaType type_;
  bool optional_ = false;
  std::shared_ptr<const Value> default_;
  std::optional<std::string> name_;
  std::optional<int32_t> version_;
  std::optional<std::string> doc_;
  Parameters parameters_;
  std::vector<Field> fields_;
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

// Fluent builder: SchemaBuilder::Struct().Name("x").Field("id", Schema::Int64()).Build().
// Misuse (a field on a non-struct, a duplicate field, a default that does not match) is recorded and
// reported by TryBuild(); Build() asserts there was none.
class SchemaBuilder {
 public:
  explicit SchemaBuilder(SchemaType type);
  static SchemaBuilder Int8() { return SchemaBuilder(SchemaType::kInt8); }
  static SchemaBuilder Int16() { return SchemaBuilder(SchemaType::kInt16); }
  static SchemaBuilder Int32() { return SchemaBuilder(SchemaType::kInt32); }
  static SchemaBuilder Int64() { return SchemaBuilder(SchemaType::kInt64); }
  static SchemaBuilder Float32() { return SchemaBuilder(SchemaType::kFloat32); }
  static SchemaBuilder Float64() { return SchemaBuilder(SchemaType::kFloat64); }
  static SchemaBuilder Boolean() { return SchemaBuilder(SchemaType::kBoolean); }
  static SchemaBuilder String() { return SchemaBuilder(SchemaType::kString); }
  static SchemaBuilder Bytes() { return SchemaBuilder(SchemaType::kBytes); }
  static SchemaBuilder Struct() { return SchemaBuilder(SchemaType::kStruct); }
  static SchemaBuilder Array(SchemaPtr value_schema);
  static SchemaBuilder Map(SchemaPtr key_schema, SchemaPtr value_schema);

  SchemaBuilder& Optional();
  SchemaBuilder& Required();
  SchemaBuilder& Name(std::string name);
  SchemaBuilder& Version(int32_t version);
  SchemaBuilder& Doc(std::string doc);
  SchemaBuilder& Parameter(std::string key, std::string value);  // replaces an existing key
  SchemaBuilder& Field(std::string name, SchemaPtr schema);
  // Checked against the schema when building.
  SchemaBuilder& DefaultValue(const Value& value);

  Result<SchemaPtr> TryBuild() const;
  SchemaPtr Build() const;

 private:
  std::shared_ptr<Schema> schema_;  // copied on build
  std::shared_ptr<const Value> pending_default_;
  Status error_;
};

// Logical types. Values use the physical representation: Decimal is BYTES holding the big-endian
// two's complement unscaled value (see EncodeDecimalUnscaled in value.h), Date is INT32 days since the
// epoch, Time is INT32 milliseconds since midnight, Timestamp is INT64 milliseconds since the epoch.
SchemaBuilder DecimalBuilder(int32_t scale);
SchemaPtr DecimalSchema(int32_t scale);
SchemaBuilder DateBuilder();
SchemaPtr DateSchema();
SchemaBuilder TimeBuilder();
SchemaPtr TimeSchema();
SchemaBuilder TimestampBuilder();
SchemaPtr TimestampSchema();
// The scale of a Decimal schema, or an error if it is not one / the parameter is missing or bad.
Result<int32_t> DecimalScale(const Schema& schema);

}  // namespace sluice::connect
