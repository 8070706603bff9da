// The parallel initial load's plan, partitions and task config encoding. See initial_load.h.
#include "connectors/jdbc/initial_load.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "connect/api/record.h"

namespace sluice::connectors::jdbc {
namespace {

using connect::Value;

std::optional<int64_t> ParseInt(const char* data, size_t size) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(data, data + size, v);
  if (ec != std::errc() || p != data + size) return std::nullopt;
  return v;
}

std::optional<int64_t> IntField(const Value& offset, const char* name) {
  const Value* v = connect::MapGet(offset, name);
  if (v == nullptr) return std::nullopt;
  if (auto p = v->get_if<int64_t>()) return *p;
  if (auto p = v->get_if<int32_t>()) return static_cast<int64_t>(*p);
  return std::nullopt;
}

}  // namespace

int64_t LoadRange::low() const {
  // ranges equal shares of the span max - min + 1, the first ones one larger when it does not divide.
  // (In uint64_t: max - min overflows int64_t for spans over 2^63; the result lies in [min - 1, max].)
  const uint64_t span = static_cast<uint64_t>(plan.max) - static_cast<uint64_t>(plan.min) + 1;
  const uint64_t n = static_cast<uint64_t>(std::max(plan.ranges, 1));
  const uint64_t k = static_cast<uint64_t>(index);
  const uint64_t before = span / n * k + std::min(k, span % n);
  return static_cast<int64_t>(static_cast<uint64_t>(plan.min) - 1 + before);
}

int64_t LoadRange::high() const {
  LoadRange next = *this;
  next.index = index + 1;
  return index + 1 >= plan.ranges ? plan.max : next.low();
}

Value RangePartition(const TableId& table, int index) {
  return connect::StringMap(
      {{"protocol", "1"}, {"table", table.Qualified()}, {"range", std::to_string(index)}});
}

Value TablePartition(const TableId& table) {
  return connect::StringMap({{"protocol", "1"}, {"table", table.Qualified()}});
}

std::optional<LoadPlan> PlanFromOffset(const Value& offset) {
  auto min = IntField(offset, "min");
  auto max = IntField(offset, "max");
  auto ranges = IntField(offset, "ranges");
  if (!min || !max || !ranges || *ranges < 1 || *ranges > kMaxLoadRanges || *max < *min) return std::nullopt;
  return LoadPlan{*min, *max, static_cast<int>(*ranges)};
}

void AddPlanToOffset(const LoadPlan& plan, connect::Map* m) {
  m->push_back(connect::MapEntry{Value("min"), Value(plan.min)});
  m->push_back(connect::MapEntry{Value("max"), Value(plan.max)});
  m->push_back(connect::MapEntry{Value("ranges"), Value(static_cast<int64_t>(plan.ranges))});
}

Result<std::optional<LoadPlan>> PlanTable(Database& db, const TableId& table, const std::string& column,
                                          int ranges) {
  const std::string c = db.Quote(column);
  const bool pg = db.dialect() == Dialect::kPostgres;
  const std::string text = pg ? "::text" : "";
  std::string sql = pg ? "SELECT MIN(" + c + ")" + text + ", MAX(" + c + ")" + text
                       : "SELECT CAST(MIN(" + c + ") AS CHAR), CAST(MAX(" + c + ") AS CHAR)";
  sql += " FROM " + (table.schema.empty() ? "" : db.Quote(table.schema) + ".") + db.Quote(table.table);
  ASSIGN_OR_RETURN(std::unique_ptr<Statement> st, db.Prepare(sql, 0));
  RETURN_IF_ERROR(st->Execute({}, 1));
  std::vector<Cell> row;
  ASSIGN_OR_RETURN(bool got, st->Next(row));
  if (!got || row.size() < 2 || row[0].null || row[1].null) {
    while (got) {
      ASSIGN_OR_RETURN(got, st->Next(row));
    }
    return std::optional<LoadPlan>();
  }
  auto min = ParseInt(row[0].data, row[0].size);
  auto max = ParseInt(row[1].data, row[1].size);
  while (got) {  // end the result
    ASSIGN_OR_RETURN(got, st->Next(row));
  }
  if (!min || !max) {
    return Status::InvalidArgument("incrementing column '" + column + "' of " + table.Qualified() +
                                   " is not an integer column: no parallel initial load");
  }
  const int64_t span_minus_one = *max - *min;
  const int n =
      static_cast<int>(std::clamp<int64_t>(std::min<int64_t>(ranges, span_minus_one + 1), 1, kMaxLoadRanges));
  return std::optional<LoadPlan>(LoadPlan{*min, *max, n});
}

std::string EncodeRanges(const std::vector<LoadRange>& ranges) {
  nlohmann::json j = nlohmann::json::array();
  for (const LoadRange& r : ranges) {
    j.push_back({r.table.schema, r.table.table, r.index, r.plan.min, r.plan.max, r.plan.ranges});
  }
  return j.dump();
}

Result<std::vector<LoadRange>> DecodeRanges(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array())
    return Status::InvalidArgument(std::string("task config '") + kTaskLoadRangesKey + "' is bad");
  std::vector<LoadRange> out;
  for (const auto& e : j) {
    if (!e.is_array() || e.size() != 6 || !e[0].is_string() || !e[1].is_string() ||
        !e[2].is_number_integer() || !e[3].is_number_integer() || !e[4].is_number_integer() ||
        !e[5].is_number_integer()) {
      return Status::InvalidArgument(std::string("task config '") + kTaskLoadRangesKey + "' has a bad entry");
    }
    LoadRange r;
    r.table = TableId{e[0].get<std::string>(), e[1].get<std::string>()};
    r.index = e[2].get<int>();
    r.plan = LoadPlan{e[3].get<int64_t>(), e[4].get<int64_t>(), e[5].get<int>()};
    if (r.plan.ranges < 1 || r.index < 0 || r.index >= r.plan.ranges || r.plan.max < r.plan.min) {
      return Status::InvalidArgument(std::string("task config '") + kTaskLoadRangesKey + "' has a bad range");
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string EncodeTails(const std::vector<std::pair<TableId, int64_t>>& tails) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [t, max] : tails) j.push_back({t.schema, t.table, max});
  return j.dump();
}

Result<std::vector<std::pair<TableId, int64_t>>> DecodeTails(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array())
    return Status::InvalidArgument(std::string("task config '") + kTaskLoadTailsKey + "' is bad");
  std::vector<std::pair<TableId, int64_t>> out;
  for (const auto& e : j) {
    if (!e.is_array() || e.size() != 3 || !e[0].is_string() || !e[1].is_string() ||
        !e[2].is_number_integer()) {
      return Status::InvalidArgument(std::string("task config '") + kTaskLoadTailsKey + "' has a bad entry");
    }
    out.emplace_back(TableId{e[0].get<std::string>(), e[1].get<std::string>()}, e[2].get<int64_t>());
  }
  return out;
}

}  // namespace sluice::connectors::jdbc
