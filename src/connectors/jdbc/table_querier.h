// One table (or the custom query) of a task: its offset (Confluent's format), its prepared statement
// on the task's connection, the schema built from the statement's columns, and the streaming read of
// a result in batches. TableQuerier does no waiting; the task schedules it.
//
// Offsets: partition {"protocol":"1","table":"<schema>.<table>"} ({"query":"query"} in query mode);
// offset {"incrementing":N}, {"timestamp":ms,"timestamp_nanos":ns} or both; bulk has none.
//
// Thread-safety: used by the task's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/record.h"
#include "connectors/jdbc/column_types.h"
#include "connectors/jdbc/database.h"
#include "connectors/jdbc/initial_load.h"
#include "connectors/jdbc/query_builder.h"
#include "connectors/jdbc/source_config.h"

namespace sluice::connectors::jdbc {

class TableQuerier {
 public:
  // table: table mode; nullopt: config.query.
  TableQuerier(const JdbcSourceConfig& config, std::optional<TableId> table);
  // One range of a parallel initial load (initial_load.h): reads (low, high] of the incrementing
  // column, under the range's own partition, with the plan in its offsets.
  TableQuerier(const JdbcSourceConfig& config, const LoadRange& range);

  // A range querier (its result ends for good once read to the end).
  bool is_range() const { return range_.has_value(); }
  // With no committed offset: start after this incrementing value (the table's plan max).
  void StartAfter(int64_t incrementing) { incrementing_ = incrementing; }
  int64_t incrementing() const { return incrementing_; }

  const std::string& name() const { return name_; }  // qualified table name or "query"
  const connect::Value& partition() const { return partition_; }
  const std::string& topic() const { return topic_; }

  // Restores the committed offset (null: none; Confluent's protocol-0 partition is tried by the caller).
  Status Restore(const connect::Value& offset);
  // Prepares on `db` (a validation: columns, offset columns, types) without executing.
  Status Check(Database& db);
  // Prepares on `db` if needed and executes the query from the current offset; the database returns
  // the rows in batches of batch.max.rows.
  Status StartQuery(Database& db);
  // Reads up to max records into out[first], out[first + 1], ...: records already there (a previous
  // poll's, given back by the runtime) are overwritten in place, reusing their storage, and out is cut to
  // first + the records read. *done is set when the result ended (the querier is then idle).
  Status Read(size_t max, std::vector<connect::SourceRecord>& out, size_t first, bool* done);
  bool active() const { return statement_ != nullptr && statement_->active(); }
  // The connection is gone or the schema may have changed: prepare again next time.
  void Reset();

  int64_t next_poll_ms = 0;  // when the next query may start (steady clock, ms)
  int failures = 0;          // consecutive transient query failures

 private:
  Status Prepare(Database& db);
  Status ReadRows(size_t max, std::vector<connect::SourceRecord>& out, size_t first, size_t* next,
                  bool* done);

  const JdbcSourceConfig& config_;
  std::optional<TableId> table_;
  std::optional<LoadRange> range_;
  std::string name_;
  std::string topic_;
  connect::Value partition_;
  std::shared_ptr<const connect::Value> shared_partition_;  // the same, given to every record
  // Builds a record's offset from {incrementing, timestamp ms, timestamp nanos} when the runtime needs it
  // (nullptr in bulk mode: no offsets).
  std::shared_ptr<const connect::SourceOffsetEncoder> offset_encoder_;
  // Offset.
  int64_t incrementing_ = -1;
  int64_t ts_ms_ = 0;
  int32_t ts_nanos_ = 0;
  bool has_ts_ = false;
  // Prepared state.
  std::unique_ptr<Statement> statement_;
  BuiltQuery query_;
  std::vector<ColumnPlan> plans_;
  std::vector<int> field_of_;  // per column: its field in value_schema_, -1 if left out
  int granularity_ = 0;        // timestamp.granularity: connect_logical, nanos_long, nanos_string, iso
  connect::SchemaPtr value_schema_;
  connect::SchemaPtr key_schema_;
  std::vector<size_t> key_columns_;
  int incrementing_index_ = -1;
  std::vector<int> timestamp_indexes_;
  bool timestamp_tz_aware_ = false;
  std::vector<Cell> row_;
};

}  // namespace sluice::connectors::jdbc
