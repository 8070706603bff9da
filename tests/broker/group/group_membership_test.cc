// Group membership tests: join/sync/heartbeat, rebalances, timeouts, MEMBER_ID_REQUIRED, static
// members, protocol selection and mismatch, connect groups. Real asio timers with short timeouts.
#include <algorithm>
#include <set>

#include "test_util.h"

namespace sluice::broker::group::testing {
namespace {

using kafka::ErrorCode;
using kafka::ErrorToInt;
using namespace std::chrono_literals;

TEST_F(GroupTest, SingleMemberJoinSyncHeartbeat) {
  msg::JoinGroupResponse j = Await(JoinWithId(5, JoinReq("g1", ""), "app"));
  ASSERT_EQ(j.error_code, 0);
  EXPECT_EQ(j.generation_id, 1);
  EXPECT_EQ(j.leader, j.member_id);
  EXPECT_EQ(j.protocol_name, "range");
  EXPECT_EQ(j.member_id.rfind("app-", 0), 0u) << j.member_id;
  EXPECT_EQ(j.member_id.size(), 4u + 36);  // <client.id>-<uuid>
  ASSERT_EQ(j.members.size(), 1u);
  EXPECT_EQ(coord_->StateOf("g1"), GroupState::kCompletingRebalance);

  msg::SyncGroupResponse s = Await(Sync(5, "g1", 1, j.member_id, {{j.member_id, "A"}}));
  ASSERT_EQ(s.error_code, 0);
  EXPECT_EQ(s.assignment, Bytes("A"));
  EXPECT_EQ(s.protocol_type, "consumer");  // v5 echoes type and name
  EXPECT_EQ(s.protocol_name, "range");
  EXPECT_EQ(coord_->StateOf("g1"), GroupState::kStable);

  EXPECT_EQ(Heartbeat("g1", 1, j.member_id), 0);
  EXPECT_EQ(Heartbeat("g1", 2, j.member_id), ErrorToInt(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(Heartbeat("g1", 1, "nobody"), ErrorToInt(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(Heartbeat("nogroup", 1, j.member_id), ErrorToInt(ErrorCode::kUnknownMemberId));
  // A follower-style SyncGroup in Stable gets the stored assignment again.
  EXPECT_EQ(Await(Sync(3, "g1", 1, j.member_id)).assignment, Bytes("A"));
}

TEST_F(GroupTest, JoinValidation) {
  EXPECT_EQ(Await(Join(3, JoinReq("", ""))).error_code, ErrorToInt(ErrorCode::kInvalidGroupId));
  EXPECT_EQ(Await(Join(3, JoinReq("g", "", {"range"}, "consumer", 5))).error_code,
            ErrorToInt(ErrorCode::kInvalidSessionTimeout));
  EXPECT_EQ(Await(Join(3, JoinReq("g", "", {"range"}, "consumer", 1800001))).error_code,
            ErrorToInt(ErrorCode::kInvalidSessionTimeout));
  EXPECT_EQ(Await(Join(3, JoinReq("unknown", "some-id"))).error_code,
            ErrorToInt(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupTest, ThreeMembersLeaderAssignmentDistributed) {
  config_.initial_rebalance_delay_ms = 150;  // the three joins land in one generation
  Recreate();
  auto a = Join(3, JoinReq("g", ""), "a");
  auto b = Join(3, JoinReq("g", ""), "b");
  auto c = Join(3, JoinReq("g", ""), "c");
  std::vector<msg::JoinGroupResponse> joins = {Await(a), Await(b), Await(c)};
  std::set<std::string> ids;
  int leaders = 0;
  for (const auto& j : joins) {
    ASSERT_EQ(j.error_code, 0);
    EXPECT_EQ(j.generation_id, 1);
    EXPECT_EQ(j.leader, joins[0].member_id);  // the first member to join leads
    ids.insert(j.member_id);
    if (j.leader == j.member_id) {
      ++leaders;
      EXPECT_EQ(j.members.size(), 3u);  // the leader sees every member's metadata
      for (const auto& m : j.members) EXPECT_EQ(m.metadata, Bytes("meta-range-"));
    } else {
      EXPECT_TRUE(j.members.empty());
    }
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(leaders, 1);
  // Followers sync first and wait for the leader.
  auto sb = Sync(3, "g", 1, joins[1].member_id);
  auto sc = Sync(3, "g", 1, joins[2].member_id);
  RunFor(30ms);
  EXPECT_FALSE(sb->value.has_value());
  auto sa = Sync(3, "g", 1, joins[0].member_id,
                 {{joins[0].member_id, "P0"}, {joins[1].member_id, "P1"}, {joins[2].member_id, "P2"}});
  EXPECT_EQ(Await(sa).assignment, Bytes("P0"));
  EXPECT_EQ(Await(sb).assignment, Bytes("P1"));
  EXPECT_EQ(Await(sc).assignment, Bytes("P2"));
  EXPECT_EQ(coord_->StateOf("g"), GroupState::kStable);
}

TEST_F(GroupTest, MemberLeavesOthersRejoinWithNewGeneration) {
  auto a = Join(3, JoinReq("g", ""), "a");
  msg::JoinGroupResponse ja = Await(a);
  ASSERT_EQ(Await(Sync(3, "g", 1, ja.member_id, {{ja.member_id, "x"}})).error_code, 0);
  // b joins: a is told to rejoin through its heartbeat.
  auto b = Join(3, JoinReq("g", ""), "b");
  EXPECT_EQ(Heartbeat("g", 1, ja.member_id), ErrorToInt(ErrorCode::kRebalanceInProgress));
  msg::JoinGroupResponse ja2 = Await(Join(3, JoinReq("g", ja.member_id), "a"));
  msg::JoinGroupResponse jb = Await(b);
  ASSERT_EQ(ja2.generation_id, 2);
  ASSERT_EQ(jb.generation_id, 2);
  EXPECT_EQ(ja2.leader, ja.member_id);
  auto sb = Sync(3, "g", 2, jb.member_id);
  ASSERT_EQ(Await(Sync(3, "g", 2, ja.member_id, {{ja.member_id, "x"}, {jb.member_id, "y"}})).error_code, 0);
  ASSERT_EQ(Await(sb).assignment, Bytes("y"));

  // b leaves with the batch form (v3+).
  msg::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.emplace_back();
  leave.members[0].member_id = jb.member_id;
  leave.members.emplace_back();
  leave.members[1].member_id = "ghost";
  msg::LeaveGroupResponse lr = Call<msg::LeaveGroupResponse>(3, &GroupCoordinator::LeaveGroup, leave);
  EXPECT_EQ(lr.error_code, 0);
  ASSERT_EQ(lr.members.size(), 2u);
  EXPECT_EQ(lr.members[0].error_code, 0);
  EXPECT_EQ(lr.members[1].error_code, ErrorToInt(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(coord_->StateOf("g"), GroupState::kPreparingRebalance);
  EXPECT_EQ(Heartbeat("g", 2, ja.member_id), ErrorToInt(ErrorCode::kRebalanceInProgress));
  msg::JoinGroupResponse ja3 = Await(Join(3, JoinReq("g", ja.member_id), "a"));
  EXPECT_EQ(ja3.generation_id, 3);
  EXPECT_EQ(ja3.members.size(), 1u);
  // Old generation is rejected.
  EXPECT_EQ(Await(Sync(3, "g", 2, ja.member_id)).error_code, ErrorToInt(ErrorCode::kIllegalGeneration));

  // The last member leaves with v0-2 (single member id, top-level error): the group becomes Empty.
  msg::LeaveGroupRequest old_leave;
  old_leave.group_id = "g";
  old_leave.member_id = ja.member_id;
  EXPECT_EQ(Call<msg::LeaveGroupResponse>(1, &GroupCoordinator::LeaveGroup, old_leave).error_code, 0);
  EXPECT_TRUE(RunUntil([&] { return coord_->StateOf("g") == GroupState::kEmpty; }));
  EXPECT_EQ(coord_->GenerationOf("g"), 4);
  EXPECT_EQ(Call<msg::LeaveGroupResponse>(1, &GroupCoordinator::LeaveGroup, old_leave).error_code,
            ErrorToInt(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupTest, SessionExpiryRemovesMemberAndTriggersRebalance) {
  auto a = Join(3, JoinReq("g", "", {"range"}, "consumer", 150, 5000), "a");
  msg::JoinGroupResponse ja = Await(a);
  ASSERT_EQ(Await(Sync(3, "g", 1, ja.member_id, {{ja.member_id, "x"}})).error_code, 0);
  auto b = Join(3, JoinReq("g", "", {"range"}, "consumer", 150, 5000), "b");
  ASSERT_EQ(Heartbeat("g", 1, ja.member_id), ErrorToInt(ErrorCode::kRebalanceInProgress));
  msg::JoinGroupResponse ja2 =
      Await(Join(3, JoinReq("g", ja.member_id, {"range"}, "consumer", 150, 5000), "a"));
  msg::JoinGroupResponse jb = Await(b);
  ASSERT_EQ(ja2.generation_id, 2);
  auto sb = Sync(3, "g", 2, jb.member_id);
  ASSERT_EQ(Await(Sync(3, "g", 2, ja.member_id, {{ja.member_id, "x"}, {jb.member_id, "y"}})).error_code, 0);
  ASSERT_EQ(Await(sb).error_code, 0);
  // a keeps heartbeating, b goes silent: b's session expires and a is asked to rejoin.
  int16_t hb = 0;
  ASSERT_TRUE(RunUntil([&] {
    RunFor(40ms);
    hb = Heartbeat("g", 2, ja.member_id);
    return hb != 0;
  }));
  EXPECT_EQ(hb, ErrorToInt(ErrorCode::kRebalanceInProgress));
  msg::JoinGroupResponse ja3 =
      Await(Join(3, JoinReq("g", ja.member_id, {"range"}, "consumer", 150, 5000), "a"));
  EXPECT_EQ(ja3.generation_id, 3);
  ASSERT_EQ(ja3.members.size(), 1u);
  EXPECT_EQ(ja3.members[0].member_id, ja.member_id);
  EXPECT_EQ(Heartbeat("g", 2, jb.member_id), ErrorToInt(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupTest, RebalanceTimeoutDropsMembersThatDoNotRejoin) {
  auto a = Join(3, JoinReq("g", "", {"range"}, "consumer", 10000, 200), "a");
  auto b = Join(3, JoinReq("g", "", {"range"}, "consumer", 10000, 200), "b");
  msg::JoinGroupResponse ja = Await(a);
  msg::JoinGroupResponse jb = Await(b);
  // With no initial delay the first join completes generation 1 alone; bring both into one generation.
  if (jb.generation_id != ja.generation_id) {
    ja = Await(Join(3, JoinReq("g", ja.member_id, {"range"}, "consumer", 10000, 200), "a"));
  }
  ASSERT_EQ(ja.generation_id, jb.generation_id);
  const int32_t gen = ja.generation_id;
  auto sb = Sync(3, "g", gen, jb.member_id);
  ASSERT_EQ(Await(Sync(3, "g", gen, ja.member_id, {{ja.member_id, "x"}, {jb.member_id, "y"}})).error_code, 0);
  ASSERT_EQ(Await(sb).error_code, 0);
  // The leader rejoins (forcing a rebalance); b never does and is dropped after the rebalance timeout.
  msg::JoinGroupResponse again =
      Await(Join(3, JoinReq("g", ja.member_id, {"range"}, "consumer", 10000, 200), "a"));
  EXPECT_EQ(again.error_code, 0);
  EXPECT_EQ(again.generation_id, gen + 1);
  EXPECT_EQ(again.members.size(), 1u);
}

TEST_F(GroupTest, MemberIdRequiredFlow) {
  msg::JoinGroupResponse first = Await(Join(4, JoinReq("g", ""), "cli"));
  EXPECT_EQ(first.error_code, ErrorToInt(ErrorCode::kMemberIdRequired));
  ASSERT_EQ(first.member_id.rfind("cli-", 0), 0u);
  EXPECT_EQ(coord_->StateOf("g"), GroupState::kEmpty);
  msg::JoinGroupResponse second = Await(Join(4, JoinReq("g", first.member_id), "cli"));
  ASSERT_EQ(second.error_code, 0);
  EXPECT_EQ(second.member_id, first.member_id);
  EXPECT_EQ(second.leader, first.member_id);
  EXPECT_EQ(second.generation_id, 1);
}

TEST_F(GroupTest, PendingMemberThatNeverReturnsDoesNotBlockRebalance) {
  auto [a, gen] = JoinAndSyncOne("g");
  // A v4 newcomer gets MEMBER_ID_REQUIRED (session 100 ms) and never comes back.
  msg::JoinGroupResponse pending = Await(Join(4, JoinReq("g", "", {"range"}, "consumer", 100), "late"));
  ASSERT_EQ(pending.error_code, ErrorToInt(ErrorCode::kMemberIdRequired));
  // The leader rejoins: the rebalance completes once the pending member expired.
  msg::JoinGroupResponse j = Await(Join(3, JoinReq("g", a), "client"));
  EXPECT_EQ(j.error_code, 0);
  EXPECT_EQ(j.generation_id, gen + 1);
  EXPECT_EQ(j.members.size(), 1u);
}

TEST_F(GroupTest, StaticMemberRejoinReplacesMemberIdWithoutRebalance) {
  msg::JoinGroupRequest req = JoinReq("g", "");
  req.group_instance_id = "instance-1";
  msg::JoinGroupResponse j = Await(Join(5, req, "app"));  // static members skip MEMBER_ID_REQUIRED
  ASSERT_EQ(j.error_code, 0);
  ASSERT_EQ(Await(Sync(5, "g", 1, j.member_id, {{j.member_id, "A"}}, "instance-1")).error_code, 0);
  const size_t records_before = store_.log.size();

  // The same instance restarts and joins with no member id.
  msg::JoinGroupResponse j2 = Await(Join(5, req, "app"));
  ASSERT_EQ(j2.error_code, 0);
  EXPECT_NE(j2.member_id, j.member_id);
  EXPECT_EQ(j2.generation_id, 1);     // no rebalance
  EXPECT_EQ(j2.leader, j.member_id);  // the old leader id: the member acts as follower
  EXPECT_TRUE(j2.members.empty());
  EXPECT_EQ(coord_->StateOf("g"), GroupState::kStable);
  EXPECT_GT(store_.log.size(), records_before);  // the new member id was persisted

  // The old incarnation is fenced; the new one gets the existing assignment.
  EXPECT_EQ(Heartbeat("g", 1, j.member_id, "instance-1"), ErrorToInt(ErrorCode::kFencedInstanceId));
  EXPECT_EQ(Heartbeat("g", 1, j.member_id), ErrorToInt(ErrorCode::kUnknownMemberId));
  msg::SyncGroupResponse s = Await(Sync(5, "g", 1, j2.member_id, {}, "instance-1"));
  EXPECT_EQ(s.error_code, 0);
  EXPECT_EQ(s.assignment, Bytes("A"));
  msg::JoinGroupRequest stale = req;
  stale.member_id = j.member_id;
  EXPECT_EQ(Await(Join(5, stale)).error_code, ErrorToInt(ErrorCode::kFencedInstanceId));

  // v9 (KIP-814): the static leader learns it leads but skips the assignment.
  msg::JoinGroupResponse j3 = Await(Join(9, req, "app"));
  ASSERT_EQ(j3.error_code, 0);
  EXPECT_EQ(j3.leader, j3.member_id);
  EXPECT_TRUE(j3.skip_assignment);
  EXPECT_EQ(j3.members.size(), 1u);

  // Leaving by instance id (v4+).
  msg::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.emplace_back();
  leave.members[0].group_instance_id = "instance-1";
  msg::LeaveGroupResponse lr = Call<msg::LeaveGroupResponse>(4, &GroupCoordinator::LeaveGroup, leave);
  ASSERT_EQ(lr.members.size(), 1u);
  EXPECT_EQ(lr.members[0].error_code, 0);
  EXPECT_TRUE(RunUntil([&] { return coord_->StateOf("g") == GroupState::kEmpty; }));
}

TEST_F(GroupTest, ProtocolMismatchIsInconsistentGroupProtocol) {
  auto [a, gen] = JoinAndSyncOne("g");
  EXPECT_EQ(Await(Join(3, JoinReq("g", "", {"range"}, "connect"))).error_code,
            ErrorToInt(ErrorCode::kInconsistentGroupProtocol));
  EXPECT_EQ(Await(Join(3, JoinReq("g", "", {"roundrobin"}))).error_code,
            ErrorToInt(ErrorCode::kInconsistentGroupProtocol));
  EXPECT_EQ(Await(Join(3, JoinReq("fresh", "", {}))).error_code,
            ErrorToInt(ErrorCode::kInconsistentGroupProtocol));
  msg::SyncGroupRequest sr;
  sr.group_id = "g";
  sr.generation_id = gen;
  sr.member_id = a;
  sr.protocol_type = "consumer";
  sr.protocol_name = "roundrobin";
  auto ans = std::make_shared<Answer<msg::SyncGroupResponse>>();
  coord_->SyncGroup(Ctx(5), sr, [ans](msg::SyncGroupResponse r) { ans->value = std::move(r); });
  EXPECT_EQ(Await(ans).error_code, ErrorToInt(ErrorCode::kInconsistentGroupProtocol));
}

TEST_F(GroupTest, ProtocolChosenByVote) {
  config_.initial_rebalance_delay_ms = 100;
  Recreate();
  auto a = JoinWithId(7, JoinReq("g", "", {"roundrobin", "range"}), "a");
  auto b = JoinWithId(7, JoinReq("g", "", {"range", "roundrobin"}), "b");
  auto c = JoinWithId(7, JoinReq("g", "", {"range", "sticky"}), "c");
  msg::JoinGroupResponse ja = Await(a);
  EXPECT_EQ(ja.protocol_name, "range");  // the only common protocol
  EXPECT_EQ(ja.protocol_type, "consumer");
  EXPECT_EQ(Await(b).protocol_name, "range");
  EXPECT_EQ(Await(c).protocol_name, "range");
}

TEST_F(GroupTest, ConnectGroupWorksLikeConsumerGroup) {
  config_.initial_rebalance_delay_ms = 100;
  Recreate();
  auto w1 =
      JoinWithId(7, JoinReq("connect-cluster", "", {"sessioned", "compatible", "default"}, "connect"), "w1");
  auto w2 =
      JoinWithId(7, JoinReq("connect-cluster", "", {"sessioned", "compatible", "default"}, "connect"), "w2");
  msg::JoinGroupResponse j1 = Await(w1);
  msg::JoinGroupResponse j2 = Await(w2);
  ASSERT_EQ(j1.error_code, 0);
  EXPECT_EQ(j1.protocol_type, "connect");
  EXPECT_EQ(j1.protocol_name, "sessioned");
  EXPECT_EQ(j1.members.size(), 2u);
  EXPECT_EQ(j1.members[0].metadata, Bytes("meta-sessioned-"));
  auto s2 = Sync(5, "connect-cluster", j2.generation_id, j2.member_id);
  msg::SyncGroupResponse s1 = Await(Sync(5, "connect-cluster", j1.generation_id, j1.member_id,
                                         {{j1.member_id, "tasks-1"}, {j2.member_id, "tasks-2"}}));
  EXPECT_EQ(s1.protocol_type, "connect");
  EXPECT_EQ(s1.protocol_name, "sessioned");
  EXPECT_EQ(Await(s2).assignment, Bytes("tasks-2"));
  EXPECT_EQ(Heartbeat("connect-cluster", j2.generation_id, j2.member_id), 0);
}

TEST_F(GroupTest, InitialDelayIsExtendedAsMembersJoin) {
  config_.initial_rebalance_delay_ms = 100;
  Recreate();
  auto a = Join(3, JoinReq("g", "", {"range"}, "consumer", 10000, 5000), "a");
  RunFor(60ms);
  auto b = Join(3, JoinReq("g", "", {"range"}, "consumer", 10000, 5000), "b");
  RunFor(60ms);
  auto c = Join(3, JoinReq("g", "", {"range"}, "consumer", 10000, 5000), "c");
  EXPECT_EQ(Await(a).members.size(), 3u);
  EXPECT_EQ(Await(b).generation_id, 1);
  EXPECT_EQ(Await(c).generation_id, 1);
}

TEST_F(GroupTest, GroupMaxSize) {
  config_.max_group_size = 1;
  Recreate();
  auto [a, gen] = JoinAndSyncOne("g");
  EXPECT_EQ(Await(Join(3, JoinReq("g", ""))).error_code, ErrorToInt(ErrorCode::kGroupMaxSizeReached));
}

}  // namespace
}  // namespace sluice::broker::group::testing
