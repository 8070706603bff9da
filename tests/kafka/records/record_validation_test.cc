// Produce-side validation: each failing check gives its own precise Status.
#include <gtest/gtest.h>

#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"
#include "kafka/protocol/wire.h"
#include "records_test_util.h"

namespace sluice::kafka {
namespace {

using testing::BuildBatch;
using testing::FixCrc;
using testing::MakeRecords;

void Put32(std::vector<uint8_t>& b, size_t pos, int32_t v) {
  for (size_t i = 0; i < 4; ++i) b[pos + i] = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (24 - 8 * i));
}

// A batch whose records carry the given offset deltas (value "v", no key, no headers).
std::vector<uint8_t> BatchWithDeltas(const std::vector<int32_t>& deltas, int32_t last_offset_delta) {
  std::vector<uint8_t> b(kRecordBatchHeaderSize, 0);
  Writer w(&b);
  for (int32_t d : deltas) {
    w.WriteVarint(static_cast<int32_t>(6 + VarintSize(d)));  // attrs, ts, delta, key, "v", headers
    w.WriteInt8(0);
    w.WriteVarlong(0);
    w.WriteVarint(d);
    w.WriteVarint(-1);  // key null
    w.WriteVarint(1);   // value "v"
    w.WriteInt8('v');
    w.WriteVarint(0);  // headers
  }
  Put32(b, kBatchLengthPos, static_cast<int32_t>(b.size() - kLogOverhead));
  Put32(b, kPartitionLeaderEpochPos, -1);
  b[kMagicPos] = 2;
  Put32(b, kLastOffsetDeltaPos, last_offset_delta);
  Put32(b, kRecordsCountPos, static_cast<int32_t>(deltas.size()));
  FixCrc(b);
  return b;
}

Status Validate(const std::vector<uint8_t>& b) { return ValidateProduceRecords(b); }

bool Mentions(const Status& st, std::string_view what) {
  return st.message().find(what) != std::string::npos;
}

TEST(RecordValidationTest, AcceptsGoodBatches) {
  EXPECT_TRUE(Validate(BatchWithDeltas({0, 1, 2}, 2)).ok())
      << Validate(BatchWithDeltas({0, 1, 2}, 2)).ToString();
  RecordBatchView view;
  const auto b = BuildBatch({}, MakeRecords(10, 10, 1));
  ASSERT_TRUE(ValidateProduceRecords(b, &view).ok());
  EXPECT_EQ(view.header.records_count, 10);
  EXPECT_EQ(view.data.size(), b.size());
}

TEST(RecordValidationTest, LegacyMagicIsUnsupported) {
  for (int8_t magic : {0, 1}) {
    auto b = BuildBatch({}, MakeRecords(2, 5, 2));
    b[kMagicPos] = static_cast<uint8_t>(magic);
    Status st = Validate(b);
    EXPECT_EQ(st.code(), Status::Code::kUnsupported);
    EXPECT_TRUE(Mentions(st, "legacy message format (magic " + std::to_string(magic) +
                                 ") is not supported; Produce v3+ requires magic 2"))
        << st.ToString();
    RecordBatchHeader h;
    EXPECT_EQ(ParseRecordBatchHeader(b, &h).code(), Status::Code::kUnsupported);
  }
  auto b = BuildBatch({}, MakeRecords(2, 5, 2));
  b[kMagicPos] = 3;
  EXPECT_EQ(Validate(b).code(), Status::Code::kCorruption);
}

TEST(RecordValidationTest, BatchLength) {
  auto b = BuildBatch({}, MakeRecords(2, 5, 3));
  Put32(b, kBatchLengthPos, 10);
  Status st = Validate(b);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_TRUE(Mentions(st, "batchLength 10 is less than 49")) << st.ToString();
  b = BuildBatch({}, MakeRecords(2, 5, 3));
  b.push_back(0);  // a stray byte after the batch
  st = Validate(b);
  EXPECT_TRUE(Mentions(st, "exactly one record batch")) << st.ToString();
  b = BuildBatch({}, MakeRecords(2, 5, 3));
  auto two = b;
  two.insert(two.end(), b.begin(), b.end());
  EXPECT_TRUE(Mentions(Validate(two), "exactly one record batch"));
  b.pop_back();  // batchLength now claims one byte more than there is
  st = Validate(b);
  EXPECT_TRUE(Mentions(st, "records end inside a record batch")) << st.ToString();
  EXPECT_TRUE(Mentions(Validate({}), "no record batch"));
}

TEST(RecordValidationTest, Crc) {
  auto b = BuildBatch({}, MakeRecords(2, 5, 4));
  b.back() ^= 1;
  Status st = Validate(b);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_TRUE(Mentions(st, "CRC mismatch")) << st.ToString();
}

TEST(RecordValidationTest, RecordCount) {
  auto b = BuildBatch({}, MakeRecords(3, 5, 5));
  Put32(b, kRecordsCountPos, 4);
  Put32(b, kLastOffsetDeltaPos, 3);
  FixCrc(b);
  Status st = Validate(b);
  EXPECT_TRUE(Mentions(st, "recordsCount is 4 but the batch holds 3 records")) << st.ToString();

  b = BuildBatch({}, MakeRecords(3, 5, 5));
  Put32(b, kRecordsCountPos, 2);
  Put32(b, kLastOffsetDeltaPos, 1);
  FixCrc(b);
  st = Validate(b);
  EXPECT_TRUE(Mentions(st, "follow the last of 2 records")) << st.ToString();

  b = BuildBatch({}, MakeRecords(3, 5, 5));
  Put32(b, kRecordsCountPos, -1);
  FixCrc(b);
  EXPECT_TRUE(Mentions(Validate(b), "recordsCount -1"));
}

TEST(RecordValidationTest, LastOffsetDelta) {
  auto b = BuildBatch({}, MakeRecords(3, 5, 6));
  Put32(b, kLastOffsetDeltaPos, 5);
  FixCrc(b);
  Status st = Validate(b);
  EXPECT_TRUE(Mentions(st, "lastOffsetDelta 5 does not match recordsCount 3")) << st.ToString();
  // Count and lastOffsetDelta agree, but the records' deltas skip: 0, 1, 3.
  st = Validate(BatchWithDeltas({0, 1, 3}, 2));
  EXPECT_TRUE(Mentions(st, "offset delta 3 exceeds lastOffsetDelta 2")) << st.ToString();
}

TEST(RecordValidationTest, OffsetDeltasAscend) {
  Status st = Validate(BatchWithDeltas({0, 0, 2}, 2));
  EXPECT_TRUE(Mentions(st, "record 1: offset delta 0 does not follow 0")) << st.ToString();
  st = Validate(BatchWithDeltas({1, 0, 2}, 2));
  EXPECT_TRUE(Mentions(st, "offset delta 0 does not follow 1")) << st.ToString();
  st = Validate(BatchWithDeltas({1, 2, 3}, 2));  // deltas must start at 0: the third exceeds 2
  EXPECT_FALSE(st.ok());
}

TEST(RecordValidationTest, UnknownCodecAndBadRecordFraming) {
  auto b = BuildBatch({}, MakeRecords(2, 5, 7));
  b[kAttributesPos + 1] |= 0x07;
  FixCrc(b);
  EXPECT_TRUE(Mentions(Validate(b), "unknown compression codec 7"));

  b = BatchWithDeltas({0}, 0);
  b[kRecordBatchHeaderSize] = 0x7E;  // record length 63 > bytes left
  FixCrc(b);
  Status st = Validate(b);
  EXPECT_TRUE(Mentions(st, "record 0: length 63 does not fit")) << st.ToString();
}

}  // namespace
}  // namespace sluice::kafka
