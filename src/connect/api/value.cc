// Value, Struct, validation and Decimal unscaled encoding. See value.h.
#include "connect/api/value.h"

#include <string>

namespace sluice::connect {

Struct::Struct(SchemaPtr schema) : schema_(std::move(schema)) {
  assert(schema_ && schema_->type() == SchemaType::kStruct);
  values_.resize(schema_->fields().size());
}
Struct Struct::FromValuesUnchecked(SchemaPtr schema, std::vector<Value> values) {
  Struct s(std::move(schema), 0);
  assert(s.schema_ && s.schema_->type() == SchemaType::kStruct);
  assert(values.size() == s.schema_->fields().size());
  s.values_ = std::move(values);
  assert(s.Validate().ok());
  return s;
}

Struct::Struct(const Struct&) = default;
Struct::Struct(Struct&&) noexcept = default;
Struct& Struct::operator=(const Struct&) = default;
Struct& Struct::operator=(Struct&&) noexcept = default;
Struct::~Struct() = default;

Status Struct::Put(std::string_view field, Value value) {
  const Field* f = schema_->field(field);
  if (f == nullptr) return Status::InvalidArgument(std::string(field) + " is not a valid field name");
  RETURN_IF_ERROR(ValidateValue(*f->schema, value, field));
  values_[static_cast<size_t>(f->index)] = std::move(value);
  return Status::OK();
}

void Struct::PutAtUnchecked(size_t index, Value value) {
  assert(index < values_.size());
  assert(ValidateValue(*schema_->fields()[index].schema, value, schema_->fields()[index].name).ok());
  values_[index] = std::move(value);
}

const Value* Struct::Get(std::string_view field) const {
  const Field* f = schema_->field(field);
  return f == nullptr ? nullptr : &values_[static_cast<size_t>(f->index)];
}

const Value& Struct::GetAt(size_t index) const {
  assert(index < values_.size());
  return values_[index];
}

Status Struct::Validate() const { return ValidateValue(*schema_, Value(*this)); }

bool operator==(const Struct& a, const Struct& b) {
  return (a.schema_ == b.schema_ || *a.schema_ == *b.schema_) && a.values_ == b.values_;
}

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kBool:
      return "BOOLEAN";
    case ValueKind::kInt8:
      return "INT8";
    case ValueKind::kInt16:
      return "INT16";
    case ValueKind::kInt32:
      return "INT32";
    case ValueKind::kInt64:
      return "INT64";
    case ValueKind::kFloat32:
      return "FLOAT32";
    case ValueKind::kFloat64:
      return "FLOAT64";
    case ValueKind::kString:
      return "STRING";
    case ValueKind::kBytes:
      return "BYTES";
    case ValueKind::kArray:
      return "ARRAY";
    case ValueKind::kMap:
      return "MAP";
    case ValueKind::kStruct:
      return "STRUCT";
  }
  return "UNKNOWN";
}

Value::Value(std::string v) : v_(std::move(v)) {}
Value::Value(const char* v) : v_(std::string(v)) {}
Value::Value(Bytes v) : v_(std::move(v)) {}
Value::Value(Array v) : v_(std::move(v)) {}
Value::Value(Map v) : v_(std::move(v)) {}
Value::Value(Struct v) : v_(std::move(v)) {}
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

bool KindMatches(SchemaType type, ValueKind kind) {
  switch (type) {
    case SchemaType::kInt8:
      return kind == ValueKind::kInt8;
    case SchemaType::kInt16:
      return kind == ValueKind::kInt16;
    case SchemaType::kInt32:
      return kind == ValueKind::kInt32;
    case SchemaType::kInt64:
      return kind == ValueKind::kInt64;
    case SchemaType::kFloat32:
      return kind == ValueKind::kFloat32;
    case SchemaType::kFloat64:
      return kind == ValueKind::kFloat64;
    case SchemaType::kBoolean:
      return kind == ValueKind::kBool;
    case SchemaType::kString:
      return kind == ValueKind::kString;
    case SchemaType::kBytes:
      return kind == ValueKind::kBytes;
    case SchemaType::kArray:
      return kind == ValueKind::kArray;
    case SchemaType::kMap:
      return kind == ValueKind::kMap;
    case SchemaType::kStruct:
      return kind == ValueKind::kStruct;
  }
  return false;
}

namespace {
std::string Quoted(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 2);
  out.push_back('"');
  out.append(path);
  out.push_back('"');
  return out;
}
std::string Join(std::string_view path, std::string_view child) {
  return path.empty() ? std::string(child) : std::string(path) + "." + std::string(child);
}
}  // namespace

Status ValidateValue(const Schema& schema, const Value& value, std::string_view path) {
  if (value.is_null()) {
    if (schema.optional()) return Status::OK();
    return Status::InvalidArgument("Invalid value: null used for required field: " + Quoted(path) +
                                   ", schema type: " + std::string(SchemaTypeName(schema.type())));
  }
  if (!KindMatches(schema.type(), value.kind())) {
    return Status::InvalidArgument("Invalid value for schema with type " + schema.DebugName() + ": " +
                                   std::string(ValueKindName(value.kind())) + " for field: " + Quoted(path));
  }
  switch (schema.type()) {
    case SchemaType::kBytes:
      if (schema.name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(schema);
        if (!scale.ok()) return scale.status().WithContext("field " + Quoted(path));
      }
      return Status::OK();
    case SchemaType::kArray: {
      const Array& items = value.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        RETURN_IF_ERROR(ValidateValue(*schema.value_schema(), items[i],
                                      std::string(path) + "[" + std::to_string(i) + "]"));
      }
      return Status::OK();
    }
    case SchemaType::kMap:
      for (const MapEntry& e : value.get<Map>()) {
        RETURN_IF_ERROR(ValidateValue(*schema.key_schema(), e.key, std::string(path) + "{key}"));
        RETURN_IF_ERROR(ValidateValue(*schema.value_schema(), e.value, std::string(path) + "{value}"));
      }
      return Status::OK();
    case SchemaType::kStruct: {
      const Struct& s = value.get<Struct>();
      if (!(*s.schema() == schema)) {
        return Status::InvalidArgument("Struct schemas do not match for field: " + Quoted(path));
      }
      for (const Field& f : schema.fields()) {
        RETURN_IF_ERROR(ValidateValue(*f.schema, s.GetAt(static_cast<size_t>(f.index)), Join(path, f.name)));
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

Bytes EncodeDecimalUnscaled(int64_t unscaled) {
  auto u = static_cast<uint64_t>(unscaled);
  Bytes out(8);
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(u & 0xff);
    u >>= 8;
  }
  size_t skip = 0;
  while (skip < 7) {
    uint8_t b = out[skip];
    bool next_negative = (out[skip + 1] & 0x80) != 0;
    if ((b == 0x00 && !next_negative) || (b == 0xff && next_negative)) {
      ++skip;
    } else {
      break;
    }
  }
  return Bytes(out.begin() + static_cast<std::ptrdiff_t>(skip), out.end());
}

Result<int64_t> DecodeDecimalUnscaled(const Bytes& bytes) {
  if (bytes.empty()) return Status::InvalidArgument("Decimal value has no bytes");
  if (bytes.size() > 8) return Status::OutOfRange("Decimal unscaled value does not fit in 64 bits");
  uint64_t u = (bytes[0] & 0x80) != 0 ? ~uint64_t{0} : 0;
  for (uint8_t b : bytes) u = (u << 8) | b;
  return static_cast<int64_t>(u);
}

}  // namespace sluice::connect
