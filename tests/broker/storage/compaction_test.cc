// Log compaction: latest value per key kept with its original offset, keyless records kept, old
// tombstones dropped, active segment and min.compaction.lag.ms respected, result survives reopening.
#include <map>
#include <random>
#include <thread>

#include "broker/storage/io.h"
#include "broker/storage/log.h"
#include "test_util.h"

namespace sluice::broker::storage {
namespace {

using kafka::CompressionType;

struct Model {
  std::vector<DecodedRecord> appended;

  // What compaction must leave: everything at or above `active_base`; below it the latest record of
  // each key (minus tombstones when `drop_tombstones`) and every keyless record.
  std::vector<DecodedRecord> Expected(int64_t clean_end, bool drop_tombstones) const {
    std::map<std::string, int64_t> latest;
    for (const DecodedRecord& r : appended) {
      if (r.key) latest[*r.key] = r.offset;
    }
    std::vector<DecodedRecord> out;
    for (const DecodedRecord& r : appended) {
      bool keep =
          r.offset >= clean_end || !r.key || (latest[*r.key] == r.offset && !(drop_tombstones && !r.value));
      if (keep) out.push_back(r);
    }
    return out;
  }
};

void ExpectSame(const std::vector<DecodedRecord>& got, const std::vector<DecodedRecord>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, want[i].offset) << i;
    EXPECT_EQ(got[i].key, want[i].key) << i;
    EXPECT_EQ(got[i].value, want[i].value) << i;
    EXPECT_EQ(got[i].timestamp, want[i].timestamp) << i;
  }
}

// Appends 120 batches of 1-4 records over 8 keys, some keyless, some tombstones, mixed codecs.
void Fill(Log& log, Model& model, int64_t ts0) {
  std::mt19937 rng(42);
  const CompressionType codecs[] = {CompressionType::kNone, CompressionType::kGzip, CompressionType::kLz4,
                                    CompressionType::kZstd, CompressionType::kSnappy};
  for (int i = 0; i < 120; ++i) {
    std::vector<TestRecord> recs;
    int n = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < n; ++j) {
      TestRecord r;
      r.timestamp = ts0 + i;
      int kind = static_cast<int>(rng() % 10);
      if (kind != 0) r.key = Str("key", static_cast<int64_t>(rng() % 8));
      if (kind != 1) r.value = Str("value-", static_cast<int64_t>(rng() % 1000000));
      recs.push_back(r);
    }
    std::vector<uint8_t> b = MakeBatch(recs, codecs[i % 5]);
    auto res = log.Append(b, ts0 + i);
    ASSERT_OK(res);
    for (int j = 0; j < n; ++j) {
      model.appended.push_back({res->base_offset + j, recs[j].timestamp, recs[j].key, recs[j].value});
    }
  }
}

LogConfig CompactConfig() {
  LogConfig c;
  c.cleanup_compact = true;
  c.cleanup_delete = false;
  c.segment_bytes = 1500;
  c.index_interval_bytes = 100;
  c.delete_retention_ms = 50000;
  return c;
}

TEST(CompactionTest, KeepsLatestPerKeyWithOffsetsAndDropsOldTombstones) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("compacted-0"), CompactConfig());
  ASSERT_OK(log);
  Model model;
  Fill(**log, model, 1000);
  ASSERT_GT((*log)->segment_count(), 3u);
  const int64_t active_base = (*log)->segment_base_offsets().back();
  const uint64_t size_before = (*log)->size_bytes();
  const int64_t end = (*log)->log_end_offset();

  // Tombstones are younger than delete.retention.ms: kept.
  CompactionStats stats;
  ASSERT_OK((*log)->Compact(/*now_ms=*/10000, &stats));
  EXPECT_GT(stats.records_removed, 0);
  EXPECT_GT(stats.segments_rewritten, 0);
  EXPECT_LT((*log)->size_bytes(), size_before);
  EXPECT_EQ((*log)->log_end_offset(), end);
  ExpectSame(ReadAll(**log), model.Expected(active_base, false));

  // Now they are old enough: dropped (only below the active segment).
  ASSERT_OK((*log)->Compact(/*now_ms=*/100000, &stats));
  std::vector<DecodedRecord> want = model.Expected(active_base, true);
  ExpectSame(ReadAll(**log), want);

  // Reading at a removed offset returns the next surviving batch; appends continue at the end.
  auto r = (*log)->Read(0, 1);
  ASSERT_OK(r);
  EXPECT_LE(DecodeAll(r->records.span()).front().offset, want.front().offset);
  std::vector<uint8_t> b = MakeBatch({{"key1", "latest", 5000}});
  auto app = (*log)->Append(b, 5000);
  ASSERT_OK(app);
  EXPECT_EQ(app->base_offset, end);

  // Survives a reopen, clean and with recovery (CRCs of rewritten batches are valid).
  ASSERT_OK((*log)->Close());
  for (bool recover : {false, true}) {
    auto reopened = Log::Open(tmp.Sub("compacted-0"), CompactConfig(), recover);
    ASSERT_OK(reopened);
    std::vector<DecodedRecord> all = ReadAll(**reopened);
    ASSERT_EQ(all.size(), want.size() + 1);
    all.pop_back();
    ExpectSame(all, want);
    ASSERT_OK((*reopened)->Close());
  }
}

TEST(CompactionTest, RespectsMinCompactionLagAndPolicy) {
  TempDir tmp;
  LogConfig c = CompactConfig();
  c.min_compaction_lag_ms = 100000;
  auto log = Log::Create(tmp.Sub("lag-0"), c);
  ASSERT_OK(log);
  Model model;
  Fill(**log, model, 1000);
  CompactionStats stats;
  ASSERT_OK((*log)->Compact(50000, &stats));  // every segment is younger than the lag
  EXPECT_EQ(stats.records_removed, 0);
  ExpectSame(ReadAll(**log), model.appended);
  c.cleanup_compact = false;
  c.cleanup_delete = true;
  (*log)->set_config(c);
  ASSERT_OK((*log)->Compact(10000000, &stats));  // not a compacted topic
  EXPECT_EQ(stats.records_removed, 0);
  c = CompactConfig();
  c.min_compaction_lag_ms = 100000;
  (*log)->set_config(c);
  ASSERT_OK((*log)->Compact(1000 + 60 + 100000, &stats));  // the older half only
  EXPECT_GT(stats.records_removed, 0);
  std::vector<DecodedRecord> got = ReadAll(**log);
  EXPECT_LT(got.size(), model.appended.size());
  // Records of the newest segments are untouched.
  EXPECT_EQ(got.back().offset, model.appended.back().offset);
}

// The background shape: prepare (snapshot), run on another thread while appends roll new segments,
// commit. Records appended after the snapshot are all kept; below the snapshot's active segment the
// snapshot's latest-per-key survive.
TEST(CompactionTest, AppendsDuringABackgroundJobAreKept) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("bg-0"), CompactConfig());
  ASSERT_OK(log);
  Model before;
  Fill(**log, before, 1000);
  const int64_t active_base = (*log)->segment_base_offsets().back();
  auto job = (*log)->PrepareCompaction(10000);
  ASSERT_OK(job);
  ASSERT_TRUE(*job != nullptr);
  Model after;
  Fill(**log, after, 2000);  // rolls more segments while the job has not run yet
  Status run;
  std::thread worker([&] { run = (*job)->Run(); });
  worker.join();
  ASSERT_OK(run);
  CompactionStats stats;
  ASSERT_OK((*log)->CommitCompaction(**job, &stats));
  EXPECT_GT(stats.records_removed, 0);
  std::vector<DecodedRecord> want = before.Expected(active_base, false);
  want.insert(want.end(), after.appended.begin(), after.appended.end());
  ExpectSame(ReadAll(**log), want);
}

// Segments that DeleteRecords removes while a job runs are not brought back, and no .cleaned file
// is left behind.
TEST(CompactionTest, SegmentsDeletedMeanwhileAreSkipped) {
  TempDir tmp;
  auto log = Log::Create(tmp.Sub("skip-0"), CompactConfig());
  ASSERT_OK(log);
  Model model;
  Fill(**log, model, 1000);
  const std::vector<int64_t> bases = (*log)->segment_base_offsets();
  ASSERT_GT(bases.size(), 3u);
  auto job = (*log)->PrepareCompaction(10000);
  ASSERT_OK(job);
  ASSERT_OK((*job)->Run());
  ASSERT_OK((*log)->DeleteRecordsBefore(bases[2]));  // the two oldest segments go
  ASSERT_OK((*log)->CommitCompaction(**job));
  EXPECT_EQ((*log)->segment_base_offsets().front(), bases[2]);
  std::vector<DecodedRecord> got = ReadAll(**log);
  ASSERT_FALSE(got.empty());
  EXPECT_GE(got.front().offset, bases[2]);
  auto names = ListDir(tmp.Sub("skip-0"));
  ASSERT_OK(names);
  for (const std::string& n : *names) EXPECT_EQ(n.find(".cleaned"), std::string::npos) << n;
}

}  // namespace
}  // namespace sluice::broker::storage
