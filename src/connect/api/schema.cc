// Schema, SchemaBuilder and the logical type schemas. See schema.h.
#include "connect/api/schema.h"

#include <cassert>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "connect/api/value.h"

namespace sluice::connect {

std::string_view SchemaTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8:
      return "INT8";
    case SchemaType::kInt16:
      return "INT16";
    case SchemaType::kInt32:
      return "INT32";
    case SchemaType::kInt64:
      return "INT64";
    case SchemaType::kFloat32:
      return "FLOAT32";
    case SchemaType::kFloat64:
      return "FLOAT64";
    case SchemaType::kBoolean:
      return "BOOLEAN";
    case SchemaType::kString:
      return "STRING";
    case SchemaType::kBytes:
      return "BYTES";
    case SchemaType::kArray:
      return "ARRAY";
    case SchemaType::kMap:
      return "MAP";
    case SchemaType::kStruct:
      return "STRUCT";
  }
  return "UNKNOWN";
}

const std::string* Schema::parameter(std::string_view key) const {
  for (const auto& [k, v] : parameters_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Field* Schema::field(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Schema::DebugName() const {
  std::string out(SchemaTypeName(type_));
  if (name_) out += " (" + *name_ + ")";
  return out;
}

namespace {
bool SamePtr(const SchemaPtr& a, const SchemaPtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return *a == *b;
}
}  // namespace

bool operator==(const Schema& a, const Schema& b) {
  if (&a == &b) return true;
  if (a.type_ != b.type_ || a.optional_ != b.optional_ || a.name_ != b.name_ || a.version_ != b.version_ ||
      a.doc_ != b.doc_ || a.parameters_ != b.parameters_ || a.fields_.size() != b.fields_.size()) {
    return false;
  }
  if ((a.default_ == nullptr) != (b.default_ == nullptr)) return false;
  if (a.default_ && !(*a.default_ == *b.default_)) return false;
  for (size_t i = 0; i < a.fields_.size(); ++i) {
    if (a.fields_[i].name != b.fields_[i].name || !SamePtr(a.fields_[i].schema, b.fields_[i].schema)) {
      return false;
    }
  }
  return SamePtr(a.key_schema_, b.key_schema_) && SamePtr(a.value_schema_, b.value_schema_);
}

#define SLUICE_PRIMITIVE_SCHEMA(fn, builder_fn)                                                \
  const SchemaPtr& Schema::fn() {                                                              \
    static const SchemaPtr* s = new SchemaPtr(SchemaBuilder::builder_fn().Build());            \
    return *s;                                                                                 \
  }                                                                                            \
  const SchemaPtr& Schema::Optional##fn() {                                                    \
    static const SchemaPtr* s = new SchemaPtr(SchemaBuilder::builder_fn().Optional().Build()); \
    return *s;                                                                                 \
  }
SLUICE_PRIMITIVE_SCHEMA(Int8, Int8)
SLUICE_PRIMITIVE_SCHEMA(Int16, Int16)
SLUICE_PRIMITIVE_SCHEMA(Int32, Int32)
SLUICE_PRIMITIVE_SCHEMA(Int64, Int64)
SLUICE_PRIMITIVE_SCHEMA(Float32, Float32)
SLUICE_PRIMITIVE_SCHEMA(Float64, Float64)
SLUICE_PRIMITIVE_SCHEMA(Boolean, Boolean)
SLUICE_PRIMITIVE_SCHEMA(String, String)
SLUICE_PRIMITIVE_SCHEMA(Bytes, Bytes)
#undef SLUICE_PRIMITIVE_SCHEMA

SchemaBuilder::SchemaBuilder(SchemaType type) : schema_(new Schema(type)) {}

SchemaBuilder SchemaBuilder::Array(SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kArray);
  if (!value_schema) b.error_ = Status::InvalidArgument("Array schema requires an element schema");
  b.schema_->value_schema_ = std::move(value_schema);
  return b;
}

SchemaBuilder SchemaBuilder::Map(SchemaPtr key_schema, SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kMap);
  if (!key_schema || !value_schema) {
    b.error_ = Status::InvalidArgument("Map schema requires key and value schemas");
  }
  b.schema_->key_schema_ = std::move(key_schema);
  b.schema_->value_schema_ = std::move(value_schema);
  return b;
}

SchemaBuilder& SchemaBuilder::Optional() {
  schema_->optional_ = true;
  return *this;
}
SchemaBuilder& SchemaBuilder::Required() {
  schema_->optional_ = false;
  return *this;
}
SchemaBuilder& SchemaBuilder::Name(std::string name) {
  schema_->name_ = std::move(name);
  return *this;
}
SchemaBuilder& SchemaBuilder::Version(int32_t version) {
  schema_->version_ = version;
  return *this;
}
SchemaBuilder& SchemaBuilder::Doc(std::string doc) {
  schema_->doc_ = std::move(doc);
  return *this;
}
SchemaBuilder& SchemaBuilder::Parameter(std::string key, std::string value) {
  for (auto& [k, v] : schema_->parameters_) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  schema_->parameters_.emplace_back(std::move(key), std::move(value));
  return *this;
}

SchemaBuilder& SchemaBuilder::Field(std::string name, SchemaPtr schema) {
  if (!error_.ok()) return *this;
  if (schema_->type_ != SchemaType::kStruct) {
    error_ = Status::InvalidArgument("Cannot create fields on type " +
                                     std::string(SchemaTypeName(schema_->type_)));
  } else if (name.empty()) {
    error_ = Status::InvalidArgument("fieldName cannot be null or empty.");
  } else if (!schema) {
    error_ = Status::InvalidArgument("fieldSchema for field " + name + " cannot be null.");
  } else if (schema_->field(name) != nullptr) {
    error_ = Status::InvalidArgument("Cannot create field because of field name duplication " + name);
  } else {
    int index = static_cast<int>(schema_->fields_.size());
    schema_->fields_.push_back(connect::Field{std::move(name), index, std::move(schema)});
  }
  return *this;
}

SchemaBuilder& SchemaBuilder::DefaultValue(const Value& value) {
  pending_default_ = std::make_shared<const Value>(value);
  return *this;
}

Result<SchemaPtr> SchemaBuilder::TryBuild() const {
  if (!error_.ok()) return error_;
  auto built = std::shared_ptr<Schema>(new Schema(*schema_));
  if (pending_default_ && !pending_default_->is_null()) {
    Status st = ValidateValue(*built, *pending_default_);
    if (!st.ok()) return Status::InvalidArgument("Invalid default value: " + st.message());
    built->default_ = pending_default_;
  }
  return SchemaPtr(std::move(built));
}

SchemaPtr SchemaBuilder::Build() const {
  Result<SchemaPtr> r = TryBuild();
  if (!r.ok()) {
    std::fprintf(stderr, "SchemaBuilder::Build: %s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

SchemaBuilder DecimalBuilder(int32_t scale) {
  SchemaBuilder b = SchemaBuilder::Bytes();
  b.Name(std::string(kDecimalLogicalName))
      .Parameter(std::string(kDecimalScaleParameter), std::to_string(scale))
      .Version(1);
  return b;
}
SchemaPtr DecimalSchema(int32_t scale) { return DecimalBuilder(scale).Build(); }

SchemaBuilder DateBuilder() {
  SchemaBuilder b = SchemaBuilder::Int32();
  b.Name(std::string(kDateLogicalName)).Version(1);
  return b;
}
SchemaPtr DateSchema() { return DateBuilder().Build(); }

SchemaBuilder TimeBuilder() {
  SchemaBuilder b = SchemaBuilder::Int32();
  b.Name(std::string(kTimeLogicalName)).Version(1);
  return b;
}
SchemaPtr TimeSchema() { return TimeBuilder().Build(); }

SchemaBuilder TimestampBuilder() {
  SchemaBuilder b = SchemaBuilder::Int64();
  b.Name(std::string(kTimestampLogicalName)).Version(1);
  return b;
}
SchemaPtr TimestampSchema() { return TimestampBuilder().Build(); }

Result<int32_t> DecimalScale(const Schema& schema) {
  if (schema.type() != SchemaType::kBytes || schema.name() != kDecimalLogicalName) {
    return Status::InvalidArgument("Requested conversion of Decimal object but the schema does not match.");
  }
  const std::string* s = schema.parameter(kDecimalScaleParameter);
  if (s == nullptr) return Status::InvalidArgument("Invalid Decimal schema: scale parameter not found.");
  int32_t scale = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), scale);
  if (ec != std::errc() || ptr != s->data() + s->size()) {
    return Status::InvalidArgument("Invalid scale parameter found in Decimal schema: " + *s);
  }
  return scale;
}

}  // namespace sluice::connect
