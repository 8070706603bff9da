// GroupCoordinator: SyncGroup, Heartbeat, LeaveGroup, member sessions and removal, following Kafka's
// classic coordinator. Runs on the io_context thread only.
#include <utility>

#include "broker/group/group_coordinator.h"

namespace sluice::broker::group {

using kafka::ErrorCode;
using kafka::messages::HeartbeatRequest;
using kafka::messages::HeartbeatResponse;
using kafka::messages::LeaveGroupRequest;
using kafka::messages::LeaveGroupResponse;
using kafka::messages::SyncGroupRequest;
using kafka::messages::SyncGroupResponse;

namespace {

SyncResult SyncError(ErrorCode e) {
  SyncResult r;
  r.error = e;
  return r;
}

}  // namespace

void GroupCoordinator::SyncGroup(const RequestContext& ctx, SyncGroupRequest req,
                                 Respond<SyncGroupResponse> done) {
  const int16_t version = ctx.api_version;
  asio::io_context* io = &io_;
  SyncCallback cb = [io, version, done = std::move(done)](SyncResult r) {
    SyncGroupResponse resp;
    resp.error_code = kafka::ErrorToInt(r.error);
    resp.assignment = std::move(r.assignment);
    if (version >= 5) {
      resp.protocol_type = std::move(r.protocol_type);
      resp.protocol_name = std::move(r.protocol_name);
    }
    asio::post(*io, [done, resp = std::move(resp)]() mutable { done(std::move(resp)); });
  };
  if (req.group_id.empty()) return cb(SyncError(ErrorCode::kInvalidGroupId));
  Group* g = FindGroup(req.group_id);
  if (g == nullptr) return cb(SyncError(ErrorCode::kUnknownMemberId));
  if (g->Is(GroupState::kDead)) return cb(SyncError(ErrorCode::kCoordinatorNotAvailable));
  const std::optional<std::string> instance_id = version >= 3 ? req.group_instance_id : std::nullopt;
  ErrorCode e = ValidateCurrentMember(g, req.member_id, instance_id, req.generation_id);
  if (e != ErrorCode::kNone) return cb(SyncError(e));
  if ((req.protocol_type && g->protocol_type() != req.protocol_type) ||
      (req.protocol_name && g->protocol_name() != req.protocol_name)) {
    return cb(SyncError(ErrorCode::kInconsistentGroupProtocol));
  }
  Member* m = g->Get(req.member_id);
  switch (g->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return cb(SyncError(ErrorCode::kUnknownMemberId));
    case GroupState::kPreparingRebalance:
      return cb(SyncError(ErrorCode::kRebalanceInProgress));
    case GroupState::kStable: {
      g->pending_sync().erase(m->member_id);
      SyncResult r;
      r.protocol_type = g->protocol_type();
      r.protocol_name = g->protocol_name();
      r.assignment = m->assignment;
      ScheduleSession(g, m);
      return cb(std::move(r));
    }
    case GroupState::kCompletingRebalance:
      break;
  }
  m->awaiting_sync = std::move(cb);
  g->pending_sync().erase(m->member_id);
  if (!g->IsLeader(m->member_id)) return;  // followers wait for the leader's assignment
  // The leader's assignment: members it left out get an empty one; unknown member ids are ignored.
  for (Member* member : g->MembersInOrder()) member->assignment = kafka::SharedBytes{};
  for (auto& a : req.assignments) {
    if (Member* target = g->Get(a.member_id)) target->assignment = std::move(a.assignment);
  }
  const std::string gid = g->id();
  const int32_t generation = g->generation();
  StoreGroup(g, [this, gid, generation](ErrorCode err) {
    Group* grp = FindGroup(gid);
    // Another rebalance may have started meanwhile; it already answered the waiting members.
    if (grp == nullptr || !grp->Is(GroupState::kCompletingRebalance) || grp->generation() != generation)
      return;
    if (err != ErrorCode::kNone) {
      ResetAndPropagateAssignmentError(grp, err);
      return MaybePrepareRebalance(grp);
    }
    grp->set_state(GroupState::kStable);
    PropagateAssignment(grp);
  });
}

void GroupCoordinator::ResetAndPropagateAssignmentError(Group* g, ErrorCode error) {
  for (Member* m : g->MembersInOrder()) {
    m->assignment = kafka::SharedBytes{};
    if (m->awaiting_sync) {
      g->MaybeInvokeSync(m, SyncError(error));
      ScheduleSession(g, m);
    }
  }
}

void GroupCoordinator::PropagateAssignment(Group* g) {
  for (Member* m : g->MembersInOrder()) {
    if (!m->awaiting_sync) continue;
    SyncResult r;
    r.protocol_type = g->protocol_type();
    r.protocol_name = g->protocol_name();
    r.assignment = m->assignment;
    g->MaybeInvokeSync(m, std::move(r));
    ScheduleSession(g, m);
  }
}

void GroupCoordinator::ArmPendingSync(Group* g) {
  const uint64_t token = next_token_++;
  g->sync_token = token;
  std::string gid = g->id();
  Arm(g->sync_timer, g->RebalanceTimeoutMs(), [this, gid, token] { OnPendingSyncExpired(gid, token); });
}

void GroupCoordinator::OnPendingSyncExpired(const std::string& group_id, uint64_t token) {
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->sync_token != token) return;
  if (!g->Is(GroupState::kCompletingRebalance) && !g->Is(GroupState::kStable)) return;
  if (g->pending_sync().empty()) return;
  // Members that never sent SyncGroup after the JoinGroup answer are dropped and the group rebalances.
  std::set<std::string> missing = g->pending_sync();
  for (const std::string& id : missing) g->Remove(id);
  PrepareRebalance(g);
}

ErrorCode GroupCoordinator::ValidateCurrentMember(Group* g, const std::string& member_id,
                                                  const std::optional<std::string>& instance_id,
                                                  int32_t generation) {
  if (g->IsStaticMemberFenced(instance_id, member_id)) return ErrorCode::kFencedInstanceId;
  if (!g->Has(member_id)) return ErrorCode::kUnknownMemberId;
  if (generation != g->generation()) return ErrorCode::kIllegalGeneration;
  return ErrorCode::kNone;
}

void GroupCoordinator::Heartbeat(const RequestContext& ctx, const HeartbeatRequest& req,
                                 Respond<HeartbeatResponse> done) {
  auto answer = [this, &done](ErrorCode e) {
    HeartbeatResponse resp;
    resp.error_code = kafka::ErrorToInt(e);
    Post(std::move(done), std::move(resp));
  };
  if (req.group_id.empty()) return answer(ErrorCode::kInvalidGroupId);
  Group* g = FindGroup(req.group_id);
  if (g == nullptr) return answer(ErrorCode::kUnknownMemberId);
  if (g->Is(GroupState::kDead)) return answer(ErrorCode::kCoordinatorNotAvailable);
  const std::optional<std::string> instance_id = ctx.api_version >= 3 ? req.group_instance_id : std::nullopt;
  ErrorCode e = ValidateCurrentMember(g, req.member_id, instance_id, req.generation_id);
  if (e != ErrorCode::kNone) return answer(e);
  Member* m = g->Get(req.member_id);
  switch (g->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return answer(ErrorCode::kUnknownMemberId);
    case GroupState::kPreparingRebalance:
      ScheduleSession(g, m);
      return answer(ErrorCode::kRebalanceInProgress);
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      ScheduleSession(g, m);
      return answer(ErrorCode::kNone);
  }
}

void GroupCoordinator::LeaveGroup(const RequestContext& ctx, const LeaveGroupRequest& req,
                                  Respond<LeaveGroupResponse> done) {
  const int16_t version = ctx.api_version;
  std::vector<LeaveGroupRequest::MemberIdentity> leaving;
  if (version >= 3) {
    leaving = req.members;
  } else {
    leaving.emplace_back();
    leaving.back().member_id = req.member_id;
  }
  LeaveGroupResponse resp;
  Group* g = req.group_id.empty() ? nullptr : FindGroup(req.group_id);
  if (req.group_id.empty()) {
    resp.error_code = kafka::ErrorToInt(ErrorCode::kInvalidGroupId);
  } else if (g != nullptr && g->Is(GroupState::kDead)) {
    resp.error_code = kafka::ErrorToInt(ErrorCode::kCoordinatorNotAvailable);
  } else {
    for (const auto& identity : leaving) {
      LeaveGroupResponse::MemberResponse mr;
      mr.member_id = identity.member_id;
      mr.group_instance_id = identity.group_instance_id;
      ErrorCode e = g == nullptr ? ErrorCode::kUnknownMemberId
                                 : LeaveOne(g, identity.member_id, identity.group_instance_id);
      mr.error_code = kafka::ErrorToInt(e);
      resp.members.push_back(std::move(mr));
    }
  }
  if (version < 3) {
    // One member: its error is the request's error.
    if (resp.error_code == 0 && !resp.members.empty()) resp.error_code = resp.members.front().error_code;
    resp.members.clear();
  }
  Post(std::move(done), std::move(resp));
}

ErrorCode GroupCoordinator::LeaveOne(Group* g, const std::string& member_id,
                                     const std::optional<std::string>& instance_id) {
  if (member_id.empty() && instance_id) {
    std::optional<std::string> registered = g->StaticMemberId(*instance_id);
    if (!registered) return ErrorCode::kUnknownMemberId;
    RemoveMemberAndUpdateGroup(g, *registered);
    return ErrorCode::kNone;
  }
  if (g->IsPending(member_id)) {
    RemovePendingMemberAndUpdateGroup(g, member_id);
    return ErrorCode::kNone;
  }
  if (g->IsStaticMemberFenced(instance_id, member_id)) return ErrorCode::kFencedInstanceId;
  if (!g->Has(member_id)) return ErrorCode::kUnknownMemberId;
  RemoveMemberAndUpdateGroup(g, member_id);
  return ErrorCode::kNone;
}

void GroupCoordinator::ScheduleSession(Group* g, Member* m) {
  const uint64_t token = next_token_++;
  m->session_token = token;
  const int64_t ms = m->is_new ? config_.new_member_join_timeout_ms : m->session_timeout_ms;
  std::string gid = g->id();
  std::string mid = m->member_id;
  Arm(m->session_timer, ms, [this, gid, mid, token] { OnSessionExpired(gid, mid, token); });
}

void GroupCoordinator::OnSessionExpired(const std::string& group_id, const std::string& member_id,
                                        uint64_t token) {
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->Is(GroupState::kDead)) return;
  Member* m = g->Get(member_id);
  if (m == nullptr || m->session_token != token) return;
  // Members waiting in a JoinGroup/SyncGroup count as alive; the rebalance reschedules them. New
  // members waiting too long in JoinGroup do not.
  if (!m->is_new && (m->awaiting_join || m->awaiting_sync)) return;
  RemoveMemberAndUpdateGroup(g, member_id);
}

void GroupCoordinator::OnPendingMemberExpired(const std::string& group_id, const std::string& member_id) {
  Group* g = FindGroup(group_id);
  if (g == nullptr || !g->IsPending(member_id)) return;
  RemovePendingMemberAndUpdateGroup(g, member_id);
}

void GroupCoordinator::RemoveMemberAndUpdateGroup(Group* g, const std::string& member_id) {
  Member* m = g->Get(member_id);
  if (m == nullptr) return;
  // A waiting JoinGroup is told UNKNOWN_MEMBER_ID so a still-alive client joins again.
  JoinResult jr;
  jr.error = ErrorCode::kUnknownMemberId;
  g->MaybeInvokeJoin(m, std::move(jr));
  g->MaybeInvokeSync(m, SyncError(ErrorCode::kUnknownMemberId));
  g->Remove(member_id);
  switch (g->state()) {
    case GroupState::kDead:
    case GroupState::kEmpty:
      return;
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      return MaybePrepareRebalance(g);
    case GroupState::kPreparingRebalance:
      return CheckAndCompleteJoin(g);
  }
}

void GroupCoordinator::RemovePendingMemberAndUpdateGroup(Group* g, const std::string& member_id) {
  g->pending_members().erase(member_id);
  if (g->Is(GroupState::kPreparingRebalance)) CheckAndCompleteJoin(g);
}

}  // namespace sluice::broker::group
