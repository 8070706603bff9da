// Idempotent-producer state per partition: for each producer id, its epoch and the sequence ranges
// and offsets of its last few batches, so that a retried batch is acknowledged with its original
// offset instead of being appended twice, and a gap in sequences is refused.
//
// Rules (as Kafka's broker applies them to a batch with producerId >= 0):
//   epoch < known epoch                      -> INVALID_PRODUCER_EPOCH
//   epoch > known epoch (or unknown producer) -> the first sequence must be 0, else
//                                               OUT_OF_ORDER_SEQUENCE_NUMBER
//   same epoch, sequences equal to one of the last kCachedBatches batches -> duplicate (its offsets)
//   same epoch, first sequence != last sequence + 1 (mod 2^31)           -> OUT_OF_ORDER_SEQUENCE_NUMBER
// The state is rebuilt after a restart from the batch headers in the log (Observe()).
// Thread-safety: loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/record_batch.h"

namespace sluice::broker {

class ProducerStateTable {
 public:
  static constexpr size_t kCachedBatches = 5;

  struct Check {
    kafka::ErrorCode error = kafka::ErrorCode::kNone;
    bool duplicate = false;
    int64_t duplicate_base_offset = -1;
  };

  // Decides what to do with a batch before it is appended. Batches without a producer id pass.
  Check Validate(const kafka::RecordBatchHeader& batch) const;
  // Records an appended batch (header with its assigned base offset); also used to rebuild state from
  // the log at start-up.
  void Observe(const kafka::RecordBatchHeader& batch);
  size_t producer_count() const { return producers_.size(); }

 private:
  struct BatchMeta {
    int32_t first_seq;
    int32_t last_seq;
    int64_t base_offset;
  };
  struct Entry {
    int16_t epoch = -1;
    std::deque<BatchMeta> batches;  // oldest first
  };
  std::unordered_map<int64_t, Entry> producers_;
};

}  // namespace sluice::broker
