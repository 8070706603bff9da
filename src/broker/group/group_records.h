// The record formats of Kafka's `__consumer_offsets` topic, which the group coordinator writes through
// GroupStore and replays at start-up, plus the group -> partition mapping.
//
// Keys (classic strings: int16 length + UTF-8; all integers big-endian):
//   OffsetCommitKey     int16 version (0 or 1; we write 1), string group, string topic, int32 partition
//   GroupMetadataKey    int16 version 2, string group
// Values (prefixed by int16 version):
//   OffsetCommitValue   v0: int64 offset, string metadata, int64 commitTimestamp
//                       v1: v0 + int64 expireTimestamp;  v2: as v0
//                       v3: int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestamp
//                       v4: v3 in flexible encoding (compact strings, trailing tagged fields)
//   GroupMetadataValue  string protocolType, int32 generation, nullable string protocol,
//                       nullable string leader, [v2+] int64 currentStateTimestamp,
//                       array members: string memberId, [v3+] nullable string groupInstanceId,
//                       string clientId, string clientHost, [v1+] int32 rebalanceTimeout,
//                       int32 sessionTimeout, bytes subscription, bytes assignment
//                       (v4: flexible encoding). We write v3 and read v0-v4.
// Kafka writes OffsetCommitValue v3 unless an expire timestamp is set (v1); we never set one.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::broker::group {

struct OffsetRecordValue {
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = -1;
  int64_t expire_timestamp = -1;  // only in v1 records; never written by us
  bool operator==(const OffsetRecordValue&) const = default;
};

struct GroupMetadataRecordMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = -1;
  int32_t session_timeout_ms = 0;
  std::vector<uint8_t> subscription;
  std::vector<uint8_t> assignment;
  bool operator==(const GroupMetadataRecordMember&) const = default;
};

struct GroupMetadataRecordValue {
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  int64_t current_state_timestamp = -1;
  std::vector<GroupMetadataRecordMember> members;
  bool operator==(const GroupMetadataRecordValue&) const = default;
};

// A decoded key of __consumer_offsets.
struct GroupRecordKey {
  enum class Kind { kOffset, kGroupMetadata, kOther };
  Kind kind = Kind::kOther;
  int16_t version = 0;
  std::string group;
  std::string topic;      // kOffset only
  int32_t partition = 0;  // kOffset only
};

std::vector<uint8_t> EncodeOffsetKey(std::string_view group, std::string_view topic, int32_t partition);
std::vector<uint8_t> EncodeOffsetValue(const OffsetRecordValue& v);  // version 3
std::vector<uint8_t> EncodeGroupMetadataKey(std::string_view group);
std::vector<uint8_t> EncodeGroupMetadataValue(const GroupMetadataRecordValue& v);  // version 3

// Keys with versions above 2 (the new consumer-group protocol's records) decode as Kind::kOther.
Result<GroupRecordKey> DecodeGroupRecordKey(std::span<const uint8_t> key);
Result<OffsetRecordValue> DecodeOffsetValue(std::span<const uint8_t> value);
Result<GroupMetadataRecordValue> DecodeGroupMetadataValue(std::span<const uint8_t> value);

// Java's String.hashCode of the UTF-16 form of `utf8` (malformed bytes count as U+FFFD).
int32_t JavaStringHashCode(std::string_view utf8);
// Kafka's partitionFor: Utils.abs(group.hashCode) % num_partitions, where Utils.abs(INT_MIN) is 0.
// REQUIRES: num_partitions > 0.
int32_t PartitionForGroup(std::string_view group, int32_t num_partitions);

}  // namespace sluice::broker::group
