// io.confluent.connect.jdbc.JdbcSourceConnector: finds the tables to copy through the database's
// catalog (filtered by whitelist/blacklist or include/exclude lists), spreads them over
// min(#tables, tasks.max) tasks, and watches the catalog every table.poll.interval.ms, asking for a
// task reconfiguration when tables appear or go. Validate() reports per-key errors, including a
// database that cannot be reached (connection.url) or refuses the credentials (connection.user /
// connection.password), and missing or nullable offset columns.
//
// Thread-safety: the runtime calls the connector from one thread at a time; the table monitor thread
// shares only the table list (under a mutex) and the ConnectorContext.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "connect/api/connector.h"
#include "connectors/jdbc/database.h"
#include "connectors/jdbc/initial_load.h"
#include "connectors/jdbc/source_config.h"

namespace sluice::connectors::jdbc {

class JdbcSourceConnector final : public connect::SourceConnector {
 public:
  static constexpr std::string_view kClassName = "io.confluent.connect.jdbc.JdbcSourceConnector";
  ~JdbcSourceConnector() override;

  const ConfigDef& config() const override { return JdbcSourceConfigDef(); }
  std::vector<ConfigValidation> Validate(const connect::ConfigMap& props) override;
  Status Start(const connect::ConfigMap& props) override;
  Result<std::vector<connect::ConfigMap>> TaskConfigs(int max_tasks) override;
  void Stop() override;

  // The selected tables of a database, sorted.
  static Result<std::vector<TableId>> FindTables(Database& db, const JdbcSourceConfig& config);

 private:
  void Monitor();
  // initial.load.parallel: the ranges to read and, per planned table, where its ordinary poll starts.
  // Tables with a committed offset are left out; a plan found in the ranges' offsets is reused.
  Result<std::pair<std::vector<LoadRange>, std::vector<std::pair<TableId, int64_t>>>> PlanInitialLoad(
      const std::vector<TableId>& tables, int max_tasks);

  connect::ConfigMap props_;
  JdbcSourceConfig config_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::vector<TableId>> tables_;  // nullopt until the catalog was read once
  bool stopping_ = false;
  std::thread monitor_;
};

// Splits items into n contiguous groups of near-equal size (Kafka's ConnectorUtils.groupPartitions).
std::vector<std::vector<TableId>> GroupTables(const std::vector<TableId>& tables, int groups);

}  // namespace sluice::connectors::jdbc
