// Recovery after a crash: truncated and corrupted tails, garbage after the last batch, compaction
// leftovers, and a real kill -9 of a child process appending with flush.messages=1.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "broker/storage/log.h"
#include "test_util.h"

namespace sluice::broker::storage {
namespace {

LogConfig Config() {
  LogConfig c;
  c.index_interval_bytes = 128;
  c.segment_bytes = 4000;
  return c;
}

// Appends `n` batches of 3 records (values "r<offset>") and returns the end position of each batch
// in the active segment file, plus the log end offset.
void Fill(Log& log, int n) {
  for (int i = 0; i < n; ++i) {
    int64_t base = log.log_end_offset();
    std::vector<TestRecord> recs;
    for (int j = 0; j < 3; ++j) recs.push_back({std::nullopt, Str("r", base + j), 10});
    std::vector<uint8_t> b = MakeBatch(recs);
    ASSERT_OK(log.Append(b, 10));
  }
}

void CheckValues(const Log& log) {
  for (const DecodedRecord& r : ReadAll(log)) EXPECT_EQ(*r.value, Str("r", r.offset));
}

std::string ActiveLogFile(const Log& log) {
  return SegmentFileName(log.dir(), log.segment_base_offsets().back(), kLogSuffix);
}

uint64_t FileSize(const std::string& path) {
  auto f = File::Open(path, O_RDONLY);
  EXPECT_TRUE(f.ok());
  return f.ok() ? f->Size().value_or(0) : 0;
}

// Positions of the batches of a segment file.
std::vector<uint64_t> BatchPositions(const std::string& path) {
  auto bytes = ReadWholeFile(path);
  EXPECT_TRUE(bytes.ok());
  std::vector<uint64_t> out;
  kafka::RecordBatchIterator it(*bytes);
  kafka::RecordBatchView b;
  uint64_t pos = 0;
  while (it.Next(&b)) {
    out.push_back(pos);
    pos = it.position();
  }
  return out;
}

class RecoveryTest : public ::testing::TestWithParam<int> {};

// 0: partial last batch; 1: flipped bit in a batch; 2: zeros after the last batch; 3: garbage header.
TEST_P(RecoveryTest, TailDamageTruncatesAtLastGoodBatch) {
  TempDir tmp;
  std::string dir = tmp.Sub("topic.a_b-3");
  std::string path;
  int64_t expected_end = 0;
  {
    auto log = Log::Create(dir, Config());
    ASSERT_OK(log);
    Fill(**log, 100);  // several segments
    ASSERT_GT((*log)->segment_count(), 2u);
    path = ActiveLogFile(**log);
    std::vector<uint64_t> pos = BatchPositions(path);
    ASSERT_GE(pos.size(), 4u);
    auto f = File::Open(path, O_RDWR);
    ASSERT_OK(f);
    uint64_t size = FileSize(path);
    int64_t base = (*log)->segment_base_offsets().back();
    switch (GetParam()) {
      case 0:  // cut the last batch in half
        ASSERT_OK(f->Truncate(pos.back() + (size - pos.back()) / 2));
        expected_end = base + 3 * static_cast<int64_t>(pos.size() - 1);
        break;
      case 1: {  // flip a bit in the records of the third-last batch
        uint64_t at = pos[pos.size() - 3] + kafka::kRecordBatchHeaderSize + 2;
        uint8_t byte;
        ASSERT_OK(f->PReadExact(&byte, 1, at));
        byte ^= 0x10;
        ASSERT_OK(f->PWriteAll(&byte, 1, at));
        expected_end = base + 3 * static_cast<int64_t>(pos.size() - 3);
        break;
      }
      case 2: {  // preallocated-looking zeros
        std::vector<uint8_t> zeros(500, 0);
        ASSERT_OK(f->PWriteAll(zeros.data(), zeros.size(), size));
        expected_end = (*log)->log_end_offset();
        break;
      }
      case 3: {  // a header claiming a huge length
        std::vector<uint8_t> junk(70, 0xff);
        ASSERT_OK(f->PWriteAll(junk.data(), junk.size(), size));
        expected_end = (*log)->log_end_offset();
        break;
      }
    }
    // No Close(): index entries still in memory are lost, as in a crash.
  }
  auto log = Log::Open(dir, Config(), /*recover=*/true);
  ASSERT_OK(log);
  EXPECT_EQ((*log)->log_end_offset(), expected_end);
  EXPECT_EQ(BatchPositions(path).size() * 3,
            static_cast<size_t>(expected_end - (*log)->segment_base_offsets().back()));
  std::vector<DecodedRecord> all = ReadAll(**log);
  ASSERT_EQ(all.size(), static_cast<size_t>(expected_end));
  CheckValues(**log);
  // New appends continue at the right offset and survive a clean reopen.
  Fill(**log, 2);
  EXPECT_EQ((*log)->log_end_offset(), expected_end + 6);
  ASSERT_OK((*log)->Close());
  auto again = Log::Open(dir, Config(), false);
  ASSERT_OK(again);
  EXPECT_EQ((*again)->log_end_offset(), expected_end + 6);
  EXPECT_EQ(ReadAll(**again).size(), static_cast<size_t>(expected_end + 6));
  CheckValues(**again);
}

INSTANTIATE_TEST_SUITE_P(Damage, RecoveryTest, ::testing::Values(0, 1, 2, 3));

TEST(RecoveryExtraTest, CleanOpenStillRepairsADamagedTail) {
  TempDir tmp;
  std::string dir = tmp.Sub("t-0");
  std::string path;
  {
    auto log = Log::Create(dir, Config());
    ASSERT_OK(log);
    Fill(**log, 5);
    ASSERT_OK((*log)->Close());
    path = ActiveLogFile(**log);
  }
  auto f = File::Open(path, O_RDWR);
  ASSERT_OK(f);
  ASSERT_OK(f->Truncate(FileSize(path) - 1));
  auto log = Log::Open(dir, Config(), /*recover=*/false);
  ASSERT_OK(log);
  EXPECT_EQ((*log)->log_end_offset(), 12);
  CheckValues(**log);
}

TEST(RecoveryExtraTest, InterruptedCompactionLeftovers) {
  TempDir tmp;
  std::string dir = tmp.Sub("t-0");
  {
    auto log = Log::Create(dir, Config());
    ASSERT_OK(log);
    Fill(**log, 5);
    ASSERT_OK((*log)->Close());
  }
  // Not committed: a .log.cleaned exists. Must be discarded, the original kept.
  std::vector<uint8_t> junk(100, 7);
  ASSERT_OK(WriteFileAtomically(SegmentFileName(dir, 0, ".log.cleaned"), junk));
  ASSERT_OK(WriteFileAtomically(SegmentFileName(dir, 0, ".index.cleaned"), junk));
  ASSERT_OK(WriteFileAtomically(dir + "/00000000000000000000.timeindex.tmp", junk));
  auto log = Log::Open(dir, Config(), true);
  ASSERT_OK(log);
  EXPECT_EQ((*log)->log_end_offset(), 15);
  CheckValues(**log);
  EXPECT_FALSE(PathExists(SegmentFileName(dir, 0, ".log.cleaned")));
  EXPECT_FALSE(PathExists(SegmentFileName(dir, 0, ".index.cleaned")));
  EXPECT_FALSE(PathExists(dir + "/00000000000000000000.timeindex.tmp"));
  // Committed (.log renamed) but index renames pending: the bad .index.cleaned is renamed in and then
  // found invalid and rebuilt.
  ASSERT_OK((*log)->Close());
  ASSERT_OK(WriteFileAtomically(SegmentFileName(dir, 0, ".index.cleaned"), junk));
  auto log2 = Log::Open(dir, Config(), false);
  ASSERT_OK(log2);
  EXPECT_FALSE(PathExists(SegmentFileName(dir, 0, ".index.cleaned")));
  EXPECT_EQ((*log2)->log_end_offset(), 15);
  CheckValues(**log2);
}

TEST(RecoveryExtraTest, RandomBytesNeverCrash) {
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    TempDir tmp;
    std::string dir = tmp.Sub("junk-0");
    {
      auto log = Log::Create(dir, Config());
      ASSERT_OK(log);
      Fill(**log, 3);
      ASSERT_OK((*log)->Close());
    }
    // Random bytes over part of the .log (after the first batch) and over the indexes.
    std::vector<uint8_t> junk(1 + rng() % 3000);
    for (auto& b : junk) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0xff : rng());
    auto f = File::Open(SegmentFileName(dir, 0, kLogSuffix), O_RDWR);
    ASSERT_OK(f);
    ASSERT_OK(f->PWriteAll(junk.data(), junk.size(), 80 + rng() % 200));
    ASSERT_OK(WriteFileAtomically(SegmentFileName(dir, 0, kIndexSuffix),
                                  std::span<const uint8_t>(junk).first(junk.size() / 8 * 8)));
    ASSERT_OK(WriteFileAtomically(SegmentFileName(dir, 0, kTimeIndexSuffix), junk));
    for (bool recover : {round % 2 == 0, true}) {
      auto log = Log::Open(dir, Config(), recover);
      ASSERT_OK(log);
      EXPECT_GE((*log)->log_end_offset(), 3);  // the first batch is intact
      CheckValues(**log);
      ASSERT_OK((*log)->Close());
    }
  }
}

// A child appends with flush.messages=1 and reports each acknowledged (durable) offset through a pipe;
// the parent kills it with SIGKILL mid-stream, recovers the log and checks every acknowledged record.
TEST(CrashTest, KilledWriterLosesNoAcknowledgedRecord) {
  TempDir tmp;
  std::string dir = tmp.Sub("crash-0");
  LogConfig c = Config();
  c.flush_interval_messages = 1;
  c.segment_bytes = 3000;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto log = Log::Create(dir, c);
    if (!log.ok()) ::_exit(2);
    for (int64_t i = 0;; ++i) {
      std::vector<TestRecord> recs;
      int64_t base = (*log)->log_end_offset();
      for (int j = 0; j < 2; ++j) recs.push_back({std::nullopt, Str("r", base + j), i});
      std::vector<uint8_t> b = MakeBatch(recs);
      auto r = (*log)->Append(b, i);
      if (!r.ok() || !r->durable) ::_exit(3);
      int64_t last = r->last_offset;
      if (::write(fds[1], &last, sizeof(last)) != sizeof(last)) ::_exit(4);
    }
  }
  ::close(fds[1]);
  std::vector<int64_t> acked;
  int64_t v;
  while (acked.size() < 300 && ::read(fds[0], &v, sizeof(v)) == sizeof(v)) acked.push_back(v);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  while (::read(fds[0], &v, sizeof(v)) == sizeof(v)) acked.push_back(v);
  ::close(fds[0]);
  ASSERT_GE(acked.size(), 300u);

  auto log = Log::Open(dir, c, /*recover=*/true);
  ASSERT_OK(log);
  EXPECT_GT((*log)->segment_count(), 1u);
  EXPECT_GE((*log)->log_end_offset(), acked.back() + 1);
  std::vector<DecodedRecord> all = ReadAll(**log);
  ASSERT_GE(all.size(), static_cast<size_t>(acked.back() + 1));
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i].offset, static_cast<int64_t>(i));
    ASSERT_EQ(*all[i].value, Str("r", i));
  }
  for (size_t i = 0; i < acked.size(); ++i) ASSERT_EQ(acked[i], static_cast<int64_t>(2 * i + 1));
  std::vector<uint8_t> b = MakeValues(1);
  auto r = (*log)->Append(b, 1);
  ASSERT_OK(r);
  EXPECT_EQ(r->base_offset, static_cast<int64_t>(all.size()));
}

}  // namespace
}  // namespace sluice::broker::storage
