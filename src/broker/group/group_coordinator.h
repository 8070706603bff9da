// GroupCoordinator: the broker's classic group coordinator (JoinGroup/SyncGroup/Heartbeat/LeaveGroup,
// offset commit/fetch, Describe/List/DeleteGroups, FindCoordinator), modelled on Apache Kafka's
// classic GroupCoordinator: the same group state machine, error codes, member ids, static membership
// (KIP-345), MEMBER_ID_REQUIRED (KIP-394), initial rebalance delay, session/rebalance timeouts.
// Group metadata and offsets are persisted through a GroupStore in __consumer_offsets record format
// and replayed with Load() at start-up. This node is the coordinator of every group.
//
// Every handler answers through its callback, always later from the io_context (never inside the
// call), so callers are never re-entered. JoinGroup and SyncGroup answers may wait for a rebalance.
//
// Thread-safety: NOT thread-safe. Construct, call and destroy only on the thread running `io`; the
// broker runs all request handling on that one thread.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "broker/group/group.h"
#include "broker/group/group_config.h"
#include "broker/group/group_records.h"
#include "broker/group/group_store.h"
#include "kafka/protocol/generated/delete_groups.h"
#include "kafka/protocol/generated/describe_groups.h"
#include "kafka/protocol/generated/find_coordinator.h"
#include "kafka/protocol/generated/heartbeat.h"
#include "kafka/protocol/generated/join_group.h"
#include "kafka/protocol/generated/leave_group.h"
#include "kafka/protocol/generated/list_groups.h"
#include "kafka/protocol/generated/offset_commit.h"
#include "kafka/protocol/generated/offset_fetch.h"
#include "kafka/protocol/generated/sync_group.h"

namespace sluice::broker::group {

// Who sent a request: the API version shapes the response; client id and host are shown by
// DescribeGroups and prefix new member ids.
struct RequestContext {
  int16_t api_version = 0;
  std::string client_id;
  std::string client_host;
};

// This broker's advertised endpoint, the answer to FindCoordinator.
struct NodeEndpoint {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
};

template <typename T>
using Respond = std::function<void(T)>;

class GroupCoordinator {
 public:
  // REQUIRES: store outlives the coordinator; config.offsets_topic_num_partitions > 0.
  GroupCoordinator(asio::io_context& io, GroupConfig config, GroupStore* store);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // Replays one __consumer_offsets record (value nullopt: tombstone), in log order, before serving
  // requests. Loaded groups with members are Stable and their members must heartbeat within their
  // session timeout. Unknown key versions (newer group types) are skipped. Corruption on bad bytes.
  Status Load(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value);

  void FindCoordinator(const RequestContext& ctx, const kafka::messages::FindCoordinatorRequest& req,
                       const NodeEndpoint& self, Respond<kafka::messages::FindCoordinatorResponse> done);
  void JoinGroup(const RequestContext& ctx, kafka::messages::JoinGroupRequest req,
                 Respond<kafka::messages::JoinGroupResponse> done);
  void SyncGroup(const RequestContext& ctx, kafka::messages::SyncGroupRequest req,
                 Respond<kafka::messages::SyncGroupResponse> done);
  void Heartbeat(const RequestContext& ctx, const kafka::messages::HeartbeatRequest& req,
                 Respond<kafka::messages::HeartbeatResponse> done);
  void LeaveGroup(const RequestContext& ctx, const kafka::messages::LeaveGroupRequest& req,
                  Respond<kafka::messages::LeaveGroupResponse> done);
  void OffsetCommit(const RequestContext& ctx, const kafka::messages::OffsetCommitRequest& req,
                    Respond<kafka::messages::OffsetCommitResponse> done);
  void OffsetFetch(const RequestContext& ctx, const kafka::messages::OffsetFetchRequest& req,
                   Respond<kafka::messages::OffsetFetchResponse> done);
  void DescribeGroups(const RequestContext& ctx, const kafka::messages::DescribeGroupsRequest& req,
                      Respond<kafka::messages::DescribeGroupsResponse> done);
  void ListGroups(const RequestContext& ctx, const kafka::messages::ListGroupsRequest& req,
                  Respond<kafka::messages::ListGroupsResponse> done);
  void DeleteGroups(const RequestContext& ctx, const kafka::messages::DeleteGroupsRequest& req,
                    Respond<kafka::messages::DeleteGroupsResponse> done);

  // Introspection (tests, admin): nullopt for an unknown group.
  std::optional<GroupState> StateOf(std::string_view group_id) const;
  std::optional<int32_t> GenerationOf(std::string_view group_id) const;
  size_t group_count() const { return groups_.size(); }

  // Deletes the committed offsets that have outlived offsets.retention.minutes at wall-clock time
  // `now_ms` (see GroupConfig::offsets_retention_ms), writing their tombstones, and forgets Empty groups
  // left without offsets (with a tombstone for their metadata). Runs every
  // offsets.retention.check.interval.ms on its own; public for tests. Returns the offsets deleted.
  size_t ExpireOffsets(int64_t now_ms);

 private:
  using Protocols = std::vector<std::pair<std::string, kafka::SharedBytes>>;

  // Posts `fn(value)` to the io_context.
  template <typename T>
  void Post(Respond<T> fn, T value) {
    asio::post(io_, [fn = std::move(fn), value = std::move(value)]() mutable { fn(std::move(value)); });
  }
  // (Re)arms `timer` to run `fn` after `ms` unless re-armed, destroyed or the coordinator is gone.
  void Arm(std::unique_ptr<asio::steady_timer>& timer, int64_t ms, std::function<void()> fn);
  Group* FindGroup(std::string_view id);
  const Group* FindGroup(std::string_view id) const;
  Group* GetOrCreateGroup(const std::string& id);
  int32_t PartitionFor(std::string_view group) const;
  std::string NewMemberId(const std::string& client_id) const;

  // --- membership (coordinator_membership.cc) ---
  struct JoinArgs {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::string protocol_type;
    Protocols protocols;
    bool require_known_member_id = false;
    bool supports_skip_assignment = false;
  };
  void DoNewMemberJoin(Group* g, JoinArgs args, JoinCallback cb);
  void DoStaticMemberJoin(Group* g, JoinArgs args, std::string new_member_id, JoinCallback cb);
  void DoCurrentMemberJoin(Group* g, JoinArgs args, JoinCallback cb);
  void AddMemberAndRebalance(Group* g, const JoinArgs& args, const std::string& member_id, JoinCallback cb);
  void UpdateMemberAndRebalance(Group* g, Member* m, const JoinArgs& args, JoinCallback cb);
  void UpdateStaticMemberAndRebalance(Group* g, const JoinArgs& args, const std::string& old_id,
                                      const std::string& new_id, JoinCallback cb);
  JoinResult CurrentGenerationResult(Group* g, Member* m, bool with_members);
  void MaybePrepareRebalance(Group* g);
  void PrepareRebalance(Group* g);
  void ArmJoinTimer(Group* g, int64_t ms);
  void OnJoinTimer(const std::string& group_id, uint64_t token);
  void CheckAndCompleteJoin(Group* g);
  void OnCompleteJoin(Group* g);
  void ResetAndPropagateAssignmentError(Group* g, kafka::ErrorCode error);
  void PropagateAssignment(Group* g);
  void ArmPendingSync(Group* g);
  void OnPendingSyncExpired(const std::string& group_id, uint64_t token);
  void ScheduleSession(Group* g, Member* m);
  void OnSessionExpired(const std::string& group_id, const std::string& member_id, uint64_t token);
  void OnPendingMemberExpired(const std::string& group_id, const std::string& member_id);
  void RemoveMemberAndUpdateGroup(Group* g, const std::string& member_id);
  void RemovePendingMemberAndUpdateGroup(Group* g, const std::string& member_id);
  // Validation shared by Sync/Heartbeat/Commit: FENCED_INSTANCE_ID, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION.
  kafka::ErrorCode ValidateCurrentMember(Group* g, const std::string& member_id,
                                         const std::optional<std::string>& instance_id, int32_t generation);
  kafka::ErrorCode LeaveOne(Group* g, const std::string& member_id,
                            const std::optional<std::string>& instance_id);

  // --- persistence (coordinator_offsets.cc) ---
  GroupMetadataRecordValue MetadataRecordFor(Group* g);
  // Writes the group's metadata record, then calls done with the Kafka error to report.
  void StoreGroup(Group* g, std::function<void(kafka::ErrorCode)> done);
  static kafka::ErrorCode StoreErrorToKafka(const Status& s);
  Status LoadGroupMetadata(const std::string& group_id, std::optional<std::span<const uint8_t>> value);
  void MaybeDropLoadedGroup(const std::string& group_id);

  void ScheduleOffsetExpiry();

  asio::io_context& io_;
  GroupConfig config_;
  std::unique_ptr<asio::steady_timer> expiry_timer_;
  GroupStore* store_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::string, std::unique_ptr<Group>, std::less<>> groups_;
  uint64_t next_token_ = 1;
  uint64_t next_join_seq_ = 1;
};

}  // namespace sluice::broker::group
