// Connect data values: null, bool, INT8..INT64, FLOAT32/64, string, bytes, array, map (an ordered list
// of key/value entries) and Struct (a schema plus one value per field, by index), with validation of a
// value against a Schema (errors name the offending field).
//
// Thread-safety: values are plain data; distinct objects may be used from different threads, one
// object is not synchronised (const access from many threads is fine).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "connect/api/schema.h"

namespace sluice::connect {

class Value;
struct MapEntry;
using Bytes = std::vector<uint8_t>;
using Array = std::vector<Value>;
using Map = std::vector<MapEntry>;

// A STRUCT value. Field values start out null.
class Struct {
 public:
  // REQUIRES: schema is a STRUCT schema.
  explicit Struct(SchemaPtr schema);
  // A struct from one value per field, in field order, without validating them: for producers that
  // build each value from the field's schema. REQUIRES: as PutAtUnchecked for every field, and
  // values.size() == schema->fields().size() (checked in debug builds).
  static Struct FromValuesUnchecked(SchemaPtr schema, std::vector<Value> values);
  Struct(const Struct&);
  Struct(Struct&&) noexcept;
  Struct& operator=(const Struct&);
  Struct& operator=(Struct&&) noexcept;
  ~Struct();

  const SchemaPtr& schema() const { return schema_; }
  // Sets a field after validating the value against the field's schema.
  Status Put(std::string_view field, Value value);
  // Sets a field by index without looking up or validating it: for producers that build each value
  // from the field's schema (a source's per-column plan). REQUIRES: index < schema()->fields().size() and
  // ValidateValue(field schema, value) would succeed (checked in debug builds).
  void PutAtUnchecked(size_t index, Value value);
  // nullptr if the schema has no such field.
  const Value* Get(std::string_view field) const;
  // REQUIRES: index < schema()->fields().size().
  const Value& GetAt(size_t index) const;
  const std::vector<Value>& values() const { return values_; }
  // The values, for a producer that refills the struct in place (reusing its storage; e.g. a source
  // task's next row). REQUIRES: before other code sees the struct again, as FromValuesUnchecked: one
  // value per field, each fitting its field's schema.
  std::vector<Value>& mutable_values_unchecked() { return values_; }
  // Every field against its schema (required fields must be set).
  Status Validate() const;

  friend bool operator==(const Struct& a, const Struct& b);

 private:
  Struct(SchemaPtr schema, int) : schema_(std::move(schema)) {}  // values_ set by the caller
  SchemaPtr schema_;
  std::vector<Value> values_;
};

enum class ValueKind : unsigned char {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kString,
  kBytes,
  kArray,
  kMap,
  kStruct,
};

std::string_view ValueKindName(ValueKind kind);

class Value {
 public:
  Value() = default;           // null
  Value(std::nullptr_t) {}     // NOLINT(google-explicit-constructor)
  Value(bool v) : v_(v) {}     // NOLINT(google-explicit-constructor)
  Value(int8_t v) : v_(v) {}   // NOLINT(google-explicit-constructor)
  Value(int16_t v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  Value(int32_t v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  Value(int64_t v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  Value(float v) : v_(v) {}    // NOLINT(google-explicit-constructor)
  Value(double v) : v_(v) {}   // NOLINT(google-explicit-constructor)
  Value(std::string v);        // NOLINT(google-explicit-constructor)
  Value(const char* v);        // NOLINT(google-explicit-constructor)
  Value(Bytes v);              // NOLINT(google-explicit-constructor)
  Value(Array v);              // NOLINT(google-explicit-constructor)
  Value(Map v);                // NOLINT(google-explicit-constructor)
  Value(Struct v);             // NOLINT(google-explicit-constructor)
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  ValueKind kind() const { return static_cast<ValueKind>(v_.index()); }
  bool is_null() const { return kind() == ValueKind::kNull; }

  // nullptr if the value holds another type. T is one of bool, int8_t..int64_t, float, double,
  // std::string, Bytes, Array, Map, Struct.
  template <typename T>
  const T* get_if() const {
    return std::get_if<T>(&v_);
  }
  // Mutable access, e.g. to reuse a value's storage; nullptr if the value holds another type.
  template <typename T>
  T* get_mutable_if() {
    return std::get_if<T>(&v_);
  }
  // REQUIRES: the value holds a T.
  template <typename T>
  const T& get() const {
    const T* p = std::get_if<T>(&v_);
    assert(p != nullptr);
    return *p;
  }

  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, int8_t, int16_t, int32_t, int64_t, float, double, std::string, Bytes,
               Array, Map, Struct>
      v_;
};

struct MapEntry {
  Value key;
  Value value;
  friend bool operator==(const MapEntry& a, const MapEntry& b) {
    return a.key == b.key && a.value == b.value;
  }
};

// Whether a non-null value of this kind is what the schema's type needs.
bool KindMatches(SchemaType type, ValueKind kind);

// Checks `value` against `schema` (type, required-ness, nested elements, struct fields). `path` names
// the field in errors ("order.amount", "items[2]"); empty for the top level.
Status ValidateValue(const Schema& schema, const Value& value, std::string_view path = {});

// Decimal unscaled values as Java's BigInteger.toByteArray (minimal big-endian two's complement).
Bytes EncodeDecimalUnscaled(int64_t unscaled);
// Fails if the bytes are empty or do not fit in 64 bits.
Result<int64_t> DecodeDecimalUnscaled(const Bytes& bytes);

}  // namespace sluice::connect
