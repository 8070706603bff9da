// ProducerStateTable: duplicates, gaps, epochs and sequence wrap-around.
#include "broker/core/producer_state.h"

#include <gtest/gtest.h>

namespace sluice::broker {
namespace {

using kafka::ErrorCode;

kafka::RecordBatchHeader Batch(int64_t pid, int16_t epoch, int32_t seq, int32_t count,
                               int64_t base_offset = 0) {
  kafka::RecordBatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.last_offset_delta = count - 1;
  h.records_count = count;
  h.base_offset = base_offset;
  return h;
}

TEST(ProducerStateTable, NonIdempotentBatchesPass) {
  ProducerStateTable t;
  auto c = t.Validate(Batch(-1, -1, -1, 3));
  EXPECT_EQ(c.error, ErrorCode::kNone);
  EXPECT_FALSE(c.duplicate);
}

TEST(ProducerStateTable, InOrderDuplicateAndGap) {
  ProducerStateTable t;
  EXPECT_EQ(t.Validate(Batch(7, 0, 0, 5)).error, ErrorCode::kNone);
  t.Observe(Batch(7, 0, 0, 5, 100));
  EXPECT_EQ(t.Validate(Batch(7, 0, 5, 5)).error, ErrorCode::kNone);
  t.Observe(Batch(7, 0, 5, 5, 105));
  // A retry of the first batch: acknowledged with its original offset.
  auto dup = t.Validate(Batch(7, 0, 0, 5));
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.duplicate_base_offset, 100);
  // A gap.
  EXPECT_EQ(t.Validate(Batch(7, 0, 11, 1)).error, ErrorCode::kOutOfOrderSequenceNumber);
  // The next one in order.
  EXPECT_EQ(t.Validate(Batch(7, 0, 10, 1)).error, ErrorCode::kNone);
}

TEST(ProducerStateTable, NewProducerMustStartAtZero) {
  ProducerStateTable t;
  EXPECT_EQ(t.Validate(Batch(9, 0, 3, 1)).error, ErrorCode::kOutOfOrderSequenceNumber);
}

TEST(ProducerStateTable, Epochs) {
  ProducerStateTable t;
  t.Observe(Batch(1, 2, 0, 1, 0));
  EXPECT_EQ(t.Validate(Batch(1, 1, 1, 1)).error, ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(t.Validate(Batch(1, 3, 5, 1)).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(t.Validate(Batch(1, 3, 0, 1)).error, ErrorCode::kNone);
}

TEST(ProducerStateTable, OnlyTheLastFiveBatchesAreRemembered) {
  ProducerStateTable t;
  for (int i = 0; i < 7; ++i) t.Observe(Batch(1, 0, i, 1, i));
  EXPECT_FALSE(t.Validate(Batch(1, 0, 0, 1)).duplicate);
  EXPECT_TRUE(t.Validate(Batch(1, 0, 2, 1)).duplicate);
  EXPECT_TRUE(t.Validate(Batch(1, 0, 6, 1)).duplicate);
}

TEST(ProducerStateTable, SequenceWrapsAround) {
  ProducerStateTable t;
  t.Observe(Batch(1, 0, 0, 2, 0));
  t.Observe(Batch(1, 0, 2, INT32_MAX - 2, 2));  // last sequence INT32_MAX - 1
  t.Observe(Batch(1, 0, INT32_MAX, 1, 3));
  auto next = t.Validate(Batch(1, 0, 0, 1));
  EXPECT_EQ(next.error, ErrorCode::kNone);
  EXPECT_FALSE(next.duplicate);
  EXPECT_EQ(t.Validate(Batch(1, 0, 1, 1)).error, ErrorCode::kOutOfOrderSequenceNumber);
}

}  // namespace
}  // namespace sluice::broker
