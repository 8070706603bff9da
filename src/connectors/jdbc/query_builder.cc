// Query building. See query_builder.h.
#include "connectors/jdbc/query_builder.h"

namespace sluice::connectors::jdbc {

Result<Mode> ParseMode(std::string_view text) {
  if (text == "bulk") return Mode::kBulk;
  if (text == "incrementing") return Mode::kIncrementing;
  if (text == "timestamp") return Mode::kTimestamp;
  if (text == "timestamp+incrementing") return Mode::kTimestampIncrementing;
  return Status::InvalidArgument("unknown mode '" + std::string(text) + "'");
}

bool UsesIncrementing(Mode m) { return m == Mode::kIncrementing || m == Mode::kTimestampIncrementing; }
bool UsesTimestamp(Mode m) { return m == Mode::kTimestamp || m == Mode::kTimestampIncrementing; }

std::string QuoteIdentifier(Dialect dialect, std::string_view name, bool quote) {
  if (!quote) return std::string(name);
  const char q = dialect == Dialect::kPostgres ? '"' : '`';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::string QuoteTable(Dialect dialect, const TableId& table, bool quote) {
  std::string out;
  if (!table.schema.empty()) out = QuoteIdentifier(dialect, table.schema, quote) + ".";
  return out + QuoteIdentifier(dialect, table.table, quote);
}

std::string PlaceholderFor(Dialect dialect, int index) {
  if (dialect != Dialect::kPostgres) return "?";
  std::string out = "$";
  out += std::to_string(index);
  return out;
}

BuiltQuery BuildQuery(const QuerySpec& spec) {
  BuiltQuery out;
  std::string from =
      spec.table ? "SELECT * FROM " + QuoteTable(spec.dialect, *spec.table, spec.quote) : spec.query;
  if (spec.mode == Mode::kBulk) {
    out.sql = from;
  } else {
    if (!spec.table) from = "SELECT * FROM (" + spec.query + ") AS sluice_query";
    auto q = [&](const std::string& c) { return QuoteIdentifier(spec.dialect, c, spec.quote); };
    std::string ts;
    if (UsesTimestamp(spec.mode)) {
      if (spec.timestamp_columns.size() == 1) {
        ts = q(spec.timestamp_columns[0]);
      } else {
        ts = "COALESCE(";
        for (size_t i = 0; i < spec.timestamp_columns.size(); ++i)
          ts += (i > 0 ? ", " : "") + q(spec.timestamp_columns[i]);
        ts += ")";
      }
    }
    const std::string inc = UsesIncrementing(spec.mode) ? q(spec.incrementing_column) : "";
    int n = 0;
    auto ph = [&](ParamRole role) {
      out.params.push_back(role);
      return PlaceholderFor(spec.dialect, ++n);
    };
    std::string where;
    std::string order;
    switch (spec.mode) {
      case Mode::kIncrementing:
        where = inc + " > " + ph(ParamRole::kIncrementing);
        if (spec.upper_bound) where += " AND " + inc + " <= " + ph(ParamRole::kIncrementingEnd);
        order = inc + " ASC";
        break;
      case Mode::kTimestamp:
        where = ts + " > " + ph(ParamRole::kTimestampBegin);
        where += " AND " + ts + " < " + ph(ParamRole::kTimestampEnd);
        order = ts + " ASC";
        break;
      case Mode::kTimestampIncrementing:
        where = ts + " < " + ph(ParamRole::kTimestampEnd);
        where += " AND ((" + ts + " = " + ph(ParamRole::kTimestampBegin);
        where += " AND " + inc + " > " + ph(ParamRole::kIncrementing);
        where += ") OR " + ts + " > " + ph(ParamRole::kTimestampBegin) + ")";
        order = ts + ", " + inc + " ASC";
        break;
      case Mode::kBulk:
        break;
    }
    out.sql = from + " WHERE " + where + " ORDER BY " + order;
  }
  if (!spec.suffix.empty()) out.sql += " " + spec.suffix;
  return out;
}

}  // namespace sluice::connectors::jdbc
