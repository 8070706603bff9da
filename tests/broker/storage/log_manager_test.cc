// LogManager: partitions across log dirs, clean-shutdown marker, recovery, topic config persistence,
// deletion, Tick; LogConfig parsing.
#include <chrono>
#include <thread>

#include "broker/storage/log_manager.h"
#include "test_util.h"

namespace sluice::broker::storage {
namespace {

LogManagerOptions Options(const TempDir& tmp) {
  LogManagerOptions o;
  o.log_dirs = {tmp.Sub("d1"), tmp.Sub("d2")};
  o.default_config.segment_bytes = 2000;
  return o;
}

TEST(LogManagerTest, PartitionDirNames) {
  auto tp = ParsePartitionDirName("my.topic-with_dash-12");
  ASSERT_TRUE(tp.has_value());
  EXPECT_EQ(tp->topic, "my.topic-with_dash");
  EXPECT_EQ(tp->partition, 12);
  EXPECT_FALSE(ParsePartitionDirName("topic").has_value());
  EXPECT_FALSE(ParsePartitionDirName("topic-").has_value());
  EXPECT_FALSE(ParsePartitionDirName("-1").has_value());
  EXPECT_FALSE(ParsePartitionDirName("topic-01").has_value());
  EXPECT_FALSE(ParsePartitionDirName("topic-x").has_value());
  EXPECT_FALSE(ParsePartitionDirName("top ic-1").has_value());
  EXPECT_FALSE(ParsePartitionDirName("t-0.123.1-delete").has_value());
  EXPECT_FALSE(IsValidTopicName(".."));
  EXPECT_FALSE(IsValidTopicName(std::string(250, 'a')));
}

TEST(LogManagerTest, CreateCloseReopenWithConfigs) {
  TempDir tmp;
  LogConfig compact;
  compact.segment_bytes = 2000;
  compact.cleanup_compact = true;
  compact.cleanup_delete = false;
  compact.retention_ms = -1;
  {
    auto m = LogManager::Open(Options(tmp));
    ASSERT_OK(m);
    EXPECT_TRUE((*m)->clean_start());  // new dirs: nothing to recover
    for (int p = 0; p < 4; ++p) {
      auto log = (*m)->CreatePartition("a.b_c-d", p, compact);
      ASSERT_OK(log);
      std::vector<uint8_t> b = MakeValues(p + 1);
      ASSERT_OK((*log)->Append(b, 1));
    }
    ASSERT_OK((*m)->CreatePartition("plain", 0, (*m)->default_config()));
    EXPECT_EQ((*m)->CreatePartition("plain", 0, (*m)->default_config()).status().code(),
              Status::Code::kAlreadyExists);
    EXPECT_EQ((*m)->CreatePartition("bad/name", 0, (*m)->default_config()).status().code(),
              Status::Code::kInvalidArgument);
    // Spread over both dirs.
    EXPECT_TRUE(PathExists(tmp.Sub("d1/a.b_c-d-0")));
    EXPECT_TRUE(PathExists(tmp.Sub("d2/a.b_c-d-1")));
    EXPECT_TRUE(PathExists(tmp.Sub("d1/.topics/a.b_c-d.properties")));
    EXPECT_FALSE(PathExists(tmp.Sub("d1/.topics/plain.properties")));  // no overrides
    ASSERT_OK((*m)->Close());
    EXPECT_TRUE(PathExists(tmp.Sub("d1/.sluice-clean-shutdown")));
    EXPECT_TRUE(PathExists(tmp.Sub("d2/.sluice-clean-shutdown")));
  }
  auto m = LogManager::Open(Options(tmp));
  ASSERT_OK(m);
  EXPECT_TRUE((*m)->clean_start());
  EXPECT_FALSE(PathExists(tmp.Sub("d1/.sluice-clean-shutdown")));
  EXPECT_EQ((*m)->Partitions().size(), 5u);
  for (int p = 0; p < 4; ++p) {
    Log* log = (*m)->GetLog("a.b_c-d", p);
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->log_end_offset(), p + 1);
    EXPECT_TRUE(log->config().cleanup_compact);
    EXPECT_FALSE(log->config().cleanup_delete);
    EXPECT_EQ(log->config().retention_ms, -1);
  }
  EXPECT_EQ((*m)->TopicConfig("a.b_c-d"), compact);
  EXPECT_EQ((*m)->GetLog("plain", 0)->config(), (*m)->default_config());
  EXPECT_EQ((*m)->GetLog("plain", 1), nullptr);
  // Changing a topic config applies to its partitions and persists.
  LogConfig changed = compact;
  changed.retention_ms = 5000;
  ASSERT_OK((*m)->SetTopicConfig("a.b_c-d", changed));
  EXPECT_EQ((*m)->GetLog("a.b_c-d", 2)->config().retention_ms, 5000);
  auto props = LoadPropertiesFile(tmp.Sub("d1/.topics/a.b_c-d.properties"));
  ASSERT_OK(props);
  EXPECT_EQ(props->GetOr("retention.ms", ""), "5000");
  EXPECT_EQ(props->GetOr("cleanup.policy", ""), "compact");
  EXPECT_FALSE(props->Contains("segment.bytes"));  // same as the default
}

TEST(LogManagerTest, UncleanShutdownRecovers) {
  TempDir tmp;
  std::string path;
  {
    auto m = LogManager::Open(Options(tmp));
    ASSERT_OK(m);
    auto log = (*m)->CreatePartition("t", 0, (*m)->default_config());
    ASSERT_OK(log);
    for (int i = 0; i < 10; ++i) {
      std::vector<uint8_t> b = MakeValues(2);
      ASSERT_OK((*log)->Append(b, 1));
    }
    path = SegmentFileName((*log)->dir(), (*log)->segment_base_offsets().back(), kLogSuffix);
    // No Close(): crash. Leave half a batch at the end.
  }
  {
    auto f = File::Open(path, O_RDWR);
    ASSERT_OK(f);
    std::vector<uint8_t> b = MakeValues(2);
    ASSERT_OK(f->PWriteAll(b.data(), b.size() / 2, f->Size().value()));
  }
  auto m = LogManager::Open(Options(tmp));
  ASSERT_OK(m);
  EXPECT_FALSE((*m)->clean_start());
  Log* log = (*m)->GetLog("t", 0);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), 20);
  EXPECT_EQ(ReadAll(*log).size(), 20u);
}

TEST(LogManagerTest, DeletePartitionAndTick) {
  TempDir tmp;
  LogManagerOptions o = Options(tmp);
  o.retention_check_interval_ms = 1000;
  auto m = LogManager::Open(o);
  ASSERT_OK(m);
  LogConfig c = (*m)->default_config();
  c.retention_ms = 10000;
  c.flush_interval_ms = 500;
  c.segment_bytes = 500;
  auto log = (*m)->CreatePartition("gone", 0, c);
  ASSERT_OK(log);
  ASSERT_OK((*m)->CreatePartition("gone", 1, c));
  for (int i = 0; i < 20; ++i) {
    std::vector<uint8_t> b = MakeValues(1, 1000, 100);
    ASSERT_OK((*log)->Append(b, 1000));
  }
  size_t segments = (*log)->segment_count();
  EXPECT_GT(segments, 2u);
  EXPECT_GT((*log)->unflushed_messages(), 0);
  ASSERT_OK((*m)->Tick(1400));  // flush.ms not yet passed since the first append at 1000
  EXPECT_GT((*log)->unflushed_messages(), 0);
  ASSERT_OK((*m)->Tick(1500));  // now it has; retention not yet
  EXPECT_EQ((*log)->unflushed_messages(), 0);
  EXPECT_EQ((*log)->segment_count(), segments);
  ASSERT_OK((*m)->Tick(20000));  // everything is past retention.ms
  EXPECT_EQ((*log)->size_bytes(), 0u);
  EXPECT_EQ((*log)->log_start_offset(), 20);

  std::string dir = (*log)->dir();
  ASSERT_OK((*m)->DeletePartition("gone", 0));
  EXPECT_FALSE(PathExists(dir));
  EXPECT_EQ((*m)->GetLog("gone", 0), nullptr);
  EXPECT_TRUE(PathExists(tmp.Sub("d1/.topics/gone.properties")));
  ASSERT_OK((*m)->DeletePartition("gone", 1));
  EXPECT_FALSE(PathExists(tmp.Sub("d1/.topics/gone.properties")));
  EXPECT_EQ((*m)->DeletePartition("gone", 1).code(), Status::Code::kNotFound);
  // A half-deleted dir from a crash is removed at start-up.
  ASSERT_OK(CreateDirs(tmp.Sub("d2/x-0.123.4-delete")));
  ASSERT_OK((*m)->Close());
  auto m2 = LogManager::Open(o);
  ASSERT_OK(m2);
  EXPECT_FALSE(PathExists(tmp.Sub("d2/x-0.123.4-delete")));
  EXPECT_TRUE((*m2)->Partitions().empty());
}

TEST(LogManagerTest, TickCompactsDirtyCompactedLogs) {
  TempDir tmp;
  LogManagerOptions o = Options(tmp);
  auto m = LogManager::Open(o);
  ASSERT_OK(m);
  LogConfig c = (*m)->default_config();
  c.cleanup_compact = true;
  c.segment_bytes = 300;
  auto log = (*m)->CreatePartition("compacted", 0, c);
  ASSERT_OK(log);
  for (int i = 0; i < 40; ++i) {
    std::vector<uint8_t> b = MakeBatch({{"same-key", Str("v", i), 1000}});
    ASSERT_OK((*log)->Append(b, 1000));
  }
  // The job runs on the cleaner thread; a later tick commits it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int64_t t = 2000; (*m)->compactions_committed() == 0 && std::chrono::steady_clock::now() < deadline;
       t += 10) {
    ASSERT_OK((*m)->Tick(t));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ((*m)->compactions_committed(), 1);
  std::vector<DecodedRecord> all = ReadAll(**log);
  ASSERT_FALSE(all.empty());
  EXPECT_LT(all.size(), 10u);  // only the active segment's records remain
  EXPECT_EQ(*all.back().value, "v39");
  EXPECT_EQ(all.back().offset, 39);
}

// Deleting a partition (and closing the manager) while its compaction job is out is safe: the job is
// cancelled and waited for, and nothing is written into the deleted directory.
TEST(LogManagerTest, DeletingAPartitionCancelsItsCompaction) {
  TempDir tmp;
  LogManagerOptions o = Options(tmp);
  auto m = LogManager::Open(o);
  ASSERT_OK(m);
  LogConfig c = (*m)->default_config();
  c.cleanup_compact = true;
  c.segment_bytes = 300;
  for (int round = 0; round < 20; ++round) {
    auto log = (*m)->CreatePartition("doomed", 0, c);
    ASSERT_OK(log);
    const std::string dir = (*log)->dir();
    for (int i = 0; i < 200; ++i) {
      std::vector<uint8_t> b = MakeBatch({{Str("k", i % 3), Str("v", i), 1000}});
      ASSERT_OK((*log)->Append(b, 1000));
    }
    ASSERT_OK((*m)->Tick(2000 + round * 100000));  // submits a job
    ASSERT_OK((*m)->DeletePartition("doomed", 0));
    EXPECT_FALSE(PathExists(dir));
  }
  ASSERT_OK((*m)->Tick(100000000));
  ASSERT_OK((*m)->Close());
}

TEST(LogConfigTest, ParsesAndPrintsKafkaNames) {
  LogConfig c;
  ASSERT_OK(c.Set("cleanup.policy", "compact, delete"));
  EXPECT_TRUE(c.cleanup_compact && c.cleanup_delete);
  EXPECT_EQ(c.Get("cleanup.policy"), "compact,delete");
  ASSERT_OK(c.Set("message.timestamp.type", "LogAppendTime"));
  EXPECT_EQ(c.message_timestamp_type, TimestampType::kLogAppendTime);
  ASSERT_OK(c.Set("retention.ms", "-1"));
  EXPECT_EQ(c.retention_ms, -1);
  Status st = c.Set("segment.bytes", "abc");
  EXPECT_EQ(st.message(), "Invalid value abc for configuration segment.bytes: Not a number of type INT");
  EXPECT_EQ(c.Set("retention.ms", "-2").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.Set("cleanup.policy", "nope").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.Set("no.such.key", "1").code(), Status::Code::kInvalidArgument);
  Properties overrides = c.OverridesFrom(LogConfig());
  EXPECT_EQ(overrides.size(), 3u);
  auto back = LogConfig::FromProperties(overrides, LogConfig());
  ASSERT_OK(back);
  EXPECT_EQ(*back, c);
}

}  // namespace
}  // namespace sluice::broker::storage
