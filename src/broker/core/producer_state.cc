// Idempotent-producer state. Thread-safety: see producer_state.h.
#include "broker/core/producer_state.h"

namespace sluice::broker {

using kafka::ErrorCode;

namespace {
int32_t LastSequence(const kafka::RecordBatchHeader& b) {
  // Sequences wrap at INT32_MAX back to 0.
  const int64_t last = int64_t{b.base_sequence} + b.last_offset_delta;
  return static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}
int32_t NextSequence(int32_t seq) { return seq == INT32_MAX ? 0 : seq + 1; }
}  // namespace

ProducerStateTable::Check ProducerStateTable::Validate(const kafka::RecordBatchHeader& batch) const {
  Check c;
  if (batch.producer_id < 0) return c;
  auto it = producers_.find(batch.producer_id);
  if (it == producers_.end() || batch.producer_epoch > it->second.epoch) {
    if (batch.base_sequence != 0) c.error = ErrorCode::kOutOfOrderSequenceNumber;
    return c;
  }
  const Entry& e = it->second;
  if (batch.producer_epoch < e.epoch) {
    c.error = ErrorCode::kInvalidProducerEpoch;
    return c;
  }
  const int32_t last_seq = LastSequence(batch);
  for (const BatchMeta& m : e.batches) {
    if (m.first_seq == batch.base_sequence && m.last_seq == last_seq) {
      c.duplicate = true;
      c.duplicate_base_offset = m.base_offset;
      return c;
    }
  }
  if (!e.batches.empty() && batch.base_sequence != NextSequence(e.batches.back().last_seq)) {
    c.error = ErrorCode::kOutOfOrderSequenceNumber;
  }
  return c;
}

void ProducerStateTable::Observe(const kafka::RecordBatchHeader& batch) {
  if (batch.producer_id < 0) return;
  Entry& e = producers_[batch.producer_id];
  if (batch.producer_epoch > e.epoch) {
    e.epoch = batch.producer_epoch;
    e.batches.clear();
  } else if (batch.producer_epoch < e.epoch) {
    return;
  }
  e.batches.push_back(BatchMeta{batch.base_sequence, LastSequence(batch), batch.base_offset});
  if (e.batches.size() > kCachedBatches) e.batches.pop_front();
}

}  // namespace sluice::broker
