// Column type mapping, as Confluent's JDBC source maps JDBC types (see README.md for the table): a
// database column (ColumnInfo, filled by the dialect from result metadata) gets a Connect schema and a
// conversion (ColumnPlan); cells arrive as the databases' text forms (or, for MariaDB integers, floats
// and dates/times, native values; for PostgreSQL results of common types, the binary format) and
// become Connect values.
//
// Thread-safety: pure functions; plans are immutable values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"
#include "connectors/jdbc/time_zone.h"

namespace sluice::connectors::jdbc {

enum class NumericMapping { kNone, kPrecisionOnly, kBestFit, kBestFitEagerDouble };
Result<NumericMapping> ParseNumericMapping(std::string_view text);

// What a column is, independent of the database.
enum class SqlKind {
  kBoolean,
  kBit,  // a 0/1 flag read as INT8 (MySQL BIT(1), TINYINT(1))
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kMoney,    // PostgreSQL money: text like -$1,234.56, read as FLOAT64
  kNumeric,  // precision/scale; precision 0 means unconstrained
  kString,
  kBytes,
  kPgBytea,  // bytea in hex output: \x0a0b
  kDate,
  kTime,
  kTimestamp,
  kYear,         // MySQL YEAR: Date of 1 January
  kUnsupported,  // skipped with a warning (as Confluent does)
};

// How a cell reaches the converter. kPgBinary: PostgreSQL's binary format (pg_binary.h).
enum class CellFormat {
  kText,
  kNativeInt64,
  kNativeUInt64,
  kNativeDouble,
  kNativeFloat,
  kNativeTime,
  kPgBinary
};

// pgjdbc's values for timestamp 'infinity' / '-infinity' (epoch ms).
inline constexpr int64_t kPgInfinityMs = 9223372036825200000LL;
inline constexpr int64_t kPgMinusInfinityMs = -9223372036832400000LL;

// A kNativeTime cell's bytes: a date, time or date-time as the database's binary protocol gives it
// (MariaDB's MYSQL_TIME), read without going through text. TIME values may exceed 24 hours.
struct NativeTime {
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;
  int64_t hours = 0;  // TIME: all of its hours (days included)
  int32_t minute = 0;
  int32_t second = 0;
  int32_t micros = 0;
  bool negative = false;
};

struct ColumnInfo {
  std::string name;
  std::string type_name;  // the database's type name, for messages
  SqlKind kind = SqlKind::kString;
  bool nullable = true;
  int precision = 0;
  int scale = 0;
  bool tz_aware = false;  // the text is UTC or carries its offset (timestamptz, MySQL TIMESTAMP)
  CellFormat format = CellFormat::kText;
};

// The Connect side of a column.
enum class Target {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kString,
  kBytes,
  kDate,
  kTime,
  kTimestamp,
  kSkip
};

struct ColumnPlan {
  ColumnInfo info;
  Target target = Target::kString;
  connect::SchemaPtr schema;  // nullptr for kSkip
  int32_t decimal_scale = 0;
};

ColumnPlan PlanColumn(const ColumnInfo& info, NumericMapping mapping);

// One cell. `data`/`size`: the text, or the native value's bytes.
struct Cell {
  const char* data = nullptr;
  size_t size = 0;
  bool null = true;
};

// Converts one non-null cell. For Timestamp targets *nanos gets the nanoseconds within the second (for
// Confluent's timestamp_nanos offsets); zone interprets wall-clock values that carry no offset.
Result<connect::Value> ConvertCell(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone,
                                   int32_t* nanos);

// ConvertCell appended to `out` (a null cell appends null), the frequent cases constructed in place: the
// row's values go straight into a Struct (connect::Struct::FromValuesUnchecked).
Status AppendCell(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos,
                  std::vector<connect::Value>& out);

// Wall-clock text "YYYY-MM-DD HH:MM:SS.ffffff" of an instant in `zone` (UTC when utc is true), for
// binding timestamp parameters; "+00" is appended when with_offset (PostgreSQL timestamptz).
std::string FormatTimestamp(int64_t epoch_ms, int32_t nanos, const TimeZone& zone, bool utc,
                            bool with_offset);

// Parses "YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][(+|-)HH[:MM[:SS]]]" (also "infinity", "-infinity" as pgjdbc
// reads them). *offset_s is set and *has_offset true if an offset was present.
Status ParseTimestampText(std::string_view s, int64_t* local_s, int32_t* nanos, bool* has_offset,
                          int64_t* offset_s);

}  // namespace sluice::connectors::jdbc
