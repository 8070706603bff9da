// GroupCoordinator: OffsetCommit, OffsetFetch, DeleteGroups, DescribeGroups, ListGroups and
// FindCoordinator, following Kafka's classic coordinator. Runs on the io_context thread only.
#include <algorithm>
#include <cctype>
#include <chrono>

#include "broker/group/group_coordinator.h"
#include "broker/group/group_records.h"

namespace sluice::broker::group {

using kafka::ErrorCode;
using namespace kafka::messages;  // NOLINT(google-build-using-namespace): the message structs

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void GroupCoordinator::OffsetCommit(const RequestContext& ctx, const OffsetCommitRequest& req,
                                    Respond<OffsetCommitResponse> done) {
  const int16_t version = ctx.api_version;
  OffsetCommitResponse resp;
  for (const auto& t : req.topics) {
    OffsetCommitResponse::OffsetCommitResponseTopic rt;
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      OffsetCommitResponse::OffsetCommitResponsePartition rp;
      rp.partition_index = p.partition_index;
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  auto fail_all = [&](ErrorCode e) {
    for (auto& t : resp.topics) {
      for (auto& p : t.partitions) p.error_code = kafka::ErrorToInt(e);
    }
    Post(std::move(done), std::move(resp));
  };
  const int32_t generation = version >= 1 ? req.generation_id_or_member_epoch : -1;
  const std::string member_id = version >= 1 ? req.member_id : std::string();
  const std::optional<std::string> instance_id = version >= 7 ? req.group_instance_id : std::nullopt;

  Group* g = FindGroup(req.group_id);
  if (g == nullptr) {
    // Without a group only "simple" commits (no generation: a consumer using assign()) are allowed.
    if (generation >= 0) return fail_all(ErrorCode::kIllegalGeneration);
    g = GetOrCreateGroup(req.group_id);
  }
  if (g->Is(GroupState::kDead)) return fail_all(ErrorCode::kCoordinatorNotAvailable);
  if (generation >= 0 || !member_id.empty() || instance_id) {
    ErrorCode e = ValidateCurrentMember(g, member_id, instance_id, generation);
    if (e != ErrorCode::kNone) return fail_all(e);
  } else if (!g->Is(GroupState::kEmpty)) {
    return fail_all(ErrorCode::kUnknownMemberId);  // only members may commit to a non-empty group
  }
  if (g->Is(GroupState::kCompletingRebalance)) return fail_all(ErrorCode::kRebalanceInProgress);
  if (Member* m = g->Get(member_id)) ScheduleSession(g, m);  // a commit counts as a heartbeat

  struct Entry {
    size_t topic;
    size_t partition;
    CommittedOffset value;
  };
  std::vector<Entry> entries;
  std::vector<GroupRecord> records;
  const int64_t now = WallClockMs();
  for (size_t ti = 0; ti < req.topics.size(); ++ti) {
    const auto& t = req.topics[ti];
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      const std::string metadata = p.committed_metadata.value_or("");
      if (metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
        resp.topics[ti].partitions[pi].error_code = kafka::ErrorToInt(ErrorCode::kOffsetMetadataTooLarge);
        continue;
      }
      CommittedOffset c;
      c.offset = p.committed_offset;
      c.leader_epoch = version >= 6 ? p.committed_leader_epoch : -1;
      c.metadata = metadata;
      c.commit_timestamp = (version == 1 && p.commit_timestamp != -1) ? p.commit_timestamp : now;
      OffsetRecordValue v{c.offset, c.leader_epoch, c.metadata, c.commit_timestamp, -1};
      records.push_back({EncodeOffsetKey(req.group_id, t.name, p.partition_index), EncodeOffsetValue(v)});
      entries.push_back({ti, pi, std::move(c)});
    }
  }
  if (records.empty()) return Post(std::move(done), std::move(resp));
  std::weak_ptr<bool> alive = alive_;
  store_->Append(PartitionFor(req.group_id), std::move(records),
                 [this, alive, gid = req.group_id, entries = std::move(entries), resp = std::move(resp),
                  done = std::move(done)](Status s) mutable {
                   if (alive.expired()) return;
                   ErrorCode e = StoreErrorToKafka(s);
                   Group* grp = FindGroup(gid);
                   for (Entry& en : entries) {
                     if (e != ErrorCode::kNone) {
                       resp.topics[en.topic].partitions[en.partition].error_code = kafka::ErrorToInt(e);
                     } else if (grp != nullptr) {
                       const std::string& topic = resp.topics[en.topic].name;
                       const int32_t partition =
                           resp.topics[en.topic].partitions[en.partition].partition_index;
                       grp->offsets()[{topic, partition}] = std::move(en.value);
                     }
                   }
                   Post(std::move(done), std::move(resp));
                 });
}

namespace {

template <typename PartitionT>
PartitionT FetchedPartition(Group* g, const std::string& topic, int32_t partition) {
  PartitionT p;
  p.partition_index = partition;
  p.committed_offset = -1;
  p.committed_leader_epoch = -1;
  p.metadata = "";
  if (g != nullptr) {
    auto it = g->offsets().find({topic, partition});
    if (it != g->offsets().end()) {
      p.committed_offset = it->second.offset;
      p.committed_leader_epoch = it->second.leader_epoch;
      p.metadata = it->second.metadata;
    }
  }
  return p;
}

// Offsets of `g` for `topics` (all committed offsets when nullopt), shaped as TopicT/PartitionT.
template <typename TopicT, typename PartitionT, typename RequestTopicT>
std::vector<TopicT> FetchOffsets(Group* g, const std::optional<std::vector<RequestTopicT>>& topics) {
  std::vector<TopicT> out;
  if (!topics) {
    if (g == nullptr) return out;
    for (const auto& [key, value] : g->offsets()) {
      if (out.empty() || out.back().name != key.first) {
        out.emplace_back();
        out.back().name = key.first;
      }
      out.back().partitions.push_back(FetchedPartition<PartitionT>(g, key.first, key.second));
    }
    return out;
  }
  for (const auto& t : *topics) {
    TopicT rt;
    rt.name = t.name;
    for (int32_t p : t.partition_indexes) rt.partitions.push_back(FetchedPartition<PartitionT>(g, t.name, p));
    out.push_back(std::move(rt));
  }
  return out;
}

}  // namespace

void GroupCoordinator::OffsetFetch(const RequestContext& ctx, const OffsetFetchRequest& req,
                                   Respond<OffsetFetchResponse> done) {
  // require_stable (v7+) waits for pending transactional commits; there are none here.
  OffsetFetchResponse resp;
  if (ctx.api_version >= 8) {
    for (const auto& rg : req.groups) {
      OffsetFetchResponse::OffsetFetchResponseGroup out;
      out.group_id = rg.group_id;
      Group* g = FindGroup(rg.group_id);
      if (g != nullptr && g->Is(GroupState::kDead)) g = nullptr;
      out.topics = FetchOffsets<OffsetFetchResponse::OffsetFetchResponseTopics,
                                OffsetFetchResponse::OffsetFetchResponsePartitions>(g, rg.topics);
      resp.groups.push_back(std::move(out));
    }
  } else {
    Group* g = FindGroup(req.group_id);
    if (g != nullptr && g->Is(GroupState::kDead)) g = nullptr;
    std::optional<std::vector<OffsetFetchRequest::OffsetFetchRequestTopic>> topics = req.topics;
    if (ctx.api_version < 2 && !topics) topics.emplace();  // null means "all" only from v2
    resp.topics = FetchOffsets<OffsetFetchResponse::OffsetFetchResponseTopic,
                               OffsetFetchResponse::OffsetFetchResponsePartition>(g, topics);
  }
  Post(std::move(done), std::move(resp));
}

void GroupCoordinator::DeleteGroups(const RequestContext& /*ctx*/, const DeleteGroupsRequest& req,
                                    Respond<DeleteGroupsResponse> done) {
  struct Pending {
    DeleteGroupsResponse resp;
    size_t outstanding = 1;  // released after the loop
    Respond<DeleteGroupsResponse> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  asio::io_context* io = &io_;
  auto release = [pending, io] {
    if (--pending->outstanding == 0) {
      asio::post(*io, [pending] { pending->done(std::move(pending->resp)); });
    }
  };
  for (const std::string& gid : req.groups_names) {
    const size_t index = pending->resp.results.size();
    pending->resp.results.emplace_back();
    pending->resp.results[index].group_id = gid;
    Group* g = FindGroup(gid);
    ErrorCode e = ErrorCode::kNone;
    if (g == nullptr || g->Is(GroupState::kDead)) {
      e = ErrorCode::kGroupIdNotFound;
    } else if (!g->Is(GroupState::kEmpty)) {
      e = ErrorCode::kNonEmptyGroup;
    }
    if (e != ErrorCode::kNone) {
      pending->resp.results[index].error_code = kafka::ErrorToInt(e);
      continue;
    }
    // Tombstones for every committed offset and for the group metadata, then forget the group.
    std::vector<GroupRecord> records;
    for (const auto& [key, value] : g->offsets())
      records.push_back({EncodeOffsetKey(gid, key.first, key.second), {}});
    records.push_back({EncodeGroupMetadataKey(gid), {}});
    g->set_state(GroupState::kDead);
    groups_.erase(gid);
    ++pending->outstanding;
    store_->Append(PartitionFor(gid), std::move(records), [pending, index, release](Status s) {
      pending->resp.results[index].error_code = kafka::ErrorToInt(StoreErrorToKafka(s));
      release();
    });
  }
  release();
}

void GroupCoordinator::DescribeGroups(const RequestContext& ctx, const DescribeGroupsRequest& req,
                                      Respond<DescribeGroupsResponse> done) {
  DescribeGroupsResponse resp;
  for (const std::string& gid : req.groups) {
    DescribeGroupsResponse::DescribedGroup d;
    d.group_id = gid;
    Group* g = FindGroup(gid);
    if (g == nullptr || g->Is(GroupState::kDead)) {
      d.group_state = "Dead";  // Kafka describes unknown groups as Dead, without error
      resp.groups.push_back(std::move(d));
      continue;
    }
    d.group_state = std::string(GroupStateName(g->state()));
    d.protocol_type = g->protocol_type().value_or("");
    const bool stable = g->Is(GroupState::kStable);
    if (stable) d.protocol_data = g->protocol_name().value_or("");
    for (Member* m : g->MembersInOrder()) {
      DescribeGroupsResponse::DescribedGroupMember dm;
      dm.member_id = m->member_id;
      if (ctx.api_version >= 4) dm.group_instance_id = m->group_instance_id;
      dm.client_id = m->client_id;
      dm.client_host = m->client_host;
      if (stable) {
        dm.member_metadata = m->MetadataFor(d.protocol_data);
        dm.member_assignment = m->assignment;
      }
      d.members.push_back(std::move(dm));
    }
    resp.groups.push_back(std::move(d));
  }
  Post(std::move(done), std::move(resp));
}

void GroupCoordinator::ListGroups(const RequestContext& ctx, const ListGroupsRequest& req,
                                  Respond<ListGroupsResponse> done) {
  const int16_t version = ctx.api_version;
  ListGroupsResponse resp;
  auto listed = [](const std::vector<std::string>& filter, std::string_view value) {
    if (filter.empty()) return true;
    return std::any_of(filter.begin(), filter.end(),
                       [&](const std::string& f) { return EqualsIgnoreCase(f, value); });
  };
  for (const auto& [gid, g] : groups_) {
    if (g->Is(GroupState::kDead)) continue;
    const std::string_view state = GroupStateName(g->state());
    if (version >= 4 && !listed(req.states_filter, state)) continue;
    if (version >= 5 && !listed(req.types_filter, "classic")) continue;
    ListGroupsResponse::ListedGroup lg;
    lg.group_id = gid;
    lg.protocol_type = g->protocol_type().value_or("");
    if (version >= 4) lg.group_state = std::string(state);
    if (version >= 5) lg.group_type = "classic";
    resp.groups.push_back(std::move(lg));
  }
  Post(std::move(done), std::move(resp));
}

void GroupCoordinator::FindCoordinator(const RequestContext& ctx, const FindCoordinatorRequest& req,
                                       const NodeEndpoint& self, Respond<FindCoordinatorResponse> done) {
  const int16_t version = ctx.api_version;
  const int8_t key_type = version >= 1 ? req.key_type : 0;
  // Group (0) and transaction (1) coordinators both live on this node; other key types are unknown.
  const bool valid = key_type == 0 || key_type == 1;
  FindCoordinatorResponse resp;
  if (version >= 4) {
    for (const std::string& key : req.coordinator_keys) {
      FindCoordinatorResponse::Coordinator c;
      c.key = key;
      if (valid) {
        c.node_id = self.node_id;
        c.host = self.host;
        c.port = self.port;
        c.error_message = std::nullopt;
      } else {
        c.node_id = -1;
        c.port = -1;
        c.error_code = kafka::ErrorToInt(ErrorCode::kInvalidRequest);
        c.error_message = "unsupported coordinator key type " + std::to_string(key_type);
      }
      resp.coordinators.push_back(std::move(c));
    }
  } else if (valid) {
    resp.node_id = self.node_id;
    resp.host = self.host;
    resp.port = self.port;
    if (version >= 1) resp.error_message = std::nullopt;
  } else {
    resp.node_id = -1;
    resp.port = -1;
    resp.error_code = kafka::ErrorToInt(ErrorCode::kInvalidRequest);
    resp.error_message = "unsupported coordinator key type " + std::to_string(key_type);
  }
  Post(std::move(done), std::move(resp));
}

}  // namespace sluice::broker::group
