// Java/Kafka text forms of Connect values. See value_text.h.
#include "connect/converters/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "connect/api/base64.h"

namespace sluice::connect {
namespace {

constexpr int64_t kMillisPerDay = 24 * 60 * 60 * 1000;

bool IsLogical(const Schema* schema, std::string_view name) {
  return schema != nullptr && schema->name() == name;
}

// Milliseconds since the epoch of a Date/Time/Timestamp value; nullopt for other values.
std::optional<int64_t> TemporalMillis(const Schema* schema, const Value& v) {
  if (IsLogical(schema, kDateLogicalName) && v.get_if<int32_t>() != nullptr) {
    return int64_t{v.get<int32_t>()} * kMillisPerDay;
  }
  if (IsLogical(schema, kTimeLogicalName) && v.get_if<int32_t>() != nullptr) return v.get<int32_t>();
  if (IsLogical(schema, kTimestampLogicalName) && v.get_if<int64_t>() != nullptr) return v.get<int64_t>();
  return std::nullopt;
}

// Proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, millis, weekday;  // weekday: 0 = Sunday
};

Civil ToCivil(int64_t ms) {
  int64_t days = ms >= 0 ? ms / kMillisPerDay : -((-ms + kMillisPerDay - 1) / kMillisPerDay);
  int64_t rem = ms - days * kMillisPerDay;
  Civil c{};
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(rem / 3600000);
  c.minute = static_cast<int>(rem / 60000 % 60);
  c.second = static_cast<int>(rem / 1000 % 60);
  c.millis = static_cast<int>(rem % 1000);
  return c;
}

// java.util.Date.toString in UTC: "Thu Jan 01 00:00:00 UTC 1970".
std::string JavaDateString(int64_t ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = ToCivil(ms);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %s %02d %02d:%02d:%02d UTC %lld", kDays[c.weekday],
                kMonths[c.month - 1], c.day, c.hour, c.minute, c.second, static_cast<long long>(c.year));
  return buf;
}

// Values.dateFormatFor: time of day below one day, a date on whole days, else a timestamp.
std::string IsoString(int64_t ms) {
  Civil c = ToCivil(ms);
  char buf[64];
  if (ms < kMillisPerDay) {
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03dZ", c.hour, c.minute, c.second, c.millis);
  } else if (ms % kMillisPerDay == 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(c.year),
                  c.month, c.day, c.hour, c.minute, c.second, c.millis);
  }
  return buf;
}

// Numbers and booleans, the same in both forms; nullopt for other kinds.
Result<std::optional<std::string>> ScalarString(const Schema* schema, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
      return std::optional<std::string>(v.get<bool>() ? "true" : "false");
    case ValueKind::kInt8:
      return std::optional<std::string>(std::to_string(v.get<int8_t>()));
    case ValueKind::kInt16:
      return std::optional<std::string>(std::to_string(v.get<int16_t>()));
    case ValueKind::kInt32:
      return std::optional<std::string>(std::to_string(v.get<int32_t>()));
    case ValueKind::kInt64:
      return std::optional<std::string>(std::to_string(v.get<int64_t>()));
    case ValueKind::kFloat32:
      return std::optional<std::string>(JavaFloatToString(v.get<float>()));
    case ValueKind::kFloat64:
      return std::optional<std::string>(JavaDoubleToString(v.get<double>()));
    case ValueKind::kBytes:
      if (IsLogical(schema, kDecimalLogicalName)) {
        ASSIGN_OR_RETURN(int32_t scale, DecimalScale(*schema));
        ASSIGN_OR_RETURN(std::string text, DecimalToString(v.get<Bytes>(), scale));
        return std::optional<std::string>(std::move(text));
      }
      return std::optional<std::string>();
    default:
      return std::optional<std::string>();
  }
}

const Schema* ElementSchema(const Schema* schema, bool key) {
  if (schema == nullptr) return nullptr;
  if (schema->type() != SchemaType::kArray && schema->type() != SchemaType::kMap) return nullptr;
  return (key ? schema->key_schema() : schema->value_schema()).get();
}

Status AppendJava(const Schema* schema, const Value& v, std::string& out) {
  if (v.is_null()) {
    out += "null";
    return Status::OK();
  }
  if (std::optional<int64_t> ms = TemporalMillis(schema, v)) {
    out += JavaDateString(*ms);
    return Status::OK();
  }
  ASSIGN_OR_RETURN(std::optional<std::string> scalar, ScalarString(schema, v));
  if (scalar) {
    out += *scalar;
    return Status::OK();
  }
  switch (v.kind()) {
    case ValueKind::kString:
      out += v.get<std::string>();
      break;
    case ValueKind::kBytes:
      out += Base64Encode(v.get<Bytes>());
      break;
    case ValueKind::kArray: {
      out += '[';
      const char* sep = "";
      for (const Value& item : v.get<Array>()) {
        out += sep;
        sep = ", ";
        RETURN_IF_ERROR(AppendJava(ElementSchema(schema, false), item, out));
      }
      out += ']';
      break;
    }
    case ValueKind::kMap: {
      out += '{';
      const char* sep = "";
      for (const MapEntry& e : v.get<Map>()) {
        out += sep;
        sep = ", ";
        RETURN_IF_ERROR(AppendJava(ElementSchema(schema, true), e.key, out));
        out += '=';
        RETURN_IF_ERROR(AppendJava(ElementSchema(schema, false), e.value, out));
      }
      out += '}';
      break;
    }
    case ValueKind::kStruct: {
      const Struct& s = v.get<Struct>();
      out += "Struct{";
      const char* sep = "";
      for (const Field& f : s.schema()->fields()) {
        const Value& fv = s.GetAt(static_cast<size_t>(f.index));
        if (fv.is_null()) continue;
        out += sep;
        sep = ",";
        out += f.name + "=";
        RETURN_IF_ERROR(AppendJava(f.schema.get(), fv, out));
      }
      out += '}';
      break;
    }
    default:
      break;
  }
  return Status::OK();
}

void AppendQuoted(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
}

// Values.append.
Status AppendValues(const Schema* schema, const Value& v, bool embedded, std::string& out) {
  if (v.is_null()) {
    out += "null";
    return Status::OK();
  }
  if (std::optional<int64_t> ms = TemporalMillis(schema, v)) {
    out += IsoString(*ms);
    return Status::OK();
  }
  ASSIGN_OR_RETURN(std::optional<std::string> scalar, ScalarString(schema, v));
  if (scalar) {
    out += *scalar;
    return Status::OK();
  }
  switch (v.kind()) {
    case ValueKind::kString:
    case ValueKind::kBytes: {
      std::string text = v.kind() == ValueKind::kString ? v.get<std::string>() : Base64Encode(v.get<Bytes>());
      if (embedded) {
        AppendQuoted(text, out);
      } else {
        out += text;
      }
      break;
    }
    case ValueKind::kArray: {
      out += '[';
      const char* sep = "";
      for (const Value& item : v.get<Array>()) {
        out += sep;
        sep = ",";
        RETURN_IF_ERROR(AppendValues(ElementSchema(schema, false), item, true, out));
      }
      out += ']';
      break;
    }
    case ValueKind::kMap: {
      out += '{';
      const char* sep = "";
      for (const MapEntry& e : v.get<Map>()) {
        out += sep;
        sep = ",";
        RETURN_IF_ERROR(AppendValues(ElementSchema(schema, true), e.key, true, out));
        out += ':';
        RETURN_IF_ERROR(AppendValues(ElementSchema(schema, false), e.value, true, out));
      }
      out += '}';
      break;
    }
    case ValueKind::kStruct: {
      const Struct& s = v.get<Struct>();
      out += '{';
      const char* sep = "";
      for (const Field& f : s.schema()->fields()) {
        const Value* fv = &s.GetAt(static_cast<size_t>(f.index));
        if (fv->is_null() && f.schema->default_value() != nullptr) fv = f.schema->default_value();
        out += sep;
        sep = ",";
        AppendQuoted(f.name, out);
        out += ':';
        RETURN_IF_ERROR(AppendValues(f.schema.get(), *fv, true, out));
      }
      out += '}';
      break;
    }
    default:
      break;
  }
  return Status::OK();
}

// ---- parsing ----

std::string_view Trim(std::string_view s) {  // Java's String.trim: chars <= ' '
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Fixed-width decimal field; -1 if not all digits.
int Digits(std::string_view s, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<int32_t> ParseDate(std::string_view s) {  // yyyy-MM-dd -> days
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  int64_t days = DaysFromCivil(y, m, d);
  if (ToCivil(days * kMillisPerDay).day != d) return std::nullopt;  // e.g. 02-30
  return static_cast<int32_t>(days);
}

std::optional<int32_t> ParseTime(std::string_view s) {  // HH:mm:ss.SSSZ -> ms
  if (s.size() != 13 || s[2] != ':' || s[5] != ':' || s[8] != '.' || s[12] != 'Z') return std::nullopt;
  int h = Digits(s, 0, 2), mi = Digits(s, 3, 2), sec = Digits(s, 6, 2), ms = Digits(s, 9, 3);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return std::nullopt;
  return ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

struct Literal {
  int64_t scale;     // BigDecimal's: fraction digits minus the exponent
  int64_t adjusted;  // the exponent of the leading non-zero digit
  bool zero;
};

// A BigDecimal literal ([+-]digits[.digits][e[+-]digits]); nullopt if it is not one.
std::optional<Literal> DecimalLiteral(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  int64_t fraction = 0;
  int64_t significant = 0;  // digits from the first non-zero one
  bool digits = false, point = false, zero = true;
  for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !point)); ++i) {
    if (s[i] == '.') {
      point = true;
    } else {
      digits = true;
      zero = zero && s[i] == '0';
      significant += !zero;
      fraction += point;
    }
  }
  if (!digits) return std::nullopt;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    bool negative = ++i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && exponent < 1'000'000'000; ++i) {
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == start) return std::nullopt;
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  return Literal{fraction - exponent, significant - 1 - (fraction - exponent), zero};
}

// Java's BigDecimal.floatValue/doubleValue: correctly rounded, +-infinity on overflow, 0 on underflow.
template <typename T>
T RoundTo(std::string_view s, int64_t adjusted) {
  bool negative = s[0] == '-';
  if (s[0] == '+' || s[0] == '-') s.remove_prefix(1);
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    v = adjusted >= 0 ? std::numeric_limits<T>::infinity() : T{0};
  }
  return negative ? -v : v;
}

std::optional<SchemaAndValue> ParseNumber(std::string_view s) {
  if (s.empty() || !((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '-')) return std::nullopt;
  std::optional<Literal> literal = DecimalLiteral(s);
  if (!literal) return std::nullopt;
  const int64_t scale = literal->scale;
  // As an integer (byteValueExact ... longValueExact); more than 20 appended zeros cannot fit a long.
  if (literal->zero || scale >= -20) {
    if (Result<Bytes> integral = DecimalFromString(s, 0); integral.ok() && integral->size() <= 8) {
      int64_t n = *DecodeDecimalUnscaled(*integral);
      if (n >= INT8_MIN && n <= INT8_MAX) return SchemaAndValue{Schema::Int8(), static_cast<int8_t>(n)};
      if (n >= INT16_MIN && n <= INT16_MAX) return SchemaAndValue{Schema::Int16(), static_cast<int16_t>(n)};
      if (n >= INT32_MIN && n <= INT32_MAX) return SchemaAndValue{Schema::Int32(), static_cast<int32_t>(n)};
      return SchemaAndValue{Schema::Int64(), n};
    }
  }
  if (scale != 0) {
    if (float f = RoundTo<float>(s, literal->adjusted); std::isfinite(f)) {
      return SchemaAndValue{Schema::Float32(), f};
    }
    if (double d = RoundTo<double>(s, literal->adjusted); std::isfinite(d)) {
      return SchemaAndValue{Schema::Float64(), d};
    }
  }
  if (scale < INT32_MIN || scale > INT32_MAX) return std::nullopt;
  auto scale32 = static_cast<int32_t>(scale);
  Result<Bytes> unscaled = DecimalFromString(s, scale32);
  if (!unscaled.ok()) return std::nullopt;
  return SchemaAndValue{DecimalSchema(scale32), std::move(*unscaled)};
}

}  // namespace

Result<std::string> JavaString(const Schema* schema, const Value& value) {
  std::string out;
  RETURN_IF_ERROR(AppendJava(schema, value, out));
  return out;
}

Result<std::string> ValuesToString(const Schema* schema, const Value& value) {
  std::string out;
  RETURN_IF_ERROR(AppendValues(schema, value, false, out));
  return out;
}

SchemaAndValue ParseValueString(std::string_view text) {
  if (text.empty()) return SchemaAndValue{Schema::String(), std::string()};
  std::string_view t = Trim(text);
  if (t == "null") return SchemaAndValue{};
  if (t == "true" || t == "false") return SchemaAndValue{Schema::Boolean(), t == "true"};
  if (std::optional<int32_t> days = ParseDate(t)) return SchemaAndValue{DateSchema(), *days};
  if (std::optional<int32_t> ms = ParseTime(t)) return SchemaAndValue{TimeSchema(), *ms};
  if (t.size() == 24 && t[10] == 'T') {
    std::optional<int32_t> days = ParseDate(t.substr(0, 10));
    std::optional<int32_t> ms = ParseTime(t.substr(11));
    if (days && ms) return SchemaAndValue{TimestampSchema(), int64_t{*days} * kMillisPerDay + *ms};
  }
  if (std::optional<SchemaAndValue> number = ParseNumber(t)) return std::move(*number);
  return SchemaAndValue{Schema::String(), std::string(text)};
}

}  // namespace sluice::connect
