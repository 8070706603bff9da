// Type mapping and cell conversion. See column_types.h.
#include "connectors/jdbc/column_types.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "connect/api/json_text.h"
#include "connectors/jdbc/pg_binary.h"

namespace sluice::connectors::jdbc {
namespace {

using connect::Schema;
using connect::SchemaBuilder;
using connect::SchemaPtr;
using connect::Value;

SchemaPtr Primitive(Target t, bool optional) {
  switch (t) {
    case Target::kBool:
      return optional ? Schema::OptionalBoolean() : Schema::Boolean();
    case Target::kInt8:
      return optional ? Schema::OptionalInt8() : Schema::Int8();
    case Target::kInt16:
      return optional ? Schema::OptionalInt16() : Schema::Int16();
    case Target::kInt32:
      return optional ? Schema::OptionalInt32() : Schema::Int32();
    case Target::kInt64:
      return optional ? Schema::OptionalInt64() : Schema::Int64();
    case Target::kFloat32:
      return optional ? Schema::OptionalFloat32() : Schema::Float32();
    case Target::kFloat64:
      return optional ? Schema::OptionalFloat64() : Schema::Float64();
    case Target::kString:
      return optional ? Schema::OptionalString() : Schema::String();
    case Target::kBytes:
      return optional ? Schema::OptionalBytes() : Schema::Bytes();
    default:
      return nullptr;
  }
}

// Integer target by decimal precision, as Confluent's precision_only/best_fit.
Target IntByPrecision(int precision) {
  if (precision > 9) return Target::kInt64;
  if (precision > 4) return Target::kInt32;
  if (precision > 2) return Target::kInt16;
  return Target::kInt8;
}

Status Bad(const ColumnPlan& plan, std::string_view text, std::string_view why) {
  return Status::InvalidArgument("column '" + plan.info.name + "' (" + plan.info.type_name +
                                 "): cannot read '" + std::string(text.substr(0, 64)) +
                                 "': " + std::string(why));
}

bool ParseI64(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// "YYYY-MM-DD" (year may have more digits or a " BC" suffix) at the start of s; returns chars used.
size_t ParseDate(std::string_view s, int64_t* days) {
  size_t dash = s.find('-', 1);
  if (dash == std::string_view::npos || dash < 4) return 0;
  int64_t y = 0;
  int64_t m = 0;
  int64_t d = 0;
  bool neg = s[0] == '-';
  if (!ParseDigits(s, neg ? 1 : 0, dash - (neg ? 1 : 0), &y) || !ParseDigits(s, dash + 1, 2, &m) ||
      s.size() < dash + 6 || s[dash + 3] != '-' || !ParseDigits(s, dash + 4, 2, &d)) {
    return 0;
  }
  if (neg) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
  size_t used = dash + 6;
  if (s.substr(used).find(" BC") != std::string_view::npos) y = 1 - y;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return used;
}

// "HH:MM:SS[.f]" at s[pos]; hours may exceed 23 (MySQL TIME). Returns the position after it, 0 on error.
size_t ParseClock(std::string_view s, size_t pos, int64_t* seconds, int32_t* nanos) {
  size_t colon = s.find(':', pos);
  if (colon == std::string_view::npos) return 0;
  int64_t h = 0;
  int64_t m = 0;
  int64_t sec = 0;
  if (!ParseDigits(s, pos, colon - pos, &h) || colon == pos || !ParseDigits(s, colon + 1, 2, &m) ||
      s.size() < colon + 6 || s[colon + 3] != ':' || !ParseDigits(s, colon + 4, 2, &sec)) {
    return 0;
  }
  size_t i = colon + 6;
  int64_t frac = 0;
  int digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
  }
  for (int k = digits; k < 9; ++k) frac *= 10;
  *seconds = h * 3600 + m * 60 + sec;
  *nanos = static_cast<int32_t>(frac);
  return i;
}

// "+HH[:MM[:SS]]" or "-HHMM" at s[pos..]; true if the rest is exactly an offset (or empty).
bool ParseTrailingOffset(std::string_view s, size_t pos, bool* has, int64_t* offset_s) {
  *has = false;
  if (pos >= s.size()) return true;
  std::string_view rest = s.substr(pos);
  if (rest == " BC" || rest == "Z") {
    *has = rest == "Z";
    *offset_s = 0;
    return true;
  }
  if (rest[0] != '+' && rest[0] != '-') return false;
  int sign = rest[0] == '-' ? -1 : 1;
  int64_t parts[3] = {0, 0, 0};
  size_t i = 1;
  for (int p = 0; p < 3 && i < rest.size(); ++p) {
    if (p > 0 && rest[i] == ':') ++i;
    if (!ParseDigits(rest, i, 2, &parts[p])) return false;
    i += 2;
  }
  if (i < rest.size() && rest.substr(i) != " BC") return false;
  *has = true;
  *offset_s = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

Result<Value> NumericValue(const ColumnPlan& plan, std::string_view text) {
  switch (plan.target) {
    case Target::kInt8:
    case Target::kInt16:
    case Target::kInt32:
    case Target::kInt64: {
      int64_t v = 0;
      std::string_view t = text;
      if (size_t dot = t.find('.'); dot != std::string_view::npos) t = t.substr(0, dot);  // scale <= 0
      if (!ParseI64(t, &v)) return Bad(plan, text, "not an integer");
      if (plan.target == Target::kInt8) return Value(static_cast<int8_t>(v));
      if (plan.target == Target::kInt16) return Value(static_cast<int16_t>(v));
      if (plan.target == Target::kInt32) return Value(static_cast<int32_t>(v));
      return Value(v);
    }
    case Target::kFloat64: {
      std::string s(text);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str()) return Bad(plan, text, "not a number");
      return Value(d);
    }
    case Target::kDecimal: {
      auto bytes = connect::DecimalFromString(text, plan.decimal_scale);
      if (!bytes.ok()) return Bad(plan, text, bytes.status().message());
      return Value(std::move(bytes).value());
    }
    case Target::kString:
      return Value(std::string(text));
    default:
      return Bad(plan, text, "internal: bad numeric target");
  }
}

// The text the database's client library would have given for a native date/time (for messages).
std::string NativeTimeText(const NativeTime& t, SqlKind kind) {
  char buf[64];
  if (kind == SqlKind::kTime) {
    std::snprintf(buf, sizeof buf, "%s%02lld:%02d:%02d", t.negative ? "-" : "",
                  static_cast<long long>(t.hours), t.minute, t.second);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02lld:%02d:%02d", t.year, t.month, t.day,
                  static_cast<long long>(t.hours), t.minute, t.second);
  }
  return buf;
}

// A kNativeTime cell, with the same results as its text form through the text path below (zero dates
// are null; a month or day of 0 is an error).
Result<Value> NativeTimeValue(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone,
                              int32_t* nanos) {
  NativeTime t;
  std::memcpy(&t, cell.data, sizeof t);
  const ColumnInfo& info = plan.info;
  const int32_t ns = t.micros * 1000;
  if (info.kind == SqlKind::kTime) {
    int64_t ms = ((t.hours * 60 + t.minute) * 60 + t.second) * 1000 + ns / 1000000;
    if (t.negative) ms = -ms;
    ms %= 86400000;
    if (ms < 0) ms += 86400000;
    return Value(static_cast<int32_t>(ms));
  }
  if (info.kind != SqlKind::kDate && info.kind != SqlKind::kTimestamp) {
    return Bad(plan, NativeTimeText(t, info.kind), "internal: date/time cell for another type");
  }
  if (t.year == 0 && t.month == 0 && t.day == 0) return Value();  // MySQL zero date: null
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31) {
    return Bad(plan, NativeTimeText(t, info.kind),
               info.kind == SqlKind::kDate ? "not a date" : "bad timestamp");
  }
  const int64_t days = DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
  if (info.kind == SqlKind::kDate) return Value(static_cast<int32_t>(days));
  const int64_t local = days * 86400 + (t.hours * 60 + t.minute) * 60 + t.second;
  const int64_t utc = info.tz_aware ? local : zone.LocalToUtc(local);
  if (nanos != nullptr) *nanos = ns;
  return Value(utc * 1000 + ns / 1000000);
}

}  // namespace

Result<NumericMapping> ParseNumericMapping(std::string_view text) {
  if (text == "none") return NumericMapping::kNone;
  if (text == "precision_only") return NumericMapping::kPrecisionOnly;
  if (text == "best_fit") return NumericMapping::kBestFit;
  if (text == "best_fit_eager_double") return NumericMapping::kBestFitEagerDouble;
  return Status::InvalidArgument("unknown numeric.mapping '" + std::string(text) + "'");
}

ColumnPlan PlanColumn(const ColumnInfo& info, NumericMapping mapping) {
  ColumnPlan plan;
  plan.info = info;
  const bool opt = info.nullable;
  switch (info.kind) {
    case SqlKind::kBoolean:
      plan.target = Target::kBool;
      break;
    case SqlKind::kBit:
    case SqlKind::kInt8:
      plan.target = Target::kInt8;
      break;
    case SqlKind::kInt16:
      plan.target = Target::kInt16;
      break;
    case SqlKind::kInt32:
      plan.target = Target::kInt32;
      break;
    case SqlKind::kInt64:
      plan.target = Target::kInt64;
      break;
    case SqlKind::kFloat32:
      plan.target = Target::kFloat32;
      break;
    case SqlKind::kFloat64:
    case SqlKind::kMoney:
      plan.target = Target::kFloat64;
      break;
    case SqlKind::kString:
      plan.target = Target::kString;
      break;
    case SqlKind::kBytes:
    case SqlKind::kPgBytea:
      plan.target = Target::kBytes;
      break;
    case SqlKind::kDate:
    case SqlKind::kYear:
      plan.target = Target::kDate;
      break;
    case SqlKind::kTime:
      plan.target = Target::kTime;
      break;
    case SqlKind::kTimestamp:
      plan.target = Target::kTimestamp;
      break;
    case SqlKind::kUnsupported:
      plan.target = Target::kSkip;
      return plan;
    case SqlKind::kNumeric: {
      const int p = info.precision;
      const int s = info.scale;
      if (p <= 0) {
        // Unconstrained NUMERIC: no fixed scale. best_fit* read it as a double; otherwise the exact text.
        plan.target = mapping == NumericMapping::kBestFit || mapping == NumericMapping::kBestFitEagerDouble
                          ? Target::kFloat64
                          : Target::kString;
        break;
      }
      if (mapping == NumericMapping::kPrecisionOnly && s == 0 && p < 19) {
        plan.target = IntByPrecision(p);
        break;
      }
      if (mapping == NumericMapping::kBestFit || mapping == NumericMapping::kBestFitEagerDouble) {
        if (p < 19 && s <= 0 && s >= -84) {
          plan.target = IntByPrecision(p);
          break;
        }
        if (s > 0 && (p < 19 || mapping == NumericMapping::kBestFitEagerDouble)) {
          plan.target = Target::kFloat64;
          break;
        }
      }
      plan.target = Target::kDecimal;
      plan.decimal_scale = s;
      SchemaBuilder b = connect::DecimalBuilder(s);
      b.Parameter("connect.decimal.precision", std::to_string(p));
      if (opt) b.Optional();
      plan.schema = b.Build();
      return plan;
    }
  }
  if (plan.target == Target::kDate) {
    plan.schema = opt ? connect::DateBuilder().Optional().Build() : connect::DateSchema();
  } else if (plan.target == Target::kTime) {
    plan.schema = opt ? connect::TimeBuilder().Optional().Build() : connect::TimeSchema();
  } else if (plan.target == Target::kTimestamp) {
    plan.schema = opt ? connect::TimestampBuilder().Optional().Build() : connect::TimestampSchema();
  } else {
    plan.schema = Primitive(plan.target, opt);
  }
  return plan;
}

Status ParseTimestampText(std::string_view s, int64_t* local_s, int32_t* nanos, bool* has_offset,
                          int64_t* offset_s) {
  int64_t days = 0;
  size_t pos = ParseDate(s, &days);
  if (pos == 0) return Status::InvalidArgument("bad timestamp");
  int64_t secs = 0;
  *nanos = 0;
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    size_t end = ParseClock(s, pos + 1, &secs, nanos);
    if (end == 0) return Status::InvalidArgument("bad time of day");
    pos = end;
  }
  if (!ParseTrailingOffset(s, pos, has_offset, offset_s)) return Status::InvalidArgument("bad offset");
  *local_s = days * 86400 + secs;
  return Status::OK();
}

Result<Value> ConvertCell(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos) {
  const ColumnInfo& info = plan.info;
  // Native MariaDB cells.
  switch (info.format) {
    case CellFormat::kNativeInt64:
    case CellFormat::kNativeUInt64: {
      int64_t v = 0;
      std::memcpy(&v, cell.data, sizeof v);
      if (info.format == CellFormat::kNativeUInt64 && v < 0 && plan.target != Target::kDecimal) {
        return Bad(plan, std::to_string(static_cast<uint64_t>(v)), "does not fit in INT64");
      }
      switch (plan.target) {
        case Target::kInt8:
          return Value(static_cast<int8_t>(v));
        case Target::kInt16:
          return Value(static_cast<int16_t>(v));
        case Target::kInt32:
          return Value(static_cast<int32_t>(v));
        case Target::kInt64:
          return Value(v);
        case Target::kBool:
          return Value(v != 0);
        case Target::kDate:
          return Value(static_cast<int32_t>(DaysFromCivil(v, 1, 1)));  // YEAR
        case Target::kFloat64:
          return Value(static_cast<double>(v));
        default: {
          std::string text = info.format == CellFormat::kNativeUInt64
                                 ? std::to_string(static_cast<uint64_t>(v))
                                 : std::to_string(v);
          return NumericValue(plan, text);
        }
      }
    }
    case CellFormat::kNativeDouble: {
      double d = 0;
      std::memcpy(&d, cell.data, sizeof d);
      return Value(d);
    }
    case CellFormat::kNativeFloat: {
      float f = 0;
      std::memcpy(&f, cell.data, sizeof f);
      return Value(f);
    }
    case CellFormat::kNativeTime:
      return NativeTimeValue(plan, cell, zone, nanos);
    case CellFormat::kPgBinary:
      return PgBinaryValue(plan, cell, zone, nanos);
    case CellFormat::kText:
      break;
  }
  std::string_view text(cell.data, cell.size);
  switch (info.kind) {
    case SqlKind::kBoolean:
      if (text == "t" || text == "1" || text == "true") return Value(true);
      if (text == "f" || text == "0" || text == "false") return Value(false);
      return Bad(plan, text, "not a boolean");
    case SqlKind::kBit: {
      if (text == "t" || text == "1") return Value(int8_t{1});
      if (text == "f" || text == "0") return Value(int8_t{0});
      if (text.size() == 1) return Value(static_cast<int8_t>(text[0]));  // MySQL BIT(1): raw byte
      return Bad(plan, text, "not a bit");
    }
    case SqlKind::kInt8:
    case SqlKind::kInt16:
    case SqlKind::kInt32:
    case SqlKind::kInt64: {
      int64_t v = 0;
      if (!ParseI64(text, &v)) return Bad(plan, text, "not an integer");
      if (plan.target == Target::kInt8) return Value(static_cast<int8_t>(v));
      if (plan.target == Target::kInt16) return Value(static_cast<int16_t>(v));
      if (plan.target == Target::kInt32) return Value(static_cast<int32_t>(v));
      return Value(v);
    }
    case SqlKind::kFloat32:
    case SqlKind::kFloat64: {
      std::string s(text);
      double d = 0;
      if (s == "NaN")
        d = NAN;
      else if (s == "Infinity")
        d = INFINITY;
      else if (s == "-Infinity")
        d = -INFINITY;
      else {
        char* end = nullptr;
        d = std::strtod(s.c_str(), &end);
        if (end == s.c_str()) return Bad(plan, text, "not a number");
      }
      if (plan.target == Target::kFloat32) return Value(static_cast<float>(d));
      return Value(d);
    }
    case SqlKind::kMoney: {
      std::string digits;
      for (char c : text) {
        if ((c >= '0' && c <= '9') || c == '.' || c == '-') digits.push_back(c);
      }
      if (text.find('(') != std::string_view::npos && digits.find('-') == std::string::npos)
        digits = "-" + digits;
      return Value(std::strtod(digits.c_str(), nullptr));
    }
    case SqlKind::kNumeric:
      if (text == "NaN") {
        if (plan.target == Target::kFloat64) return Value(static_cast<double>(NAN));
        if (plan.target == Target::kString) return Value(std::string(text));
        return Bad(plan, text, "NaN has no Decimal value");
      }
      return NumericValue(plan, text);
    case SqlKind::kString:
      return Value(std::string(text));
    case SqlKind::kBytes:
      return Value(connect::Bytes(text.begin(), text.end()));
    case SqlKind::kPgBytea: {
      if (!text.starts_with("\\x") || text.size() % 2 != 0)
        return Bad(plan, text, "expected bytea hex output");
      connect::Bytes out;
      out.reserve((text.size() - 2) / 2);
      for (size_t i = 2; i + 1 < text.size(); i += 2) {
        unsigned v = 0;
        auto [p, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
        if (ec != std::errc() || p != text.data() + i + 2) return Bad(plan, text, "bad hex");
        out.push_back(static_cast<uint8_t>(v));
      }
      return Value(std::move(out));
    }
    case SqlKind::kDate: {
      if (text == "infinity") return Value(static_cast<int32_t>(kPgInfinityMs / 86400000));
      if (text == "-infinity") return Value(static_cast<int32_t>(kPgMinusInfinityMs / 86400000));
      int64_t days = 0;
      if (text.starts_with("0000-00-00")) return Value();  // MySQL zero date: null
      if (ParseDate(text, &days) == 0) return Bad(plan, text, "not a date");
      return Value(static_cast<int32_t>(days));
    }
    case SqlKind::kYear: {
      int64_t y = 0;
      if (!ParseI64(text, &y)) return Bad(plan, text, "not a year");
      return Value(static_cast<int32_t>(DaysFromCivil(y, 1, 1)));
    }
    case SqlKind::kTime: {
      int64_t secs = 0;
      int32_t ns = 0;
      bool neg = text.starts_with("-");
      size_t end = ParseClock(text, neg ? 1 : 0, &secs, &ns);
      if (end == 0) return Bad(plan, text, "not a time");
      bool has = false;
      int64_t off = 0;
      if (!ParseTrailingOffset(text, end, &has, &off)) return Bad(plan, text, "bad offset");
      int64_t ms = secs * 1000 + ns / 1000000;
      if (neg) ms = -ms;
      if (has) ms -= off * 1000;
      ms %= 86400000;
      if (ms < 0) ms += 86400000;
      return Value(static_cast<int32_t>(ms));
    }
    case SqlKind::kTimestamp: {
      if (text == "infinity") return Value(kPgInfinityMs);
      if (text == "-infinity") return Value(kPgMinusInfinityMs);
      if (text.starts_with("0000-00-00")) return Value();  // MySQL zero date: null
      int64_t local = 0;
      int32_t ns = 0;
      bool has = false;
      int64_t off = 0;
      if (Status st = ParseTimestampText(text, &local, &ns, &has, &off); !st.ok()) {
        return Bad(plan, text, st.message());
      }
      int64_t utc = has ? local - off : (info.tz_aware ? local : zone.LocalToUtc(local));
      if (nanos != nullptr) *nanos = ns;
      return Value(utc * 1000 + ns / 1000000);
    }
    case SqlKind::kUnsupported:
      return Value();
  }
  return Value();
}

Status AppendCell(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos,
                  std::vector<Value>& out) {
  if (cell.null) {
    out.emplace_back();
    return Status::OK();
  }
  const ColumnInfo& info = plan.info;
  switch (info.format) {
    case CellFormat::kPgBinary:
      return PgBinaryAppend(plan, cell, zone, nanos, out);
    case CellFormat::kNativeInt64: {
      int64_t v = 0;
      std::memcpy(&v, cell.data, sizeof v);
      switch (plan.target) {
        case Target::kInt8:
          out.emplace_back(static_cast<int8_t>(v));
          return Status::OK();
        case Target::kInt16:
          out.emplace_back(static_cast<int16_t>(v));
          return Status::OK();
        case Target::kInt32:
          out.emplace_back(static_cast<int32_t>(v));
          return Status::OK();
        case Target::kInt64:
          out.emplace_back(v);
          return Status::OK();
        default:
          break;
      }
      break;
    }
    case CellFormat::kText:
      if (info.kind == SqlKind::kString) {
        out.emplace_back(std::string(cell.data, cell.size));
        return Status::OK();
      }
      break;
    default:
      break;
  }
  ASSIGN_OR_RETURN(Value v, ConvertCell(plan, cell, zone, nanos));
  out.push_back(std::move(v));
  return Status::OK();
}

std::string FormatTimestamp(int64_t epoch_ms, int32_t nanos, const TimeZone& zone, bool utc,
                            bool with_offset) {
  int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  if (!utc) secs += zone.OffsetAt(secs);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t sod = secs - days * 86400;
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%06d%s", static_cast<long long>(y), m,
                d, static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                static_cast<long long>(sod % 60), nanos / 1000, with_offset ? "+00" : "");
  return buf;
}

}  // namespace sluice::connectors::jdbc
