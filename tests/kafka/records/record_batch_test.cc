// Record batch v2: a hand-built batch checked byte by byte, round trips with every codec, batch
// iteration (incomplete tails), CRC bit flips, truncation at every byte, in-place updates, control batches.
#include "kafka/protocol/record_batch.h"

#include <gtest/gtest.h>

#include <random>

#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"
#include "records_test_util.h"

namespace sluice::kafka {
namespace {

using testing::BuildBatch;
using testing::DecodeBatch;
using testing::MakeRecords;
using testing::TestRecord;

constexpr CompressionType kCodecs[] = {CompressionType::kNone, CompressionType::kGzip,
                                       CompressionType::kSnappy, CompressionType::kLz4,
                                       CompressionType::kZstd};

// Two records, every field spelled out. CRC 0x7C70503B was computed independently (kafka-python's
// pure-Python crc32c) over bytes 21..84.
const std::vector<uint8_t> kHandBuilt = {
    0, 0, 0, 0, 0, 0, 0, 100,      // baseOffset 100
    0, 0, 0, 73,                   // batchLength 73 = 85 - 12
    0, 0, 0, 7,                    // partitionLeaderEpoch 7
    2,                             // magic
    0x7C, 0x70, 0x50, 0x3B,        // crc
    0, 0,                          // attributes: none, CreateTime
    0, 0, 0, 1,                    // lastOffsetDelta 1
    0, 0, 0, 0, 0, 0, 0x03, 0xE8,  // baseTimestamp 1000
    0, 0, 0, 0, 0, 0, 0x03, 0xEB,  // maxTimestamp 1003
    0, 0, 0, 0, 0, 0, 0x12, 0x34,  // producerId 0x1234
    0, 2,                          // producerEpoch 2
    0, 0, 0, 9,                    // baseSequence 9
    0, 0, 0, 2,                    // recordsCount 2
    // record 0: length 9, attrs, tsDelta 0, offsetDelta 0, key "k", value "v1", 0 headers
    0x12, 0, 0, 0, 0x02, 'k', 0x04, 'v', '1', 0x00,
    // record 1: length 13, attrs, tsDelta 3, offsetDelta 1, key null, value "", 2 headers: h="x", n=null
    0x1A, 0, 0x06, 0x02, 0x01, 0x00, 0x04, 0x02, 'h', 0x02, 'x', 0x02, 'n', 0x01};

RecordBatchOptions HandBuiltOptions() {
  RecordBatchOptions o;
  o.base_offset = 100;
  o.partition_leader_epoch = 7;
  o.producer_id = 0x1234;
  o.producer_epoch = 2;
  o.base_sequence = 9;
  return o;
}

TEST(RecordBatchTest, HandBuiltBatchFieldByField) {
  ASSERT_EQ(kHandBuilt.size(), 85u);
  RecordBatchHeader h;
  ASSERT_TRUE(ParseRecordBatchHeader(kHandBuilt, &h).ok());
  EXPECT_EQ(h.base_offset, 100);
  EXPECT_EQ(h.batch_length, 73);
  EXPECT_EQ(h.partition_leader_epoch, 7);
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.crc, 0x7C70503Bu);
  EXPECT_EQ(h.attributes, 0);
  EXPECT_EQ(h.compression(), CompressionType::kNone);
  EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
  EXPECT_FALSE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.last_offset_delta, 1);
  EXPECT_EQ(h.base_timestamp, 1000);
  EXPECT_EQ(h.max_timestamp, 1003);
  EXPECT_EQ(h.producer_id, 0x1234);
  EXPECT_EQ(h.producer_epoch, 2);
  EXPECT_EQ(h.base_sequence, 9);
  EXPECT_EQ(h.records_count, 2);
  EXPECT_EQ(h.size_bytes(), 85u);
  EXPECT_EQ(h.next_offset(), 102);

  RecordBatchView view{h, kHandBuilt};
  EXPECT_EQ(view.ComputeCrc(), 0x7C70503Bu);
  EXPECT_TRUE(view.VerifyCrc().ok());
  EXPECT_TRUE(ValidateProduceBatch(view).ok());

  auto reader = RecordReader::Open(view, nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Record r;
  ASSERT_TRUE(reader->Next(&r));
  EXPECT_EQ(r.offset, 100);
  EXPECT_EQ(r.timestamp, 1000);
  ASSERT_TRUE(r.key.has_value());
  EXPECT_EQ(AsStringView(*r.key), "k");
  EXPECT_EQ(r.key->data(), kHandBuilt.data() + 66);  // zero-copy: a view into the batch
  EXPECT_EQ(AsStringView(*r.value), "v1");
  EXPECT_TRUE(r.headers.empty());
  ASSERT_TRUE(reader->Next(&r));
  EXPECT_EQ(r.offset, 101);
  EXPECT_EQ(r.timestamp, 1003);
  EXPECT_EQ(r.timestamp_delta, 3);
  EXPECT_FALSE(r.key.has_value());
  ASSERT_TRUE(r.value.has_value());
  EXPECT_TRUE(r.value->empty());
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].key, "h");
  EXPECT_EQ(AsStringView(*r.headers[0].value), "x");
  EXPECT_EQ(r.headers[1].key, "n");
  EXPECT_FALSE(r.headers[1].value.has_value());
  EXPECT_FALSE(reader->Next(&r));
  EXPECT_TRUE(reader->status().ok()) << reader->status().ToString();
  EXPECT_EQ(reader->records_read(), 2);
}

TEST(RecordBatchTest, BuilderReproducesHandBuiltBytes) {
  const std::vector<TestRecord> records = {{1000, "k", "v1", {}},
                                           {1003, std::nullopt, "", {{"h", "x"}, {"n", std::nullopt}}}};
  EXPECT_EQ(BuildBatch(HandBuiltOptions(), records), kHandBuilt);
}

TEST(RecordBatchTest, RoundTripEveryCodec) {
  for (CompressionType codec : kCodecs) {
    for (size_t n : {1u, 3u, 100u, 5000u}) {
      SCOPED_TRACE(std::string(CompressionName(codec)) + " x" + std::to_string(n));
      RecordBatchOptions o = HandBuiltOptions();
      o.compression = codec;
      o.transactional = n % 2 == 1;
      const std::vector<TestRecord> records = MakeRecords(n, n > 1000 ? 1024 : 50, n);
      const std::vector<uint8_t> bytes = BuildBatch(o, records);
      std::vector<TestRecord> decoded;
      std::vector<int64_t> offsets;
      RecordBatchHeader h;
      Status st = DecodeBatch(bytes, &decoded, &h, &offsets);
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(decoded, records);
      EXPECT_EQ(h.compression(), codec);
      EXPECT_EQ(h.is_transactional(), o.transactional);
      EXPECT_EQ(h.records_count, static_cast<int32_t>(n));
      EXPECT_EQ(h.last_offset_delta, static_cast<int32_t>(n) - 1);
      EXPECT_EQ(h.base_timestamp, records[0].timestamp);
      int64_t max_ts = records[0].timestamp;
      for (const auto& r : records) max_ts = std::max(max_ts, r.timestamp);
      EXPECT_EQ(h.max_timestamp, max_ts);
      for (size_t i = 0; i < offsets.size(); ++i) EXPECT_EQ(offsets[i], 100 + static_cast<int64_t>(i));
      EXPECT_TRUE(ValidateProduceRecords(bytes).ok());
      if ((codec == CompressionType::kGzip || codec == CompressionType::kZstd) &&
          n == 5000) {  // entropy coders
        RecordBatchOptions plain = o;
        plain.compression = CompressionType::kNone;
        EXPECT_LT(bytes.size(), BuildBatch(plain, records).size());
      }
    }
  }
}

// A broker applying a topic's compression.type: every codec to every codec, same records and header
// fields, valid CRC and lengths.
TEST(RecordBatchTest, RecompressEveryCodecToEveryCodec) {
  const std::vector<TestRecord> records = MakeRecords(300, 80, 7);
  for (CompressionType from : kCodecs) {
    RecordBatchOptions o = HandBuiltOptions();
    o.compression = from;
    const std::vector<uint8_t> bytes = BuildBatch(o, records);
    RecordBatchView view;
    ASSERT_TRUE(ValidateProduceRecords(bytes, &view).ok());
    for (CompressionType to : kCodecs) {
      SCOPED_TRACE(std::string(CompressionName(from)) + " -> " + std::string(CompressionName(to)));
      auto out = RecompressBatch(view, to);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(ValidateProduceRecords(*out).ok());
      std::vector<TestRecord> decoded;
      std::vector<int64_t> offsets;
      RecordBatchHeader h;
      ASSERT_TRUE(DecodeBatch(*out, &decoded, &h, &offsets).ok());
      EXPECT_EQ(decoded, records);
      EXPECT_EQ(h.compression(), to);
      EXPECT_EQ(h.records_count, view.header.records_count);
      EXPECT_EQ(h.producer_id, view.header.producer_id);
      EXPECT_EQ(h.base_sequence, view.header.base_sequence);
      EXPECT_EQ(h.max_timestamp, view.header.max_timestamp);
      EXPECT_EQ(h.attributes & ~kCompressionMask, view.header.attributes & ~kCompressionMask);
    }
  }
}

TEST(RecordBatchTest, EmptyBatchRoundTrip) {
  for (CompressionType codec : kCodecs) {
    RecordBatchOptions o;
    o.compression = codec;
    const std::vector<uint8_t> bytes = BuildBatch(o, {});
    std::vector<TestRecord> decoded;
    RecordBatchHeader h;
    ASSERT_TRUE(DecodeBatch(bytes, &decoded, &h).ok()) << CompressionName(codec);
    EXPECT_TRUE(decoded.empty());
    EXPECT_EQ(h.records_count, 0);
    EXPECT_EQ(h.last_offset_delta, -1);
    EXPECT_EQ(h.base_timestamp, kNoTimestamp);
    // Legal in a log, but not in a Produce request.
    EXPECT_FALSE(ValidateProduceRecords(bytes).ok());
  }
}

TEST(RecordBatchTest, BuilderIsReusableAndBuildsBlobs) {
  RecordBatchBuilder b(HandBuiltOptions());
  std::vector<uint8_t> blob;
  for (int i = 0; i < 3; ++i) {
    testing::AppendAll(b, MakeRecords(10 + static_cast<size_t>(i), 20, static_cast<uint64_t>(i)));
    ASSERT_TRUE(b.BuildTo(&blob).ok());
  }
  RecordBatchIterator it(blob);
  RecordBatchView view;
  int batches = 0;
  while (it.Next(&view)) {
    EXPECT_TRUE(view.VerifyCrc().ok());
    EXPECT_EQ(view.header.records_count, 10 + batches);
    ++batches;
  }
  EXPECT_TRUE(it.status().ok());
  EXPECT_FALSE(it.incomplete());
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(it.position(), blob.size());
}

// Every prefix of a 3-batch blob: the complete batches are returned, the rest is "incomplete", no error.
TEST(RecordBatchTest, TruncatedBlobIsIncompleteNotError) {
  std::vector<uint8_t> blob;
  std::vector<size_t> ends;
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kZstd, CompressionType::kGzip}) {
    RecordBatchOptions o;
    o.compression = codec;
    const auto b = BuildBatch(o, MakeRecords(7, 30, 1));
    blob.insert(blob.end(), b.begin(), b.end());
    ends.push_back(blob.size());
  }
  for (size_t len = 0; len <= blob.size(); ++len) {
    RecordBatchIterator it(std::span<const uint8_t>(blob).first(len));
    RecordBatchView view;
    size_t n = 0;
    while (it.Next(&view)) {
      ASSERT_TRUE(view.VerifyCrc().ok());
      std::vector<uint8_t> scratch;
      DecodedBatch d;
      ASSERT_TRUE(DecodeRecordBatch(view, &d).ok());
      ++n;
    }
    ASSERT_TRUE(it.status().ok()) << len << ": " << it.status().ToString();
    const size_t complete =
        static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), len) - ends.begin());
    EXPECT_EQ(n, complete) << len;
    const bool at_boundary = len == 0 || std::find(ends.begin(), ends.end(), len) != ends.end();
    EXPECT_EQ(it.incomplete(), !at_boundary) << len;
    EXPECT_EQ(it.position(), complete == 0 ? 0 : ends[complete - 1]);
  }
}

TEST(RecordBatchTest, EveryBitFlipInCoveredBytesFailsCrc) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kLz4}) {
    RecordBatchOptions o;
    o.compression = codec;
    std::vector<uint8_t> bytes = BuildBatch(o, MakeRecords(5, 10, 2));
    for (size_t bit = kCrcPos * 8; bit < bytes.size() * 8; ++bit) {
      bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      RecordBatchHeader h;
      ASSERT_TRUE(ParseRecordBatchHeader(bytes, &h).ok());
      RecordBatchView view{h, bytes};
      Status st = view.VerifyCrc();
      EXPECT_EQ(st.code(), Status::Code::kCorruption) << bit;
      EXPECT_NE(st.message().find("CRC mismatch"), std::string::npos);
      EXPECT_FALSE(ValidateProduceBatch(view).ok());
      bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
}

// A batch cut short at every byte, with batchLength and CRC fixed up to match (so only the record
// decoder stands between the bytes and a crash): always a clean error.
TEST(RecordBatchTest, TruncatedRecordsFailCleanly) {
  for (CompressionType codec : kCodecs) {
    RecordBatchOptions o;
    o.compression = codec;
    const std::vector<uint8_t> full = BuildBatch(o, MakeRecords(6, 15, 3));
    for (size_t len = kRecordBatchHeaderSize; len < full.size(); ++len) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      const auto batch_length = static_cast<uint32_t>(len - kLogOverhead);
      for (size_t i = 0; i < 4; ++i)
        cut[kBatchLengthPos + i] = static_cast<uint8_t>(batch_length >> (24 - 8 * i));
      testing::FixCrc(cut);
      std::vector<TestRecord> decoded;
      Status st = DecodeBatch(cut, &decoded);
      EXPECT_FALSE(st.ok()) << CompressionName(codec) << " len " << len;
      EXPECT_FALSE(ValidateProduceRecords(cut).ok());
    }
    // Raw truncation without fix-ups: never a batch, never a crash.
    for (size_t len = 0; len < full.size(); ++len) {
      RecordBatchHeader h;
      Status st = ParseRecordBatchHeader(std::span<const uint8_t>(full).first(len), &h);
      EXPECT_EQ(st.ok(), len >= kRecordBatchHeaderSize);
      EXPECT_FALSE(ValidateProduceRecords(std::span<const uint8_t>(full).first(len)).ok());
    }
  }
}

// Random corruption of the records section (CRC fixed up): decoding errors or succeeds, never crashes.
TEST(RecordBatchTest, RandomCorruptionNeverCrashes) {
  std::mt19937_64 rng(5);
  for (CompressionType codec : kCodecs) {
    RecordBatchOptions o;
    o.compression = codec;
    const std::vector<uint8_t> good = BuildBatch(o, MakeRecords(20, 40, 4));
    for (int i = 0; i < 500; ++i) {
      std::vector<uint8_t> bad = good;
      for (int k = 0; k < 1 + i % 4; ++k) {
        const size_t pos = kAttributesPos + rng() % (bad.size() - kAttributesPos);
        bad[pos] = static_cast<uint8_t>(rng());
      }
      testing::FixCrc(bad);
      std::vector<TestRecord> decoded;
      Status st = DecodeBatch(bad, &decoded);
      if (st.ok()) {
        EXPECT_LE(decoded.size(), 20u * 2);
      }
    }
  }
}

TEST(RecordBatchTest, InPlaceOffsetEpochAndLogAppendTime) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kSnappy}) {
    RecordBatchOptions o;
    o.compression = codec;
    const std::vector<TestRecord> records = MakeRecords(4, 10, 6);
    std::vector<uint8_t> bytes = BuildBatch(o, records);
    const std::vector<uint8_t> original = bytes;
    ASSERT_TRUE(SetBaseOffset(bytes, 1'000'000'007).ok());
    ASSERT_TRUE(SetPartitionLeaderEpoch(bytes, 42).ok());
    EXPECT_TRUE(std::equal(bytes.begin() + kMagicPos, bytes.end(), original.begin() + kMagicPos));
    std::vector<TestRecord> decoded;
    std::vector<int64_t> offsets;
    RecordBatchHeader h;
    ASSERT_TRUE(DecodeBatch(bytes, &decoded, &h, &offsets).ok());  // CRC still valid
    EXPECT_EQ(h.base_offset, 1'000'000'007);
    EXPECT_EQ(h.partition_leader_epoch, 42);
    EXPECT_EQ(offsets.front(), 1'000'000'007);
    EXPECT_EQ(decoded, records);

    ASSERT_TRUE(SetLogAppendTime(bytes, 1'800'000'000'000).ok());
    offsets.clear();
    ASSERT_TRUE(DecodeBatch(bytes, &decoded, &h, &offsets).ok());
    EXPECT_EQ(h.timestamp_type(), TimestampType::kLogAppendTime);
    EXPECT_EQ(h.compression(), codec);
    EXPECT_EQ(h.max_timestamp, 1'800'000'000'000);
    for (const auto& r : decoded) EXPECT_EQ(r.timestamp, 1'800'000'000'000);
    EXPECT_TRUE(ValidateProduceRecords(bytes).ok());
  }
  std::vector<uint8_t> small(20, 0);
  EXPECT_EQ(SetBaseOffset(small, 1).code(), Status::Code::kInvalidArgument);
  std::vector<uint8_t> bytes = BuildBatch({}, MakeRecords(2, 5, 7));
  bytes.push_back(0);
  EXPECT_EQ(SetLogAppendTime(bytes, 1).code(), Status::Code::kInvalidArgument);
}

TEST(RecordBatchTest, BuilderLogAppendTime) {
  RecordBatchOptions o;
  o.timestamp_type = TimestampType::kLogAppendTime;
  o.log_append_time_ms = 5555;
  std::vector<TestRecord> decoded;
  RecordBatchHeader h;
  ASSERT_TRUE(DecodeBatch(BuildBatch(o, MakeRecords(3, 5, 8)), &decoded, &h).ok());
  EXPECT_EQ(h.max_timestamp, 5555);
  for (const auto& r : decoded) EXPECT_EQ(r.timestamp, 5555);
}

TEST(RecordBatchTest, ControlBatch) {
  RecordBatchOptions o;
  o.producer_id = 77;
  o.producer_epoch = 3;
  auto marker = BuildEndTxnMarker(o, ControlRecordType::kCommit, 12, 999);
  ASSERT_TRUE(marker.ok());
  RecordBatchIterator it(*marker);
  RecordBatchView view;
  ASSERT_TRUE(it.Next(&view));
  EXPECT_TRUE(view.header.is_control());
  EXPECT_TRUE(view.header.is_transactional());
  EXPECT_EQ(view.header.producer_id, 77);
  auto reader = RecordReader::Open(view, nullptr);
  ASSERT_TRUE(reader.ok());
  Record r;
  ASSERT_TRUE(reader->Next(&r));
  ASSERT_TRUE(r.key && r.value);
  auto key = ParseControlRecordKey(*r.key);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->version, 0);
  EXPECT_EQ(key->type, static_cast<int16_t>(ControlRecordType::kCommit));
  EXPECT_EQ(std::vector<uint8_t>(r.value->begin(), r.value->end()),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 12}));
  EXPECT_EQ(ValidateProduceRecords(*marker).code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseControlRecordKey(std::vector<uint8_t>{0, 0, 1}).ok());
}

}  // namespace
}  // namespace sluice::kafka
