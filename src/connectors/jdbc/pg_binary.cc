// PostgreSQL binary result cells. See pg_binary.h.
#include "connectors/jdbc/pg_binary.h"

#include <bit>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace sluice::connectors::jdbc {
namespace {

using connect::Value;

// PostgreSQL's epoch (2000-01-01) in Unix days and microseconds.
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400 * 1000000;

template <typename T>
T BigEndian(const char* p) {
  using U =
      std::conditional_t<sizeof(T) == 2, uint16_t, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>;
  U u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | static_cast<unsigned char>(p[i]));
  return static_cast<T>(u);
}

Status Bad(const ColumnPlan& plan, size_t size, std::string_view why) {
  return Status::InvalidArgument("column '" + plan.info.name + "' (" + plan.info.type_name +
                                 "): cannot read a binary value of " + std::to_string(size) +
                                 " bytes: " + std::string(why));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Converts a cell and hands the value to emit (constructed in place by the caller's sink).
template <typename Emit>
Status Convert(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos, Emit&& emit) {
  const char* p = cell.data;
  const size_t n = cell.size;
  switch (plan.info.kind) {
    case SqlKind::kBoolean:
      if (n != 1) return Bad(plan, n, "not a boolean");
      return emit(p[0] != 0);
    case SqlKind::kInt16:
    case SqlKind::kInt32:
    case SqlKind::kInt64: {
      int64_t v = 0;
      if (n == 2)
        v = BigEndian<int16_t>(p);
      else if (n == 4)
        v = BigEndian<int32_t>(p);
      else if (n == 8)
        v = BigEndian<int64_t>(p);
      else
        return Bad(plan, n, "not an integer");
      switch (plan.target) {
        case Target::kInt8:
          return emit(static_cast<int8_t>(v));
        case Target::kInt16:
          return emit(static_cast<int16_t>(v));
        case Target::kInt32:
          return emit(static_cast<int32_t>(v));
        default:
          return emit(v);
      }
    }
    case SqlKind::kFloat32:
    case SqlKind::kFloat64: {
      double d = 0;
      if (n == 4)
        d = std::bit_cast<float>(BigEndian<uint32_t>(p));
      else if (n == 8)
        d = std::bit_cast<double>(BigEndian<uint64_t>(p));
      else
        return Bad(plan, n, "not a number");
      if (plan.target == Target::kFloat32) return emit(static_cast<float>(d));
      return emit(d);
    }
    case SqlKind::kString:
      return emit(std::string(p, n));
    case SqlKind::kPgBytea:
      return emit(connect::Bytes(p, p + n));
    case SqlKind::kDate: {
      if (n != 4) return Bad(plan, n, "not a date");
      const int32_t d = BigEndian<int32_t>(p);
      if (d == INT32_MAX) return emit(static_cast<int32_t>(kPgInfinityMs / 86400000));
      if (d == INT32_MIN) return emit(static_cast<int32_t>(kPgMinusInfinityMs / 86400000));
      return emit(static_cast<int32_t>(d + kPgEpochDays));
    }
    case SqlKind::kTime: {
      if (n != 8) return Bad(plan, n, "not a time");
      int64_t ms = BigEndian<int64_t>(p) / 1000;
      ms %= 86400000;
      if (ms < 0) ms += 86400000;
      return emit(static_cast<int32_t>(ms));
    }
    case SqlKind::kTimestamp: {
      if (n != 8) return Bad(plan, n, "not a timestamp");
      const int64_t us = BigEndian<int64_t>(p);
      if (us == INT64_MAX) return emit(kPgInfinityMs);
      if (us == INT64_MIN) return emit(kPgMinusInfinityMs);
      const int64_t unix_us = us + kPgEpochMicros;
      const int64_t local = FloorDiv(unix_us, 1000000);
      const int32_t ns = static_cast<int32_t>(unix_us - local * 1000000) * 1000;
      const int64_t utc = plan.info.tz_aware ? local : zone.LocalToUtc(local);
      if (nanos != nullptr) *nanos = ns;
      return emit(utc * 1000 + ns / 1000000);
    }
    default:
      return Bad(plan, n, "internal: no binary reading for this type");
  }
}

}  // namespace

bool PgBinaryReadable(uint32_t oid) {
  switch (oid) {
    case 16:    // bool
    case 20:    // int8
    case 21:    // int2
    case 23:    // int4
    case 700:   // float4
    case 701:   // float8
    case 25:    // text
    case 1043:  // varchar
    case 1042:  // bpchar (padding kept, as in text)
    case 19:    // name
    case 114:   // json (its text)
    case 17:    // bytea (raw bytes)
    case 1082:  // date
    case 1083:  // time
    case 1114:  // timestamp
    case 1184:  // timestamptz
      return true;
    default:
      return false;
  }
}

Result<Value> PgBinaryValue(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos) {
  Value out;
  RETURN_IF_ERROR(Convert(plan, cell, zone, nanos, [&](auto&& v) {
    out = Value(std::forward<decltype(v)>(v));
    return Status::OK();
  }));
  return out;
}

Status PgBinaryAppend(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos,
                      std::vector<Value>& out) {
  return Convert(plan, cell, zone, nanos, [&](auto&& v) {
    out.emplace_back(std::forward<decltype(v)>(v));
    return Status::OK();
  });
}

}  // namespace sluice::connectors::jdbc
