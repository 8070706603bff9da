// GroupStore on the __consumer_offsets topic: the coordinator's records (committed offsets, group
// metadata, tombstones) appended as record batches to the group's partition of the compacted topic,
// and replayed into the coordinator at start-up so commits survive restarts.
// Thread-safety: loop thread only.
#pragma once

#include <functional>

#include <asio.hpp>

#include "broker/group/group_store.h"

namespace sluice::broker {

struct PartitionState;

class OffsetsTopicStore : public group::GroupStore {
 public:
  // `partition_of(p)` returns __consumer_offsets partition p (nullptr if absent); `now_ms` the clock.
  OffsetsTopicStore(asio::io_context& io, std::function<PartitionState*(int32_t)> partition_of,
                    std::function<void(PartitionState&)> on_appended);

  void Append(int32_t partition, std::vector<group::GroupRecord> records,
              std::function<void(Status)> done) override;

 private:
  asio::io_context& io_;
  std::function<PartitionState*(int32_t)> partition_of_;
  std::function<void(PartitionState&)> on_appended_;
};

}  // namespace sluice::broker
