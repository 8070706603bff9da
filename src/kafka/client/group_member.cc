// GroupMember: configuration, Join (JoinGroup + SyncGroup with retries) and Leave. Coordinator discovery
// and heartbeats are in group_member_support.cc. Thread-safety: see group_member.h.
#include "kafka/client/group_member.h"

#include <algorithm>
#include <utility>

#include "base/logging.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/join_group.h"
#include "kafka/protocol/generated/leave_group.h"
#include "kafka/protocol/generated/sync_group.h"

namespace sluice::kafka::client {

namespace msg = messages;

namespace {

Status GroupError(std::string_view what, int16_t code) {
  return Status::Unavailable(std::string(what) + ": " + DescribeErrorCode(code));
}

std::vector<uint8_t> ToVector(const SharedBytes& b) { return {b.data(), b.data() + b.size()}; }

}  // namespace

Status GroupMemberConfig::Validate() const {
  if (group_id.empty()) return Status::InvalidArgument("group.id must not be empty");
  if (bootstrap_servers.empty()) return Status::InvalidArgument("bootstrap.servers must not be empty");
  for (const std::string& s : bootstrap_servers) RETURN_IF_ERROR(ParseHostPort(s).status());
  if (protocol_type.empty()) return Status::InvalidArgument("the protocol type must not be empty");
  if (session_timeout_ms <= 0 || rebalance_timeout_ms <= 0 || heartbeat_interval_ms <= 0 ||
      retry_backoff_ms < 0 || request_timeout_ms <= 0 || connect_timeout_ms <= 0) {
    return Status::InvalidArgument("group member timeouts must be positive");
  }
  if (heartbeat_interval_ms >= session_timeout_ms) {
    return Status::InvalidArgument("heartbeat.interval.ms must be lower than session.timeout.ms");
  }
  return Status::OK();
}

GroupMember::GroupMember(GroupMemberConfig config) : config_(std::move(config)) {}

GroupMember::~GroupMember() {
  const Status s = Leave();
  if (!s.ok()) LOG_WARN("group {}: leaving on close failed: {}", config_.group_id, s.ToString());
}

ConnectionOptions GroupMember::MakeConnectionOptions() const {
  ConnectionOptions o;
  o.client_id = config_.client_id;
  o.connect_timeout = std::chrono::milliseconds(config_.connect_timeout_ms);
  o.request_timeout = std::chrono::milliseconds(config_.request_timeout_ms);
  return o;
}

std::chrono::milliseconds GroupMember::GroupCallTimeout(Clock::time_point deadline) const {
  // As Kafka: JoinGroup may wait a whole rebalance timeout on the broker, plus some slack.
  const auto call = std::chrono::milliseconds(
      std::max<int64_t>(config_.request_timeout_ms, int64_t{config_.rebalance_timeout_ms} + 5000));
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(std::chrono::milliseconds(1), std::min(call, left));
}

Result<JoinResult> GroupMember::Join(const std::vector<GroupProtocol>& protocols, const AssignFn& assign,
                                     std::chrono::milliseconds timeout) {
  RETURN_IF_ERROR(config_.Validate());
  if (protocols.empty()) return Status::InvalidArgument("Join needs at least one protocol");
  const Clock::time_point deadline = Clock::now() + timeout;
  {
    std::lock_guard lock(mu_);
    ++join_epoch_;
    state_ = State::kJoining;
    generation_ = -1;
    rebalance_needed_ = false;
  }
  Status last = Status::Timeout("no attempt finished");
  // A timeout (maybe our own deadline cutting an attempt short) explains less than another failure.
  auto remember = [&](const Status& s) {
    if (s.code() != Status::Code::kTimeout || last.code() == Status::Code::kTimeout) last = s;
  };
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (wakeup_) {
        wakeup_ = false;
        state_ = State::kUnjoined;
        return Status::Aborted("group " + config_.group_id + ": join woken up");
      }
    }
    if (Clock::now() >= deadline) {
      std::lock_guard lock(mu_);
      state_ = State::kUnjoined;
      return Status::Timeout("group " + config_.group_id +
                             ": no generation formed in time; last error: " + last.ToString());
    }
    Retry retry = Retry::kAfterBackoff;
    if (coordinator_ == nullptr || !coordinator_->healthy()) {
      Result<std::unique_ptr<Connection>> found = FindCoordinator(deadline, &owner_conn_);
      if (!found.ok()) {
        remember(found.status());
      } else {
        coordinator_ = std::move(found).value();
      }
    }
    if (coordinator_ != nullptr && coordinator_->healthy()) {
      bool woken = false;
      {
        std::lock_guard lock(mu_);
        woken = wakeup_;
        if (!woken) owner_conn_ = coordinator_.get();
      }
      if (woken) continue;  // the top of the loop returns Aborted
      Result<JoinResult> r = JoinOnce(*coordinator_, protocols, assign, deadline, &retry);
      {
        std::lock_guard lock(mu_);
        owner_conn_ = nullptr;
        if (r.ok()) {
          state_ = State::kStable;
          generation_ = r->generation_id;
          last_heartbeat_ok_ = Clock::now();
        } else if (retry == Retry::kNo || r.status().code() == Status::Code::kAborted) {
          state_ = State::kUnjoined;
          if (r.status().code() == Status::Code::kAborted) wakeup_ = false;
        }
      }
      if (r.ok()) {
        LOG_INFO("group {}: joined generation {} as {} ({}; protocol {})", config_.group_id, r->generation_id,
                 r->member_id, r->is_leader ? "leader" : "follower", r->protocol);
        StartHeartbeatThread();
        return r;
      }
      if (retry == Retry::kNo || r.status().code() == Status::Code::kAborted) return r.status();
      remember(r.status());
      if (retry == Retry::kRediscover) coordinator_.reset();
    }
    if (retry == Retry::kNow) continue;
    LOG_DEBUG("group {}: join attempt failed, retrying: {}", config_.group_id, last.ToString());
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    Backoff(
        std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(config_.retry_backoff_ms)));
  }
}

Result<JoinResult> GroupMember::JoinOnce(Connection& conn, const std::vector<GroupProtocol>& protocols,
                                         const AssignFn& assign, Clock::time_point deadline, Retry* retry) {
  const int16_t version = conn.NegotiatedVersion(msg::JoinGroupRequest::kApiKey);
  msg::JoinGroupRequest req;
  req.group_id = config_.group_id;
  req.session_timeout_ms = config_.session_timeout_ms;
  if (version >= 1) req.rebalance_timeout_ms = config_.rebalance_timeout_ms;
  req.member_id = member_id();
  req.protocol_type = config_.protocol_type;
  for (const GroupProtocol& p : protocols) {
    msg::JoinGroupRequest::JoinGroupRequestProtocol proto;
    proto.name = p.name;
    proto.metadata = SharedBytes(p.metadata);
    req.protocols.push_back(std::move(proto));
  }
  Result<msg::JoinGroupResponse> resp = conn.Call<msg::JoinGroupResponse>(req, GroupCallTimeout(deadline));
  if (!resp.ok()) {
    *retry = Retry::kRediscover;
    return resp.status();
  }
  const ErrorCode error = ErrorFromInt(resp->error_code);
  switch (error) {
    case ErrorCode::kNone:
      break;
    case ErrorCode::kMemberIdRequired: {
      std::lock_guard lock(mu_);
      member_id_ = resp->member_id;
      *retry = Retry::kNow;
      return GroupError("JoinGroup", resp->error_code);
    }
    case ErrorCode::kUnknownMemberId: {
      std::lock_guard lock(mu_);
      member_id_.clear();
      *retry = Retry::kAfterBackoff;
      return GroupError("JoinGroup", resp->error_code);
    }
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kNotCoordinator:
      *retry = Retry::kRediscover;
      return GroupError("JoinGroup", resp->error_code);
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kRebalanceInProgress:
    case ErrorCode::kIllegalGeneration:
      *retry = Retry::kAfterBackoff;
      return GroupError("JoinGroup", resp->error_code);
    default:
      *retry = IsRetriable(error) ? Retry::kAfterBackoff : Retry::kNo;
      return Status::InvalidArgument("group " + config_.group_id +
                                     ": JoinGroup failed: " + DescribeErrorCode(resp->error_code));
  }
  JoinResult joined;
  joined.generation_id = resp->generation_id;
  joined.member_id = resp->member_id;
  joined.leader_id = resp->leader;
  joined.is_leader = resp->member_id == resp->leader;
  joined.protocol = resp->protocol_name.value_or("");
  {
    std::lock_guard lock(mu_);
    member_id_ = resp->member_id;
  }
  std::vector<GroupMemberMetadata> members;
  if (joined.is_leader && !resp->skip_assignment) {
    for (auto& m : resp->members) {
      members.push_back(GroupMemberMetadata{m.member_id, m.group_instance_id, ToVector(m.metadata)});
    }
  }
  return SyncOnce(conn, std::move(joined), members, assign, deadline, retry);
}

Result<JoinResult> GroupMember::SyncOnce(Connection& conn, JoinResult joined,
                                         const std::vector<GroupMemberMetadata>& members,
                                         const AssignFn& assign, Clock::time_point deadline, Retry* retry) {
  const int16_t version = conn.NegotiatedVersion(msg::SyncGroupRequest::kApiKey);
  msg::SyncGroupRequest req;
  req.group_id = config_.group_id;
  req.generation_id = joined.generation_id;
  req.member_id = joined.member_id;
  if (version >= 5) {
    req.protocol_type = config_.protocol_type;
    req.protocol_name = joined.protocol;
  }
  if (!members.empty()) {
    if (!assign) {
      *retry = Retry::kNo;
      return Status::InvalidArgument("group " + config_.group_id + ": elected leader without an assignor");
    }
    Result<std::map<std::string, std::vector<uint8_t>>> assignments = assign(joined.protocol, members);
    if (!assignments.ok()) {
      *retry = Retry::kNo;
      return assignments.status().WithContext("group " + config_.group_id + ": assignor");
    }
    for (auto& [member, bytes] : *assignments) {
      msg::SyncGroupRequest::SyncGroupRequestAssignment a;
      a.member_id = member;
      a.assignment = SharedBytes(std::move(bytes));
      req.assignments.push_back(std::move(a));
    }
    joined.member_count = members.size();
  }
  Result<msg::SyncGroupResponse> resp = conn.Call<msg::SyncGroupResponse>(req, GroupCallTimeout(deadline));
  if (!resp.ok()) {
    *retry = Retry::kRediscover;
    return resp.status();
  }
  const ErrorCode error = ErrorFromInt(resp->error_code);
  switch (error) {
    case ErrorCode::kNone:
      joined.assignment = ToVector(resp->assignment);
      return joined;
    case ErrorCode::kUnknownMemberId: {
      std::lock_guard lock(mu_);
      member_id_.clear();
      *retry = Retry::kAfterBackoff;
      return GroupError("SyncGroup", resp->error_code);
    }
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kNotCoordinator:
      *retry = Retry::kRediscover;
      return GroupError("SyncGroup", resp->error_code);
    case ErrorCode::kRebalanceInProgress:
    case ErrorCode::kIllegalGeneration:
    case ErrorCode::kCoordinatorLoadInProgress:
      *retry = Retry::kNow;
      return GroupError("SyncGroup", resp->error_code);
    default:
      *retry = IsRetriable(error) ? Retry::kAfterBackoff : Retry::kNo;
      return Status::InvalidArgument("group " + config_.group_id +
                                     ": SyncGroup failed: " + DescribeErrorCode(resp->error_code));
  }
}

Status GroupMember::Leave() {
  StopHeartbeatThread();
  std::string id;
  {
    std::lock_guard lock(mu_);
    wakeup_ = false;  // leaving is never cancelled by a Wakeup() meant for Join()
    id = std::move(member_id_);
    member_id_.clear();
    generation_ = -1;
    state_ = State::kUnjoined;
    ++join_epoch_;
  }
  if (id.empty()) return Status::OK();
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(config_.request_timeout_ms);
  if (coordinator_ == nullptr || !coordinator_->healthy()) {
    Result<std::unique_ptr<Connection>> found = FindCoordinator(deadline, &owner_conn_);
    if (!found.ok()) return found.status().WithContext("group " + config_.group_id + ": LeaveGroup");
    coordinator_ = std::move(found).value();
  }
  msg::LeaveGroupRequest req;
  req.group_id = config_.group_id;
  if (coordinator_->NegotiatedVersion(msg::LeaveGroupRequest::kApiKey) >= 3) {
    msg::LeaveGroupRequest::MemberIdentity who;
    who.member_id = id;
    req.members.push_back(std::move(who));
  } else {
    req.member_id = id;
  }
  {
    std::lock_guard lock(mu_);
    owner_conn_ = coordinator_.get();
  }
  Result<msg::LeaveGroupResponse> resp = coordinator_->Call<msg::LeaveGroupResponse>(req);
  {
    std::lock_guard lock(mu_);
    owner_conn_ = nullptr;
  }
  if (!resp.ok()) return resp.status().WithContext("group " + config_.group_id + ": LeaveGroup");
  int16_t error = resp->error_code;
  for (const auto& m : resp->members) {
    if (error == 0) error = m.error_code;
  }
  // UNKNOWN_MEMBER_ID: the coordinator had already removed us, which is what leaving wants.
  if (error != 0 && ErrorFromInt(error) != ErrorCode::kUnknownMemberId) {
    return GroupError("group " + config_.group_id + ": LeaveGroup", error);
  }
  LOG_INFO("group {}: member {} left", config_.group_id, id);
  return Status::OK();
}

}  // namespace sluice::kafka::client
