// GroupCoordinator: construction, timers, group lookup, persistence of group metadata and start-up
// replay (Load). Runs on the io_context thread only.
#include "broker/group/group_coordinator.h"

#include <chrono>

#include "base/logging.h"
#include "broker/group/group_records.h"

namespace sluice::broker::group {

using kafka::ErrorCode;

GroupCoordinator::GroupCoordinator(asio::io_context& io, GroupConfig config, GroupStore* store)
    : io_(io), config_(config), store_(store) {
  ScheduleOffsetExpiry();
}

void GroupCoordinator::ScheduleOffsetExpiry() {
  if (config_.offsets_retention_check_interval_ms <= 0) return;
  Arm(expiry_timer_, config_.offsets_retention_check_interval_ms, [this] {
    ExpireOffsets(WallClockMs());
    ScheduleOffsetExpiry();
  });
}

size_t GroupCoordinator::ExpireOffsets(int64_t now_ms) {
  size_t expired = 0;
  std::vector<std::string> dead;
  for (auto& [gid, g] : groups_) {
    if (g->Is(GroupState::kDead)) continue;
    // Groups that ever used the group protocol keep their offsets while they have members: they all
    // expire together once the group has been Empty for the retention (Kafka 2.1+, KIP-211). Offsets
    // committed without a group expire one by one after their commit.
    const bool uses_protocol = g->protocol_type().has_value();
    if (uses_protocol && !g->Is(GroupState::kEmpty)) continue;
    std::vector<GroupRecord> records;
    for (auto it = g->offsets().begin(); it != g->offsets().end();) {
      const int64_t since = uses_protocol ? g->state_since_ms() : it->second.commit_timestamp;
      if (now_ms - since >= config_.offsets_retention_ms) {
        records.push_back({EncodeOffsetKey(gid, it->first.first, it->first.second), {}});
        it = g->offsets().erase(it);
      } else {
        ++it;
      }
    }
    expired += records.size();
    if (g->Is(GroupState::kEmpty) && g->offsets().empty() && !records.empty()) {
      if (g->has_metadata_record) records.push_back({EncodeGroupMetadataKey(gid), {}});
      g->set_state(GroupState::kDead, now_ms);
      dead.push_back(gid);
    }
    if (records.empty()) continue;
    const size_t n = records.size();
    store_->Append(PartitionFor(gid), std::move(records), [gid = gid, n](Status s) {
      if (!s.ok())
        LOG_WARN("group {}: writing {} expired-offset tombstones failed: {}", gid, n, s.ToString());
    });
  }
  for (const std::string& gid : dead) groups_.erase(gid);
  if (expired > 0) LOG_INFO("expired {} committed offsets ({} groups removed)", expired, dead.size());
  return expired;
}

GroupCoordinator::~GroupCoordinator() {
  // Pending timer handlers and store callbacks check alive_ and do nothing once it is gone.
  alive_.reset();
}

void GroupCoordinator::Arm(std::unique_ptr<asio::steady_timer>& timer, int64_t ms, std::function<void()> fn) {
  if (!timer) timer = std::make_unique<asio::steady_timer>(io_);
  timer->expires_after(std::chrono::milliseconds(ms < 0 ? 0 : ms));
  std::weak_ptr<bool> alive = alive_;
  timer->async_wait([alive, fn = std::move(fn)](const asio::error_code& ec) {
    if (ec || alive.expired()) return;
    fn();
  });
}

Group* GroupCoordinator::FindGroup(std::string_view id) {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

const Group* GroupCoordinator::FindGroup(std::string_view id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

Group* GroupCoordinator::GetOrCreateGroup(const std::string& id) {
  auto it = groups_.find(id);
  if (it != groups_.end()) return it->second.get();
  return groups_.emplace(id, std::make_unique<Group>(id)).first->second.get();
}

int32_t GroupCoordinator::PartitionFor(std::string_view group) const {
  return PartitionForGroup(group, config_.offsets_topic_num_partitions);
}

std::optional<GroupState> GroupCoordinator::StateOf(std::string_view group_id) const {
  const Group* g = FindGroup(group_id);
  if (g == nullptr) return std::nullopt;
  return g->state();
}

std::optional<int32_t> GroupCoordinator::GenerationOf(std::string_view group_id) const {
  const Group* g = FindGroup(group_id);
  if (g == nullptr) return std::nullopt;
  return g->generation();
}

GroupMetadataRecordValue GroupCoordinator::MetadataRecordFor(Group* g) {
  GroupMetadataRecordValue v;
  v.protocol_type = g->protocol_type().value_or("");
  v.generation = g->generation();
  v.protocol = g->protocol_name();
  v.leader = g->leader_id();
  v.current_state_timestamp = g->state_since_ms();
  const std::string protocol = g->protocol_name().value_or("");
  for (Member* m : g->MembersInOrder()) {
    GroupMetadataRecordMember rm;
    rm.member_id = m->member_id;
    rm.group_instance_id = m->group_instance_id;
    rm.client_id = m->client_id;
    rm.client_host = m->client_host;
    rm.rebalance_timeout_ms = m->rebalance_timeout_ms;
    rm.session_timeout_ms = m->session_timeout_ms;
    kafka::SharedBytes sub = m->MetadataFor(protocol);
    rm.subscription.assign(sub.data(), sub.data() + sub.size());
    rm.assignment.assign(m->assignment.data(), m->assignment.data() + m->assignment.size());
    v.members.push_back(std::move(rm));
  }
  return v;
}

void GroupCoordinator::StoreGroup(Group* g, std::function<void(ErrorCode)> done) {
  g->has_metadata_record = true;
  std::vector<GroupRecord> records(1);
  records[0].key = EncodeGroupMetadataKey(g->id());
  records[0].value = EncodeGroupMetadataValue(MetadataRecordFor(g));
  std::weak_ptr<bool> alive = alive_;
  store_->Append(PartitionFor(g->id()), std::move(records), [alive, done = std::move(done)](Status s) {
    if (alive.expired()) return;
    done(StoreErrorToKafka(s));
  });
}

ErrorCode GroupCoordinator::StoreErrorToKafka(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return ErrorCode::kNone;
    case Status::Code::kUnavailable:
    case Status::Code::kTimeout:
    case Status::Code::kIOError:
      return ErrorCode::kCoordinatorNotAvailable;  // retriable: the client retries
    case Status::Code::kOutOfRange:
      return ErrorCode::kInvalidCommitOffsetSize;  // the records were too large
    default:
      return ErrorCode::kUnknownServerError;
  }
}

Status GroupCoordinator::Load(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value) {
  ASSIGN_OR_RETURN(GroupRecordKey k, DecodeGroupRecordKey(key));
  switch (k.kind) {
    case GroupRecordKey::Kind::kOther:
      return Status::OK();
    case GroupRecordKey::Kind::kGroupMetadata:
      return LoadGroupMetadata(k.group, value);
    case GroupRecordKey::Kind::kOffset:
      break;
  }
  if (!value) {
    if (Group* g = FindGroup(k.group)) g->offsets().erase({k.topic, k.partition});
    MaybeDropLoadedGroup(k.group);
    return Status::OK();
  }
  ASSIGN_OR_RETURN(OffsetRecordValue v, DecodeOffsetValue(*value));
  CommittedOffset& o = GetOrCreateGroup(k.group)->offsets()[{k.topic, k.partition}];
  o.offset = v.offset;
  o.leader_epoch = v.leader_epoch;
  o.metadata = std::move(v.metadata);
  o.commit_timestamp = v.commit_timestamp;
  return Status::OK();
}

Status GroupCoordinator::LoadGroupMetadata(const std::string& group_id,
                                           std::optional<std::span<const uint8_t>> value) {
  std::optional<GroupMetadataRecordValue> rec;
  if (value) {
    ASSIGN_OR_RETURN(rec, DecodeGroupMetadataValue(*value));
  }
  auto fresh = std::make_unique<Group>(group_id);
  if (Group* old = FindGroup(group_id)) fresh->offsets() = std::move(old->offsets());
  if (rec) {
    fresh->has_metadata_record = true;
    fresh->set_generation(rec->generation);
    if (!rec->protocol_type.empty()) fresh->set_protocol_type(rec->protocol_type);
    fresh->set_protocol_name(rec->protocol);
    for (GroupMetadataRecordMember& rm : rec->members) {
      auto m = std::make_unique<Member>();
      m->member_id = std::move(rm.member_id);
      m->group_instance_id = std::move(rm.group_instance_id);
      m->client_id = std::move(rm.client_id);
      m->client_host = std::move(rm.client_host);
      m->rebalance_timeout_ms = rm.rebalance_timeout_ms;
      m->session_timeout_ms = rm.session_timeout_ms;
      m->protocol_type = rec->protocol_type;
      m->protocols.emplace_back(rec->protocol.value_or(""), kafka::SharedBytes(std::move(rm.subscription)));
      m->assignment = kafka::SharedBytes(std::move(rm.assignment));
      m->join_seq = next_join_seq_++;
      fresh->Add(std::move(m), nullptr);
    }
    fresh->set_leader_id(rec->leader);
    fresh->set_state(fresh->size() == 0 ? GroupState::kEmpty : GroupState::kStable,
                     rec->current_state_timestamp > 0 ? rec->current_state_timestamp : WallClockMs());
  }
  Group* g = fresh.get();
  groups_[group_id] = std::move(fresh);
  // Loaded members must heartbeat within their session timeout, as after a coordinator failover.
  for (Member* m : g->MembersInOrder()) ScheduleSession(g, m);
  MaybeDropLoadedGroup(group_id);
  return Status::OK();
}

void GroupCoordinator::MaybeDropLoadedGroup(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  Group* g = it->second.get();
  if (g->Is(GroupState::kEmpty) && !g->has_metadata_record && g->offsets().empty() && g->size() == 0 &&
      g->pending_members().empty()) {
    groups_.erase(it);
  }
}

}  // namespace sluice::broker::group
