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
namespace storage {
class Log;
}

class OffsetsTopicStore : public group::GroupStore {
 public:
  // `partition_of(p)` returns __consumer_offsets partition p (nullptr if absent); `on_appended` is
  // told of each append; `flush(log, done)` runs a flush the flush policy asked for (the append's
  // result is reported once it completed).
  using FlushFn = std::function<void(storage::Log*, std::function<void(const Status&)>)>;
  OffsetsTopicStore(asio::io_context& io, std::function<PartitionState*(int32_t)> partition_of,
                    std::function<void(PartitionState&)> on_appended, FlushFn flush);

  void Append(int32_t partition, std::vector<group::GroupRecord> records,
              std::function<void(Status)> done) override;

 private:
  asio::io_context& io_;
  std::function<PartitionState*(int32_t)> partition_of_;
  std::function<void(PartitionState&)> on_appended_;
  FlushFn flush_;
};

}  // namespace sluice::broker
