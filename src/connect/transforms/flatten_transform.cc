// Flatten$Key/$Value: nested Structs (with a schema) or Maps (schemaless) become one level, field names
// joined with `delimiter` (default "."). Arrays are kept as they are. Optionality and defaults of
// parent structs carry over to the flattened fields, as in Kafka.
//
// Thread-safety: one instance per task (the schema cache is not synchronised).
#include <string>

#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

constexpr std::string_view kPurpose = "flattening";

class Flatten final : public Transformation {
 public:
  explicit Flatten(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def =
        new ConfigDef(ConfigDef().Define(ConfigKey("delimiter", ConfigType::kString)
                                             .Default(".")
                                             .Importance(Importance::kMedium)
                                             .Doc("Delimiter to insert between field names from the input "
                                                  "record when generating field names for "
                                                  "the output record")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    delimiter_ = c.GetString("delimiter");
    cache_ = SchemaCache();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (value.is_null()) return true;
    if (schema == nullptr) {
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map flat;
      RETURN_IF_ERROR(FlattenMap(*m, "", flat));
      value = Value(std::move(flat));
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, kPurpose));
    SchemaPtr flat_schema = cache_.Get(s->schema());
    if (flat_schema == nullptr) {
      SchemaBuilder b = SchemaBuilder::Struct();
      CopySchemaBasics(*s->schema(), b);
      const Value* def = s->schema()->default_value();
      RETURN_IF_ERROR(FlattenSchema(*s->schema(), "", b, s->schema()->optional(),
                                    def != nullptr ? def->get_if<Struct>() : nullptr));
      if (s->schema()->optional()) b.Optional();
      ASSIGN_OR_RETURN(flat_schema, BuildSchema(b));
      cache_.Put(s->schema(), flat_schema);
    }
    Struct flat(flat_schema);
    RETURN_IF_ERROR(FlattenStruct(*s, "", flat));
    schema = std::move(flat_schema);
    value = Value(std::move(flat));
    return true;
  }

 private:
  std::string Name(std::string_view prefix, std::string_view name) const {
    return prefix.empty() ? std::string(name) : std::string(prefix) + delimiter_ + std::string(name);
  }

  Status FlattenMap(const Map& m, std::string_view prefix, Map& out) const {
    for (const MapEntry& e : m) {
      const std::string* key = e.key.get_if<std::string>();
      std::string name = Name(prefix, key != nullptr ? *key : PrimitiveToJavaString(e.key));
      switch (e.value.kind()) {
        case ValueKind::kMap:
          RETURN_IF_ERROR(FlattenMap(e.value.get<Map>(), name, out));
          break;
        case ValueKind::kStruct:
          return Status::InvalidArgument("Flatten transformation does not support class " +
                                         JavaClassName(e.value) + " for record without schemas (for field " +
                                         name + ").");
        default:  // null, primitives, bytes and arrays are kept
          MapPut(out, name, e.value);
          break;
      }
    }
    return Status::OK();
  }

  Status FlattenSchema(const Schema& schema, std::string_view prefix, SchemaBuilder& out, bool optional,
                       const Struct* parent_default) const {
    for (const Field& f : schema.fields()) {
      const std::string name = Name(prefix, f.name);
      const bool field_optional = optional || f.schema->optional();
      const Value* field_default = f.schema->default_value();
      if (field_default == nullptr && parent_default != nullptr) {
        const Value& v = StructGet(*parent_default, f);
        if (!v.is_null()) field_default = &v;
      }
      switch (f.schema->type()) {
        case SchemaType::kStruct:
          RETURN_IF_ERROR(
              FlattenSchema(*f.schema, name, out, field_optional,
                            field_default != nullptr ? field_default->get_if<Struct>() : nullptr));
          break;
        case SchemaType::kMap:
          return Status::InvalidArgument(
              "Flatten transformation does not support MAP for record with schemas (for "
              "field " +
              name + ").");
        default: {
          SchemaBuilder b = BuilderLike(*f.schema);
          if (field_optional) b.Optional();
          if (field_default != nullptr) b.DefaultValue(*field_default);
          ASSIGN_OR_RETURN(SchemaPtr fs, BuildSchema(b));
          out.Field(name, std::move(fs));
          break;
        }
      }
    }
    return Status::OK();
  }

  Status FlattenStruct(const Struct& s, std::string_view prefix, Struct& out) const {
    for (const Field& f : s.schema()->fields()) {
      const std::string name = Name(prefix, f.name);
      const Value& v = StructGet(s, f);
      if (f.schema->type() == SchemaType::kStruct) {
        if (const Struct* nested = v.get_if<Struct>()) RETURN_IF_ERROR(FlattenStruct(*nested, name, out));
      } else {
        RETURN_IF_ERROR(out.Put(name, v));
      }
    }
    return Status::OK();
  }

  Side side_;
  std::string delimiter_;
  SchemaCache cache_;
};

}  // namespace

std::unique_ptr<Transformation> NewFlatten(Side side) { return std::make_unique<Flatten>(side); }

}  // namespace sluice::connect::transforms
