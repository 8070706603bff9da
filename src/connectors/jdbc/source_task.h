// io.confluent.connect.jdbc.source.JdbcSourceTask: polls its tables (or the custom query) on one
// database connection. Each Poll either waits (until the next table is due, at most ~1 s at a time,
// cut short by Stop) or returns up to min(batch.max.rows, 500) rows of one table's result, which stays
// open across polls while it streams (the database still reads batch.max.rows rows per round trip). An outage
// (connection refused or lost mid-result) is retried (connection.attempts x connection.backoff.ms per Poll,
// then Unavailable so the runtime backs off and shows it); the read resumes after the last row handed out.
// Permanent errors (authentication, missing table or column, nullable offset column) fail the task with a
// message naming the cause.
//
// Thread-safety: the runtime's task thread calls Start/Poll; Stop() may come from another thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "connect/api/task.h"
#include "connectors/jdbc/database.h"
#include "connectors/jdbc/initial_load.h"
#include "connectors/jdbc/source_config.h"
#include "connectors/jdbc/table_querier.h"

namespace sluice::connectors::jdbc {

// Task config key with the task's tables: a JSON array of [schema, table] pairs.
inline constexpr const char* kTasksTablesKey = "tables";

class JdbcSourceTask final : public connect::SourceTask {
 public:
  JdbcSourceTask();
  ~JdbcSourceTask() override;
  Status Start(const connect::ConfigMap& props) override;
  Status Poll(std::vector<connect::SourceRecord>& out) override;
  // Keeps the records for the next Poll, which overwrites them in place (no allocation per record).
  void Reclaim(std::vector<connect::SourceRecord>& records) override { spare_.swap(records); }
  void Stop() override;

 private:
  // The ranges of a parallel initial load given to this task, and the tables polled after a plan.
  Status StartInitialLoad(const connect::ConfigMap& props);
  Status EnsureConnected();
  Status Handle(TableQuerier& q, const Status& error);
  void DropConnection();
  // Waits up to ms or until Stop.
  void Wait(int64_t ms);

  JdbcSourceConfig config_;
  std::vector<std::unique_ptr<TableQuerier>> queriers_;
  std::vector<connect::SourceRecord> spare_;  // the last Poll's records, given back by the runtime
  size_t current_ = 0;                        // the querier whose result is open, when one is
  bool reading_ = false;
  Status pending_;  // an error met after rows were already returned
  std::mutex mu_;   // guards db_ (Stop cancels through it) and the wait
  std::condition_variable cv_;
  std::unique_ptr<Database> db_;
  std::atomic<bool> stopping_{false};
  bool checked_tables_ = false;
};

}  // namespace sluice::connectors::jdbc
