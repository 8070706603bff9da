// Shared helpers of the built-in transformations. See util.h.
#include "connect/transforms/util.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "connect/api/base64.h"
#include "connect/transforms/date_format.h"
#include "connect/transforms/java_regex.h"

namespace sluice::connect::transforms {

std::string JavaClassName(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "java.lang.Boolean";
    case ValueKind::kInt8:
      return "java.lang.Byte";
    case ValueKind::kInt16:
      return "java.lang.Short";
    case ValueKind::kInt32:
      return "java.lang.Integer";
    case ValueKind::kInt64:
      return "java.lang.Long";
    case ValueKind::kFloat32:
      return "java.lang.Float";
    case ValueKind::kFloat64:
      return "java.lang.Double";
    case ValueKind::kString:
      return "java.lang.String";
    case ValueKind::kBytes:
      return "[B";
    case ValueKind::kArray:
      return "java.util.ArrayList";
    case ValueKind::kMap:
      return "java.util.HashMap";
    case ValueKind::kStruct:
      return "org.apache.kafka.connect.data.Struct";
  }
  return "unknown";
}

std::string_view InferredTypeName(const Value& v) { return ValueKindName(v.kind()); }

Result<const Map*> RequireMap(const Value& v, std::string_view purpose) {
  const Map* m = v.get_if<Map>();
  if (m == nullptr) {
    return Status::InvalidArgument("Only Map objects supported in absence of schema for [" +
                                   std::string(purpose) + "], found: " + JavaClassName(v));
  }
  return m;
}

Result<const Struct*> RequireStruct(const Value& v, std::string_view purpose) {
  const Struct* s = v.get_if<Struct>();
  if (s == nullptr) {
    return Status::InvalidArgument("Only Struct objects supported for [" + std::string(purpose) +
                                   "], found: " + JavaClassName(v));
  }
  return s;
}

const Value& StructGet(const Struct& s, const Field& f) {
  const Value& v = s.GetAt(static_cast<size_t>(f.index));
  if (v.is_null() && f.schema->default_value() != nullptr) return *f.schema->default_value();
  return v;
}

const Value* MapFind(const Map& m, std::string_view key) {
  for (const MapEntry& e : m) {
    const std::string* k = e.key.get_if<std::string>();
    if (k != nullptr && *k == key) return &e.value;
  }
  return nullptr;
}

void MapPut(Map& m, std::string_view key, Value value) {
  for (MapEntry& e : m) {
    const std::string* k = e.key.get_if<std::string>();
    if (k != nullptr && *k == key) {
      e.value = std::move(value);
      return;
    }
  }
  m.push_back(MapEntry{Value(std::string(key)), std::move(value)});
}

SchemaBuilder& CopySchemaBasics(const Schema& source, SchemaBuilder& builder) {
  if (source.name()) builder.Name(*source.name());
  if (source.version()) builder.Version(*source.version());
  if (source.doc()) builder.Doc(*source.doc());
  for (const auto& [k, v] : source.parameters()) builder.Parameter(k, v);
  return builder;
}

SchemaBuilder BuilderLike(const Schema& source) {
  SchemaBuilder b = source.type() == SchemaType::kArray ? SchemaBuilder::Array(source.value_schema())
                    : source.type() == SchemaType::kMap
                        ? SchemaBuilder::Map(source.key_schema(), source.value_schema())
                        : SchemaBuilder(source.type());
  if (source.type() == SchemaType::kStruct) {
    for (const Field& f : source.fields()) b.Field(f.name, f.schema);
  }
  CopySchemaBasics(source, b);
  return b;
}

Result<SchemaPtr> BuildSchema(const SchemaBuilder& builder) { return builder.TryBuild(); }

std::string PrimitiveToJavaString(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.get<bool>() ? "true" : "false";
    case ValueKind::kInt8:
      return std::to_string(v.get<int8_t>());
    case ValueKind::kInt16:
      return std::to_string(v.get<int16_t>());
    case ValueKind::kInt32:
      return std::to_string(v.get<int32_t>());
    case ValueKind::kInt64:
      return std::to_string(v.get<int64_t>());
    case ValueKind::kFloat32:
      return JavaFloatToString(v.get<float>());
    case ValueKind::kFloat64:
      return JavaDoubleToString(v.get<double>());
    case ValueKind::kString:
      return v.get<std::string>();
    case ValueKind::kBytes:
      return Base64Encode(v.get<Bytes>());
    default:
      return "";
  }
}

std::optional<int64_t> ParseJavaLong(std::string_view text) {
  const bool plus = !text.empty() && text[0] == '+';
  if (plus) text.remove_prefix(1);
  if (text.empty() || text[0] == '+' || (plus && text[0] == '-')) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseJavaDouble(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity")
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (!body.empty() && std::string_view("fFdD").find(body.back()) != std::string_view::npos) {
    body.remove_suffix(1);
  }
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.'))
    return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if ((ec != std::errc() && ec != std::errc::result_out_of_range) || ptr != body.data() + body.size()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

std::string DecimalToString(int64_t unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  std::string digits = std::to_string(unscaled);
  if (negative) digits.erase(0, 1);
  const int64_t adjusted = -static_cast<int64_t>(scale) + static_cast<int64_t>(digits.size()) - 1;
  std::string out = negative ? "-" : "";
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) return out + digits;
    if (static_cast<int64_t>(digits.size()) > scale) {
      size_t point = digits.size() - static_cast<size_t>(scale);
      return out + digits.substr(0, point) + "." + digits.substr(point);
    }
    return out + "0." + std::string(static_cast<size_t>(scale) - digits.size(), '0') + digits;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1, std::string::npos);
  }
  out += "E";
  out += adjusted >= 0 ? "+" : "";
  return out + std::to_string(adjusted);
}

Result<int64_t> ParseDecimalUnscaled(std::string_view text, int32_t scale) {
  const Status bad = Status::InvalidArgument("Cannot convert " + std::string(text) +
                                             " to a decimal of scale " + std::to_string(scale));
  std::string_view t = text;
  bool negative = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  size_t dot = t.find('.');
  std::string digits(t.substr(0, dot));
  int32_t frac = 0;
  if (dot != std::string_view::npos) {
    digits += t.substr(dot + 1);
    frac = static_cast<int32_t>(t.size() - dot - 1);
  }
  if (digits.empty()) return bad;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad;
  }
  while (frac > scale) {  // drop trailing zeros beyond the scale; anything else would round
    if (digits.back() != '0') return bad;
    digits.pop_back();
    --frac;
  }
  for (; frac < scale; ++frac) digits += '0';
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || v > static_cast<uint64_t>(INT64_MAX)) return bad;
  return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

double DecimalToDouble(int64_t unscaled, int32_t scale) {
  return std::strtod(DecimalToString(unscaled, scale).c_str(), nullptr);
}

int64_t DecimalToLong(int64_t unscaled, int32_t scale) {
  if (scale <= 0) {
    auto u = static_cast<uint64_t>(unscaled);
    for (int32_t i = 0; i < -scale; ++i) u *= 10;  // keeps the low 64 bits, as BigDecimal.longValue
    return static_cast<int64_t>(u);
  }
  for (int32_t i = 0; i < scale && unscaled != 0; ++i) unscaled /= 10;
  return unscaled;
}

bool IsDecimal(const Schema& schema) {
  return schema.type() == SchemaType::kBytes && schema.name() == kDecimalLogicalName;
}

SchemaPtr SchemaCache::Get(const SchemaPtr& input) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first == input) {
      if (i != 0) std::swap(entries_[0], entries_[i]);
      return entries_[0].second;
    }
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (*entries_[i].first == *input) {
      entries_[i].first = input;  // the next record's schema is likely this very object
      if (i != 0) std::swap(entries_[0], entries_[i]);
      return entries_[0].second;
    }
  }
  return nullptr;
}

void SchemaCache::Put(SchemaPtr input, SchemaPtr output) {
  if (entries_.size() >= kCapacity) entries_.pop_back();
  entries_.insert(entries_.begin(), {std::move(input), std::move(output)});
}

Validator NonEmptyList() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr || list->empty()) return InvalidValue(name, ConfigValueToString(value), "Empty list");
    return Status::OK();
  };
  return Validator(std::move(fn), "non-empty list");
}

Validator RegexPattern() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr) return Status::OK();
    Result<JavaRegex> re = JavaRegex::Compile(*s);
    if (!re.ok()) return InvalidValue(name, *s, "Invalid regex: " + re.status().message());
    return Status::OK();
  };
  return Validator(std::move(fn), "valid regex");
}

Validator NonEmptyStringOrNull() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s != nullptr && s->empty()) return InvalidValue(name, "", "String must be non-empty");
    return Status::OK();
  };
  return Validator(std::move(fn), "non-empty string");
}

Validator DateFormatPattern(std::string_view what) {
  auto fn = [what = std::string(what)](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr || s->empty()) return Status::OK();
    Result<DateFormat> f = DateFormat::Compile(*s);
    if (!f.ok()) return InvalidValue(name, *s, what + ": " + f.status().message());
    return Status::OK();
  };
  return Validator(std::move(fn), "SimpleDateFormat pattern");
}

}  // namespace sluice::connect::transforms
