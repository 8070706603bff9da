// Log: appends and reads, offsets, max_bytes, rolling, index lookups, timestamps, retention,
// DeleteRecords, producer-state iteration, reopening after a clean close.
#include <random>

#include "broker/storage/log.h"
#include "test_util.h"

namespace sluice::broker::storage {
namespace {

using kafka::CompressionType;

LogConfig SmallConfig() {
  LogConfig c;
  c.index_interval_bytes = 256;
  return c;
}

TEST(LogTest, AppendAssignsOffsetsAndReadsBack) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("t-0"), SmallConfig());
  ASSERT_OK(log);
  for (int i = 0; i < 5; ++i) {
    std::vector<uint8_t> batch = MakeValues(3);
    auto r = (*log)->Append(batch, 5000 + i);
    ASSERT_OK(r);
    EXPECT_EQ(r->base_offset, i * 3);
    EXPECT_EQ(r->last_offset, i * 3 + 2);
    EXPECT_EQ(r->log_append_time_ms, -1);
    EXPECT_EQ(r->log_start_offset, 0);
    EXPECT_FALSE(r->durable);
  }
  EXPECT_EQ((*log)->log_end_offset(), 15);
  std::vector<DecodedRecord> all = ReadAll(**log);
  ASSERT_EQ(all.size(), 15u);
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(all[i].offset, i);
    EXPECT_EQ(all[i].value->substr(0, 2), Str("v", i % 3));
  }
  // At the end: empty, OK. Past the end or below the start: OutOfRange with distinct messages.
  auto end = (*log)->Read(15, 1000);
  ASSERT_OK(end);
  EXPECT_TRUE(end->records.empty());
  EXPECT_EQ(end->log_end_offset, 15);
  auto past = (*log)->Read(16, 1000);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), Status::Code::kOutOfRange);
  EXPECT_NE(past.status().message().find("above the log end"), std::string::npos);
  ASSERT_OK((*log)->DeleteRecordsBefore(3));
  auto below = (*log)->Read(2, 1000);
  ASSERT_FALSE(below.ok());
  EXPECT_NE(below.status().message().find("below the log start"), std::string::npos);
}

TEST(LogTest, ReadInsideCompressedBatchReturnsThatBatch) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("t-0"), SmallConfig());
  ASSERT_OK(log);
  std::vector<uint8_t> a = MakeValues(2);
  ASSERT_OK((*log)->Append(a, 1));
  std::vector<TestRecord> recs;
  for (int i = 0; i < 10; ++i) recs.push_back({Str("k", i), Str("value", i), 2000 + i});
  std::vector<uint8_t> z = MakeBatch(recs, CompressionType::kZstd);
  std::vector<uint8_t> original = z;
  ASSERT_OK((*log)->Append(z, 2));
  std::vector<uint8_t> c = MakeValues(1);
  ASSERT_OK((*log)->Append(c, 3));

  auto r = (*log)->Read(7, 1 << 20, /*max_offset_exclusive=*/12);
  ASSERT_OK(r);
  kafka::RecordBatchHeader h;
  ASSERT_OK(kafka::ParseRecordBatchHeader(r->records.span(), &h));
  EXPECT_EQ(h.base_offset, 2);
  EXPECT_EQ(h.last_offset(), 11);
  EXPECT_EQ(h.compression(), CompressionType::kZstd);
  EXPECT_EQ(r->records.size(), original.size());  // the last batch (offset 12) is past max_offset
  // Stored bytes equal the produced bytes apart from baseOffset.
  ASSERT_OK(kafka::SetBaseOffset(original, 2));
  EXPECT_TRUE(std::equal(original.begin(), original.end(), r->records.data()));
  auto recs_read = DecodeAll(r->records.span());
  ASSERT_EQ(recs_read.size(), 10u);
  EXPECT_EQ(recs_read[5].offset, 7);
  EXPECT_EQ(*recs_read[5].key, "k5");
  // max_offset_exclusive inside the batch excludes it entirely.
  auto none = (*log)->Read(7, 1 << 20, 8);
  ASSERT_OK(none);
  EXPECT_TRUE(none->records.empty());
}

TEST(LogTest, MaxBytesSmallerThanFirstBatchStillReturnsIt) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("t-0"), SmallConfig());
  ASSERT_OK(log);
  std::vector<uint8_t> big = MakeValues(10, 1000, 200);
  std::vector<uint8_t> small = MakeValues(1);
  ASSERT_OK((*log)->Append(big, 1));
  ASSERT_OK((*log)->Append(small, 1));
  auto r = (*log)->Read(0, 10);
  ASSERT_OK(r);
  EXPECT_EQ(r->records.size(), big.size());
  auto none = (*log)->Read(0, 10, INT64_MAX, /*min_one_batch=*/false);
  ASSERT_OK(none);
  EXPECT_TRUE(none->records.empty());
  // Exactly both batches, and one byte less gives only the first.
  auto both = (*log)->Read(0, static_cast<int32_t>(big.size() + small.size()));
  ASSERT_OK(both);
  EXPECT_EQ(both->records.size(), big.size() + small.size());
  auto one = (*log)->Read(0, static_cast<int32_t>(big.size() + small.size() - 1));
  ASSERT_OK(one);
  EXPECT_EQ(one->records.size(), big.size());
}

TEST(LogTest, RollsBySizeAndTime) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 1000;
  c.segment_ms = 60000;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  std::vector<uint8_t> probe = MakeValues(1, 1000, 100);
  const size_t batch_size = probe.size();
  const size_t per_segment = 1000 / batch_size;
  for (size_t i = 0; i < per_segment * 3; ++i) {
    std::vector<uint8_t> b = MakeValues(1, 1000, 100);
    ASSERT_OK((*log)->Append(b, 1000));
  }
  EXPECT_EQ((*log)->segment_count(), 3u);
  for (int64_t base : (*log)->segment_base_offsets()) EXPECT_EQ(base % static_cast<int64_t>(per_segment), 0);
  EXPECT_TRUE(PathExists(tmp.Sub("t-0/00000000000000000000.log")));
  EXPECT_TRUE(PathExists(SegmentFileName(tmp.Sub("t-0"), static_cast<int64_t>(per_segment), ".timeindex")));
  // By time: the first batch of the active segment was appended at 1000.
  std::vector<uint8_t> b = MakeValues(1);
  ASSERT_OK((*log)->Append(b, 1000 + 59999));
  EXPECT_EQ((*log)->segment_count(), 3u);
  ASSERT_OK((*log)->Append(b, 1000 + 60000));
  EXPECT_EQ((*log)->segment_count(), 4u);
  EXPECT_EQ(ReadAll(**log).size(), per_segment * 3 + 2);
  // A batch larger than max.message.bytes is refused.
  c.max_message_bytes = 50;
  (*log)->set_config(c);
  auto too_big = (*log)->Append(b, 1);
  EXPECT_EQ(too_big.status().code(), Status::Code::kOutOfRange);
}

TEST(LogTest, IndexLookupsMatchLinearScan) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.index_interval_bytes = 100;
  c.segment_bytes = 64 << 10;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  std::mt19937 rng(7);
  std::vector<std::pair<int64_t, int64_t>> batches;  // base, last
  for (int i = 0; i < 2000; ++i) {
    int n = 1 + static_cast<int>(rng() % 5);
    std::vector<uint8_t> b = MakeValues(n, 1000 + i, rng() % 60);
    auto r = (*log)->Append(b, 1000 + i);
    ASSERT_OK(r);
    batches.emplace_back(r->base_offset, r->last_offset);
  }
  EXPECT_GT((*log)->segment_count(), 1u);
  auto check = [&](const Log& l) {
    for (int64_t off = 0; off < l.log_end_offset(); off += 1 + static_cast<int64_t>(rng() % 7)) {
      auto r = l.Read(off, 1);
      ASSERT_OK(r);
      kafka::RecordBatchHeader h;
      ASSERT_OK(kafka::ParseRecordBatchHeader(r->records.span(), &h));
      auto it = std::find_if(batches.begin(), batches.end(), [&](auto& b) { return b.second >= off; });
      ASSERT_NE(it, batches.end());
      EXPECT_EQ(h.base_offset, it->first) << off;
      EXPECT_EQ(h.last_offset(), it->second) << off;
    }
  };
  check(**log);
  ASSERT_OK((*log)->Close());
  auto reopened = Log::Open(tmp.Sub("t-0"), c, /*recover=*/false);
  ASSERT_OK(reopened);
  EXPECT_EQ((*reopened)->log_end_offset(), batches.back().second + 1);
  check(**reopened);
  // Indexes are rebuilt when missing or corrupt.
  ASSERT_OK((*reopened)->Close());
  ASSERT_OK(RemoveFile(tmp.Sub("t-0/00000000000000000000.index")));
  {
    auto f =
        File::Open(SegmentFileName(tmp.Sub("t-0"), (*reopened)->segment_base_offsets()[1], ".index"), O_RDWR);
    ASSERT_OK(f);
    uint8_t junk[3] = {1, 2, 3};
    ASSERT_OK(f->PWriteAll(junk, 3, 0));
  }
  auto rebuilt = Log::Open(tmp.Sub("t-0"), c, false);
  ASSERT_OK(rebuilt);
  check(**rebuilt);
}

TEST(LogTest, ReopenAfterCleanClose) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 2000;
  {
    auto log = Log::Create(tmp.Sub("t-0"), c);
    ASSERT_OK(log);
    for (int i = 0; i < 50; ++i) {
      std::vector<uint8_t> b = MakeValues(2, 100 + i, 30);
      ASSERT_OK((*log)->Append(b, 100 + i));
    }
    ASSERT_OK((*log)->Close());
  }
  auto log = Log::Open(tmp.Sub("t-0"), c, false);
  ASSERT_OK(log);
  EXPECT_EQ((*log)->log_end_offset(), 100);
  EXPECT_EQ(ReadAll(**log).size(), 100u);
  std::vector<uint8_t> b = MakeValues(1);
  auto r = (*log)->Append(b, 1000);
  ASSERT_OK(r);
  EXPECT_EQ(r->base_offset, 100);
  auto again = Log::Create(tmp.Sub("t-0"), c);
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
}

TEST(LogTest, LogAppendTimeAndFlushPolicy) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.message_timestamp_type = TimestampType::kLogAppendTime;
  c.flush_interval_messages = 3;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  std::vector<uint8_t> b = MakeValues(2, 5);
  auto r = (*log)->Append(b, 777);
  ASSERT_OK(r);
  EXPECT_EQ(r->log_append_time_ms, 777);
  EXPECT_FALSE(r->durable);
  EXPECT_EQ((*log)->unflushed_messages(), 2);
  std::vector<uint8_t> b2 = MakeValues(1, 5);
  r = (*log)->Append(b2, 778);
  ASSERT_OK(r);
  EXPECT_TRUE(r->durable);
  EXPECT_EQ((*log)->unflushed_messages(), 0);
  auto read = (*log)->Read(0, 1 << 20);
  ASSERT_OK(read);
  auto recs = DecodeAll(read->records.span());  // also verifies the recomputed CRC
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].timestamp, 777);
  EXPECT_EQ(recs[2].timestamp, 778);
  // flush.ms
  c.flush_interval_messages = LogConfig::kNever;
  c.flush_interval_ms = 100;
  (*log)->set_config(c);
  std::vector<uint8_t> b3 = MakeValues(1, 5);
  r = (*log)->Append(b3, 800);
  ASSERT_OK(r);
  EXPECT_FALSE(r->durable);
  ASSERT_OK((*log)->MaybeFlush(850));
  EXPECT_EQ((*log)->unflushed_messages(), 1);
  ASSERT_OK((*log)->MaybeFlush(878));
  EXPECT_EQ((*log)->unflushed_messages(), 0);
}

TEST(LogTest, OffsetForTimestamp) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 1500;
  c.index_interval_bytes = 64;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  // Batch i has records with timestamps 1000 + 10*i + {0, 1, 2}.
  for (int i = 0; i < 100; ++i) {
    std::vector<TestRecord> recs;
    for (int j = 0; j < 3; ++j) recs.push_back({std::nullopt, "x", 1000 + 10 * i + j});
    std::vector<uint8_t> b = MakeBatch(recs, i % 2 ? CompressionType::kLz4 : CompressionType::kNone);
    ASSERT_OK((*log)->Append(b, 1));
  }
  EXPECT_GT((*log)->segment_count(), 2u);
  auto expect = [&](int64_t ts, std::optional<int64_t> off) {
    auto r = (*log)->OffsetForTimestamp(ts);
    ASSERT_OK(r);
    EXPECT_EQ(*r, off) << ts;
  };
  expect(0, 0);
  expect(1000, 0);
  expect(1001, 1);
  expect(1003, 3);    // between batches: first record of the next batch
  expect(1502, 152);  // batch 50, record 2
  expect(1992, 299);
  expect(1993, std::nullopt);
  ASSERT_OK((*log)->Close());
  auto reopened = Log::Open(tmp.Sub("t-0"), c, true);
  ASSERT_OK(reopened);
  auto r = (*reopened)->OffsetForTimestamp(1502);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 152);
  // Never below the log start offset.
  ASSERT_OK((*reopened)->DeleteRecordsBefore(160));
  r = (*reopened)->OffsetForTimestamp(1000);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 160);
}

TEST(LogTest, RetentionByTimeAndSize) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 1000;
  c.retention_ms = 10000;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  // Segment k holds batches with timestamp 1000*k.
  std::vector<uint8_t> probe = MakeValues(1, 0, 100);
  const size_t per_segment = 1000 / probe.size();
  for (int k = 0; k < 5; ++k) {
    for (size_t i = 0; i < per_segment; ++i) {
      std::vector<uint8_t> b = MakeValues(1, 1000 * k, 100);
      ASSERT_OK((*log)->Append(b, 1000 * k));
    }
  }
  ASSERT_EQ((*log)->segment_count(), 5u);
  ASSERT_OK((*log)->EnforceRetention(12500));  // segments with max ts 0, 1000, 2000 are older than 10 s
  EXPECT_EQ((*log)->segment_count(), 2u);
  EXPECT_EQ((*log)->log_start_offset(), static_cast<int64_t>(3 * per_segment));
  EXPECT_FALSE(PathExists(tmp.Sub("t-0/00000000000000000000.log")));
  EXPECT_FALSE(PathExists(tmp.Sub("t-0/00000000000000000000.index")));
  // By size: keep at least retention.bytes.
  c.retention_ms = -1;
  c.retention_bytes = static_cast<int64_t>(per_segment * probe.size()) + 1;
  (*log)->set_config(c);
  ASSERT_OK((*log)->EnforceRetention(12500));
  EXPECT_EQ((*log)->segment_count(), 2u);  // deleting one would leave less than retention.bytes
  c.retention_bytes = static_cast<int64_t>(per_segment * probe.size());
  (*log)->set_config(c);
  ASSERT_OK((*log)->EnforceRetention(12500));
  EXPECT_EQ((*log)->segment_count(), 1u);
  EXPECT_EQ((*log)->log_start_offset(), static_cast<int64_t>(4 * per_segment));
  // Everything expired: the active segment is rolled and deleted; offsets continue.
  c.retention_ms = 100;
  c.retention_bytes = -1;
  (*log)->set_config(c);
  int64_t end = (*log)->log_end_offset();
  ASSERT_OK((*log)->EnforceRetention(100000));
  EXPECT_EQ((*log)->segment_count(), 1u);
  EXPECT_EQ((*log)->log_start_offset(), end);
  EXPECT_EQ((*log)->log_end_offset(), end);
  EXPECT_EQ((*log)->size_bytes(), 0u);
  std::vector<uint8_t> b = MakeValues(1);
  auto r = (*log)->Append(b, 100000);
  ASSERT_OK(r);
  EXPECT_EQ(r->base_offset, end);
}

TEST(LogTest, DeleteRecordsBeforeIsPersisted) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 600;
  {
    auto log = Log::Create(tmp.Sub("t-0"), c);
    ASSERT_OK(log);
    for (int i = 0; i < 30; ++i) {
      std::vector<uint8_t> b = MakeValues(2, 1, 50);
      ASSERT_OK((*log)->Append(b, 1));
    }
    size_t segments = (*log)->segment_count();
    ASSERT_OK((*log)->DeleteRecordsBefore(25));
    EXPECT_EQ((*log)->log_start_offset(), 25);
    EXPECT_LT((*log)->segment_count(), segments);
    EXPECT_LE((*log)->segment_base_offsets()[0], 25);
    auto r = (*log)->Read(25, 1);
    ASSERT_OK(r);
    EXPECT_EQ(DecodeAll(r->records.span()).back().offset, 25);
    EXPECT_EQ((*log)->DeleteRecordsBefore(61).code(), Status::Code::kOutOfRange);
    ASSERT_OK((*log)->DeleteRecordsBefore(10));  // lower: no-op
    EXPECT_EQ((*log)->log_start_offset(), 25);
    // No Close(): the checkpoint must survive a crash.
  }
  auto log = Log::Open(tmp.Sub("t-0"), c, true);
  ASSERT_OK(log);
  EXPECT_EQ((*log)->log_start_offset(), 25);
  EXPECT_EQ((*log)->Read(24, 100).status().code(), Status::Code::kOutOfRange);
  std::vector<DecodedRecord> all = ReadAll(**log);
  ASSERT_EQ(all.size(), 35u);
  EXPECT_EQ(all.front().offset, 25);
  // A corrupt checkpoint falls back to the first segment.
  ASSERT_OK((*log)->Close());
  auto f = File::Open(tmp.Sub("t-0/log-start-offset.checkpoint"), O_RDWR);
  ASSERT_OK(f);
  uint8_t x = 0xff;
  ASSERT_OK(f->PWriteAll(&x, 1, 8));
  auto log2 = Log::Open(tmp.Sub("t-0"), c, false);
  ASSERT_OK(log2);
  EXPECT_EQ((*log2)->log_start_offset(), (*log2)->segment_base_offsets()[0]);
}

TEST(LogTest, ForEachBatchHeaderRebuildsProducerState) {
  TempDir tmp;
  LogConfig c = SmallConfig();
  c.segment_bytes = 500;
  auto log = Log::Create(tmp.Sub("t-0"), c);
  ASSERT_OK(log);
  for (int i = 0; i < 20; ++i) {
    std::vector<uint8_t> b =
        MakeBatch({{std::nullopt, "a", 1}, {std::nullopt, "b", 1}}, CompressionType::kNone,
                  /*producer_id=*/100 + i % 2, /*base_sequence=*/(i / 2) * 2);
    ASSERT_OK((*log)->Append(b, 1));
  }
  std::map<int64_t, std::pair<int32_t, int64_t>> last;  // pid -> (last sequence, last offset)
  int count = 0;
  ASSERT_OK((*log)->ForEachBatchHeader(0, [&](const kafka::RecordBatchHeader& h) {
    last[h.producer_id] = {h.base_sequence + h.last_offset_delta, h.last_offset()};
    ++count;
    return true;
  }));
  EXPECT_EQ(count, 20);
  EXPECT_EQ(last[100], std::make_pair(19, int64_t{37}));
  EXPECT_EQ(last[101], std::make_pair(19, int64_t{39}));
  count = 0;
  ASSERT_OK((*log)->ForEachBatchHeader(31, [&](const kafka::RecordBatchHeader& h) {
    if (count == 0) {
      EXPECT_EQ(h.base_offset, 30);
    }
    return ++count < 3;
  }));
  EXPECT_EQ(count, 3);
}

TEST(LogTest, AppendRawKeepsOffsets) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("t-0"), SmallConfig());
  ASSERT_OK(log);
  std::vector<uint8_t> b = MakeValues(3);
  ASSERT_OK(kafka::SetBaseOffset(b, 10));
  auto r = (*log)->AppendRaw(b, 1);
  ASSERT_OK(r);
  EXPECT_EQ(r->base_offset, 10);
  EXPECT_EQ((*log)->log_end_offset(), 13);
  EXPECT_EQ((*log)->AppendRaw(b, 1).status().code(), Status::Code::kInvalidArgument);
  auto read = (*log)->Read(5, 1000);
  ASSERT_OK(read);
  EXPECT_EQ(DecodeAll(read->records.span()).front().offset, 10);
  ASSERT_OK((*log)->DeleteAll());
  EXPECT_FALSE(PathExists(tmp.Sub("t-0")));
}

}  // namespace
}  // namespace sluice::broker::storage

namespace sluice::broker::storage {
namespace {

// Read's byte ranges (the index jump and the header walk of LogSegment::LocateBatches) against a plain
// walk of the batches appended: same batches for every offset, limit, bound and min_one_batch, whether
// read into memory or handed out as a FileSlice (whose descriptor stays readable after the log is gone).
TEST(LogTest, ReadRangesMatchAWalkOfTheBatches) {
  std::optional<TempDir> tmp(std::in_place);
  LogConfig c = SmallConfig();
  c.index_interval_bytes = 300;
  c.segment_bytes = 256 << 10;
  auto log = Log::Create(tmp->Sub("t-0"), c);
  ASSERT_OK(log);
  struct Batch {
    int64_t base, last;
    uint64_t size;
  };
  std::vector<Batch> batches;
  std::mt19937 rng(11);
  for (int i = 0; i < 600; ++i) {
    const int n = 1 + static_cast<int>(rng() % 4);
    const size_t value = rng() % 4 == 0 ? 2000 + rng() % 3000 : rng() % 200;
    std::vector<uint8_t> b = MakeValues(n, 1000 + i, value);
    auto r = (*log)->Append(b, 1000 + i);
    ASSERT_OK(r);
    batches.push_back({r->base_offset, r->last_offset, b.size()});
  }
  const std::vector<int64_t> bases = (*log)->segment_base_offsets();
  ASSERT_GT(bases.size(), 2u);
  auto segment_of = [&](int64_t offset) {
    return *(std::upper_bound(bases.begin(), bases.end(), offset) - 1);
  };
  // The batches Read should return: from the first batch with last >= offset, within its segment.
  auto expected = [&](int64_t offset, int64_t max_bytes, int64_t bound, bool min_one) {
    std::vector<std::pair<int64_t, int64_t>> out;
    auto it = std::find_if(batches.begin(), batches.end(), [&](const Batch& b) { return b.last >= offset; });
    const int64_t seg = segment_of(it->base);
    uint64_t total = 0;
    for (; it != batches.end() && segment_of(it->base) == seg; ++it) {
      if (it->last >= bound) break;
      if (total + it->size > static_cast<uint64_t>(max_bytes) && !(out.empty() && min_one)) break;
      out.emplace_back(it->base, it->last);
      total += it->size;
    }
    return out;
  };
  auto batches_of = [](std::span<const uint8_t> bytes) {
    std::vector<std::pair<int64_t, int64_t>> out;
    kafka::RecordBatchIterator it(bytes);
    kafka::RecordBatchView b;
    while (it.Next(&b)) {
      EXPECT_TRUE(b.VerifyCrc().ok());
      out.emplace_back(b.header.base_offset, b.header.last_offset());
    }
    EXPECT_TRUE(it.status().ok());
    EXPECT_FALSE(it.incomplete());
    return out;
  };
  const int64_t leo = (*log)->log_end_offset();
  std::vector<std::shared_ptr<const FileSlice>> kept;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> kept_expected;
  for (int i = 0; i < 3000; ++i) {
    const int64_t offset = static_cast<int64_t>(rng() % static_cast<uint64_t>(leo));
    const int64_t max_bytes = std::vector<int64_t>{1, 100, 1000, 5000, 20000, 100000, 1 << 20}[rng() % 7];
    const int64_t bound = rng() % 3 == 0 ? offset + static_cast<int64_t>(rng() % 200) : leo;
    const bool min_one = rng() % 4 != 0;
    const auto want = expected(offset, max_bytes, bound, min_one);
    auto mem = (*log)->Read(offset, static_cast<int32_t>(max_bytes), bound, min_one);
    ASSERT_OK(mem);
    EXPECT_EQ(mem->file, nullptr);
    EXPECT_EQ(batches_of(mem->records.span()), want) << offset << " " << max_bytes << " " << bound;
    auto file = (*log)->Read(offset, static_cast<int32_t>(max_bytes), bound, min_one, /*file_min_bytes=*/1);
    ASSERT_OK(file);
    if (want.empty()) {
      EXPECT_EQ(file->file, nullptr);
      continue;
    }
    ASSERT_NE(file->file, nullptr);
    EXPECT_TRUE(file->records.empty());
    EXPECT_EQ(file->file->range.length, mem->records.size());
    if (kept.size() < 50) {
      kept.push_back(file->file);
      kept_expected.push_back(want);
    }
  }
  // The slices' own descriptors read the same batches after the log is closed and its files removed.
  ASSERT_OK((*log)->Close());
  log->reset();
  const std::string dir = tmp->path();
  tmp.reset();
  ASSERT_FALSE(std::filesystem::exists(dir));
  for (size_t i = 0; i < kept.size(); ++i) {
    std::vector<uint8_t> bytes(kept[i]->range.length);
    ASSERT_OK(kept[i]->file.PReadExact(bytes.data(), bytes.size(), kept[i]->range.offset));
    EXPECT_EQ(batches_of(bytes), kept_expected[i]);
  }
}

}  // namespace
}  // namespace sluice::broker::storage
