// TimestampConverter$Key/$Value (string / unix / Date / Time / Timestamp, SimpleDateFormat patterns in
// UTC, unix.precision) and TimestampRouter (topic.format with ${topic} and ${timestamp}).
// Values use Connect's physical forms: Date = INT32 days, Time = INT32 ms of the day, Timestamp and
// unix = INT64; schemaless Date/Time/Timestamp outputs use the same forms.
//
// Thread-safety: one instance per task (the schema cache is not synchronised).
#include <limits>
#include <string>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

enum class TsType { kString, kUnix, kDate, kTime, kTimestamp };

constexpr std::string_view kFormatRequired =
    "TimestampConverter requires format option to be specified when using string timestamps";
constexpr std::string_view kBadPattern =
    "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps";

TsType ParseType(const std::string& s) {
  if (s == "string") return TsType::kString;
  if (s == "unix") return TsType::kUnix;
  if (s == "Date") return TsType::kDate;
  if (s == "Time") return TsType::kTime;
  return TsType::kTimestamp;
}

SchemaPtr TypeSchema(TsType type, bool optional) {
  switch (type) {
    case TsType::kString:
      return optional ? Schema::OptionalString() : Schema::String();
    case TsType::kUnix:
      return optional ? Schema::OptionalInt64() : Schema::Int64();
    case TsType::kDate: {
      static const SchemaPtr* req = new SchemaPtr(DateSchema());
      static const SchemaPtr* opt = new SchemaPtr(DateBuilder().Optional().Build());
      return optional ? *opt : *req;
    }
    case TsType::kTime: {
      static const SchemaPtr* req = new SchemaPtr(TimeSchema());
      static const SchemaPtr* opt = new SchemaPtr(TimeBuilder().Optional().Build());
      return optional ? *opt : *req;
    }
    case TsType::kTimestamp: {
      static const SchemaPtr* req = new SchemaPtr(TimestampSchema());
      static const SchemaPtr* opt = new SchemaPtr(TimestampBuilder().Optional().Build());
      return optional ? *opt : *req;
    }
  }
  return nullptr;
}

Result<TsType> TypeFromSchema(const Schema& s) {
  if (s.name() == kTimestampLogicalName) return TsType::kTimestamp;
  if (s.name() == kDateLogicalName) return TsType::kDate;
  if (s.name() == kTimeLogicalName) return TsType::kTime;
  if (s.type() == SchemaType::kString) return TsType::kString;
  if (s.type() == SchemaType::kInt64) return TsType::kUnix;
  return Status::InvalidArgument("Schema " + s.DebugName() +
                                 " does not correspond to a known timestamp type format");
}

Result<TsType> TypeFromValue(const Value& v) {
  if (v.kind() == ValueKind::kInt64) return TsType::kUnix;
  if (v.kind() == ValueKind::kString) return TsType::kString;
  return Status::InvalidArgument("TimestampConverter does not support class " + JavaClassName(v) +
                                 " objects as timestamps");
}

int64_t SaturatingMul(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) {
    return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  return out;
}

class TimestampConverter final : public Transformation {
 public:
  explicit TimestampConverter(Side side) : side_(side) {}

  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      d->Define(ConfigKey("field", ConfigType::kString)
                    .Default("")
                    .Importance(Importance::kHigh)
                    .Doc("The field containing the timestamp, or empty if the entire value is a timestamp"));
      d->Define(ConfigKey("target.type", ConfigType::kString)
                    .Validate(ValidString::In({"string", "unix", "Date", "Time", "Timestamp"}))
                    .Importance(Importance::kHigh)
                    .Doc("The desired timestamp representation: string, unix, Date, Time, or Timestamp"));
      d->Define(
          ConfigKey("format", ConfigType::kString)
              .Default("")
              .Validate(DateFormatPattern(kBadPattern))
              .Importance(Importance::kMedium)
              .Doc("A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when "
                   "type=string or used to parse the input if the input is a string."));
      d->Define(
          ConfigKey("unix.precision", ConfigType::kString)
              .Default("milliseconds")
              .Validate(ValidString::In({"nanoseconds", "microseconds", "milliseconds", "seconds"}))
              .Importance(Importance::kLow)
              .Doc("The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or "
                   "nanoseconds. Used to generate the output when type=unix or used to parse the input if "
                   "the input is a Long."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    field_ = c.GetString("field");
    target_ = ParseType(c.GetString("target.type"));
    format_.reset();
    const std::string& pattern = c.GetString("format");
    if (!pattern.empty()) {
      Result<DateFormat> f = DateFormat::Compile(pattern);
      if (!f.ok())
        return InvalidValue("format", pattern, std::string(kBadPattern) + ": " + f.status().message());
      format_ = std::move(f).value();
    } else if (target_ == TsType::kString) {
      return Status::InvalidArgument(kFormatRequired);
    }
    const std::string& precision = c.GetString("unix.precision");
    unit_ = precision == "seconds"        ? 1000
            : precision == "microseconds" ? -1000
            : precision == "nanoseconds"  ? -1'000'000
                                          : 1;
    cache_ = SchemaCache();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    static constexpr std::string_view kPurpose = "converting timestamp formats";
    SchemaPtr& schema = OperatingSchema(r, side_);
    Value& value = OperatingValue(r, side_);
    if (schema == nullptr) {
      if (value.is_null()) return true;
      if (field_.empty()) {
        ASSIGN_OR_RETURN(TsType type, TypeFromValue(value));
        ASSIGN_OR_RETURN(value, Convert(value, type));
        return true;
      }
      ASSIGN_OR_RETURN(const Map* m, RequireMap(value, kPurpose));
      Map updated = *m;
      const Value* v = MapFind(*m, field_);
      Value converted;
      if (v != nullptr && !v->is_null()) {
        ASSIGN_OR_RETURN(TsType type, TypeFromValue(*v));
        ASSIGN_OR_RETURN(converted, Convert(*v, type));
      }
      MapPut(updated, field_, std::move(converted));
      value = Value(std::move(updated));
      return true;
    }
    if (field_.empty()) {
      ASSIGN_OR_RETURN(TsType type, TypeFromSchema(*schema));
      ASSIGN_OR_RETURN(Value converted, Convert(value, type));
      schema = TypeSchema(target_, schema->optional());
      value = std::move(converted);
      return true;
    }
    const Struct* s = nullptr;
    if (!value.is_null()) {
      ASSIGN_OR_RETURN(s, RequireStruct(value, kPurpose));
    }
    SchemaPtr updated_schema = cache_.Get(schema);
    if (updated_schema == nullptr) {
      SchemaBuilder b = SchemaBuilder::Struct();
      CopySchemaBasics(*schema, b);
      for (const Field& f : schema->fields()) {
        b.Field(f.name, f.name == field_ ? TypeSchema(target_, f.schema->optional()) : f.schema);
      }
      if (schema->optional()) b.Optional();
      ASSIGN_OR_RETURN(updated_schema, BuildSchema(b));
      cache_.Put(schema, updated_schema);
    }
    Value updated;
    if (s != nullptr) {
      Struct out(updated_schema);
      for (const Field& f : s->schema()->fields()) {
        const Value& v = StructGet(*s, f);
        if (f.name != field_) {
          RETURN_IF_ERROR(out.Put(f.name, v));
          continue;
        }
        ASSIGN_OR_RETURN(TsType type, TypeFromSchema(*f.schema));
        ASSIGN_OR_RETURN(Value converted, Convert(v, type));
        RETURN_IF_ERROR(out.Put(f.name, std::move(converted)));
      }
      updated = Value(std::move(out));
    }
    schema = std::move(updated_schema);
    value = std::move(updated);
    return true;
  }

 private:
  // Any representation -> epoch milliseconds -> the target representation.
  Result<Value> Convert(const Value& v, TsType from) const {
    if (v.is_null()) return Value();
    int64_t ms = 0;
    switch (from) {
      case TsType::kString: {
        if (!format_) return Status::InvalidArgument(kFormatRequired);
        const std::string* text = v.get_if<std::string>();
        if (text == nullptr)
          return Status::InvalidArgument("Expected string timestamp to be a String, but found " +
                                         JavaClassName(v));
        Result<int64_t> parsed = format_->Parse(*text);
        if (!parsed.ok()) {
          return Status::InvalidArgument("Could not parse timestamp: value (" + *text +
                                         ") does not match pattern (" + format_->pattern() + ")");
        }
        ms = *parsed;
        break;
      }
      case TsType::kUnix:
      case TsType::kTimestamp: {
        const int64_t* n = v.get_if<int64_t>();
        if (n == nullptr)
          return Status::InvalidArgument("Expected a Long timestamp, but found " + JavaClassName(v));
        ms = from == TsType::kTimestamp ? *n : unit_ > 0 ? SaturatingMul(*n, unit_) : *n / -unit_;
        break;
      }
      case TsType::kDate:
      case TsType::kTime: {
        const int32_t* n = v.get_if<int32_t>();
        if (n == nullptr)
          return Status::InvalidArgument("Expected an Integer date or time, but found " + JavaClassName(v));
        ms = from == TsType::kDate ? int64_t{*n} * kMillisPerDay : *n;
        break;
      }
    }
    switch (target_) {
      case TsType::kString:
        return Value(format_->Format(ms));
      case TsType::kUnix:
        return Value(unit_ > 0 ? FloorDiv(ms, unit_) : SaturatingMul(ms, -unit_));
      case TsType::kDate:
        return Value(static_cast<int32_t>(FloorDiv(ms, kMillisPerDay)));
      case TsType::kTime:
        return Value(static_cast<int32_t>(ms - FloorDiv(ms, kMillisPerDay) * kMillisPerDay));
      case TsType::kTimestamp:
        return Value(ms);
    }
    return Value();
  }

  Side side_;
  std::string field_;
  TsType target_ = TsType::kTimestamp;
  std::optional<DateFormat> format_;
  int64_t unit_ = 1;  // ms per unit if > 0; units per ms, negated, if < 0
  SchemaCache cache_;
};

// ---- TimestampRouter ----

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

class TimestampRouter final : public Transformation {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      d->Define(
          ConfigKey("topic.format", ConfigType::kString)
              .Default("${topic}-${timestamp}")
              .Importance(Importance::kHigh)
              .Doc("Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as "
                   "placeholders for the topic and timestamp, respectively."));
      d->Define(ConfigKey("timestamp.format", ConfigType::kString)
                    .Default("yyyyMMdd")
                    .Validate(DateFormatPattern("Invalid timestamp format"))
                    .Importance(Importance::kHigh)
                    .Doc("Format string for the timestamp that is compatible with "
                         "<code>java.text.SimpleDateFormat</code>."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    topic_format_ = c.GetString("topic.format");
    ASSIGN_OR_RETURN(DateFormat f, DateFormat::Compile(c.GetString("timestamp.format")));
    format_ = std::move(f);
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    if (!format_) return Status::Internal("TimestampRouter used before Configure");
    if (!r.timestamp) return Status::InvalidArgument("Timestamp missing on record in topic " + r.topic);
    std::string topic = topic_format_;
    ReplaceAll(topic, "${topic}", r.topic);
    ReplaceAll(topic, "${timestamp}", format_->Format(*r.timestamp));
    r.topic = std::move(topic);
    return true;
  }

 private:
  std::string topic_format_;
  std::optional<DateFormat> format_;
};

}  // namespace

std::unique_ptr<Transformation> NewTimestampConverter(Side side) {
  return std::make_unique<TimestampConverter>(side);
}
std::unique_ptr<Transformation> NewTimestampRouter() { return std::make_unique<TimestampRouter>(); }

}  // namespace sluice::connect::transforms
