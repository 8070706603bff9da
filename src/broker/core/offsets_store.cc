// GroupStore on __consumer_offsets. Thread-safety: see offsets_store.h.
#include <asio.hpp>

#include "broker/core/broker.h"
#include "broker/core/offsets_store.h"
#include "broker/storage/log.h"
#include "kafka/protocol/record_builder.h"

namespace sluice::broker {

OffsetsTopicStore::OffsetsTopicStore(asio::io_context& io,
                                     std::function<PartitionState*(int32_t)> partition_of,
                                     std::function<void(PartitionState&)> on_appended, FlushFn flush)
    : io_(io),
      partition_of_(std::move(partition_of)),
      on_appended_(std::move(on_appended)),
      flush_(std::move(flush)) {}

void OffsetsTopicStore::Append(int32_t partition, std::vector<group::GroupRecord> records,
                               std::function<void(Status)> done) {
  Status result;
  PartitionState* part = partition_of_(partition);
  if (part == nullptr) {
    result = Status::Unavailable("__consumer_offsets partition " + std::to_string(partition) + " is missing");
  } else {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    kafka::RecordBatchBuilder builder;
    for (const auto& r : records) {
      std::optional<std::span<const uint8_t>> value;
      if (r.value) value = std::span<const uint8_t>(*r.value);
      builder.Append(now, std::span<const uint8_t>(r.key), value);
    }
    auto batch = builder.Build();
    if (!batch.ok()) {
      result = batch.status();
    } else {
      auto appended = part->log->Append(std::span<uint8_t>(*batch), now);
      result = appended.ok() ? Status::OK() : appended.status();
      if (appended.ok()) on_appended_(*part);
      if (appended.ok() && appended->flush_due) {
        // Answered when the flush completed (through the io_context, never from inside this call).
        flush_(part->log, [done = std::move(done)](const Status& st) { done(st); });
        return;
      }
    }
  }
  // Answer asynchronously: the coordinator may call Append while in the middle of its own work.
  asio::post(io_,
             [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

}  // namespace sluice::broker
