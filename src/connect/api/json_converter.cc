// JsonConverter: Connect data <-> JSON, written byte for byte as Kafka's (Jackson) writes it; Java's
// number text forms. See json_converter.h.
#include "connect/api/json_converter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "connect/api/base64.h"

namespace sluice::connect {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain "
    "additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your "
    "converter configuration.";

std::string At(std::string_view path) {
  return path.empty() ? std::string() : " for field: \"" + std::string(path) + "\"";
}
std::string Child(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name) : std::string(path) + "." + std::string(name);
}
std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string_view JsonTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8:
      return "int8";
    case SchemaType::kInt16:
      return "int16";
    case SchemaType::kInt32:
      return "int32";
    case SchemaType::kInt64:
      return "int64";
    case SchemaType::kFloat32:
      return "float";
    case SchemaType::kFloat64:
      return "double";
    case SchemaType::kBoolean:
      return "boolean";
    case SchemaType::kString:
      return "string";
    case SchemaType::kBytes:
      return "bytes";
    case SchemaType::kArray:
      return "array";
    case SchemaType::kMap:
      return "map";
    case SchemaType::kStruct:
      return "struct";
  }
  return "";
}

// Numbers whose exact text matters are held in the tree as binary nodes of this subtype carrying the
// text: doubles and floats as Java prints them, NUMERIC decimals, and every non-integer number read
// (so "1.23456789123456789" keeps its digits for a Decimal).
constexpr std::uint64_t kRawNumberSubtype = 0x4e;

Json RawNumber(std::string_view text) {
  return Json::binary(Json::binary_t::container_type(text.begin(), text.end()), kRawNumberSubtype);
}
bool IsRaw(const Json& j) {
  return j.is_binary() && j.get_binary().has_subtype() && j.get_binary().subtype() == kRawNumberSubtype;
}
std::string_view RawText(const Json& j) {
  const Json::binary_t& b = j.get_binary();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
bool IsNumber(const Json& j) { return j.is_number() || IsRaw(j); }
std::string TypeName(const Json& j) { return IsRaw(j) ? "number" : j.type_name(); }
// The text of an integer or raw number node.
std::string NumberText(const Json& j) { return IsRaw(j) ? std::string(RawText(j)) : j.dump(); }

// float or double from a number node; out-of-range text gives +-infinity or +-0 as in Java.
template <typename T>
T NumberAs(const Json& j) {
  if (!IsRaw(j)) return j.get<T>();
  std::string_view t = RawText(j);
  T v{};
  if (std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc::result_out_of_range) return v;
  // Too large or too small for T. The parser rejects text beyond the double range, so a double that is
  // out of range too has underflowed.
  double d = 0;
  bool tiny = std::from_chars(t.data(), t.data() + t.size(), d).ec == std::errc::result_out_of_range ||
              std::fabs(d) < 1;
  T magnitude = tiny ? T{0} : std::numeric_limits<T>::infinity();
  return !t.empty() && t[0] == '-' ? -magnitude : magnitude;
}

// "d1.d2d3...e+XX" -> digits "d1d2d3..." and the exponent.
void ParseScientific(std::string_view s, std::string& digits, int& exp10) {
  size_t e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  std::string_view exp = s.substr(e + 1);
  if (!exp.empty() && exp[0] == '+') exp.remove_prefix(1);
  std::from_chars(exp.data(), exp.data() + exp.size(), exp10);
}

// Java's Double/Float.toString: the shortest decimal that reads back as v; when that has one digit, the
// closest of one or two digits (so Double.MIN_VALUE is 4.9E-324), written plain for 1e-3 <= |v| < 1e7
// and as d.dddE<n> otherwise.
template <typename T>
std::string JavaToString(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  bool negative = v < 0;
  T a = negative ? -v : v;
  char buf[64];
  std::string digits;
  int exp10 = 0;
  auto r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific);
  ParseScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), digits, exp10);
  if (digits.size() == 1) {
    r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific, 1);
    T back{};
    std::from_chars(buf, r.ptr, back);
    std::string two;
    int two_exp = 0;
    ParseScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), two, two_exp);
    if (back == a && two.size() == 2 && two[1] != '0') {
      digits = two;
      exp10 = two_exp;
    }
  }
  std::string out = negative ? "-" : "";
  if (exp10 >= -3 && exp10 < 7) {
    if (exp10 >= 0) {
      auto int_len = static_cast<size_t>(exp10) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp10 - 1), '0');
      out += digits;
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
           std::to_string(exp10);
  }
  return out;
}

// A double or float as Jackson writes it: Java's text, NaN and infinities quoted.
template <typename T>
Json JavaNumber(T v) {
  if (!std::isfinite(v)) return Json(JavaToString(v));
  return RawNumber(JavaToString(v));
}

// Length of the valid UTF-8 sequence at s[i] (a non-ASCII byte), 0 if invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1fu;
    min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    cp = c & 0x0fu;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

// A JSON string as Jackson escapes it: \" \\ \b \t \n \f \r, other controls as \u00XX (upper-case hex),
// everything else raw UTF-8. Invalid UTF-8 (impossible in Java) becomes U+FFFD.
void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    // Runs of plain printable ASCII are copied at once.
    size_t run = i;
    while (run < s.size()) {
      auto r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8Length(s, i);
      out.append(len == 0 ? std::string_view("\xef\xbf\xbd") : s.substr(i, len));
      i += len == 0 ? 1 : len;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Compact JSON as Jackson writes it.
void Write(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer:
      out += std::to_string(j.get<int64_t>());
      break;
    case Json::value_t::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      break;
    case Json::value_t::number_float:
      Write(JavaNumber(j.get<double>()), out);
      break;
    case Json::value_t::string:
      WriteString(j.get_ref<const std::string&>(), out);
      break;
    case Json::value_t::binary:
      out += RawText(j);
      break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : j) {
        if (!first) out += ',';
        first = false;
        Write(item, out);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        WriteString(it.key(), out);
        out += ':';
        Write(it.value(), out);
      }
      out += '}';
      break;
    }
  }
}

std::string Dump(const Json& j) {
  std::string out;
  Write(j, out);
  return out;
}

// Decimal digits of the magnitude of a big-endian two's complement integer (non-empty).
std::string MagnitudeDigits(const Bytes& b, bool& negative) {
  negative = (b[0] & 0x80) != 0;
  Bytes mag = b;
  if (negative) {
    for (uint8_t& x : mag) x = static_cast<uint8_t>(~x);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::string digits;
  for (size_t start = 0;;) {
    while (start < mag.size() && mag[start] == 0) ++start;
    if (start == mag.size()) break;
    unsigned rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      unsigned cur = rem * 256 + mag[i];
      mag[i] = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits += static_cast<char>('0' + rem);
  }
  if (digits.empty()) digits = "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// ---- Connect -> JSON ----

Result<Json> SchemalessToJson(const Value& v, std::string_view path) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return Json(nullptr);
    case ValueKind::kBool:
      return Json(v.get<bool>());
    case ValueKind::kInt8:
      return Json(v.get<int8_t>());
    case ValueKind::kInt16:
      return Json(v.get<int16_t>());
    case ValueKind::kInt32:
      return Json(v.get<int32_t>());
    case ValueKind::kInt64:
      return Json(v.get<int64_t>());
    case ValueKind::kFloat32:
      return JavaNumber(v.get<float>());
    case ValueKind::kFloat64:
      return JavaNumber(v.get<double>());
    case ValueKind::kString:
      return Json(v.get<std::string>());
    case ValueKind::kBytes:
      return Json(Base64Encode(v.get<Bytes>()));
    case ValueKind::kArray: {
      Json out = Json::array();
      const Array& items = v.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        ASSIGN_OR_RETURN(Json item, SchemalessToJson(items[i], Index(path, i)));
        out.push_back(std::move(item));
      }
      return out;
    }
    case ValueKind::kMap: {
      const Map& m = v.get<Map>();
      bool object_mode = true;
      for (const MapEntry& e : m) object_mode = object_mode && e.key.kind() == ValueKind::kString;
      Json out = object_mode ? Json::object() : Json::array();
      for (const MapEntry& e : m) {
        ASSIGN_OR_RETURN(Json value, SchemalessToJson(e.value, path));
        if (object_mode) {
          out[e.key.get<std::string>()] = std::move(value);
        } else {
          ASSIGN_OR_RETURN(Json key, SchemalessToJson(e.key, path));
          out.push_back(Json::array({std::move(key), std::move(value)}));
        }
      }
      return out;
    }
    case ValueKind::kStruct:
      return Status::InvalidArgument("Mismatching schema: a Struct needs a STRUCT schema" + At(path));
  }
  return Status::Internal("unknown value kind");
}

Result<Json> ToJson(const JsonConverterConfig& cfg, const Schema* schema, const Value& v,
                    std::string_view path) {
  if (schema == nullptr) return SchemalessToJson(v, path);
  if (v.is_null()) {
    if (schema->default_value() != nullptr && cfg.replace_null_with_default) {
      return ToJson(cfg, schema, *schema->default_value(), path);
    }
    if (schema->optional()) return Json(nullptr);
    return Status::InvalidArgument(
        "Conversion error: null value for field that is required and has no default value" + At(path));
  }
  if (!KindMatches(schema->type(), v.kind())) {
    return Status::InvalidArgument("Invalid type for " + schema->DebugName() + ": " +
                                   std::string(ValueKindName(v.kind())) + At(path));
  }
  switch (schema->type()) {
    case SchemaType::kBytes:
      if (schema->name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(*schema);
        if (!scale.ok()) return Status::InvalidArgument(scale.status().message() + At(path));
        if (cfg.decimal_format == DecimalFormat::kNumeric) {
          Result<std::string> text = DecimalToString(v.get<Bytes>(), *scale);
          if (!text.ok()) return Status::InvalidArgument(text.status().message() + At(path));
          return RawNumber(*text);
        }
      }
      return Json(Base64Encode(v.get<Bytes>()));
    case SchemaType::kArray: {
      Json out = Json::array();
      const Array& items = v.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        ASSIGN_OR_RETURN(Json item, ToJson(cfg, schema->value_schema().get(), items[i], Index(path, i)));
        out.push_back(std::move(item));
      }
      return out;
    }
    case SchemaType::kMap: {
      bool object_mode = schema->key_schema()->type() == SchemaType::kString;
      Json out = object_mode ? Json::object() : Json::array();
      for (const MapEntry& e : v.get<Map>()) {
        ASSIGN_OR_RETURN(Json key, ToJson(cfg, schema->key_schema().get(), e.key, path));
        ASSIGN_OR_RETURN(Json value, ToJson(cfg, schema->value_schema().get(), e.value, path));
        if (object_mode) {
          if (!key.is_string())
            return Status::InvalidArgument("Map key must be a non-null string" + At(path));
          out[key.get_ref<const std::string&>()] = std::move(value);
        } else {
          out.push_back(Json::array({std::move(key), std::move(value)}));
        }
      }
      return out;
    }
    case SchemaType::kStruct: {
      const Struct& s = v.get<Struct>();
      if (!(*s.schema() == *schema)) return Status::InvalidArgument("Mismatching schema." + At(path));
      Json out = Json::object();
      for (const Field& f : schema->fields()) {
        ASSIGN_OR_RETURN(
            Json fv, ToJson(cfg, f.schema.get(), s.GetAt(static_cast<size_t>(f.index)), Child(path, f.name)));
        out[f.name] = std::move(fv);
      }
      return out;
    }
    default:
      return SchemalessToJson(v, path);
  }
}

Result<Json> SchemaToJson(const JsonConverterConfig& cfg, const Schema& schema) {
  Json j = Json::object();
  j["type"] = JsonTypeName(schema.type());
  switch (schema.type()) {
    case SchemaType::kStruct: {
      Json fields = Json::array();
      for (const Field& f : schema.fields()) {
        ASSIGN_OR_RETURN(Json fj, SchemaToJson(cfg, *f.schema));
        fj["field"] = f.name;
        fields.push_back(std::move(fj));
      }
      j["fields"] = std::move(fields);
      break;
    }
    case SchemaType::kArray: {
      ASSIGN_OR_RETURN(j["items"], SchemaToJson(cfg, *schema.value_schema()));
      break;
    }
    case SchemaType::kMap: {
      ASSIGN_OR_RETURN(j["keys"], SchemaToJson(cfg, *schema.key_schema()));
      ASSIGN_OR_RETURN(j["values"], SchemaToJson(cfg, *schema.value_schema()));
      break;
    }
    default:
      break;
  }
  j["optional"] = schema.optional();
  if (schema.name()) j["name"] = *schema.name();
  if (schema.version()) j["version"] = *schema.version();
  if (schema.doc()) j["doc"] = *schema.doc();
  if (!schema.parameters().empty()) {
    Json params = Json::object();
    for (const auto& [k, v] : schema.parameters()) params[k] = v;
    j["parameters"] = std::move(params);
  }
  if (schema.default_value() != nullptr) {
    ASSIGN_OR_RETURN(j["default"], ToJson(cfg, &schema, *schema.default_value(), "default"));
  }
  return j;
}

// ---- JSON -> Connect ----

Result<Value> SchemalessFromJson(const Json& j) {
  if (j.is_null()) return Value();
  if (const auto* b = j.get_ptr<const Json::boolean_t*>()) return Value(*b);
  if (const auto* i = j.get_ptr<const Json::number_integer_t*>()) return Value(int64_t{*i});
  if (const auto* u = j.get_ptr<const Json::number_unsigned_t*>()) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("Integer " + std::to_string(*u) + " does not fit in INT64");
    }
    return Value(static_cast<int64_t>(*u));
  }
  if (IsRaw(j)) return Value(NumberAs<double>(j));
  if (const auto* s = j.get_ptr<const Json::string_t*>()) return Value(*s);
  if (j.is_array()) {
    Array out;
    for (const Json& item : j) {
      ASSIGN_OR_RETURN(Value v, SchemalessFromJson(item));
      out.push_back(std::move(v));
    }
    return Value(std::move(out));
  }
  if (j.is_object()) {
    Map out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      ASSIGN_OR_RETURN(Value v, SchemalessFromJson(it.value()));
      out.push_back(MapEntry{Value(it.key()), std::move(v)});
    }
    return Value(std::move(out));
  }
  return Status::InvalidArgument("Unsupported JSON value: " + TypeName(j));
}

Status Mismatch(const Schema& schema, const Json& j, std::string_view path) {
  return Status::InvalidArgument("Invalid JSON " + TypeName(j) + " for schema type " + schema.DebugName() +
                                 At(path));
}

Result<int64_t> JsonInteger(const Schema& schema, const Json& j, int64_t min, int64_t max,
                            std::string_view path) {
  int64_t n = 0;
  if (const auto* i = j.get_ptr<const Json::number_integer_t*>()) {
    n = *i;
  } else if (const auto* u = j.get_ptr<const Json::number_unsigned_t*>()) {
    if (*u > static_cast<uint64_t>(max))
      return Status::OutOfRange("Integer out of range for " + schema.DebugName() + At(path));
    n = static_cast<int64_t>(*u);
  } else {
    return Mismatch(schema, j, path);
  }
  if (n < min || n > max)
    return Status::OutOfRange("Integer out of range for " + schema.DebugName() + At(path));
  return n;
}

Result<Value> FromJson(const JsonConverterConfig& cfg, const SchemaPtr& schema, const Json& j,
                       std::string_view path) {
  if (!schema) return SchemalessFromJson(j);
  if (j.is_null()) {
    if (schema->default_value() != nullptr && cfg.replace_null_with_default) return *schema->default_value();
    if (schema->optional()) return Value();
    return Status::InvalidArgument("Invalid null value for required " +
                                   std::string(SchemaTypeName(schema->type())) + " field" + At(path));
  }
  switch (schema->type()) {
    case SchemaType::kInt8: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT8_MIN, INT8_MAX, path));
      return Value(static_cast<int8_t>(n));
    }
    case SchemaType::kInt16: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT16_MIN, INT16_MAX, path));
      return Value(static_cast<int16_t>(n));
    }
    case SchemaType::kInt32: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT32_MIN, INT32_MAX, path));
      return Value(static_cast<int32_t>(n));
    }
    case SchemaType::kInt64: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT64_MIN, INT64_MAX, path));
      return Value(n);
    }
    case SchemaType::kFloat32:
    case SchemaType::kFloat64: {
      bool is_float = schema->type() == SchemaType::kFloat32;
      if (IsNumber(j)) return is_float ? Value(NumberAs<float>(j)) : Value(NumberAs<double>(j));
      // Jackson writes NaN and the infinities as strings.
      const auto* s = j.get_ptr<const Json::string_t*>();
      if (s == nullptr || (*s != "NaN" && *s != "Infinity" && *s != "-Infinity")) {
        return Mismatch(*schema, j, path);
      }
      double d = *s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                             : (*s == "Infinity" ? 1 : -1) * std::numeric_limits<double>::infinity();
      return is_float ? Value(static_cast<float>(d)) : Value(d);
    }
    case SchemaType::kBoolean:
      if (!j.is_boolean()) return Mismatch(*schema, j, path);
      return Value(j.get_ref<const Json::boolean_t&>());
    case SchemaType::kString:
      if (!j.is_string()) return Mismatch(*schema, j, path);
      return Value(j.get_ref<const std::string&>());
    case SchemaType::kBytes: {
      if (schema->name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(*schema);
        if (!scale.ok()) return Status::InvalidArgument(scale.status().message() + At(path));
        if (IsNumber(j)) {  // decimal.format=NUMERIC; read whatever the config
          Result<Bytes> unscaled = DecimalFromString(NumberText(j), *scale);
          if (!unscaled.ok()) return Status::InvalidArgument(unscaled.status().message() + At(path));
          return Value(std::move(*unscaled));
        }
      }
      if (!j.is_string()) return Mismatch(*schema, j, path);
      std::optional<Bytes> bytes = Base64Decode(j.get_ref<const std::string&>());
      if (!bytes) return Status::InvalidArgument("Invalid bytes field (not base64)" + At(path));
      return Value(std::move(*bytes));
    }
    case SchemaType::kArray: {
      if (!j.is_array()) return Mismatch(*schema, j, path);
      Array out;
      for (size_t i = 0; i < j.size(); ++i) {
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), j[i], Index(path, i)));
        out.push_back(std::move(v));
      }
      return Value(std::move(out));
    }
    case SchemaType::kMap: {
      Map out;
      if (schema->key_schema()->type() == SchemaType::kString) {
        if (!j.is_object()) return Mismatch(*schema, j, path);
        for (auto it = j.begin(); it != j.end(); ++it) {
          ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), it.value(), Child(path, it.key())));
          out.push_back(MapEntry{Value(it.key()), std::move(v)});
        }
        return Value(std::move(out));
      }
      if (!j.is_array()) {
        return Status::InvalidArgument(
            "Maps with non-string fields should be encoded as JSON array of tuples, but found " +
            TypeName(j) + At(path));
      }
      for (const Json& entry : j) {
        if (!entry.is_array() || entry.size() != 2) {
          return Status::InvalidArgument("Found invalid map entry, expected an array of length 2" + At(path));
        }
        ASSIGN_OR_RETURN(Value k, FromJson(cfg, schema->key_schema(), entry[0], path));
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), entry[1], path));
        out.push_back(MapEntry{std::move(k), std::move(v)});
      }
      return Value(std::move(out));
    }
    case SchemaType::kStruct: {
      if (!j.is_object()) {
        return Status::InvalidArgument("Structs should be encoded as JSON objects, found " + TypeName(j) +
                                       At(path));
      }
      Struct s(schema);
      for (const Field& f : schema->fields()) {
        auto it = j.find(f.name);
        static const Json kNull;
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, f.schema, it == j.end() ? kNull : *it, Child(path, f.name)));
        RETURN_IF_ERROR(s.Put(f.name, std::move(v)).WithContext(Child(path, f.name)));
      }
      return Value(std::move(s));
    }
  }
  return Status::Internal("unknown schema type");
}

Result<SchemaPtr> SchemaFromJson(const JsonConverterConfig& cfg, const Json& j, std::string_view path) {
  if (!j.is_object()) return Status::InvalidArgument("Schema must be a JSON object" + At(path));
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) {
    return Status::InvalidArgument("Schema must contain 'type' field" + At(path));
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  auto child = [&](const char* key, const char* missing) -> Result<SchemaPtr> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::InvalidArgument(std::string(missing) + At(path));
    return SchemaFromJson(cfg, *it, path);
  };
  std::optional<SchemaBuilder> b;
  static const std::pair<const char*, SchemaType> kPrimitives[] = {
      {"int8", SchemaType::kInt8},       {"int16", SchemaType::kInt16},   {"int32", SchemaType::kInt32},
      {"int64", SchemaType::kInt64},     {"float", SchemaType::kFloat32}, {"double", SchemaType::kFloat64},
      {"boolean", SchemaType::kBoolean}, {"string", SchemaType::kString}, {"bytes", SchemaType::kBytes}};
  for (const auto& [n, t] : kPrimitives) {
    if (type == n) b.emplace(t);
  }
  if (type == "array") {
    ASSIGN_OR_RETURN(SchemaPtr items, child("items", "Array schema did not specify the element type"));
    b.emplace(SchemaBuilder::Array(std::move(items)));
  } else if (type == "map") {
    ASSIGN_OR_RETURN(SchemaPtr keys, child("keys", "Map schema did not specify the key type"));
    ASSIGN_OR_RETURN(SchemaPtr values, child("values", "Map schema did not specify the value type"));
    b.emplace(SchemaBuilder::Map(std::move(keys), std::move(values)));
  } else if (type == "struct") {
    b.emplace(SchemaBuilder::Struct());
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array()) {
      return Status::InvalidArgument("Struct schema's \"fields\" argument is not an array." + At(path));
    }
    for (const Json& f : *fields) {
      auto name = f.is_object() ? f.find("field") : f.end();
      if (!f.is_object() || name == f.end() || !name->is_string()) {
        return Status::InvalidArgument("Struct schema's field name not specified properly" + At(path));
      }
      const std::string& fname = name->get_ref<const std::string&>();
      ASSIGN_OR_RETURN(SchemaPtr fs, SchemaFromJson(cfg, f, Child(path, fname)));
      b->Field(fname, std::move(fs));
    }
  }
  if (!b) return Status::InvalidArgument("Unknown schema type: " + type + At(path));
  if (auto it = j.find("optional"); it != j.end() && it->is_boolean() && it->get<bool>()) b->Optional();
  if (auto it = j.find("name"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::InvalidArgument("Schema name must be a string" + At(path));
    b->Name(it->get<std::string>());
  }
  if (auto it = j.find("version"); it != j.end() && !it->is_null()) {
    const auto* v = it->get_ptr<const Json::number_integer_t*>();
    const auto* u = it->get_ptr<const Json::number_unsigned_t*>();
    if (v != nullptr && *v >= INT32_MIN && *v <= INT32_MAX) {
      b->Version(static_cast<int32_t>(*v));
    } else if (u != nullptr && *u <= INT32_MAX) {
      b->Version(static_cast<int32_t>(*u));
    } else {
      return Status::InvalidArgument("Schema version must be an integer" + At(path));
    }
  }
  if (auto it = j.find("doc"); it != j.end() && it->is_string()) b->Doc(it->get<std::string>());
  if (auto it = j.find("parameters"); it != j.end() && !it->is_null()) {
    if (!it->is_object())
      return Status::InvalidArgument("Schema parameters must be a JSON object" + At(path));
    for (auto p = it->begin(); p != it->end(); ++p) {
      if (!p.value().is_string())
        return Status::InvalidArgument("Schema parameter values must be strings" + At(path));
      b->Parameter(p.key(), p.value().get<std::string>());
    }
  }
  if (auto it = j.find("default"); it != j.end() && !it->is_null()) {
    ASSIGN_OR_RETURN(SchemaPtr without_default, b->TryBuild());
    ASSIGN_OR_RETURN(Value def, FromJson(cfg, without_default, *it, Child(path, "default")));
    b->DefaultValue(def);
  }
  return b->TryBuild();
}

// Builds the tree like nlohmann's DOM parser, but keeps the text of non-integer numbers (RawNumber) and
// bounds the nesting depth (conversions recurse on it).
class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() override { return Add(Json(nullptr)); }
  bool boolean(bool b) override { return Add(Json(b)); }
  bool number_integer(number_integer_t v) override { return Add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(Json(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Add(RawNumber(text)); }
  bool string(string_t& s) override { return Add(Json(std::move(s))); }
  bool binary(binary_t& b) override { return Add(Json::binary(std::move(b))); }
  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error_ = "serialization error at byte " + std::to_string(position) + ": " + ex.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr size_t kMaxDepth = 1000;

  Json* Slot() {
    if (stack_.empty()) return &root_;
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(nullptr);
      return &parent.back();
    }
    return &parent[key_];  // a repeated key replaces the earlier value, as in Jackson
  }
  bool Add(Json v) {
    *Slot() = std::move(v);
    return true;
  }
  bool Open(Json container) {
    if (stack_.size() >= kMaxDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    Json* slot = Slot();
    *slot = std::move(container);
    stack_.push_back(slot);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  Json& root_;
  std::vector<Json*> stack_;  // open containers; stable while open (only their children change)
  std::string key_;
  std::string error_;
};

Result<Json> ParseJson(std::string_view text) {
  Json root;
  DomBuilder builder(root);
  if (Json::sax_parse(text.begin(), text.end(), &builder)) return root;
  return Status::InvalidArgument("Converting byte[] to Kafka Connect data failed due to " + builder.error());
}

}  // namespace

Result<std::string> JsonConverter::FromConnectData(const Schema* schema, const Value& value) const {
  if (schema == nullptr && value.is_null()) return std::string("null");
  ASSIGN_OR_RETURN(Json payload, ToJson(config_, schema, value, ""));
  if (!config_.schemas_enable) return Dump(payload);
  std::string out = "{\"schema\":";
  if (schema != nullptr) {
    ASSIGN_OR_RETURN(Json schema_json, SchemaToJson(config_, *schema));
    Write(schema_json, out);
  } else {
    out += "null";
  }
  out += ",\"payload\":";
  Write(payload, out);
  out += '}';
  return out;
}

Result<SchemaAndValue> JsonConverter::ToConnectData(std::string_view json) const {
  if (json.empty()) return SchemaAndValue{};
  ASSIGN_OR_RETURN(Json j, ParseJson(json));
  if (j.is_null()) return SchemaAndValue{};
  if (!config_.schemas_enable) {
    ASSIGN_OR_RETURN(Value v, SchemalessFromJson(j));
    return SchemaAndValue{nullptr, std::move(v)};
  }
  if (!j.is_object() || j.size() != 2 || !j.contains("schema") || !j.contains("payload")) {
    return Status::InvalidArgument(kEnvelopeError);
  }
  SchemaPtr schema;
  if (!j["schema"].is_null()) {
    ASSIGN_OR_RETURN(schema, SchemaFromJson(config_, j["schema"], ""));
  }
  ASSIGN_OR_RETURN(Value v, FromJson(config_, schema, j["payload"], ""));
  return SchemaAndValue{std::move(schema), std::move(v)};
}

Result<std::string> JsonConverter::SchemaToJsonText(const Schema& schema) {
  ASSIGN_OR_RETURN(Json j, SchemaToJson(JsonConverterConfig{}, schema));
  return Dump(j);
}

Result<SchemaPtr> JsonConverter::SchemaFromJsonText(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json));
  return SchemaFromJson(JsonConverterConfig{}, j, "");
}

// Bounds on the quadratic decimal <-> binary conversions (far beyond any real precision).
constexpr size_t kMaxDecimalBytes = 4096;
constexpr int64_t kMaxDecimalDigits = 10000;

Result<std::string> DecimalToString(const Bytes& unscaled, int32_t scale) {
  if (unscaled.empty()) return Status::InvalidArgument("Decimal value has no bytes");
  if (unscaled.size() > kMaxDecimalBytes) return Status::OutOfRange("Decimal value too large to print");
  bool negative = false;
  std::string digits = MagnitudeDigits(unscaled, negative);
  std::string out = negative ? "-" : "";
  int64_t adjusted = -int64_t{scale} + static_cast<int64_t>(digits.size()) - 1;
  if (scale >= 0 && adjusted >= -6) {  // plain notation
    auto s = static_cast<size_t>(scale);
    if (s == 0) {
      out += digits;
    } else if (digits.size() > s) {
      out += digits.substr(0, digits.size() - s) + "." + digits.substr(digits.size() - s);
    } else {
      out += "0.";
      out.append(s - digits.size(), '0');
      out += digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += adjusted > 0 ? "E+" : "E";
  out += std::to_string(adjusted);
  return out;
}

Result<Bytes> DecimalFromString(std::string_view text, int32_t scale) {
  auto invalid = [&] { return Status::InvalidArgument("Invalid decimal number: " + std::string(text)); };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int64_t fraction_digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      digits += text[i];
      if (point) ++fraction_digits;
    } else if (text[i] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return invalid();
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    bool negative_exponent = ++i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent > 1'000'000'000)
        return Status::OutOfRange("Decimal exponent out of range: " + std::string(text));
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (i == start) return invalid();
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return invalid();
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Bytes{0};
  digits.erase(0, first);
  // value = digits * 10^(exponent - fraction_digits); unscaled = value * 10^scale.
  int64_t shift = exponent - fraction_digits + scale;
  if (shift < 0) {
    auto drop = static_cast<size_t>(std::min<int64_t>(-shift, static_cast<int64_t>(digits.size()) + 1));
    if (drop > digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
      return Status::InvalidArgument("Decimal " + std::string(text) + " has more digits than scale " +
                                     std::to_string(scale) + " allows");
    }
    digits.resize(digits.size() - drop);
  } else {
    if (static_cast<int64_t>(digits.size()) + shift > kMaxDecimalDigits) {
      return Status::OutOfRange("Decimal out of range: " + std::string(text));
    }
    digits.append(static_cast<size_t>(shift), '0');
  }
  Bytes out{0};  // big-endian magnitude, the first byte kept free for the sign bit
  for (char c : digits) {
    auto carry = static_cast<unsigned>(c - '0');
    for (size_t k = out.size(); k-- > 0;) {
      unsigned cur = out[k] * 10u + carry;
      out[k] = static_cast<uint8_t>(cur & 0xff);
      carry = cur >> 8;
    }
    if (out[0] != 0) out.insert(out.begin(), 0);
  }
  if (negative) {
    for (uint8_t& x : out) x = static_cast<uint8_t>(~x);
    for (size_t k = out.size(); k-- > 0;) {
      if (++out[k] != 0) break;
    }
  }
  size_t skip = 0;  // minimal form, as BigInteger.toByteArray
  while (skip + 1 < out.size()) {
    bool next_negative = (out[skip + 1] & 0x80) != 0;
    if ((out[skip] == 0x00 && !next_negative) || (out[skip] == 0xff && next_negative)) {
      ++skip;
    } else {
      break;
    }
  }
  return Bytes(out.begin() + static_cast<std::ptrdiff_t>(skip), out.end());
}

std::string JavaDoubleToString(double d) { return JavaToString(d); }
std::string JavaFloatToString(float f) { return JavaToString(f); }

}  // namespace sluice::connect
