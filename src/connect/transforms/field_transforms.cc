// ValueToKey, ExtractField$Key/$Value, HoistField$Key/$Value and InsertField$Key/$Value.
//
// Thread-safety: one instance per task (the schema caches are not synchronised).
#include <optional>
#include <string>
#include <vector>

#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

// ---- ValueToKey ----

class ValueToKey final : public Transformation {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef(
        ConfigDef().Define(ConfigKey("fields", ConfigType::kList)
                               .Validate(NonEmptyList())
                               .Importance(Importance::kHigh)
                               .Doc("Field names on the record value to extract as the record key.")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    fields_ = c.GetList("fields");
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "copying fields from value to key";
    if (r.value_schema == nullptr) {
      ASSIGN_OR_RETURN(const Map* value, RequireMap(r.value, kPurpose));
      Map key;
      for (const std::string& f : fields_) {
        const Value* v = MapFind(*value, f);
        MapPut(key, f, v != nullptr ? *v : Value());
      }
      r.key_schema = nullptr;
      r.key = Value(std::move(key));
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* value, RequireStruct(r.value, kPurpose));
    SchemaPtr key_schema = cache_.Get(value->schema());
    if (key_schema == nullptr) {
      SchemaBuilder b = SchemaBuilder::Struct();
      for (const std::string& f : fields_) {
        const Field* field = value->schema()->field(f);
        if (field == nullptr) return Status::InvalidArgument("Field does not exist: " + f);
        b.Field(f, field->schema);
      }
      ASSIGN_OR_RETURN(key_schema, BuildSchema(b));
      cache_.Put(value->schema(), key_schema);
    }
    Struct key(key_schema);
    for (const Field& kf : key_schema->fields()) {
      RETURN_IF_ERROR(key.Put(kf.name, StructGet(*value, *value->schema()->field(kf.name))));
    }
    r.key_schema = std::move(key_schema);
    r.key = Value(std::move(key));
    return true;
  }

 private:
  std::vector<std::string> fields_;
  SchemaCache cache_;
};

// ---- ExtractField ----

class ExtractField final : public Transformation {
 public:
  explicit ExtractField(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef(ConfigDef().Define(ConfigKey("field", ConfigType::kString)
                                                                       .Importance(Importance::kMedium)
                                                                       .Doc("Field name to extract.")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    field_ = c.GetString("field");
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "field extraction";
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (schema == nullptr) {
      if (value.is_null()) return true;  // null passes through
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      const Value* v = MapFind(*m, field_);
      Value extracted = v != nullptr ? *v : Value();
      value = std::move(extracted);
      return true;
    }
    const Struct* s = nullptr;
    if (!value.is_null()) {
      ASSIGN_OR_RETURN(s, RequireStruct(value, kPurpose));
    }
    const Field* field = schema->field(field_);
    if (field == nullptr) return Status::InvalidArgument("Unknown field: " + field_);
    Value extracted;
    if (s != nullptr) {
      const Field* sf = s->schema()->field(field_);
      if (sf != nullptr) extracted = StructGet(*s, *sf);
    }
    SchemaPtr field_schema = field->schema;
    schema = std::move(field_schema);
    value = std::move(extracted);
    return true;
  }

 private:
  Side side_;
  std::string field_;
};

// ---- HoistField ----

class HoistField final : public Transformation {
 public:
  explicit HoistField(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef(ConfigDef().Define(
        ConfigKey("field", ConfigType::kString)
            .Importance(Importance::kMedium)
            .Doc("Field name for the single field that will be created in the resulting Struct or Map.")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    field_ = c.GetString("field");
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (schema == nullptr) {
      Map m;
      m.push_back(MapEntry{Value(field_), std::move(value)});
      value = Value(std::move(m));
      return true;
    }
    SchemaPtr hoisted = cache_.Get(schema);
    if (hoisted == nullptr) {
      ASSIGN_OR_RETURN(hoisted, BuildSchema(SchemaBuilder::Struct().Field(field_, schema)));
      cache_.Put(schema, hoisted);
    }
    RETURN_IF_ERROR(ValidateValue(*schema, value, field_));
    Struct s(hoisted);
    RETURN_IF_ERROR(s.Put(field_, std::move(value)));
    schema = std::move(hoisted);
    value = Value(std::move(s));
    return true;
  }

 private:
  Side side_;
  std::string field_;
  SchemaCache cache_;
};

// ---- InsertField ----

constexpr std::string_view kOptionalityDoc =
    "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional "
    "(the default).";

class InsertField final : public Transformation, public SinkAwareTransformation {
 public:
  explicit InsertField(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      auto spec = [d](const char* name, const std::string& doc) {
        d->Define(
            ConfigKey(name, ConfigType::kString).NullDefault().Importance(Importance::kMedium).Doc(doc));
      };
      spec("topic.field", "Field name for Kafka topic. " + std::string(kOptionalityDoc));
      spec("partition.field", "Field name for Kafka partition. " + std::string(kOptionalityDoc));
      spec("offset.field", "Field name for Kafka offset - only applicable to sink connectors. " +
                               std::string(kOptionalityDoc));
      spec("timestamp.field", "Field name for record timestamp. " + std::string(kOptionalityDoc));
      spec("static.field", "Field name for static data field. " + std::string(kOptionalityDoc));
      spec("static.value", "Static field value, if field name configured.");
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    topic_ = ParseSpec(c, "topic.field");
    partition_ = ParseSpec(c, "partition.field");
    offset_ = ParseSpec(c, "offset.field");
    timestamp_ = ParseSpec(c, "timestamp.field");
    static_ = ParseSpec(c, "static.field");
    static_value_.reset();
    if (!c.IsNull("static.value")) static_value_ = c.GetString("static.value");
    cache_ = SchemaCache();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override { return Insert(r, nullptr); }
  Result<bool> ApplyToSink(SinkRecord& r) override { return Insert(r, &r.kafka_offset); }

 private:
  struct Spec {
    std::string name;
    bool optional = true;
  };

  static std::optional<Spec> ParseSpec(const ParsedConfig& c, std::string_view key) {
    if (c.IsNull(key) || c.GetString(key).empty()) return std::nullopt;
    std::string s = c.GetString(key);
    if (s.back() == '?' || s.back() == '!') {
      bool optional = s.back() == '?';
      s.pop_back();
      return Spec{std::move(s), optional};
    }
    return Spec{std::move(s), true};
  }

  Result<bool> Insert(ConnectRecord& r, const int64_t* offset) {
    static constexpr std::string_view kPurpose = "field insertion";
    Value& value = OperatingValue(r, side_);
    if (value.is_null()) return true;  // tombstones pass through
    if (offset_ && offset == nullptr) {
      return Status::InvalidArgument(
          "Only SinkRecord supported for [field insertion], found: a source record");
    }
    SchemaPtr& schema = OperatingSchema(r, side_);
    if (schema == nullptr) {
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map updated = *m;
      if (topic_) MapPut(updated, topic_->name, Value(r.topic));
      if (partition_ && r.kafka_partition) MapPut(updated, partition_->name, Value(*r.kafka_partition));
      if (offset_) MapPut(updated, offset_->name, Value(*offset));
      if (timestamp_ && r.timestamp) MapPut(updated, timestamp_->name, Value(*r.timestamp));
      if (static_ && static_value_) MapPut(updated, static_->name, Value(*static_value_));
      value = Value(std::move(updated));
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, kPurpose));
    SchemaPtr updated_schema = cache_.Get(s->schema());
    if (updated_schema == nullptr) {
      ASSIGN_OR_RETURN(updated_schema, MakeUpdatedSchema(*s->schema()));
      cache_.Put(s->schema(), updated_schema);
    }
    Struct updated(updated_schema);
    for (const Field& f : s->schema()->fields()) RETURN_IF_ERROR(updated.Put(f.name, StructGet(*s, f)));
    if (topic_) RETURN_IF_ERROR(updated.Put(topic_->name, Value(r.topic)));
    if (partition_ && r.kafka_partition)
      RETURN_IF_ERROR(updated.Put(partition_->name, Value(*r.kafka_partition)));
    if (offset_) RETURN_IF_ERROR(updated.Put(offset_->name, Value(*offset)));
    if (timestamp_ && r.timestamp) RETURN_IF_ERROR(updated.Put(timestamp_->name, Value(*r.timestamp)));
    if (static_ && static_value_) RETURN_IF_ERROR(updated.Put(static_->name, Value(*static_value_)));
    schema = std::move(updated_schema);
    value = Value(std::move(updated));
    return true;
  }

  Result<SchemaPtr> MakeUpdatedSchema(const Schema& schema) const {
    SchemaBuilder b = SchemaBuilder::Struct();
    CopySchemaBasics(schema, b);
    for (const Field& f : schema.fields()) b.Field(f.name, f.schema);
    auto add = [&b](const std::optional<Spec>& spec, const SchemaPtr& required, const SchemaPtr& optional) {
      if (spec) b.Field(spec->name, spec->optional ? optional : required);
    };
    add(topic_, Schema::String(), Schema::OptionalString());
    add(partition_, Schema::Int32(), Schema::OptionalInt32());
    add(offset_, Schema::Int64(), Schema::OptionalInt64());
    if (timestamp_)
      b.Field(timestamp_->name,
              timestamp_->optional ? TimestampBuilder().Optional().Build() : TimestampSchema());
    add(static_, Schema::String(), Schema::OptionalString());
    return BuildSchema(b);
  }

  Side side_;
  std::optional<Spec> topic_, partition_, offset_, timestamp_, static_;
  std::optional<std::string> static_value_;
  SchemaCache cache_;
};

}  // namespace

std::unique_ptr<Transformation> NewValueToKey() { return std::make_unique<ValueToKey>(); }
std::unique_ptr<Transformation> NewExtractField(Side side) { return std::make_unique<ExtractField>(side); }
std::unique_ptr<Transformation> NewHoistField(Side side) { return std::make_unique<HoistField>(side); }
std::unique_ptr<Transformation> NewInsertField(Side side) { return std::make_unique<InsertField>(side); }

}  // namespace sluice::connect::transforms
