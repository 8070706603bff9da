// Offset commit/fetch, restart replay, DeleteGroups, DescribeGroups, ListGroups and FindCoordinator.
#include <algorithm>
#include <chrono>

#include "broker/group/group_records.h"
#include "test_util.h"

namespace sluice::broker::group::testing {
namespace {

using kafka::ErrorCode;
using kafka::ErrorToInt;

msg::OffsetCommitRequest CommitReq(const std::string& group, int32_t generation, const std::string& member,
                                   std::vector<std::tuple<std::string, int32_t, int64_t>> offsets) {
  msg::OffsetCommitRequest r;
  r.group_id = group;
  r.generation_id_or_member_epoch = generation;
  r.member_id = member;
  for (auto& [topic, partition, offset] : offsets) {
    auto it = std::find_if(r.topics.begin(), r.topics.end(), [&](const auto& t) { return t.name == topic; });
    if (it == r.topics.end()) {
      r.topics.emplace_back();
      r.topics.back().name = topic;
      it = r.topics.end() - 1;
    }
    msg::OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = partition;
    p.committed_offset = offset;
    p.committed_leader_epoch = 4;
    p.committed_metadata = "md-" + std::to_string(offset);
    it->partitions.push_back(p);
  }
  return r;
}

class OffsetsTest : public GroupTest {
 protected:
  std::vector<int16_t> CommitErrors(int16_t v, const msg::OffsetCommitRequest& r) {
    msg::OffsetCommitResponse resp = Call<msg::OffsetCommitResponse>(v, &GroupCoordinator::OffsetCommit, r);
    std::vector<int16_t> out;
    for (const auto& t : resp.topics) {
      for (const auto& p : t.partitions) out.push_back(p.error_code);
    }
    return out;
  }
  // Committed offset of one partition via OffsetFetch v6 (-1 when none).
  int64_t Fetched(const std::string& group, const std::string& topic, int32_t partition) {
    msg::OffsetFetchRequest r;
    r.group_id = group;
    r.topics.emplace();
    r.topics->emplace_back();
    r.topics->back().name = topic;
    r.topics->back().partition_indexes = {partition};
    msg::OffsetFetchResponse resp = Call<msg::OffsetFetchResponse>(6, &GroupCoordinator::OffsetFetch, r);
    EXPECT_EQ(resp.topics.size(), 1u);
    if (resp.topics.empty() || resp.topics[0].partitions.empty()) return -2;
    return resp.topics[0].partitions[0].committed_offset;
  }
  void ReplayInto(GroupCoordinator& c) {
    for (const auto& [partition, rec] : store_.log) {
      std::optional<std::span<const uint8_t>> value;
      if (rec.value) value = std::span<const uint8_t>(*rec.value);
      Status s = c.Load(rec.key, value);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }
};

TEST_F(OffsetsTest, CommitAndFetch) {
  auto [member, gen] = JoinAndSyncOne("g");
  EXPECT_EQ(CommitErrors(8, CommitReq("g", gen, member, {{"t", 0, 10}, {"t", 1, 11}, {"u", 0, 20}})),
            std::vector<int16_t>(3, 0));
  EXPECT_EQ(Fetched("g", "t", 1), 11);
  EXPECT_EQ(Fetched("g", "t", 9), -1);
  EXPECT_EQ(Fetched("other", "t", 1), -1);
  // Every record went to the group's __consumer_offsets partition.
  for (const auto& [partition, rec] : store_.log) EXPECT_EQ(partition, PartitionForGroup("g", 50));

  // Null topics (v2+): all offsets of the group, with leader epoch and metadata.
  msg::OffsetFetchRequest all;
  all.group_id = "g";
  all.topics = std::nullopt;
  msg::OffsetFetchResponse resp = Call<msg::OffsetFetchResponse>(7, &GroupCoordinator::OffsetFetch, all);
  ASSERT_EQ(resp.topics.size(), 2u);
  EXPECT_EQ(resp.topics[0].name, "t");
  ASSERT_EQ(resp.topics[0].partitions.size(), 2u);
  EXPECT_EQ(resp.topics[0].partitions[0].committed_offset, 10);
  EXPECT_EQ(resp.topics[0].partitions[0].committed_leader_epoch, 4);
  EXPECT_EQ(resp.topics[0].partitions[0].metadata, "md-10");
  EXPECT_EQ(resp.topics[1].partitions[0].committed_offset, 20);

  // v8: several groups in one request.
  msg::OffsetFetchRequest multi;
  multi.groups.resize(2);
  multi.groups[0].group_id = "g";
  multi.groups[0].topics = std::nullopt;
  multi.groups[1].group_id = "missing";
  multi.groups[1].topics.emplace(1);
  (*multi.groups[1].topics)[0].name = "t";
  (*multi.groups[1].topics)[0].partition_indexes = {0};
  multi.require_stable = true;
  msg::OffsetFetchResponse mresp = Call<msg::OffsetFetchResponse>(8, &GroupCoordinator::OffsetFetch, multi);
  ASSERT_EQ(mresp.groups.size(), 2u);
  EXPECT_EQ(mresp.groups[0].topics.size(), 2u);
  ASSERT_EQ(mresp.groups[1].topics.size(), 1u);
  EXPECT_EQ(mresp.groups[1].topics[0].partitions[0].committed_offset, -1);
}

TEST_F(OffsetsTest, CommitValidation) {
  auto [member, gen] = JoinAndSyncOne("g");
  EXPECT_EQ(CommitErrors(8, CommitReq("g", gen + 1, member, {{"t", 0, 1}}))[0],
            ErrorToInt(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(CommitErrors(8, CommitReq("g", gen, "stranger", {{"t", 0, 1}}))[0],
            ErrorToInt(ErrorCode::kUnknownMemberId));
  // Simple (generation -1) commits are refused while the group has members...
  EXPECT_EQ(CommitErrors(8, CommitReq("g", -1, "", {{"t", 0, 1}}))[0],
            ErrorToInt(ErrorCode::kUnknownMemberId));
  // ...and accepted for a group nobody joined (consumers using assign()).
  EXPECT_EQ(CommitErrors(8, CommitReq("standalone", -1, "", {{"t", 0, 5}}))[0], 0);
  EXPECT_EQ(Fetched("standalone", "t", 0), 5);
  EXPECT_EQ(coord_->StateOf("standalone"), GroupState::kEmpty);
  EXPECT_EQ(CommitErrors(2, CommitReq("nogroup", 3, "m", {{"t", 0, 1}}))[0],
            ErrorToInt(ErrorCode::kIllegalGeneration));
  msg::OffsetCommitRequest big = CommitReq("standalone", -1, "", {{"t", 1, 5}});
  big.topics[0].partitions[0].committed_metadata = std::string(5000, 'x');
  EXPECT_EQ(CommitErrors(8, big)[0], ErrorToInt(ErrorCode::kOffsetMetadataTooLarge));
  store_.fail = true;
  EXPECT_EQ(CommitErrors(8, CommitReq("standalone", -1, "", {{"t", 0, 6}}))[0],
            ErrorToInt(ErrorCode::kCoordinatorNotAvailable));
  EXPECT_EQ(Fetched("standalone", "t", 0), 5);
}

TEST_F(OffsetsTest, RestartReplaysOffsetsAndGroups) {
  auto [member, gen] = JoinAndSyncOne("g");
  ASSERT_EQ(CommitErrors(8, CommitReq("g", gen, member, {{"t", 0, 10}, {"t", 0, 12}, {"t", 3, 30}})),
            std::vector<int16_t>(3, 0));
  ASSERT_EQ(CommitErrors(8, CommitReq("simple", -1, "", {{"s", 0, 7}}))[0], 0);

  Recreate();  // a new broker process: nothing in memory
  EXPECT_EQ(Fetched("g", "t", 0), -1);
  ReplayInto(*coord_);
  EXPECT_EQ(Fetched("g", "t", 0), 12);
  EXPECT_EQ(Fetched("g", "t", 3), 30);
  EXPECT_EQ(Fetched("simple", "s", 0), 7);
  EXPECT_EQ(coord_->StateOf("g"), GroupState::kStable);
  EXPECT_EQ(coord_->GenerationOf("g"), gen);
  // The member survives the restart with its assignment, as long as it heartbeats.
  EXPECT_EQ(Heartbeat("g", gen, member), 0);
  EXPECT_EQ(Await(Sync(3, "g", gen, member)).assignment, Bytes("assign-1"));
  msg::DescribeGroupsRequest d;
  d.groups = {"g"};
  msg::DescribeGroupsResponse dr = Call<msg::DescribeGroupsResponse>(5, &GroupCoordinator::DescribeGroups, d);
  ASSERT_EQ(dr.groups.size(), 1u);
  EXPECT_EQ(dr.groups[0].protocol_data, "range");
  ASSERT_EQ(dr.groups[0].members.size(), 1u);
  EXPECT_EQ(dr.groups[0].members[0].member_id, member);
  EXPECT_EQ(dr.groups[0].members[0].member_assignment, Bytes("assign-1"));
}

TEST_F(OffsetsTest, DeleteGroups) {
  auto [member, gen] = JoinAndSyncOne("g");
  ASSERT_EQ(CommitErrors(8, CommitReq("g", gen, member, {{"t", 0, 10}}))[0], 0);
  msg::DeleteGroupsRequest del;
  del.groups_names = {"g", "missing"};
  msg::DeleteGroupsResponse r = Call<msg::DeleteGroupsResponse>(2, &GroupCoordinator::DeleteGroups, del);
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[0].error_code, ErrorToInt(ErrorCode::kNonEmptyGroup));
  EXPECT_EQ(r.results[1].error_code, ErrorToInt(ErrorCode::kGroupIdNotFound));

  msg::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.member_id = member;
  ASSERT_EQ(Call<msg::LeaveGroupResponse>(0, &GroupCoordinator::LeaveGroup, leave).error_code, 0);
  ASSERT_TRUE(RunUntil([&] { return coord_->StateOf("g") == GroupState::kEmpty; }));
  const size_t before = store_.log.size();
  del.groups_names = {"g"};
  r = Call<msg::DeleteGroupsResponse>(2, &GroupCoordinator::DeleteGroups, del);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].error_code, 0);
  EXPECT_FALSE(coord_->StateOf("g").has_value());
  EXPECT_EQ(Fetched("g", "t", 0), -1);
  // Tombstones: one per offset and one for the group metadata.
  ASSERT_EQ(store_.log.size(), before + 2);
  EXPECT_FALSE(store_.log[before].second.value.has_value());
  EXPECT_FALSE(store_.log[before + 1].second.value.has_value());
  // Replaying everything leaves no trace of the group.
  Recreate();
  ReplayInto(*coord_);
  EXPECT_FALSE(coord_->StateOf("g").has_value());
  EXPECT_EQ(Fetched("g", "t", 0), -1);
}

TEST_F(OffsetsTest, DescribeAndListGroups) {
  auto [member, gen] = JoinAndSyncOne("g");
  ASSERT_EQ(CommitErrors(8, CommitReq("simple", -1, "", {{"s", 0, 7}}))[0], 0);
  msg::DescribeGroupsRequest d;
  d.groups = {"g", "simple", "nope"};
  msg::DescribeGroupsResponse dr = Call<msg::DescribeGroupsResponse>(5, &GroupCoordinator::DescribeGroups, d);
  ASSERT_EQ(dr.groups.size(), 3u);
  EXPECT_EQ(dr.groups[0].group_state, "Stable");
  EXPECT_EQ(dr.groups[0].protocol_type, "consumer");
  EXPECT_EQ(dr.groups[0].protocol_data, "range");
  ASSERT_EQ(dr.groups[0].members.size(), 1u);
  EXPECT_EQ(dr.groups[0].members[0].client_id, "client");
  EXPECT_EQ(dr.groups[0].members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(dr.groups[0].members[0].member_metadata, Bytes("meta-range-"));
  EXPECT_EQ(dr.groups[1].group_state, "Empty");
  EXPECT_EQ(dr.groups[2].group_state, "Dead");
  EXPECT_EQ(dr.groups[2].error_code, 0);

  msg::ListGroupsRequest lr;
  msg::ListGroupsResponse all = Call<msg::ListGroupsResponse>(3, &GroupCoordinator::ListGroups, lr);
  ASSERT_EQ(all.groups.size(), 2u);
  EXPECT_EQ(all.groups[0].group_id, "g");
  EXPECT_EQ(all.groups[0].protocol_type, "consumer");
  lr.states_filter = {"stable"};
  msg::ListGroupsResponse stable = Call<msg::ListGroupsResponse>(4, &GroupCoordinator::ListGroups, lr);
  ASSERT_EQ(stable.groups.size(), 1u);
  EXPECT_EQ(stable.groups[0].group_id, "g");
  EXPECT_EQ(stable.groups[0].group_state, "Stable");
  lr.states_filter = {"Empty"};
  msg::ListGroupsResponse empty = Call<msg::ListGroupsResponse>(4, &GroupCoordinator::ListGroups, lr);
  ASSERT_EQ(empty.groups.size(), 1u);
  EXPECT_EQ(empty.groups[0].group_id, "simple");
}

TEST_F(OffsetsTest, FindCoordinatorIsThisNode) {
  NodeEndpoint self{7, "broker.local", 9092};
  auto call = [&](int16_t v, const msg::FindCoordinatorRequest& r) {
    auto a = std::make_shared<Answer<msg::FindCoordinatorResponse>>();
    coord_->FindCoordinator(Ctx(v), r, self, [a, v](msg::FindCoordinatorResponse resp) {
      ExpectEncodes(resp, v);
      a->value = std::move(resp);
    });
    return Await(a);
  };
  msg::FindCoordinatorRequest r;
  r.key = "g";
  for (int16_t v = 0; v <= 3; ++v) {
    msg::FindCoordinatorResponse resp = call(v, r);
    EXPECT_EQ(resp.error_code, 0);
    EXPECT_EQ(resp.node_id, 7);
    EXPECT_EQ(resp.host, "broker.local");
    EXPECT_EQ(resp.port, 9092);
  }
  msg::FindCoordinatorRequest batch;
  batch.coordinator_keys = {"g1", "g2"};
  msg::FindCoordinatorResponse resp = call(4, batch);
  ASSERT_EQ(resp.coordinators.size(), 2u);
  EXPECT_EQ(resp.coordinators[1].key, "g2");
  EXPECT_EQ(resp.coordinators[1].node_id, 7);
  EXPECT_EQ(resp.coordinators[1].port, 9092);
  batch.key_type = 5;
  EXPECT_EQ(call(4, batch).coordinators[0].error_code, ErrorToInt(ErrorCode::kInvalidRequest));
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// offsets.retention.minutes: offsets committed without a group (assign() consumers) expire one by one
// after their commit; tombstones reach the store and a replay does not bring them back.
TEST_F(OffsetsTest, SimpleCommitsExpireAfterRetention) {
  const int64_t retention = config_.offsets_retention_ms;
  const int64_t t0 = WallMs();
  ASSERT_EQ(CommitErrors(8, CommitReq("simple", -1, "", {{"t", 0, 10}, {"t", 1, 11}}))[0], 0);
  const size_t before = store_.log.size();
  EXPECT_EQ(coord_->ExpireOffsets(t0 + retention - 60000), 0u);
  EXPECT_EQ(Fetched("simple", "t", 0), 10);
  EXPECT_EQ(coord_->ExpireOffsets(WallMs() + retention + 1), 2u);
  EXPECT_EQ(Fetched("simple", "t", 0), -1);
  EXPECT_FALSE(coord_->StateOf("simple").has_value());
  ASSERT_EQ(store_.log.size(), before + 2);  // two offset tombstones (the group had no metadata record)
  for (size_t i = before; i < store_.log.size(); ++i) EXPECT_FALSE(store_.log[i].second.value.has_value());
  Recreate();
  ReplayInto(*coord_);
  EXPECT_EQ(Fetched("simple", "t", 1), -1);
}

// A consumer group keeps its offsets while it has members; once Empty for the retention, its offsets
// and the group itself are deleted. The time it became Empty survives a restart.
TEST_F(OffsetsTest, EmptyGroupOffsetsExpireWithTheGroup) {
  const int64_t retention = config_.offsets_retention_ms;
  auto [member, gen] = JoinAndSyncOne("g");
  ASSERT_EQ(CommitErrors(8, CommitReq("g", gen, member, {{"t", 0, 10}, {"u", 0, 20}}))[0], 0);
  EXPECT_EQ(coord_->ExpireOffsets(WallMs() + 10 * retention), 0u) << "a Stable group lost its offsets";
  msg::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.member_id = member;
  ASSERT_EQ(Call<msg::LeaveGroupResponse>(0, &GroupCoordinator::LeaveGroup, leave).error_code, 0);
  ASSERT_TRUE(RunUntil([&] { return coord_->StateOf("g") == GroupState::kEmpty; }));
  const int64_t empty_since = WallMs();

  // Across a restart the group is still Empty since then.
  Recreate();
  ReplayInto(*coord_);
  ASSERT_EQ(coord_->StateOf("g"), GroupState::kEmpty);
  EXPECT_EQ(coord_->ExpireOffsets(empty_since + retention - 60000), 0u);
  EXPECT_EQ(Fetched("g", "t", 0), 10);

  const size_t before = store_.log.size();
  EXPECT_EQ(coord_->ExpireOffsets(empty_since + retention + 60000), 2u);
  EXPECT_FALSE(coord_->StateOf("g").has_value());
  EXPECT_EQ(Fetched("g", "u", 0), -1);
  ASSERT_EQ(store_.log.size(), before + 3);  // two offsets and the group metadata
  Recreate();
  ReplayInto(*coord_);
  EXPECT_FALSE(coord_->StateOf("g").has_value());
  EXPECT_EQ(Fetched("g", "t", 0), -1);
}

}  // namespace
}  // namespace sluice::broker::group::testing
