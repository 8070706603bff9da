// JdbcSourceTask. See source_task.h.
#include "connectors/jdbc/source_task.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "base/logging.h"
#include "connectors/jdbc/connection_cache.h"

namespace sluice::connectors::jdbc {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Rows handed out per Poll at most, below batch.max.rows: the runtime converts and sends a Poll's
// records while they are still in the CPU caches, and fewer Connect values are held at a time.
constexpr size_t kPollRows = 500;

}  // namespace

JdbcSourceTask::JdbcSourceTask() = default;
JdbcSourceTask::~JdbcSourceTask() { queriers_.clear(); }  // statements before the connection

Status JdbcSourceTask::Start(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(config_, ParseJdbcSourceConfig(props));
  std::vector<std::optional<TableId>> tables;
  if (!config_.query.empty()) {
    tables.emplace_back(std::nullopt);
  } else {
    auto it = props.find(kTasksTablesKey);
    if (it == props.end()) return Status::InvalidArgument("task config has no 'tables'");
    nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (!j.is_array()) return Status::InvalidArgument("task config 'tables' is not a JSON array");
    for (const auto& t : j) {
      if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_string()) {
        return Status::InvalidArgument("task config 'tables' has a bad entry");
      }
      tables.emplace_back(TableId{t[0].get<std::string>(), t[1].get<std::string>()});
    }
  }
  for (auto& t : tables) {
    auto q = std::make_unique<TableQuerier>(config_, t);
    ASSIGN_OR_RETURN(connect::Value offset, context()->offset_storage_reader().Offset(q->partition()));
    if (offset.is_null() && t) {  // Confluent's protocol-0 partition: {"table": name}
      ASSIGN_OR_RETURN(offset,
                       context()->offset_storage_reader().Offset(connect::StringMap({{"table", t->table}})));
    }
    if (!offset.is_null()) {
      LOG_INFO("jdbc source: {} resumes from committed offset", q->name());
      RETURN_IF_ERROR(q->Restore(offset));
    }
    queriers_.push_back(std::move(q));
  }
  RETURN_IF_ERROR(StartInitialLoad(props));
  LOG_INFO("jdbc source task: {} table(s), mode {}, batch.max.rows {}", queriers_.size(),
           props.count("mode") ? props.at("mode") : "", config_.batch_max_rows);
  return Status::OK();
}

Status JdbcSourceTask::StartInitialLoad(const connect::ConfigMap& props) {
  // Tables whose ordinary poll starts after their plan's max when nothing was committed for them.
  if (auto it = props.find(kTaskLoadTailsKey); it != props.end()) {
    ASSIGN_OR_RETURN(auto tails, DecodeTails(it->second));
    for (const auto& [table, max] : tails) {
      for (auto& q : queriers_) {
        if (q->is_range() || q->name() != table.Qualified()) continue;
        ASSIGN_OR_RETURN(connect::Value offset, context()->offset_storage_reader().Offset(q->partition()));
        if (offset.is_null()) {
          q->StartAfter(max);
          LOG_INFO("jdbc source: {} is polled after {} (parallel initial load below)", q->name(), max);
        }
      }
    }
  }
  auto it = props.find(kTaskLoadRangesKey);
  if (it == props.end()) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<LoadRange> ranges, DecodeRanges(it->second));
  for (const LoadRange& r : ranges) {
    auto q = std::make_unique<TableQuerier>(config_, r);
    ASSIGN_OR_RETURN(connect::Value offset, context()->offset_storage_reader().Offset(q->partition()));
    if (!offset.is_null()) RETURN_IF_ERROR(q->Restore(offset));
    if (q->incrementing() >= r.high()) continue;  // this range was copied
    LOG_INFO("jdbc source: {}: ({}, {}] from {}", q->name(), r.low(), r.high(), q->incrementing());
    queriers_.push_back(std::move(q));
  }
  return Status::OK();
}

void JdbcSourceTask::Wait(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

void JdbcSourceTask::DropConnection() {
  for (auto& q : queriers_) q->Reset();
  reading_ = false;
  std::unique_ptr<Database> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(db_);
  }
}

Status JdbcSourceTask::EnsureConnected() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (db_ != nullptr) return Status::OK();
  }
  Status last;
  for (int attempt = 1; attempt <= config_.connection_attempts && !stopping_; ++attempt) {
    auto db = ConnectOrReuse(config_.connect);  // the connector's, when it has just started
    if (db.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      db_ = std::move(db).value();
      return Status::OK();
    }
    last = db.status();
    if (!IsConnectionError(last)) return last;  // wrong password, unknown database: fail the task
    LOG_WARN("jdbc source: connection attempt {} of {} failed: {}", attempt, config_.connection_attempts,
             last.message());
    if (attempt < config_.connection_attempts) Wait(config_.connection_backoff_ms);
  }
  if (stopping_) return Status::OK();
  return last;
}

Status JdbcSourceTask::Handle(TableQuerier& q, const Status& error) {
  reading_ = false;
  if (error.code() == Status::Code::kUnavailable) {
    LOG_WARN("jdbc source: lost the database while querying {}: {}", q.name(), error.message());
    DropConnection();
    return error;
  }
  if (error.code() == Status::Code::kAborted) {
    q.Reset();
    ++q.failures;
    if (config_.query_retry_attempts >= 0 && q.failures > config_.query_retry_attempts) {
      return Status::Internal("query on " + q.name() + " failed " + std::to_string(q.failures) +
                              " times: " + error.message());
    }
    // A transient failure (deadlock, serialization): the connection is fine but reconnecting is cheap
    // and clears any half-read result.
    DropConnection();
    return Status::Unavailable("query on " + q.name() + " failed, retrying: " + error.message());
  }
  return error.WithContext("querying " + q.name());
}

Status JdbcSourceTask::Poll(std::vector<connect::SourceRecord>& out) {
  if (stopping_ || queriers_.empty()) {
    Wait(1000);
    return Status::OK();
  }
  if (!pending_.ok()) {
    Status s = std::move(pending_);
    pending_ = Status::OK();
    return Handle(*queriers_[current_], s);
  }
  RETURN_IF_ERROR(EnsureConnected());
  if (stopping_) return Status::OK();
  if (!reading_) {
    // The table due first (ties: the next after the last one read).
    size_t best = current_;
    int64_t best_at = INT64_MAX;
    for (size_t k = 1; k <= queriers_.size(); ++k) {
      size_t i = (current_ + k) % queriers_.size();
      if (queriers_[i]->next_poll_ms < best_at) {
        best = i;
        best_at = queriers_[i]->next_poll_ms;
      }
    }
    const int64_t now = SteadyMs();
    if (best_at > now) {
      Wait(std::min<int64_t>(best_at - now, 1000));
      return Status::OK();
    }
    current_ = best;
    TableQuerier& q = *queriers_[current_];
    if (Status s = q.StartQuery(*db_); !s.ok()) return Handle(q, s);
    reading_ = true;
  }
  TableQuerier& q = *queriers_[current_];
  const size_t before = out.size();
  if (before == 0) out.swap(spare_);  // the records given back, overwritten in place by Read
  bool done = false;
  Status s = q.Read(std::min(static_cast<size_t>(config_.batch_max_rows), kPollRows), out, before, &done);
  if (!s.ok()) {
    if (out.size() > before) {  // hand out what was read; the error comes with the next Poll
      pending_ = s;
      return Status::OK();
    }
    return Handle(q, s);
  }
  if (done) {
    reading_ = false;
    q.failures = 0;
    // A range of the initial load is complete once read to its end; tables are polled again.
    q.next_poll_ms = q.is_range() ? INT64_MAX : SteadyMs() + config_.poll_interval_ms;
    if (q.is_range()) LOG_INFO("jdbc source: {} copied", q.name());
  }
  return Status::OK();
}

void JdbcSourceTask::Stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  if (db_ != nullptr) db_->Cancel();
  cv_.notify_all();
}

}  // namespace sluice::connectors::jdbc
