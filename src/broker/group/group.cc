// Group bookkeeping: membership, protocol votes, static-member index. See group.h.
#include "broker/group/group.h"

#include <algorithm>
#include <chrono>

namespace sluice::broker::group {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Group::Group(std::string id) : id_(std::move(id)), state_since_ms_(WallClockMs()) {}

void Group::set_state(GroupState s, int64_t now_ms) {
  if (s != state_) state_since_ms_ = now_ms;
  state_ = s;
}

void Group::set_state(GroupState s) { set_state(s, WallClockMs()); }

using kafka::SharedBytes;
using Protocols = std::vector<std::pair<std::string, SharedBytes>>;

std::string_view GroupStateName(GroupState s) {
  switch (s) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Unknown";
}

SharedBytes Member::MetadataFor(std::string_view protocol) const {
  for (const auto& [name, metadata] : protocols) {
    if (name == protocol) return metadata;
  }
  return SharedBytes{};
}

bool Member::Matches(const Protocols& other) const { return protocols == other; }

bool Group::CanRebalance() const {
  return state_ == GroupState::kEmpty || state_ == GroupState::kCompletingRebalance ||
         state_ == GroupState::kStable;
}

Member* Group::Get(const std::string& member_id) {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : it->second.get();
}

std::vector<Member*> Group::MembersInOrder() {
  std::vector<Member*> out;
  out.reserve(members_.size());
  for (auto& [id, m] : members_) out.push_back(m.get());
  std::sort(out.begin(), out.end(),
            [](const Member* a, const Member* b) { return a->join_seq < b->join_seq; });
  return out;
}

void Group::Add(std::unique_ptr<Member> m, JoinCallback cb) {
  if (members_.empty()) protocol_type_ = m->protocol_type;
  if (!leader_id_) leader_id_ = m->member_id;
  for (const auto& [name, metadata] : m->protocols) ++supported_protocols_[name];
  if (m->group_instance_id) static_members_[*m->group_instance_id] = m->member_id;
  if (cb) {
    m->awaiting_join = std::move(cb);
    ++num_awaiting_join_;
  }
  pending_members_.erase(m->member_id);
  std::string id = m->member_id;
  members_.emplace(std::move(id), std::move(m));
}

std::unique_ptr<Member> Group::Remove(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return nullptr;
  std::unique_ptr<Member> m = std::move(it->second);
  members_.erase(it);
  for (const auto& [name, metadata] : m->protocols) {
    auto p = supported_protocols_.find(name);
    if (p != supported_protocols_.end() && --p->second <= 0) supported_protocols_.erase(p);
  }
  if (m->awaiting_join) --num_awaiting_join_;
  if (m->group_instance_id) {
    auto s = static_members_.find(*m->group_instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  pending_sync_.erase(member_id);
  if (IsLeader(member_id)) {
    leader_id_.reset();
    std::vector<Member*> rest = MembersInOrder();
    if (!rest.empty()) leader_id_ = rest.front()->member_id;
  }
  return m;
}

void Group::UpdateMember(Member* m, Protocols protocols, int32_t rebalance_timeout_ms,
                         int32_t session_timeout_ms, JoinCallback cb) {
  for (const auto& [name, metadata] : m->protocols) {
    auto p = supported_protocols_.find(name);
    if (p != supported_protocols_.end() && --p->second <= 0) supported_protocols_.erase(p);
  }
  m->protocols = std::move(protocols);
  for (const auto& [name, metadata] : m->protocols) ++supported_protocols_[name];
  m->rebalance_timeout_ms = rebalance_timeout_ms;
  m->session_timeout_ms = session_timeout_ms;
  if (cb) {
    if (!m->awaiting_join) ++num_awaiting_join_;
    m->awaiting_join = std::move(cb);
  } else if (m->awaiting_join) {
    --num_awaiting_join_;
    m->awaiting_join = nullptr;
  }
}

void Group::MaybeInvokeJoin(Member* m, JoinResult r) {
  if (!m->awaiting_join) return;
  JoinCallback cb = std::move(m->awaiting_join);
  m->awaiting_join = nullptr;
  --num_awaiting_join_;
  cb(std::move(r));
}

void Group::MaybeInvokeSync(Member* m, SyncResult r) {
  if (!m->awaiting_sync) return;
  SyncCallback cb = std::move(m->awaiting_sync);
  m->awaiting_sync = nullptr;
  cb(std::move(r));
}

Member* Group::ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                                   const std::string& new_id) {
  auto it = members_.find(old_id);
  std::unique_ptr<Member> m = std::move(it->second);
  members_.erase(it);
  JoinResult fenced_join;
  fenced_join.error = kafka::ErrorCode::kFencedInstanceId;
  fenced_join.member_id = old_id;
  MaybeInvokeJoin(m.get(), std::move(fenced_join));
  SyncResult fenced_sync;
  fenced_sync.error = kafka::ErrorCode::kFencedInstanceId;
  MaybeInvokeSync(m.get(), std::move(fenced_sync));
  m->member_id = new_id;
  if (IsLeader(old_id)) leader_id_ = new_id;
  static_members_[instance_id] = new_id;
  if (pending_sync_.erase(old_id) != 0) pending_sync_.insert(new_id);
  Member* raw = m.get();
  members_.emplace(new_id, std::move(m));
  return raw;
}

std::optional<std::string> Group::StaticMemberId(const std::string& instance_id) const {
  auto it = static_members_.find(instance_id);
  if (it == static_members_.end()) return std::nullopt;
  return it->second;
}

bool Group::IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                                 const std::string& member_id) const {
  if (!instance_id) return false;
  std::optional<std::string> registered = StaticMemberId(*instance_id);
  return registered && *registered != member_id;
}

int32_t Group::RebalanceTimeoutMs() const {
  int32_t t = 0;
  for (const auto& [id, m] : members_) t = std::max(t, m->rebalance_timeout_ms);
  return t;
}

bool Group::SupportsProtocols(const std::string& type, const Protocols& protocols) const {
  if (members_.empty()) return !type.empty() && !protocols.empty();
  if (!protocol_type_ || *protocol_type_ != type) return false;
  for (const auto& [name, metadata] : protocols) {
    auto it = supported_protocols_.find(name);
    if (it != supported_protocols_.end() && it->second == static_cast<int>(members_.size())) return true;
  }
  return false;
}

std::string Group::SelectProtocol() const {
  std::set<std::string> candidates;
  for (const auto& [name, count] : supported_protocols_) {
    if (count == static_cast<int>(members_.size())) candidates.insert(name);
  }
  // Each member votes for its most preferred candidate.
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    for (const auto& [name, metadata] : m->protocols) {
      if (candidates.count(name) != 0) {
        ++votes[name];
        break;
      }
    }
  }
  int best_votes = -1;
  std::vector<std::string> best;
  for (const auto& [name, n] : votes) {
    if (n > best_votes) {
      best_votes = n;
      best.clear();
    }
    if (n == best_votes) best.push_back(name);
  }
  if (best.size() > 1 && leader_id_) {
    auto leader = members_.find(*leader_id_);
    if (leader != members_.end()) {
      for (const auto& [name, metadata] : leader->second->protocols) {
        if (std::find(best.begin(), best.end(), name) != best.end()) return name;
      }
    }
  }
  return best.empty() ? std::string() : best.front();
}

std::vector<kafka::messages::JoinGroupResponse::JoinGroupResponseMember> Group::CurrentMemberMetadata() {
  std::vector<kafka::messages::JoinGroupResponse::JoinGroupResponseMember> out;
  const std::string protocol = protocol_name_.value_or("");
  for (Member* m : MembersInOrder()) {
    kafka::messages::JoinGroupResponse::JoinGroupResponseMember jm;
    jm.member_id = m->member_id;
    jm.group_instance_id = m->group_instance_id;
    jm.metadata = m->MetadataFor(protocol);
    out.push_back(std::move(jm));
  }
  return out;
}

}  // namespace sluice::broker::group
