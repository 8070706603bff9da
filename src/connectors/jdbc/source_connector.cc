// JdbcSourceConnector. See source_connector.h.
#include "connectors/jdbc/source_connector.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/logging.h"
#include "connect/api/task.h"
#include "connectors/jdbc/connection_cache.h"
#include "connectors/jdbc/source_task.h"
#include "connectors/jdbc/table_querier.h"

namespace sluice::connectors::jdbc {

std::vector<std::vector<TableId>> GroupTables(const std::vector<TableId>& tables, int groups) {
  std::vector<std::vector<TableId>> out;
  if (groups <= 0 || tables.empty()) return out;
  const size_t n = std::min(tables.size(), static_cast<size_t>(groups));
  const size_t per = tables.size() / n;
  const size_t extra = tables.size() % n;
  size_t at = 0;
  for (size_t g = 0; g < n; ++g) {
    size_t size = per + (g < extra ? 1 : 0);
    out.emplace_back(tables.begin() + static_cast<std::ptrdiff_t>(at),
                     tables.begin() + static_cast<std::ptrdiff_t>(at + size));
    at += size;
  }
  return out;
}

JdbcSourceConnector::~JdbcSourceConnector() { Stop(); }

Result<std::vector<TableId>> JdbcSourceConnector::FindTables(Database& db, const JdbcSourceConfig& config) {
  ASSIGN_OR_RETURN(std::vector<TableId> all, db.ListTables(config.table_types, config.schema_pattern));
  std::vector<TableId> out;
  for (auto& t : all) {
    if (TableSelected(config, t)) out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ConfigValidation> JdbcSourceConnector::Validate(const connect::ConfigMap& props) {
  std::vector<ConfigValidation> out = config().Validate(props);
  auto add = [&](const std::string& key, const std::string& msg) {
    for (auto& v : out) {
      if (v.name == key) {
        v.errors.push_back(msg);
        return;
      }
    }
  };
  for (const auto& [k, msg] : CrossKeyErrors(props)) add(k, msg);
  for (const auto& v : out) {
    if (!v.errors.empty()) return out;  // the database checks need a parseable config
  }
  auto cfg = ParseJdbcSourceConfig(props);
  if (!cfg.ok()) {
    add("connection.url", cfg.status().message());
    return out;
  }
  ConnectOptions opts = cfg->connect;
  opts.connect_timeout_s = 10;
  auto db = Connect(opts);
  if (!db.ok()) {
    const Status& s = db.status();
    if (s.code() == Status::Code::kInvalidArgument) {  // authentication
      add("connection.user", s.message());
      add("connection.password", s.message());
    } else {
      add("connection.url", s.message());
    }
    return out;
  }
  // A valid config's connection is kept for the connector's start (connection_cache.h).
  auto park_if_valid = [&] {
    for (const auto& v : out) {
      if (!v.errors.empty()) return;
    }
    ParkConnection(opts, std::move(*db));
  };
  if (!cfg->query.empty()) {
    {
      TableQuerier q(*cfg, std::nullopt);
      if (Status s = q.Check(**db); !s.ok()) add("query", s.message());
    }
    park_if_valid();
    return out;
  }
  auto tables = FindTables(**db, *cfg);
  if (!tables.ok()) {
    add("connection.url", tables.status().message());
    return out;
  }
  if (tables->empty()) {
    std::string key = !cfg->whitelist.empty() ? "table.whitelist"
                      : !cfg->include.empty() ? "table.include.list"
                                              : "connection.url";
    add(key, "no table matches (or the user cannot read it)");
    return out;
  }
  for (const TableId& t : *tables) {
    // The offset columns must exist (and be NOT NULL with validate.non.null).
    auto cols = (*db)->DescribeTable(t);
    if (!cols.ok()) {
      add("connection.url", cols.status().message());
      break;
    }
    auto check = [&](const std::string& key, const std::string& column, bool must_be_non_null) {
      for (const ColumnInfo& c : *cols) {
        if (c.name != column) continue;
        if (must_be_non_null && c.nullable && cfg->validate_non_null) {
          add(key, "column '" + column + "' of " + t.Qualified() + " is nullable (validate.non.null=true)");
          add("validate.non.null", "column '" + column + "' of " + t.Qualified() + " is nullable");
        }
        return true;
      }
      add(key, "table " + t.Qualified() + " has no column '" + column + "'");
      return false;
    };
    bool ok = true;
    if (UsesIncrementing(cfg->mode) && !cfg->incrementing_column.empty()) {
      ok &= check("incrementing.column.name", cfg->incrementing_column, true);
    }
    if (UsesTimestamp(cfg->mode)) {
      for (const auto& c : cfg->timestamp_columns)
        ok &= check("timestamp.column.name", c, cfg->timestamp_columns.size() == 1);
    }
    if (!ok) break;
    // Prepares each table's query (without running it: a large table would be read for nothing):
    // what else is wrong shows up here.
    TableQuerier q(*cfg, t);
    Status s = q.Check(**db);
    if (s.ok()) continue;
    const std::string& m = s.message();
    if (m.find("incrementing") != std::string::npos || m.find("auto-increment") != std::string::npos) {
      add("incrementing.column.name", m);
    } else if (m.find("timestamp column") != std::string::npos) {
      add("timestamp.column.name", m);
    } else {
      add("connection.url", m);
    }
    if (m.find("nullable") != std::string::npos) add("validate.non.null", m);
    break;
  }
  park_if_valid();  // (the queriers and their statements are gone)
  return out;
}

Status JdbcSourceConnector::Start(const connect::ConfigMap& props) {
  props_ = props;
  ASSIGN_OR_RETURN(config_, ParseJdbcSourceConfig(props));
  if (!config_.query.empty()) return Status::OK();
  auto db = ConnectOrReuse(config_.connect);
  if (db.ok()) {
    auto tables = FindTables(**db, config_);
    if (tables.ok()) {
      LOG_INFO("jdbc source: {} table(s) to copy", tables->size());
      tables_ = std::move(tables).value();
      ParkConnection(config_.connect, std::move(*db));  // for the task (connection_cache.h)
    } else if (!IsConnectionError(tables.status())) {
      return tables.status();
    }
  } else if (!IsConnectionError(db.status())) {
    return db.status();  // wrong password, unknown database
  } else {
    LOG_WARN("jdbc source: database unreachable at start, will retry: {}", db.status().message());
  }
  stopping_ = false;
  monitor_ = std::thread([this] { Monitor(); });
  return Status::OK();
}

void JdbcSourceConnector::Monitor() {
  std::unique_ptr<Database> db;
  while (true) {
    int64_t wait_ms = config_.table_poll_interval_ms;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!tables_) wait_ms = std::min<int64_t>(wait_ms, config_.connection_backoff_ms);
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; });
      if (stopping_) return;
    }
    if (db == nullptr || !db->IsValid()) {
      auto c = Connect(config_.connect);
      if (!c.ok()) {
        LOG_WARN("jdbc source: table monitor cannot connect: {}", c.status().message());
        db.reset();
        continue;
      }
      db = std::move(c).value();
    }
    auto tables = FindTables(*db, config_);
    if (!tables.ok()) {
      LOG_WARN("jdbc source: table monitor failed: {}", tables.status().message());
      db.reset();
      continue;
    }
    bool changed = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!tables_ || *tables_ != *tables) {
        LOG_INFO("jdbc source: tables changed ({} now), reconfiguring tasks", tables->size());
        tables_ = std::move(tables).value();
        changed = true;
      }
    }
    if (changed && context() != nullptr) context()->RequestTaskReconfiguration();
  }
}

Result<std::vector<connect::ConfigMap>> JdbcSourceConnector::TaskConfigs(int max_tasks) {
  std::vector<connect::ConfigMap> out;
  if (!config_.query.empty()) {
    out.push_back(props_);
    return out;
  }
  std::vector<TableId> tables;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tables_) tables = *tables_;
  }
  if (tables.empty()) LOG_WARN("jdbc source: no tables to copy yet; no tasks");
  const std::vector<std::vector<TableId>> groups = GroupTables(tables, max_tasks);
  std::vector<LoadRange> ranges;
  std::vector<std::pair<TableId, int64_t>> tails;
  if (config_.initial_load_parallel) {
    ASSIGN_OR_RETURN(std::tie(ranges, tails), PlanInitialLoad(tables, max_tasks));
  }
  // The table groups on the first tasks, the ranges over all of them in turn.
  const size_t tasks =
      std::min(static_cast<size_t>(std::max(max_tasks, 1)), std::max(groups.size(), ranges.size()));
  for (size_t i = 0; i < tasks; ++i) {
    nlohmann::json j = nlohmann::json::array();
    std::vector<std::pair<TableId, int64_t>> task_tails;
    if (i < groups.size()) {
      for (const TableId& t : groups[i]) {
        j.push_back({t.schema, t.table});
        for (const auto& tail : tails) {
          if (tail.first == t) task_tails.push_back(tail);
        }
      }
    }
    std::vector<LoadRange> task_ranges;
    for (size_t r = i; r < ranges.size(); r += tasks) task_ranges.push_back(ranges[r]);
    connect::ConfigMap c = props_;
    c[kTasksTablesKey] = j.dump();
    if (!task_ranges.empty()) c[kTaskLoadRangesKey] = EncodeRanges(task_ranges);
    if (!task_tails.empty()) c[kTaskLoadTailsKey] = EncodeTails(task_tails);
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::pair<std::vector<LoadRange>, std::vector<std::pair<TableId, int64_t>>>>
JdbcSourceConnector::PlanInitialLoad(const std::vector<TableId>& tables, int max_tasks) {
  std::vector<LoadRange> ranges;
  std::vector<std::pair<TableId, int64_t>> tails;
  connect::OffsetStorageReader* reader = context() != nullptr ? context()->offset_storage_reader() : nullptr;
  if (reader == nullptr) return std::make_pair(ranges, tails);
  std::unique_ptr<Database> db;
  for (const TableId& t : tables) {
    // A table with a committed offset of its own is past its initial load (or never needed one).
    ASSIGN_OR_RETURN(connect::Value own, reader->Offset(TablePartition(t)));
    if (!own.is_null()) continue;
    // The plan kept in the ranges' offsets, so a restart reads the same ranges.
    std::optional<LoadPlan> plan;
    for (int k = 0; k < kMaxLoadRanges && !plan; ++k) {
      ASSIGN_OR_RETURN(connect::Value off, reader->Offset(RangePartition(t, k)));
      if (!off.is_null()) plan = PlanFromOffset(off);
    }
    if (!plan) {
      if (db == nullptr) {
        auto c = Connect(config_.connect);
        if (!c.ok() && IsConnectionError(c.status())) {
          // Tasks must start anyway: the tables not planned yet are read by their ordinary poll.
          LOG_WARN("jdbc source: cannot plan the initial load ({}); the remaining tables are polled as usual",
                   c.status().message());
          break;
        }
        ASSIGN_OR_RETURN(db, std::move(c));
      }
      std::string column = config_.incrementing_column;
      if (column.empty()) {
        ASSIGN_OR_RETURN(column, db->AutoIncrementColumn(t));
      }
      if (column.empty()) continue;  // the task reports the missing column
      ASSIGN_OR_RETURN(plan, PlanTable(*db, t, column, std::max(max_tasks, 1)));
      if (!plan) continue;  // empty table: nothing to load
      LOG_INFO("jdbc source: initial load of {}: {} ranges of {} [{}, {}]", t.Qualified(), plan->ranges,
               column, plan->min, plan->max);
    }
    for (int k = 0; k < plan->ranges; ++k) ranges.push_back(LoadRange{t, k, *plan});
    tails.emplace_back(t, plan->max);
  }
  return std::make_pair(std::move(ranges), std::move(tails));
}

void JdbcSourceConnector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
}

}  // namespace sluice::connectors::jdbc
