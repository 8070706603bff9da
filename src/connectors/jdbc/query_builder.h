// SQL text for the source's queries, as Confluent's JDBC source builds them, with quoted identifiers
// and placeholders only (values are never put into SQL):
//   bulk                   SELECT * FROM t
//   incrementing           SELECT * FROM t WHERE inc > ? ORDER BY inc ASC
//   timestamp              SELECT * FROM t WHERE ts > ? AND ts < ? ORDER BY ts ASC
//   timestamp+incrementing SELECT * FROM t WHERE ts < ? AND ((ts = ? AND inc > ?) OR ts > ?)
//                          ORDER BY ts, inc ASC
// Several timestamp columns become COALESCE(a, b, ...). A custom query is wrapped (SELECT * FROM
// (query) AS sluice_query WHERE ...) so a WHERE inside it works. query.suffix is appended.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "connectors/jdbc/database.h"
#include "connectors/jdbc/jdbc_url.h"

namespace sluice::connectors::jdbc {

enum class Mode { kBulk, kIncrementing, kTimestamp, kTimestampIncrementing };
Result<Mode> ParseMode(std::string_view text);
bool UsesIncrementing(Mode m);
bool UsesTimestamp(Mode m);

// An identifier quoted for the dialect (doubling embedded quotes), or as is when quote is false.
std::string QuoteIdentifier(Dialect dialect, std::string_view name, bool quote);
std::string QuoteTable(Dialect dialect, const TableId& table, bool quote);
std::string PlaceholderFor(Dialect dialect, int index);

struct QuerySpec {
  Dialect dialect = Dialect::kPostgres;
  bool quote = true;
  Mode mode = Mode::kBulk;
  std::optional<TableId> table;  // table mode
  std::string query;             // query mode
  std::string incrementing_column;
  std::vector<std::string> timestamp_columns;
  std::string suffix;
  // Incrementing mode with an upper bound too: WHERE inc > ? AND inc <= ? (a range of the parallel
  // initial load).
  bool upper_bound = false;
};

// What each placeholder is bound to, in order.
enum class ParamRole { kTimestampBegin, kTimestampEnd, kIncrementing, kIncrementingEnd };

struct BuiltQuery {
  std::string sql;
  std::vector<ParamRole> params;
};

BuiltQuery BuildQuery(const QuerySpec& spec);

}  // namespace sluice::connectors::jdbc
