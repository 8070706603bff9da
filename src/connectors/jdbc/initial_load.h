// The parallel initial load (Sluice extension, `initial.load.parallel=true`, incrementing mode): a
// table that has no committed offset yet is copied as `ranges` contiguous ranges of its incrementing
// column, [min, max] split evenly, read by the connector's tasks side by side; the table's ordinary
// incrementing poll then starts after `max`. The plan (min, max, ranges) is taken once, from the table,
// and kept in every range's committed offset, so a restart finds the same ranges and resumes each
// after its last committed row.
//
// Offsets: a range's partition is {"protocol":"1","table":"<schema>.<table>","range":"<k>"}, its offset
// {"incrementing":N,"min":..,"max":..,"ranges":..}; the table's own partition and offset are
// Confluent's, written by the ordinary poll once rows above max arrive.
//
// Thread-safety: plain values and pure functions; PlanTable uses the caller's Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/value.h"
#include "connectors/jdbc/database.h"

namespace sluice::connectors::jdbc {

// Task config keys: the ranges a task reads, and the tables whose ordinary poll starts after a plan.
inline constexpr const char* kTaskLoadRangesKey = "load.ranges";
inline constexpr const char* kTaskLoadTailsKey = "load.tails";
// Range partitions looked up when a connector searches for an existing plan.
inline constexpr int kMaxLoadRanges = 64;

struct LoadPlan {
  int64_t min = 0;
  int64_t max = 0;
  int ranges = 1;
  bool operator==(const LoadPlan&) const = default;
};

struct LoadRange {
  TableId table;
  int index = 0;
  LoadPlan plan;
  // The range is (low(), high()] of the incrementing column.
  int64_t low() const;
  int64_t high() const;
};

// {"protocol":"1","table":"<qualified>","range":"<index>"}.
connect::Value RangePartition(const TableId& table, int index);
// {"protocol":"1","table":"<qualified>"} (the table's own, Confluent's).
connect::Value TablePartition(const TableId& table);
// The plan kept in a range's offset; nullopt if `offset` is not one.
std::optional<LoadPlan> PlanFromOffset(const connect::Value& offset);
// The plan as offset fields (added to a range's offset).
void AddPlanToOffset(const LoadPlan& plan, connect::Map* offset);

// MIN and MAX of the incrementing column, split in `ranges` (fewer when the table holds fewer
// values); nullopt for an empty table.
Result<std::optional<LoadPlan>> PlanTable(Database& db, const TableId& table, const std::string& column,
                                          int ranges);

// Task config values: JSON [[schema, table, index, min, max, ranges], ...] and [[schema, table, max], ...].
std::string EncodeRanges(const std::vector<LoadRange>& ranges);
Result<std::vector<LoadRange>> DecodeRanges(const std::string& json);
std::string EncodeTails(const std::vector<std::pair<TableId, int64_t>>& tails);
Result<std::vector<std::pair<TableId, int64_t>>> DecodeTails(const std::string& json);

}  // namespace sluice::connectors::jdbc
