// ReplaceField$Key/$Value (include/exclude/renames, deprecated whitelist/blacklist) and
// MaskField$Key/$Value (fields, replacement).
//
// Thread-safety: one instance per task (the schema cache is not synchronised).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

// Java's String.split(":"): trailing empty strings are dropped.
std::vector<std::string> SplitColon(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = s.find(':', start);
    parts.push_back(s.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

using Renames = std::map<std::string, std::string, std::less<>>;

Result<Renames> ParseRenames(std::string_view key, const std::vector<std::string>& mappings) {
  Renames m;
  for (const std::string& mapping : mappings) {
    std::vector<std::string> parts = SplitColon(mapping);
    if (parts.size() != 2) {
      return InvalidValue(key, ConfigValueToString(ConfigValue(mappings)),
                          "Invalid rename mapping: " + mapping);
    }
    m[parts[0]] = parts[1];
  }
  return m;
}

// ---- ReplaceField ----

class ReplaceField final : public Transformation {
 public:
  explicit ReplaceField(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      d->Define(ConfigKey("exclude", ConfigType::kList)
                    .Default("")
                    .Importance(Importance::kMedium)
                    .Doc("Fields to exclude. This takes precedence over the fields to include."));
      d->Define(ConfigKey("blacklist", ConfigType::kList)
                    .NullDefault()
                    .Importance(Importance::kLow)
                    .Doc("Deprecated. Use exclude instead."));
      d->Define(ConfigKey("include", ConfigType::kList)
                    .Default("")
                    .Importance(Importance::kMedium)
                    .Doc("Fields to include. If specified, only these fields will be used."));
      d->Define(ConfigKey("whitelist", ConfigType::kList)
                    .NullDefault()
                    .Importance(Importance::kLow)
                    .Doc("Deprecated. Use include instead."));
      auto check = [](std::string_view name, const ConfigValue& v) -> Status {
        const auto* list = std::get_if<std::vector<std::string>>(&v);
        if (list == nullptr) return Status::OK();
        Result<Renames> r = ParseRenames(name, *list);
        return r.ok() ? Status::OK() : r.status();
      };
      d->Define(ConfigKey("renames", ConfigType::kList)
                    .Default("")
                    .Validate(Validator(check, "list of colon-delimited pairs, e.g. foo:bar,abc:xyz"))
                    .Importance(Importance::kMedium)
                    .Doc("Field rename mappings."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    // Kafka's translateDeprecatedConfigs: the new name wins when both are given.
    auto list = [&c](const char* key, const char* deprecated) {
      if (!c.WasSet(key) && c.WasSet(deprecated) && !c.IsNull(deprecated)) return c.GetList(deprecated);
      return c.GetList(key);
    };
    std::vector<std::string> exclude = list("exclude", "blacklist");
    std::vector<std::string> include = list("include", "whitelist");
    exclude_ = std::set<std::string, std::less<>>(exclude.begin(), exclude.end());
    include_ = std::set<std::string, std::less<>>(include.begin(), include.end());
    ASSIGN_OR_RETURN(renames_, ParseRenames("renames", c.GetList("renames")));
    reverse_.clear();
    for (const auto& [from, to] : renames_) reverse_[to] = from;
    cache_ = SchemaCache();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "field replacement";
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (value.is_null()) return true;
    if (schema == nullptr) {
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map updated;
      for (const MapEntry& e : *m) {
        const std::string* name = e.key.get_if<std::string>();
        if (name == nullptr) {
          updated.push_back(e);
        } else if (Keep(*name)) {
          MapPut(updated, Renamed(*name), e.value);
        }
      }
      value = Value(std::move(updated));
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, kPurpose));
    SchemaPtr updated_schema = cache_.Get(s->schema());
    if (updated_schema == nullptr) {
      SchemaBuilder b = SchemaBuilder::Struct();
      CopySchemaBasics(*s->schema(), b);
      for (const Field& f : s->schema()->fields()) {
        if (Keep(f.name)) b.Field(Renamed(f.name), f.schema);
      }
      ASSIGN_OR_RETURN(updated_schema, BuildSchema(b));
      cache_.Put(s->schema(), updated_schema);
    }
    Struct updated(updated_schema);
    for (const Field& f : updated_schema->fields()) {
      auto it = reverse_.find(f.name);
      const Field* source = s->schema()->field(it == reverse_.end() ? f.name : it->second);
      if (source != nullptr) RETURN_IF_ERROR(updated.Put(f.name, StructGet(*s, *source)));
    }
    schema = std::move(updated_schema);
    value = Value(std::move(updated));
    return true;
  }

 private:
  bool Keep(std::string_view name) const {
    return !exclude_.contains(name) && (include_.empty() || include_.contains(name));
  }
  std::string Renamed(const std::string& name) const {
    auto it = renames_.find(name);
    return it == renames_.end() ? name : it->second;
  }

  Side side_;
  std::set<std::string, std::less<>> exclude_;
  std::set<std::string, std::less<>> include_;
  Renames renames_;
  Renames reverse_;
  SchemaCache cache_;
};

// ---- MaskField ----

class MaskField final : public Transformation {
 public:
  explicit MaskField(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      d->Define(ConfigKey("fields", ConfigType::kList)
                    .Validate(NonEmptyList())
                    .Importance(Importance::kHigh)
                    .Doc("Names of fields to mask."));
      d->Define(ConfigKey("replacement", ConfigType::kString)
                    .NullDefault()
                    .Validate(NonEmptyStringOrNull())
                    .Importance(Importance::kLow)
                    .Doc("Custom value replacement, that will be applied to all 'fields' values (numeric or "
                         "non-empty string values only)."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    fields_.clear();
    for (const std::string& f : c.GetList("fields")) {
      if (std::find(fields_.begin(), fields_.end(), f) == fields_.end()) fields_.push_back(f);
    }
    replacement_.reset();
    if (!c.IsNull("replacement")) replacement_ = c.GetString("replacement");
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "mask fields";
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (schema == nullptr) {
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map updated = *m;
      for (const std::string& f : fields_) {  // like Kafka, an absent field is added as null
        const Value* v = MapFind(*m, f);
        ASSIGN_OR_RETURN(Value masked, Masked(nullptr, v != nullptr ? *v : Value()));
        MapPut(updated, f, std::move(masked));
      }
      value = Value(std::move(updated));
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, kPurpose));
    Struct updated(s->schema());
    for (const Field& f : s->schema()->fields()) {
      const Value& orig = StructGet(*s, f);
      if (std::find(fields_.begin(), fields_.end(), f.name) != fields_.end()) {
        ASSIGN_OR_RETURN(Value masked, Masked(f.schema.get(), orig));
        RETURN_IF_ERROR(updated.Put(f.name, std::move(masked)));
      } else {
        RETURN_IF_ERROR(updated.Put(f.name, orig));
      }
    }
    value = Value(std::move(updated));
    return true;
  }

 private:
  Result<Value> Masked(const Schema* schema, const Value& v) const {
    if (v.is_null()) return Value();
    const bool decimal = schema != nullptr && IsDecimal(*schema);
    if (!replacement_) {
      switch (v.kind()) {
        case ValueKind::kBool:
          return Value(false);
        case ValueKind::kInt8:
          return Value(int8_t{0});
        case ValueKind::kInt16:
          return Value(int16_t{0});
        case ValueKind::kInt32:
          return Value(int32_t{0});
        case ValueKind::kInt64:
          return Value(int64_t{0});
        case ValueKind::kFloat32:
          return Value(0.0f);
        case ValueKind::kFloat64:
          return Value(0.0);
        case ValueKind::kString:
          return Value(std::string());
        case ValueKind::kArray:
          return Value(Array());
        case ValueKind::kMap:
          return Value(Map());
        case ValueKind::kBytes:
          if (decimal) return Value(EncodeDecimalUnscaled(0));
          [[fallthrough]];
        default:
          return Status::InvalidArgument("Cannot mask value of type: class " + JavaClassName(v));
      }
    }
    const std::string& rep = *replacement_;
    const Status not_number =
        Status::InvalidArgument("Unable to convert " + rep + " (class java.lang.String) to number");
    auto integral = [&](int64_t min, int64_t max) -> Result<int64_t> {
      std::optional<int64_t> n = ParseJavaLong(rep);
      if (!n || *n < min || *n > max) return not_number;
      return *n;
    };
    switch (v.kind()) {
      case ValueKind::kInt8: {
        ASSIGN_OR_RETURN(int64_t n, integral(INT8_MIN, INT8_MAX));
        return Value(static_cast<int8_t>(n));
      }
      case ValueKind::kInt16: {
        ASSIGN_OR_RETURN(int64_t n, integral(INT16_MIN, INT16_MAX));
        return Value(static_cast<int16_t>(n));
      }
      case ValueKind::kInt32: {
        ASSIGN_OR_RETURN(int64_t n, integral(INT32_MIN, INT32_MAX));
        return Value(static_cast<int32_t>(n));
      }
      case ValueKind::kInt64: {
        ASSIGN_OR_RETURN(int64_t n, integral(INT64_MIN, INT64_MAX));
        return Value(n);
      }
      case ValueKind::kFloat32:
      case ValueKind::kFloat64: {
        std::optional<double> d = ParseJavaDouble(rep);
        if (!d) return not_number;
        return v.kind() == ValueKind::kFloat32 ? Value(static_cast<float>(*d)) : Value(*d);
      }
      case ValueKind::kString:
        return Value(rep);
      case ValueKind::kBytes:
        if (decimal) {
          ASSIGN_OR_RETURN(int32_t scale, DecimalScale(*schema));
          Result<int64_t> unscaled = ParseDecimalUnscaled(rep, scale);
          if (!unscaled.ok()) return not_number;
          return Value(EncodeDecimalUnscaled(*unscaled));
        }
        [[fallthrough]];
      default:
        return Status::InvalidArgument("Cannot mask value of type class " + JavaClassName(v) +
                                       " with custom replacement.");
    }
  }

  Side side_;
  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
};

}  // namespace

std::unique_ptr<Transformation> NewReplaceField(Side side) { return std::make_unique<ReplaceField>(side); }
std::unique_ptr<Transformation> NewMaskField(Side side) { return std::make_unique<MaskField>(side); }

}  // namespace sluice::connect::transforms
