// GroupMember: membership of a Kafka classic group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) with a
// caller-chosen protocol type, as Kafka's AbstractCoordinator. Kafka Connect workers use it with protocol
// type "connect"; any other type works the same (the broker treats the type as opaque).
//
//   GroupMember member(config);
//   ASSIGN_OR_RETURN(JoinResult joined, member.Join(protocols, assign, timeout));  // generation formed
//   ... work on joined.assignment; a background thread heartbeats ...
//   if (member.WaitForRebalance(1s)) { stop the work; Join(...) again; }
//   member.Leave();                                                                 // or the destructor
//
// Join() finds the coordinator (FindCoordinator on the bootstrap servers, in turn), joins (a first
// JoinGroup v4+ gets MEMBER_ID_REQUIRED and is repeated with the given id), lets the leader compute every
// member's assignment through `assign`, and syncs. It retries with retry.backoff.ms on
// COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR / connection failures (rediscovering the coordinator),
// COORDINATOR_LOAD_IN_PROGRESS, REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID (joining
// again with a fresh member id), until `timeout`. Other errors end it (InvalidArgument for configuration
// problems such as INVALID_SESSION_TIMEOUT or INCONSISTENT_GROUP_PROTOCOL, Aborted for Wakeup()).
//
// Heartbeats run on a background thread every heartbeat.interval.ms while a generation is current, on a
// connection of their own. A heartbeat answered REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or
// UNKNOWN_MEMBER_ID, or no successful heartbeat for session.timeout.ms, sets "rebalance needed": the owner
// sees it through RebalanceNeeded()/WaitForRebalance() (and the optional callback), stops its work and
// calls Join() again. Join() clears the flag.
//
// Thread-safety: Join() and Leave() are called by one owner thread, not concurrently with each other.
// RebalanceNeeded(), WaitForRebalance(), Wakeup() and the state accessors may be called from any thread.
// `assign` runs on the owner thread inside Join(); `on_rebalance_needed` runs on the heartbeat thread (or
// the owner's) with no lock held and must not block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "kafka/client/connection.h"

namespace sluice::kafka::client {

struct GroupMemberConfig {
  std::vector<std::string> bootstrap_servers;  // "host:port", tried in turn
  std::string group_id;                        // group.id
  std::string protocol_type = "consumer";      // "connect" for Kafka Connect workers
  std::string client_id = "sluice";            // client.id; the broker builds member ids from it
  int32_t session_timeout_ms = 10000;          // session.timeout.ms
  int32_t rebalance_timeout_ms = 60000;        // rebalance.timeout.ms
  int32_t heartbeat_interval_ms = 3000;        // heartbeat.interval.ms
  int32_t retry_backoff_ms = 100;              // retry.backoff.ms
  int32_t request_timeout_ms = 30000;          // request.timeout.ms (JoinGroup/SyncGroup wait longer)
  int32_t connect_timeout_ms = 10000;
  // Called when a rebalance becomes needed (see the file comment). Optional.
  std::function<void()> on_rebalance_needed;

  // InvalidArgument naming the first bad setting (empty group.id or bootstrap list, non-positive
  // timeouts, heartbeat.interval.ms >= session.timeout.ms).
  Status Validate() const;
};

// A protocol the member supports (JoinGroup `protocols`), most preferred first.
struct GroupProtocol {
  std::string name;
  std::vector<uint8_t> metadata;
};

// A member as the leader sees it: its metadata for the chosen protocol.
struct GroupMemberMetadata {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<uint8_t> metadata;
};

// The leader's assignor: (chosen protocol, members in join order) -> assignment bytes per member id.
// Members it leaves out get an empty assignment. An error ends Join() with that error.
using AssignFn = std::function<Result<std::map<std::string, std::vector<uint8_t>>>(
    const std::string& protocol, const std::vector<GroupMemberMetadata>& members)>;

struct JoinResult {
  int32_t generation_id = -1;
  std::string member_id;
  std::string leader_id;
  bool is_leader = false;
  std::string protocol;  // the protocol the coordinator chose
  std::vector<uint8_t> assignment;
  size_t member_count = 0;  // members the leader assigned; 0 for followers
};

class GroupMember {
 public:
  // REQUIRES: config.Validate().ok() — Join() returns that error otherwise.
  explicit GroupMember(GroupMemberConfig config);
  // Leaves the group (best effort) and stops the heartbeat thread.
  ~GroupMember();
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  // Blocks until this member is part of a new generation, or `timeout` passes (Timeout, with the last
  // error), or Wakeup() (Aborted). `protocols` must not be empty; `assign` is needed when this member
  // may lead. The heartbeat thread pauses during Join() and runs again once it succeeds.
  Result<JoinResult> Join(const std::vector<GroupProtocol>& protocols, const AssignFn& assign,
                          std::chrono::milliseconds timeout);

  // Sends LeaveGroup (when this member has an id) and forgets the generation; the heartbeat thread
  // stops. OK when there is nothing to leave (UNKNOWN_MEMBER_ID counts as left). A later Join() joins
  // as a new member. Clears a pending Wakeup().
  Status Leave();

  // True from the moment the coordinator asks for a rebalance (or the session is lost) until the next
  // Join() starts.
  bool RebalanceNeeded() const;
  // Waits up to `timeout` for RebalanceNeeded(); returns it.
  bool WaitForRebalance(std::chrono::milliseconds timeout) const;
  // Makes a blocked (or the next) Join() return Aborted: a request in flight is interrupted at once; a
  // connection being opened finishes first (bounded by connect_timeout_ms). Any thread.
  void Wakeup();

  // The current generation (-1 when not joined) and member id ("" before the first JoinGroup).
  int32_t generation() const;
  std::string member_id() const;

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { kUnjoined, kJoining, kStable };
  // What to do after a failed JoinGroup/SyncGroup round.
  enum class Retry { kNo, kNow, kAfterBackoff, kRediscover };

  // Asks the bootstrap servers in turn (one pass) for the group's coordinator and connects to it.
  // While a connection is in use it is published in *slot (under mu_) so that it can be interrupted.
  Result<std::unique_ptr<Connection>> FindCoordinator(Clock::time_point deadline, Connection** slot);
  // One JoinGroup (+ SyncGroup) round on `conn`; on error sets *retry.
  Result<JoinResult> JoinOnce(Connection& conn, const std::vector<GroupProtocol>& protocols,
                              const AssignFn& assign, Clock::time_point deadline, Retry* retry);
  Result<JoinResult> SyncOnce(Connection& conn, JoinResult joined,
                              const std::vector<GroupMemberMetadata>& members, const AssignFn& assign,
                              Clock::time_point deadline, Retry* retry);
  // Sleeps `ms` or until Wakeup(); false if woken.
  bool Backoff(std::chrono::milliseconds ms);
  // Sets the rebalance flag and calls the callback (once per Join()). REQUIRES: mu_ not held.
  void SignalRebalance(const std::string& why);
  void StartHeartbeatThread();
  void StopHeartbeatThread();
  void HeartbeatLoop();
  // One heartbeat on *conn (opened on demand); false if it failed. Heartbeat thread only.
  bool HeartbeatOnce(std::unique_ptr<Connection>* conn);
  // Bound for a JoinGroup/SyncGroup call: the broker holds them for up to the rebalance timeout.
  std::chrono::milliseconds GroupCallTimeout(Clock::time_point deadline) const;
  ConnectionOptions MakeConnectionOptions() const;

  const GroupMemberConfig config_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // rebalance_needed_, wakeup_, stop_heartbeat_ changes
  State state_ = State::kUnjoined;
  std::string member_id_;
  int32_t generation_ = -1;
  uint64_t join_epoch_ = 0;  // bumped at every Join(); heartbeat answers of older epochs are ignored
  bool rebalance_needed_ = false;
  bool wakeup_ = false;
  bool stop_heartbeat_ = false;
  Clock::time_point last_heartbeat_ok_;
  size_t next_bootstrap_ = 0;
  Connection* owner_conn_ = nullptr;      // connection the owner thread is using, for Wakeup()
  Connection* heartbeat_conn_ = nullptr;  // connection the heartbeat thread is using, for stopping it

  std::unique_ptr<Connection> coordinator_;  // owner thread only
  std::thread heartbeat_thread_;             // owner thread only
};

}  // namespace sluice::kafka::client
