// GroupMember: coordinator discovery (FindCoordinator), the heartbeat thread, the rebalance flag and
// Wakeup. Join/Leave are in group_member.cc. Thread-safety: see group_member.h.
#include <algorithm>

#include "base/logging.h"
#include "kafka/client/group_member.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/find_coordinator.h"
#include "kafka/protocol/generated/heartbeat.h"

namespace sluice::kafka::client {

namespace msg = messages;

namespace {

std::chrono::milliseconds Until(std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    deadline - std::chrono::steady_clock::now()));
}

}  // namespace

Result<std::unique_ptr<Connection>> GroupMember::FindCoordinator(Clock::time_point deadline,
                                                                 Connection** slot) {
  const size_t n = config_.bootstrap_servers.size();
  size_t start = 0;
  {
    std::lock_guard lock(mu_);
    start = next_bootstrap_;
  }
  // The flag that cancels the thread using `slot`: Wakeup() for the owner, stopping for heartbeats.
  auto cancelled = [&] { return slot == &owner_conn_ ? wakeup_ : stop_heartbeat_; };
  Status last = Status::Unavailable("no bootstrap server answered");
  for (size_t i = 0; i < n && Clock::now() < deadline; ++i) {
    const size_t index = (start + i) % n;
    ASSIGN_OR_RETURN(auto host_port, ParseHostPort(config_.bootstrap_servers[index]));
    ConnectionOptions options = MakeConnectionOptions();
    options.connect_timeout = std::min(options.connect_timeout, Until(deadline));
    Result<std::unique_ptr<Connection>> bootstrap =
        Connection::Open(host_port.first, host_port.second, options);
    if (!bootstrap.ok()) {
      last = bootstrap.status();
      continue;
    }
    std::unique_ptr<Connection> conn = std::move(bootstrap).value();
    const int16_t version = conn->NegotiatedVersion(msg::FindCoordinatorRequest::kApiKey);
    msg::FindCoordinatorRequest req;
    if (version >= 4) {
      req.coordinator_keys.push_back(config_.group_id);
    } else {
      req.key = config_.group_id;  // key_type 0 (group) is the default
    }
    {
      std::lock_guard lock(mu_);
      if (cancelled()) return Status::Aborted("group " + config_.group_id + ": cancelled");
      *slot = conn.get();
    }
    Result<msg::FindCoordinatorResponse> resp =
        conn->Call<msg::FindCoordinatorResponse>(req, std::min(options.request_timeout, Until(deadline)));
    {
      std::lock_guard lock(mu_);
      *slot = nullptr;
    }
    if (!resp.ok()) {
      if (resp.status().code() == Status::Code::kAborted) return resp.status();
      last = resp.status();
      continue;
    }
    msg::FindCoordinatorResponse::Coordinator found;
    if (version >= 4) {
      if (resp->coordinators.size() != 1 || resp->coordinators[0].key != config_.group_id) {
        last = Status::Corruption("FindCoordinator answered " + std::to_string(resp->coordinators.size()) +
                                  " coordinators for one key");
        continue;
      }
      found = resp->coordinators[0];
    } else {
      found.error_code = resp->error_code;
      found.error_message = resp->error_message;
      found.node_id = resp->node_id;
      found.host = resp->host;
      found.port = resp->port;
    }
    if (found.error_code != 0) {
      last =
          Status::Unavailable("FindCoordinator via " + conn->address() + ": " +
                              DescribeErrorCode(found.error_code) + " " + found.error_message.value_or(""));
      continue;
    }
    {
      std::lock_guard lock(mu_);
      next_bootstrap_ = index;  // the next lookup starts with a server that answered
    }
    if (found.host == conn->host() && found.port == conn->port()) return conn;
    if (found.port <= 0 || found.port > 65535) {
      last = Status::Corruption("FindCoordinator answered port " + std::to_string(found.port));
      continue;
    }
    options.connect_timeout = std::min(MakeConnectionOptions().connect_timeout, Until(deadline));
    Result<std::unique_ptr<Connection>> coordinator = Connection::Open(found.host, found.port, options);
    if (!coordinator.ok()) {
      return coordinator.status().WithContext("coordinator (node " + std::to_string(found.node_id) + ")");
    }
    return coordinator;
  }
  {
    std::lock_guard lock(mu_);
    next_bootstrap_ = (start + 1) % n;
  }
  return last.WithContext("group " + config_.group_id + ": finding the coordinator");
}

bool GroupMember::Backoff(std::chrono::milliseconds ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, ms, [&] { return wakeup_; });
}

void GroupMember::SignalRebalance(const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (rebalance_needed_) return;
    rebalance_needed_ = true;
  }
  cv_.notify_all();
  LOG_INFO("group {}: rebalance needed: {}", config_.group_id, why);
  if (config_.on_rebalance_needed) config_.on_rebalance_needed();
}

bool GroupMember::RebalanceNeeded() const {
  std::lock_guard lock(mu_);
  return rebalance_needed_;
}

bool GroupMember::WaitForRebalance(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return rebalance_needed_; });
}

void GroupMember::Wakeup() {
  {
    std::lock_guard lock(mu_);
    wakeup_ = true;
    if (owner_conn_ != nullptr) owner_conn_->Interrupt();
  }
  cv_.notify_all();
}

int32_t GroupMember::generation() const {
  std::lock_guard lock(mu_);
  return state_ == State::kStable ? generation_ : -1;
}

std::string GroupMember::member_id() const {
  std::lock_guard lock(mu_);
  return member_id_;
}

void GroupMember::StartHeartbeatThread() {
  if (heartbeat_thread_.joinable()) return;
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
}

void GroupMember::StopHeartbeatThread() {
  if (!heartbeat_thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_heartbeat_ = true;
    if (heartbeat_conn_ != nullptr) heartbeat_conn_->Interrupt();
  }
  cv_.notify_all();
  heartbeat_thread_.join();
  std::lock_guard lock(mu_);
  stop_heartbeat_ = false;
}

void GroupMember::HeartbeatLoop() {
  const auto interval = std::chrono::milliseconds(config_.heartbeat_interval_ms);
  const auto retry = std::chrono::milliseconds(std::max(config_.retry_backoff_ms, 10));
  std::unique_ptr<Connection> conn;
  Clock::time_point next = Clock::now() + interval;
  std::unique_lock lock(mu_);
  while (!stop_heartbeat_) {
    if (Clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    if (state_ != State::kStable) {
      next = Clock::now() + interval;
      continue;
    }
    lock.unlock();
    const bool ok = HeartbeatOnce(&conn);
    lock.lock();
    next = Clock::now() + (ok ? interval : std::min(retry, interval));
  }
  heartbeat_conn_ = nullptr;
  lock.unlock();
  conn.reset();
}

bool GroupMember::HeartbeatOnce(std::unique_ptr<Connection>* conn) {
  auto drop = [&] {
    {
      std::lock_guard lock(mu_);
      heartbeat_conn_ = nullptr;
    }
    conn->reset();
  };
  msg::HeartbeatRequest req;
  uint64_t epoch = 0;
  {
    std::lock_guard lock(mu_);
    req.member_id = member_id_;
    req.generation_id = generation_;
    epoch = join_epoch_;
  }
  req.group_id = config_.group_id;
  const auto request_timeout = std::chrono::milliseconds(config_.request_timeout_ms);
  const auto session_timeout = std::chrono::milliseconds(config_.session_timeout_ms);
  if (*conn != nullptr && !(*conn)->healthy()) drop();
  Status failure;
  if (*conn == nullptr) {
    Result<std::unique_ptr<Connection>> found =
        FindCoordinator(Clock::now() + request_timeout, &heartbeat_conn_);
    if (found.ok()) {
      std::lock_guard lock(mu_);
      *conn = std::move(found).value();
      heartbeat_conn_ = conn->get();
      if (stop_heartbeat_) (*conn)->Interrupt();
    } else {
      failure = found.status();
    }
  }
  std::optional<ErrorCode> error;
  if (*conn != nullptr) {
    Result<msg::HeartbeatResponse> resp =
        (*conn)->Call<msg::HeartbeatResponse>(req, std::min(request_timeout, session_timeout));
    if (resp.ok()) {
      error = ErrorFromInt(resp->error_code);
    } else {
      failure = resp.status();
    }
  }
  std::string why;
  bool drop_coordinator = false;
  {
    std::lock_guard lock(mu_);
    if (epoch != join_epoch_ || state_ != State::kStable) return true;  // a Join() or Leave() came since
    switch (error.value_or(ErrorCode::kNone)) {
      case ErrorCode::kNone:
        if (error) last_heartbeat_ok_ = Clock::now();
        break;
      case ErrorCode::kRebalanceInProgress:
        last_heartbeat_ok_ = Clock::now();
        why = "the coordinator started a rebalance";
        break;
      case ErrorCode::kIllegalGeneration:
      case ErrorCode::kFencedInstanceId:
        state_ = State::kUnjoined;
        why = "heartbeat: " + DescribeErrorCode(*error);
        break;
      case ErrorCode::kUnknownMemberId:
        state_ = State::kUnjoined;
        member_id_.clear();
        why = "heartbeat: " + DescribeErrorCode(*error);
        break;
      case ErrorCode::kCoordinatorNotAvailable:
      case ErrorCode::kNotCoordinator:
        drop_coordinator = true;
        break;
      default:
        failure = Status::Unavailable("heartbeat: " + DescribeErrorCode(*error));
        break;
    }
    if (state_ == State::kStable && Clock::now() - last_heartbeat_ok_ > session_timeout) {
      state_ = State::kUnjoined;
      why = "no successful heartbeat within session.timeout.ms";
    }
  }
  if (drop_coordinator) drop();
  if (!failure.ok()) LOG_DEBUG("group {}: heartbeat failed: {}", config_.group_id, failure.ToString());
  if (!why.empty()) SignalRebalance(why);
  return !drop_coordinator && failure.ok() && error.has_value();
}

}  // namespace sluice::kafka::client
