// The in-memory model of one classic consumer group: state, members, static-member index, protocol
// votes and committed offsets. Pure bookkeeping, no timers or I/O: GroupCoordinator drives the state
// machine (Empty -> PreparingRebalance -> CompletingRebalance -> Stable, any -> Dead on deletion) and
// owns the timers stored here.
//
// Thread-safety: none; used only on the coordinator's io_context thread.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/join_group.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::group {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view GroupStateName(GroupState s);

// What a waiting JoinGroup is answered with (shaped into a JoinGroupResponse per request version).
struct JoinResult {
  kafka::ErrorCode error = kafka::ErrorCode::kNone;
  std::string member_id;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  bool skip_assignment = false;
  std::vector<kafka::messages::JoinGroupResponse::JoinGroupResponseMember> members;
};

// What a waiting SyncGroup is answered with.
struct SyncResult {
  kafka::ErrorCode error = kafka::ErrorCode::kNone;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  kafka::SharedBytes assignment;
};

using JoinCallback = std::function<void(JoinResult)>;
using SyncCallback = std::function<void(SyncResult)>;

struct Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<std::pair<std::string, kafka::SharedBytes>> protocols;  // in preference order
  kafka::SharedBytes assignment;
  uint64_t join_seq = 0;  // join order; the earliest remaining member becomes leader
  bool is_new = false;    // joined in the current rebalance, not yet answered
  JoinCallback awaiting_join;
  SyncCallback awaiting_sync;
  std::unique_ptr<asio::steady_timer> session_timer;
  uint64_t session_token = 0;  // identifies the live session timer wait

  bool is_static() const { return group_instance_id.has_value(); }
  // Metadata of `protocol`; empty when the member does not list it.
  kafka::SharedBytes MetadataFor(std::string_view protocol) const;
  // True when `protocols` equal this member's (names and metadata, same order).
  bool Matches(const std::vector<std::pair<std::string, kafka::SharedBytes>>& protocols) const;
};

// Wall-clock time in ms since the epoch (commit timestamps, state change times).
int64_t WallClockMs();

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = -1;
};

class Group {
 public:
  explicit Group(std::string id);

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  // Also records when the state changed (wall clock, ms), as Kafka's currentStateTimestamp.
  void set_state(GroupState s, int64_t now_ms);
  void set_state(GroupState s);
  int64_t state_since_ms() const { return state_since_ms_; }
  bool Is(GroupState s) const { return state_ == s; }
  // Rebalances may start from Empty, CompletingRebalance and Stable.
  bool CanRebalance() const;

  int32_t generation() const { return generation_; }
  void set_generation(int32_t g) { generation_ = g; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  void set_protocol_type(std::optional<std::string> t) { protocol_type_ = std::move(t); }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  void set_protocol_name(std::optional<std::string> p) { protocol_name_ = std::move(p); }
  const std::optional<std::string>& leader_id() const { return leader_id_; }
  void set_leader_id(std::optional<std::string> l) { leader_id_ = std::move(l); }
  bool IsLeader(std::string_view member_id) const { return leader_id_ && *leader_id_ == member_id; }

  // Members.
  size_t size() const { return members_.size(); }
  bool Has(const std::string& member_id) const { return members_.count(member_id) != 0; }
  Member* Get(const std::string& member_id);
  // Members in join order.
  std::vector<Member*> MembersInOrder();
  // Adds a member (the first one fixes the protocol type and becomes leader); `cb` is its waiting
  // JoinGroup. REQUIRES: !Has(m->member_id).
  void Add(std::unique_ptr<Member> m, JoinCallback cb);
  // Removes a member and returns it (nullptr if absent); re-elects the leader if it was the leader.
  std::unique_ptr<Member> Remove(const std::string& member_id);
  // Replaces a member's protocols and timeouts and sets its waiting JoinGroup (cb may be empty).
  void UpdateMember(Member* m, std::vector<std::pair<std::string, kafka::SharedBytes>> protocols,
                    int32_t rebalance_timeout_ms, int32_t session_timeout_ms, JoinCallback cb);
  // Answers (and clears) a member's waiting JoinGroup / SyncGroup, if any.
  void MaybeInvokeJoin(Member* m, JoinResult r);
  void MaybeInvokeSync(Member* m, SyncResult r);
  // Moves a static member to a new member id; its waiting requests are answered FENCED_INSTANCE_ID.
  // REQUIRES: Has(old_id).
  Member* ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                              const std::string& new_id);

  // Static members: group.instance.id -> member id.
  std::optional<std::string> StaticMemberId(const std::string& instance_id) const;
  // A request naming `instance_id` with a member id other than the registered one is fenced.
  bool IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                            const std::string& member_id) const;

  // Members that got MEMBER_ID_REQUIRED and are expected to rejoin with their id.
  std::map<std::string, std::unique_ptr<asio::steady_timer>>& pending_members() { return pending_members_; }
  bool IsPending(const std::string& member_id) const { return pending_members_.count(member_id) != 0; }
  // Members that got their JoinGroup answer but have not sent SyncGroup yet.
  std::set<std::string>& pending_sync() { return pending_sync_; }

  int num_awaiting_join() const { return num_awaiting_join_; }
  bool HasAllMembersJoined() const {
    return static_cast<int>(members_.size()) == num_awaiting_join_ && pending_members_.empty();
  }
  // Largest rebalance timeout of the members (0 without members).
  int32_t RebalanceTimeoutMs() const;

  // A member may join with this protocol type and protocol list: when the group has members, the type
  // must match and some protocol must be supported by every member.
  bool SupportsProtocols(const std::string& type,
                         const std::vector<std::pair<std::string, kafka::SharedBytes>>& protocols) const;
  // The protocol every member supports that most members prefer (ties: the leader's preference).
  // REQUIRES: size() > 0.
  std::string SelectProtocol() const;
  // Each member's metadata for the chosen protocol, in join order (the leader's JoinGroup answer).
  std::vector<kafka::messages::JoinGroupResponse::JoinGroupResponseMember> CurrentMemberMetadata();

  // Timers of the rebalance (JoinGroup wait, incl. the initial delay) and of the SyncGroup wait.
  std::unique_ptr<asio::steady_timer> join_timer;
  uint64_t join_token = 0;
  bool initial_delay_active = false;
  int32_t initial_delay_remaining_ms = 0;
  bool new_member_added = false;
  std::unique_ptr<asio::steady_timer> sync_timer;
  uint64_t sync_token = 0;

  // True once a GroupMetadata record is known for the group (written or loaded).
  bool has_metadata_record = false;
  std::map<std::pair<std::string, int32_t>, CommittedOffset>& offsets() { return offsets_; }

 private:
  std::string id_;
  GroupState state_ = GroupState::kEmpty;
  int64_t state_since_ms_;
  int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_id_;
  std::map<std::string, std::unique_ptr<Member>> members_;
  std::map<std::string, std::string> static_members_;
  std::map<std::string, int> supported_protocols_;  // protocol -> members listing it
  std::map<std::string, std::unique_ptr<asio::steady_timer>> pending_members_;
  std::set<std::string> pending_sync_;
  int num_awaiting_join_ = 0;
  std::map<std::pair<std::string, int32_t>, CommittedOffset> offsets_;
};

}  // namespace sluice::broker::group
