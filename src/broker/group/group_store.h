// GroupStore: where the group coordinator persists group metadata and committed offsets.
//
// The broker implements it by appending to the compacted `__consumer_offsets` topic (partition
// `PartitionForGroup(group, offsets.topic.num.partitions)`), and at start-up replays that topic into
// GroupCoordinator::Load. Keys and values use Kafka's record formats (group_records.h), so the topic
// reads the same as Kafka's.
//
// Thread-safety: the coordinator calls Append on its io_context thread; `done` must be invoked on that
// same thread (synchronously inside Append is allowed).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "base/status.h"

namespace sluice::broker::group {

// One record of __consumer_offsets: value nullopt is a tombstone.
struct GroupRecord {
  std::vector<uint8_t> key;
  std::optional<std::vector<uint8_t>> value;
};

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  // Appends `records` atomically and in order to `partition` of __consumer_offsets, then calls
  // `done` with the outcome. REQUIRES: records is not empty.
  virtual void Append(int32_t partition, std::vector<GroupRecord> records,
                      std::function<void(Status)> done) = 0;
};

}  // namespace sluice::broker::group
