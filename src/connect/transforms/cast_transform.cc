// Cast$Key/$Value: casts fields of a Struct/Map, or the whole key/value, to int8..int64, float32,
// float64, boolean or string (spec "field:type,..." or a single "type"), with Java's conversion rules.
//
// Thread-safety: one instance per task (the schema cache is not synchronised).
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

constexpr std::string_view kOutputTypes = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";
constexpr std::string_view kInputTypes =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";

struct CastSpec {
  std::vector<std::pair<std::string, SchemaType>> fields;
  std::optional<SchemaType> whole;
  const SchemaType* Find(std::string_view name) const {
    for (const auto& [f, t] : fields) {
      if (f == name) return &t;
    }
    return nullptr;
  }
};

std::string Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return std::string(s);
}

Result<SchemaType> ParseOutputType(std::string_view text) {
  std::string upper = Trim(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int i = 0; i <= static_cast<int>(SchemaType::kStruct); ++i) {
    auto type = static_cast<SchemaType>(i);
    if (SchemaTypeName(type) != upper) continue;
    if (type > SchemaType::kString) {
      return Status::InvalidArgument("Cast transformation does not support casting to " + upper +
                                     "; supported types are " + std::string(kOutputTypes));
    }
    return type;
  }
  return Status::InvalidArgument("Invalid type found in casting spec: " + Trim(text));
}

Result<CastSpec> ParseCastSpec(const std::vector<std::string>& items) {
  if (items.empty()) return Status::InvalidArgument("Must specify at least one field to cast.");
  CastSpec spec;
  for (const std::string& item : items) {
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      size_t colon = item.find(':', start);
      parts.push_back(item.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    while (!parts.empty() && parts.back().empty()) parts.pop_back();  // Java's split
    if (parts.empty() || parts.size() > 2) return Status::InvalidArgument("Invalid cast mapping: " + item);
    ASSIGN_OR_RETURN(SchemaType type, ParseOutputType(parts.back()));
    if (parts.size() == 1) {
      spec.whole = type;
    } else {
      spec.fields.emplace_back(Trim(parts[0]), type);
    }
  }
  if (spec.whole && items.size() > 1) {
    return Status::InvalidArgument(
        "Cast transformations that specify a type to cast the entire value to may ony specify a single cast "
        "in "
        "their spec");
  }
  return spec;
}

// Java's narrowing of a double to long / int (NaN -> 0, saturating).
int64_t DoubleToLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}
int32_t DoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return INT32_MAX;
  if (d <= -2147483648.0) return INT32_MIN;
  return static_cast<int32_t>(d);
}

// Values.dateFormatFor: a time below one day, a date on a day boundary, else a timestamp.
std::string FormatLogicalDate(int64_t ms) {
  static const DateFormat* time = new DateFormat(*DateFormat::Compile("HH:mm:ss.SSS'Z'"));
  static const DateFormat* date = new DateFormat(*DateFormat::Compile("yyyy-MM-dd"));
  static const DateFormat* ts = new DateFormat(*DateFormat::Compile("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));
  if (ms < kMillisPerDay) return time->Format(ms);
  if (ms % kMillisPerDay == 0) return date->Format(ms);
  return ts->Format(ms);
}

// The source as Java would see it: an integer, a floating value, a boolean or a string.
struct Source {
  enum Kind { kInteger, kFloating, kBool, kString, kBytes } kind = kInteger;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;
};

Result<Value> CastValue(const Schema* schema, const Value& v, SchemaType target) {
  if (v.is_null()) return Value();
  std::string_view input = schema != nullptr ? SchemaTypeName(schema->type()) : InferredTypeName(v);
  if (v.kind() > ValueKind::kBytes || (schema != nullptr && !schema->is_primitive())) {
    return Status::InvalidArgument("Cast transformation does not support casting from " + std::string(input) +
                                   "; supported types are " + std::string(kInputTypes));
  }
  const std::optional<std::string>& name = schema != nullptr ? schema->name() : std::nullopt;
  Source src;
  switch (v.kind()) {
    case ValueKind::kBool:
      src.kind = Source::kBool;
      src.b = v.get<bool>();
      break;
    case ValueKind::kInt8:
      src.i = v.get<int8_t>();
      break;
    case ValueKind::kInt16:
      src.i = v.get<int16_t>();
      break;
    case ValueKind::kInt32:
      src.i = v.get<int32_t>();
      break;
    case ValueKind::kInt64:
      src.i = v.get<int64_t>();
      break;
    case ValueKind::kFloat32:
      src.kind = Source::kFloating;
      src.d = v.get<float>();
      break;
    case ValueKind::kFloat64:
      src.kind = Source::kFloating;
      src.d = v.get<double>();
      break;
    case ValueKind::kString:
      src.kind = Source::kString;
      src.s = v.get<std::string>();
      break;
    default:
      src.kind = Source::kBytes;
      break;
  }
  if (target == SchemaType::kString) {
    if (name == kDateLogicalName) return Value(FormatLogicalDate(src.i * kMillisPerDay));
    if (name == kTimeLogicalName || name == kTimestampLogicalName) return Value(FormatLogicalDate(src.i));
    if (src.kind == Source::kBytes && schema != nullptr && IsDecimal(*schema)) {
      ASSIGN_OR_RETURN(int32_t scale, DecimalScale(*schema));
      ASSIGN_OR_RETURN(int64_t unscaled, DecodeDecimalUnscaled(v.get<Bytes>()));
      return Value(DecimalToString(unscaled, scale));
    }
    return Value(PrimitiveToJavaString(v));
  }
  if (src.kind == Source::kBytes) {
    if (schema == nullptr || !IsDecimal(*schema)) {
      return Status::InvalidArgument("Unexpected type in Cast transformation: class [B");
    }
    ASSIGN_OR_RETURN(int32_t scale, DecimalScale(*schema));
    ASSIGN_OR_RETURN(int64_t unscaled, DecodeDecimalUnscaled(v.get<Bytes>()));
    if (target == SchemaType::kFloat32 || target == SchemaType::kFloat64) {
      src.kind = Source::kFloating;
      src.d = DecimalToDouble(unscaled, scale);
    } else {
      src.kind = Source::kInteger;
      src.i = DecimalToLong(unscaled, scale);
    }
  }
  const Status out_of_range = Status::InvalidArgument("Value (" + PrimitiveToJavaString(v) +
                                                      ") was out of range for requested data type");
  switch (target) {
    case SchemaType::kBoolean:
      switch (src.kind) {
        case Source::kInteger:
          return Value(src.i != 0);
        case Source::kFloating:
          return Value(DoubleToLong(src.d) != 0);
        case Source::kBool:
          return Value(src.b);
        default: {
          std::string lower = src.s;
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return Value(lower == "true");
        }
      }
    case SchemaType::kFloat32:
    case SchemaType::kFloat64: {
      double d = 0;
      if (src.kind == Source::kInteger) {
        d = static_cast<double>(src.i);
        if (target == SchemaType::kFloat32) return Value(static_cast<float>(src.i));
      } else if (src.kind == Source::kFloating) {
        d = src.d;
      } else if (src.kind == Source::kBool) {
        d = src.b ? 1 : 0;
      } else {
        std::optional<double> parsed = ParseJavaDouble(src.s);
        if (!parsed) return out_of_range;
        d = *parsed;
      }
      return target == SchemaType::kFloat32 ? Value(static_cast<float>(d)) : Value(d);
    }
    default: {  // integers
      const int64_t max = target == SchemaType::kInt8    ? INT8_MAX
                          : target == SchemaType::kInt16 ? INT16_MAX
                          : target == SchemaType::kInt32 ? INT32_MAX
                                                         : INT64_MAX;
      const int64_t min = -max - 1;
      int64_t n = 0;
      if (src.kind == Source::kInteger) {
        n = src.i;  // narrowed below, wrapping like Number.byteValue()
      } else if (src.kind == Source::kFloating) {
        n = target == SchemaType::kInt64 ? DoubleToLong(src.d) : DoubleToInt(src.d);
      } else if (src.kind == Source::kBool) {
        n = src.b ? 1 : 0;
      } else {
        std::optional<int64_t> parsed = ParseJavaLong(src.s);
        if (!parsed || *parsed < min || *parsed > max) return out_of_range;
        n = *parsed;
      }
      switch (target) {
        case SchemaType::kInt8:
          return Value(static_cast<int8_t>(n));
        case SchemaType::kInt16:
          return Value(static_cast<int16_t>(n));
        case SchemaType::kInt32:
          return Value(static_cast<int32_t>(n));
        default:
          return Value(n);
      }
    }
  }
}

bool IsLogical(const Schema& s) {
  return s.name() == kDecimalLogicalName || s.name() == kDateLogicalName || s.name() == kTimeLogicalName ||
         s.name() == kTimestampLogicalName;
}

class Cast final : public Transformation {
 public:
  explicit Cast(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto check = [](std::string_view name, const ConfigValue& v) -> Status {
        const auto* list = std::get_if<std::vector<std::string>>(&v);
        Result<CastSpec> spec = ParseCastSpec(list != nullptr ? *list : std::vector<std::string>());
        if (!spec.ok()) return InvalidValue(name, ConfigValueToString(v), spec.status().message());
        return Status::OK();
      };
      auto* d = new ConfigDef();
      d->Define(
          ConfigKey("spec", ConfigType::kList)
              .Validate(Validator(check, "list of colon-delimited pairs, e.g. foo:bar,abc:xyz"))
              .Importance(Importance::kHigh)
              .Doc("List of fields and the type to cast them to of the form field1:type,field2:type to cast "
                   "fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, "
                   "int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can "
                   "only be cast to string."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    ASSIGN_OR_RETURN(spec_, ParseCastSpec(c.GetList("spec")));
    cache_ = SchemaCache();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "cast types";
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (value.is_null()) return true;
    if (schema == nullptr) {
      if (spec_.whole) {
        ASSIGN_OR_RETURN(value, CastValue(nullptr, value, *spec_.whole));
        return true;
      }
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map updated = *m;
      for (const auto& [field, type] : spec_.fields) {  // like Kafka, an absent field is added as null
        const Value* v = MapFind(*m, field);
        ASSIGN_OR_RETURN(Value cast, CastValue(nullptr, v != nullptr ? *v : Value(), type));
        MapPut(updated, field, std::move(cast));
      }
      value = Value(std::move(updated));
      return true;
    }
    SchemaPtr updated_schema = cache_.Get(schema);
    if (updated_schema == nullptr) {
      ASSIGN_OR_RETURN(updated_schema, BuildUpdatedSchema(*schema));
      cache_.Put(schema, updated_schema);
    }
    if (spec_.whole) {
      ASSIGN_OR_RETURN(Value cast, CastValue(schema.get(), value, *spec_.whole));
      schema = std::move(updated_schema);
      value = std::move(cast);
      return true;
    }
    ASSIGN_OR_RETURN(const Struct* s, RequireStruct(value, kPurpose));
    Struct updated(updated_schema);
    for (const Field& f : s->schema()->fields()) {
      const SchemaType* target = spec_.Find(f.name);
      if (target == nullptr) {
        RETURN_IF_ERROR(updated.Put(f.name, StructGet(*s, f)));
      } else {
        ASSIGN_OR_RETURN(Value cast, CastValue(f.schema.get(), StructGet(*s, f), *target));
        RETURN_IF_ERROR(updated.Put(f.name, std::move(cast)));
      }
    }
    schema = std::move(updated_schema);
    value = Value(std::move(updated));
    return true;
  }

 private:
  Result<SchemaPtr> BuildUpdatedSchema(const Schema& schema) const {
    if (spec_.whole) {
      SchemaBuilder b(*spec_.whole);
      if (!IsLogical(schema)) CopySchemaBasics(schema, b);
      if (schema.optional()) b.Optional();
      if (schema.default_value() != nullptr) {
        ASSIGN_OR_RETURN(Value d, CastValue(&schema, *schema.default_value(), *spec_.whole));
        b.DefaultValue(d);
      }
      return BuildSchema(b);
    }
    if (schema.type() != SchemaType::kStruct) {
      return Status::InvalidArgument("Only Struct objects supported for [cast types], found: " +
                                     std::string(SchemaTypeName(schema.type())));
    }
    SchemaBuilder b = SchemaBuilder::Struct();
    CopySchemaBasics(schema, b);
    for (const Field& f : schema.fields()) {
      const SchemaType* target = spec_.Find(f.name);
      if (target == nullptr) {
        b.Field(f.name, f.schema);
        continue;
      }
      SchemaBuilder fb(*target);
      if (f.schema->optional()) fb.Optional();
      if (f.schema->default_value() != nullptr) {
        ASSIGN_OR_RETURN(Value d, CastValue(f.schema.get(), *f.schema->default_value(), *target));
        fb.DefaultValue(d);
      }
      ASSIGN_OR_RETURN(SchemaPtr fs, BuildSchema(fb));
      b.Field(f.name, std::move(fs));
    }
    if (schema.optional()) b.Optional();
    return BuildSchema(b);
  }

  Side side_;
  CastSpec spec_;
  SchemaCache cache_;
};

}  // namespace

std::unique_ptr<Transformation> NewCast(Side side) { return std::make_unique<Cast>(side); }

}  // namespace sluice::connect::transforms
