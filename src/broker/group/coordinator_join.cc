// GroupCoordinator: JoinGroup handling and the rebalance (PreparingRebalance -> CompletingRebalance),
// following Kafka's classic coordinator. Runs on the io_context thread only.
#include <algorithm>
#include <random>

#include "broker/group/group_coordinator.h"

namespace sluice::broker::group {

using kafka::ErrorCode;
using kafka::messages::JoinGroupRequest;
using kafka::messages::JoinGroupResponse;

namespace {

JoinGroupResponse ToJoinResponse(JoinResult r, int16_t version) {
  JoinGroupResponse resp;
  resp.error_code = kafka::ErrorToInt(r.error);
  resp.generation_id = r.generation_id;
  resp.member_id = std::move(r.member_id);
  resp.leader = std::move(r.leader);
  if (version >= 7) {
    resp.protocol_type = std::move(r.protocol_type);
    resp.protocol_name = std::move(r.protocol_name);
  } else {
    resp.protocol_name = r.protocol_name.value_or("");
  }
  if (version >= 9) resp.skip_assignment = r.skip_assignment;
  resp.members = std::move(r.members);
  if (version < 5) {
    for (auto& m : resp.members) m.group_instance_id.reset();
  }
  return resp;
}

JoinResult JoinError(ErrorCode e, std::string member_id) {
  JoinResult r;
  r.error = e;
  r.member_id = std::move(member_id);
  return r;
}

// Kafka's acceptJoiningMember: group.max.size counts members, or members awaiting join mid-rebalance.
bool AcceptJoiningMember(Group* g, const std::string& member_id, int32_t max_size) {
  switch (g->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return true;
    case GroupState::kPreparingRebalance: {
      Member* m = g->Get(member_id);
      return (m != nullptr && m->awaiting_join) || g->num_awaiting_join() < max_size;
    }
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      return g->Has(member_id) || g->size() < static_cast<size_t>(max_size);
  }
  return false;
}

}  // namespace

std::string GroupCoordinator::NewMemberId(const std::string& client_id) const {
  // <client.id>-<random UUID>, as Kafka (java.util.UUID.randomUUID().toString()).
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint8_t b[16];
  for (int i = 0; i < 16; i += 8) {
    uint64_t v = rng();
    for (int k = 0; k < 8; ++k) b[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // IETF variant
  static const char kHex[] = "0123456789abcdef";
  std::string out = client_id + "-";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xF];
  }
  return out;
}

void GroupCoordinator::JoinGroup(const RequestContext& ctx, JoinGroupRequest req,
                                 Respond<JoinGroupResponse> done) {
  const int16_t version = ctx.api_version;
  asio::io_context* io = &io_;
  JoinCallback cb = [io, version, done = std::move(done)](JoinResult r) {
    asio::post(*io,
               [done, resp = ToJoinResponse(std::move(r), version)]() mutable { done(std::move(resp)); });
  };
  if (req.group_id.empty()) return cb(JoinError(ErrorCode::kInvalidGroupId, req.member_id));
  if (req.session_timeout_ms < config_.min_session_timeout_ms ||
      req.session_timeout_ms > config_.max_session_timeout_ms) {
    return cb(JoinError(ErrorCode::kInvalidSessionTimeout, req.member_id));
  }
  JoinArgs args;
  args.member_id = req.member_id;
  args.group_instance_id = version >= 5 ? req.group_instance_id : std::nullopt;
  args.client_id = ctx.client_id;
  args.client_host = ctx.client_host;
  args.session_timeout_ms = req.session_timeout_ms;
  args.rebalance_timeout_ms = version == 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  args.protocol_type = req.protocol_type;
  for (auto& p : req.protocols) args.protocols.emplace_back(std::move(p.name), std::move(p.metadata));
  args.require_known_member_id = version >= 4 && !args.group_instance_id;
  args.supports_skip_assignment = version >= 9;

  const bool unknown_member = args.member_id.empty();
  Group* g = FindGroup(req.group_id);
  if (g == nullptr) {
    if (!unknown_member) return cb(JoinError(ErrorCode::kUnknownMemberId, args.member_id));
    g = GetOrCreateGroup(req.group_id);
  }
  if (!AcceptJoiningMember(g, args.member_id, config_.max_group_size)) {
    return cb(JoinError(ErrorCode::kGroupMaxSizeReached, ""));
  }
  if (unknown_member) {
    DoNewMemberJoin(g, std::move(args), std::move(cb));
  } else {
    DoCurrentMemberJoin(g, std::move(args), std::move(cb));
  }
  if (g->Is(GroupState::kPreparingRebalance)) CheckAndCompleteJoin(g);
}

void GroupCoordinator::DoNewMemberJoin(Group* g, JoinArgs args, JoinCallback cb) {
  if (g->Is(GroupState::kDead)) return cb(JoinError(ErrorCode::kCoordinatorNotAvailable, ""));
  if (!g->SupportsProtocols(args.protocol_type, args.protocols)) {
    return cb(JoinError(ErrorCode::kInconsistentGroupProtocol, ""));
  }
  std::string new_id = NewMemberId(args.client_id);
  if (args.group_instance_id) return DoStaticMemberJoin(g, std::move(args), std::move(new_id), std::move(cb));
  if (args.require_known_member_id) {
    // KIP-394: hand out the id and expect the member back with it within its session timeout.
    std::string gid = g->id();
    Arm(g->pending_members()[new_id], args.session_timeout_ms,
        [this, gid, new_id] { OnPendingMemberExpired(gid, new_id); });
    return cb(JoinError(ErrorCode::kMemberIdRequired, new_id));
  }
  AddMemberAndRebalance(g, args, new_id, std::move(cb));
}

void GroupCoordinator::DoStaticMemberJoin(Group* g, JoinArgs args, std::string new_member_id,
                                          JoinCallback cb) {
  std::optional<std::string> old_id = g->StaticMemberId(*args.group_instance_id);
  if (!old_id) return AddMemberAndRebalance(g, args, new_member_id, std::move(cb));
  UpdateStaticMemberAndRebalance(g, args, *old_id, new_member_id, std::move(cb));
}

void GroupCoordinator::DoCurrentMemberJoin(Group* g, JoinArgs args, JoinCallback cb) {
  if (g->Is(GroupState::kDead)) return cb(JoinError(ErrorCode::kCoordinatorNotAvailable, args.member_id));
  if (!g->SupportsProtocols(args.protocol_type, args.protocols)) {
    return cb(JoinError(ErrorCode::kInconsistentGroupProtocol, args.member_id));
  }
  if (g->IsPending(args.member_id)) {
    // A member back with the id MEMBER_ID_REQUIRED gave it.
    if (args.group_instance_id) return cb(JoinError(ErrorCode::kUnknownMemberId, args.member_id));
    std::string id = args.member_id;
    return AddMemberAndRebalance(g, args, id, std::move(cb));
  }
  if (g->IsStaticMemberFenced(args.group_instance_id, args.member_id)) {
    return cb(JoinError(ErrorCode::kFencedInstanceId, args.member_id));
  }
  Member* m = g->Get(args.member_id);
  if (m == nullptr) return cb(JoinError(ErrorCode::kUnknownMemberId, args.member_id));
  switch (g->state()) {
    case GroupState::kPreparingRebalance:
      return UpdateMemberAndRebalance(g, m, args, std::move(cb));
    case GroupState::kCompletingRebalance:
      // Same metadata: the member probably missed the JoinGroup answer; repeat it.
      if (m->Matches(args.protocols)) return cb(CurrentGenerationResult(g, m, g->IsLeader(m->member_id)));
      return UpdateMemberAndRebalance(g, m, args, std::move(cb));
    case GroupState::kStable:
      if (g->IsLeader(m->member_id) || !m->Matches(args.protocols)) {
        return UpdateMemberAndRebalance(g, m, args, std::move(cb));
      }
      return cb(CurrentGenerationResult(g, m, false));
    case GroupState::kEmpty:
    case GroupState::kDead:
      return cb(JoinError(ErrorCode::kUnknownMemberId, args.member_id));
  }
}

JoinResult GroupCoordinator::CurrentGenerationResult(Group* g, Member* m, bool with_members) {
  JoinResult r;
  r.member_id = m->member_id;
  r.generation_id = g->generation();
  r.protocol_type = g->protocol_type();
  r.protocol_name = g->protocol_name();
  r.leader = g->leader_id().value_or("");
  if (with_members) r.members = g->CurrentMemberMetadata();
  return r;
}

void GroupCoordinator::AddMemberAndRebalance(Group* g, const JoinArgs& args, const std::string& member_id,
                                             JoinCallback cb) {
  auto m = std::make_unique<Member>();
  m->member_id = member_id;
  m->group_instance_id = args.group_instance_id;
  m->client_id = args.client_id;
  m->client_host = args.client_host;
  m->session_timeout_ms = args.session_timeout_ms;
  m->rebalance_timeout_ms = args.rebalance_timeout_ms;
  m->protocol_type = args.protocol_type;
  m->protocols = args.protocols;
  m->join_seq = next_join_seq_++;
  m->is_new = true;
  // A new member extends the initial rebalance delay of a new group.
  if (g->Is(GroupState::kPreparingRebalance) && g->generation() == 0) g->new_member_added = true;
  Member* raw = m.get();
  g->Add(std::move(m), std::move(cb));
  // New members cannot heartbeat while their JoinGroup waits: they expire after the join timeout.
  ScheduleSession(g, raw);
  if (g->Is(GroupState::kPreparingRebalance)) {
    CheckAndCompleteJoin(g);
  } else {
    MaybePrepareRebalance(g);
  }
}

void GroupCoordinator::UpdateMemberAndRebalance(Group* g, Member* m, const JoinArgs& args, JoinCallback cb) {
  g->UpdateMember(m, args.protocols, args.rebalance_timeout_ms, args.session_timeout_ms, std::move(cb));
  if (g->Is(GroupState::kPreparingRebalance)) {
    CheckAndCompleteJoin(g);
  } else {
    MaybePrepareRebalance(g);
  }
}

void GroupCoordinator::UpdateStaticMemberAndRebalance(Group* g, const JoinArgs& args,
                                                      const std::string& old_id, const std::string& new_id,
                                                      JoinCallback cb) {
  const std::string instance_id = *args.group_instance_id;
  const std::string current_leader = g->leader_id().value_or("");
  Member* m = g->ReplaceStaticMember(instance_id, old_id, new_id);
  ScheduleSession(g, m);
  const Protocols old_protocols = m->protocols;
  const int32_t old_rebalance = m->rebalance_timeout_ms;
  const int32_t old_session = m->session_timeout_ms;
  switch (g->state()) {
    case GroupState::kStable: {
      g->UpdateMember(m, args.protocols, args.rebalance_timeout_ms, args.session_timeout_ms, nullptr);
      if (g->protocol_name() != g->SelectProtocol()) {
        // The group's protocol would change: rebalance.
        g->UpdateMember(m, args.protocols, args.rebalance_timeout_ms, args.session_timeout_ms, std::move(cb));
        return MaybePrepareRebalance(g);
      }
      // Same generation: persist the new member id, then answer (KIP-345: no rebalance).
      const bool skip = args.supports_skip_assignment;
      std::string gid = g->id();
      StoreGroup(g, [this, gid, instance_id, old_id, new_id, old_protocols, old_rebalance, old_session,
                     current_leader, skip, cb = std::move(cb)](ErrorCode e) {
        Group* grp = FindGroup(gid);
        Member* mem = grp != nullptr ? grp->Get(new_id) : nullptr;
        if (mem == nullptr) return cb(JoinError(ErrorCode::kUnknownMemberId, new_id));
        if (e != ErrorCode::kNone) {
          // Undo the replacement: the old member id stays valid.
          mem = grp->ReplaceStaticMember(instance_id, new_id, old_id);
          grp->UpdateMember(mem, old_protocols, old_rebalance, old_session, nullptr);
          JoinResult r = JoinError(e, new_id);
          r.generation_id = grp->generation();
          r.protocol_type = grp->protocol_type();
          r.protocol_name = grp->protocol_name();
          return cb(std::move(r));
        }
        JoinResult r = CurrentGenerationResult(grp, mem, false);
        if (grp->IsLeader(new_id) && skip) {
          r.members = grp->CurrentMemberMetadata();
          r.skip_assignment = true;
        } else {
          r.leader = current_leader;  // the leader acts as follower: no new assignment is needed
        }
        cb(std::move(r));
      });
      return;
    }
    case GroupState::kCompletingRebalance:
      // The leader may be assigning with the old id: rebalance again.
      g->UpdateMember(m, args.protocols, args.rebalance_timeout_ms, args.session_timeout_ms, std::move(cb));
      return PrepareRebalance(g);
    case GroupState::kPreparingRebalance:
      g->UpdateMember(m, args.protocols, args.rebalance_timeout_ms, args.session_timeout_ms, std::move(cb));
      return CheckAndCompleteJoin(g);
    case GroupState::kEmpty:
    case GroupState::kDead:
      return cb(JoinError(ErrorCode::kUnknownMemberId, ""));
  }
}

void GroupCoordinator::MaybePrepareRebalance(Group* g) {
  if (g->CanRebalance()) PrepareRebalance(g);
}

void GroupCoordinator::PrepareRebalance(Group* g) {
  if (g->Is(GroupState::kCompletingRebalance))
    ResetAndPropagateAssignmentError(g, ErrorCode::kRebalanceInProgress);
  g->sync_timer.reset();
  g->pending_sync().clear();
  const bool initial = g->Is(GroupState::kEmpty);
  g->set_state(GroupState::kPreparingRebalance);
  if (initial) {
    // A new group waits group.initial.rebalance.delay.ms for more members, extended while they come.
    g->initial_delay_active = true;
    g->new_member_added = false;
    const int32_t delay = std::min(config_.initial_rebalance_delay_ms, g->RebalanceTimeoutMs());
    g->initial_delay_remaining_ms = std::max(g->RebalanceTimeoutMs() - delay, 0);
    ArmJoinTimer(g, delay);
  } else {
    g->initial_delay_active = false;
    ArmJoinTimer(g, g->RebalanceTimeoutMs());
    CheckAndCompleteJoin(g);
  }
}

void GroupCoordinator::ArmJoinTimer(Group* g, int64_t ms) {
  const uint64_t token = next_token_++;
  g->join_token = token;
  std::string gid = g->id();
  Arm(g->join_timer, ms, [this, gid, token] { OnJoinTimer(gid, token); });
}

void GroupCoordinator::OnJoinTimer(const std::string& group_id, uint64_t token) {
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->join_token != token || !g->Is(GroupState::kPreparingRebalance)) return;
  if (g->initial_delay_active && g->new_member_added && g->initial_delay_remaining_ms > 0) {
    g->new_member_added = false;
    const int32_t delay = std::min(config_.initial_rebalance_delay_ms, g->initial_delay_remaining_ms);
    g->initial_delay_remaining_ms = std::max(g->initial_delay_remaining_ms - delay, 0);
    return ArmJoinTimer(g, delay);
  }
  OnCompleteJoin(g);
}

void GroupCoordinator::CheckAndCompleteJoin(Group* g) {
  // The initial delay only ends on its timer; a normal rebalance ends once every member rejoined.
  if (!g->Is(GroupState::kPreparingRebalance) || g->initial_delay_active) return;
  if (g->HasAllMembersJoined()) OnCompleteJoin(g);
}

void GroupCoordinator::OnCompleteJoin(Group* g) {
  g->join_token = 0;
  g->join_timer.reset();
  g->initial_delay_active = false;
  // Dynamic members that did not rejoin are dropped; static ones stay until their session expires.
  for (Member* m : g->MembersInOrder()) {
    if (!m->awaiting_join && !m->is_static()) g->Remove(m->member_id);
  }
  // The leader must be a member that rejoined.
  if (g->size() > 0) {
    Member* leader = g->leader_id() ? g->Get(*g->leader_id()) : nullptr;
    if (leader == nullptr || !leader->awaiting_join) {
      Member* joined = nullptr;
      for (Member* m : g->MembersInOrder()) {
        if (m->awaiting_join) {
          joined = m;
          break;
        }
      }
      if (joined == nullptr) {
        // Nobody rejoined: wait another rebalance timeout for sessions to expire.
        return ArmJoinTimer(g, g->RebalanceTimeoutMs());
      }
      g->set_leader_id(joined->member_id);
    }
  }
  g->set_generation(g->generation() + 1);
  if (g->size() == 0) {
    g->set_protocol_name(std::nullopt);
    g->set_state(GroupState::kEmpty);
    StoreGroup(g, [](ErrorCode) {});
    return;
  }
  g->set_protocol_name(g->SelectProtocol());
  g->set_state(GroupState::kCompletingRebalance);
  for (Member* m : g->MembersInOrder()) {
    if (!m->awaiting_join) continue;
    JoinResult r = CurrentGenerationResult(g, m, g->IsLeader(m->member_id));
    m->is_new = false;
    g->pending_sync().insert(m->member_id);
    g->MaybeInvokeJoin(m, std::move(r));
    ScheduleSession(g, m);
  }
  ArmPendingSync(g);
}

}  // namespace sluice::broker::group
