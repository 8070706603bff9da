// Tests for FileStreamSourceConnector/Task on temp files: line splitting, partial last lines, batch
// size, resuming from a committed offset, missing files, the `files` extension and Stop().
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "connectors/file/file_stream_source.h"
#include "file_test_util.h"

namespace sluice::connectors {
namespace {

using connect::ConfigMap;
using connect::SourceRecord;
using connect::Value;

class FileSourceTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) { return (dir_.path() / name).string(); }

  // A started task with a 1 ms wait at end of file.
  std::unique_ptr<FileStreamSourceTask> StartTask(const ConfigMap& props) {
    auto task = std::make_unique<FileStreamSourceTask>(std::chrono::milliseconds(1));
    task->Initialize(&context_);
    Status s = task->Start(props);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return task;
  }

  std::vector<SourceRecord> Poll(FileStreamSourceTask& task) {
    std::vector<SourceRecord> out;
    Status s = task.Poll(out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  TempDir dir_;
  FakeSourceTaskContext context_;
};

std::vector<std::string> Values(const std::vector<SourceRecord>& records) {
  std::vector<std::string> out;
  for (const SourceRecord& r : records) out.push_back(r.value.get<std::string>());
  return out;
}

int64_t Position(const SourceRecord& r) {
  return connect::MapGet(r.source_offset, "position")->get<int64_t>();
}

TEST_F(FileSourceTest, ConnectorConfigAndSingleTask) {
  FileStreamSourceConnector c;
  EXPECT_FALSE(c.Start({{"file", "/x"}}).ok());  // topic is required
  ASSERT_TRUE(c.Start({{"file", "/x"}, {"topic", "t"}}).ok());
  auto configs = c.TaskConfigs(4);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);  // Kafka's connector only ever makes one task
  EXPECT_EQ((*configs)[0], (ConfigMap{{"file", "/x"}, {"topic", "t"}, {"batch.size", "2000"}}));
  ASSERT_TRUE(c.Start({{"topic", "t"}}).ok());  // stdin
  EXPECT_EQ(c.TaskConfigs(1)->at(0).count("file"), 0u);
  EXPECT_FALSE(c.Start({{"file", "/x"}, {"files", "/y"}, {"topic", "t"}}).ok());
  EXPECT_FALSE(c.Start({{"files", "/y,/y"}, {"topic", "t"}}).ok());
  bool flagged = false;
  for (const ConfigValidation& row : c.Validate({{"file", "/x"}, {"files", "/y"}, {"topic", "t"}})) {
    if (row.name == "files") flagged = !row.errors.empty();
  }
  EXPECT_TRUE(flagged);
}

TEST_F(FileSourceTest, ReadsLinesAndHoldsBackPartialLine) {
  std::string path = Path("in.txt");
  AppendFile(path, "a\nb\r\nc\rd");
  auto task = StartTask({{"file", path}, {"topic", "lines"}});
  std::vector<SourceRecord> records = Poll(*task);
  ASSERT_EQ(Values(records), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Position(records[0]), 2);
  EXPECT_EQ(Position(records[1]), 5);
  EXPECT_EQ(Position(records[2]), 7);
  const SourceRecord& r = records[0];
  EXPECT_EQ(r.topic, "lines");
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_TRUE(r.key.is_null());
  EXPECT_EQ(*r.value_schema, *connect::Schema::String());
  EXPECT_EQ(r.source_partition, connect::StringMap({{"filename", path}}));
  EXPECT_FALSE(r.kafka_partition.has_value());
  EXPECT_TRUE(Poll(*task).empty());  // "d" has no terminator yet
  AppendFile(path, "e\nf\r");
  records = Poll(*task);
  ASSERT_EQ(Values(records), std::vector<std::string>{"de"});
  EXPECT_EQ(Position(records[0]), 10);
  EXPECT_TRUE(Poll(*task).empty());  // "f\r" might still become "f\r\n"
  AppendFile(path, "\n\n");
  records = Poll(*task);
  ASSERT_EQ(Values(records), (std::vector<std::string>{"f", ""}));
  EXPECT_EQ(Position(records[1]), 14);
}

TEST_F(FileSourceTest, BatchSize) {
  std::string path = Path("in.txt");
  AppendFile(path, "1\n2\n3\n4\n5\n");
  auto task = StartTask({{"file", path}, {"topic", "t"}, {"batch.size", "2"}});
  EXPECT_EQ(Values(Poll(*task)), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Values(Poll(*task)), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(Values(Poll(*task)), (std::vector<std::string>{"5"}));
  EXPECT_TRUE(Poll(*task).empty());
}

TEST_F(FileSourceTest, ResumesFromCommittedOffset) {
  std::string path = Path("in.txt");
  AppendFile(path, "one\ntwo\nthree\n");
  context_.offsets.Set(connect::StringMap({{"filename", path}}),
                       Value(connect::Map{{"position", int64_t{4}}}));  // after "one\n"
  auto task = StartTask({{"file", path}, {"topic", "t"}});
  std::vector<SourceRecord> records = Poll(*task);
  ASSERT_EQ(Values(records), (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(Position(records[1]), 14);

  context_.offsets.Set(connect::StringMap({{"filename", path}}), Value(connect::Map{{"position", "x"}}));
  auto bad = StartTask({{"file", path}, {"topic", "t"}});
  std::vector<SourceRecord> out;
  EXPECT_FALSE(bad->Poll(out).ok());
}

TEST_F(FileSourceTest, WaitsForMissingFile) {
  std::string path = Path("later.txt");
  auto task = StartTask({{"file", path}, {"topic", "t"}});
  EXPECT_TRUE(Poll(*task).empty());
  AppendFile(path, "hello\n");
  EXPECT_EQ(Values(Poll(*task)), std::vector<std::string>{"hello"});
}

TEST_F(FileSourceTest, FilesSpreadOverTasksWithPathKeys) {
  FileStreamSourceConnector c;
  std::string a = Path("a"), b = Path("b"), d = Path("d");
  ASSERT_TRUE(c.Start({{"files", a + "," + b + "," + d}, {"topic", "t"}}).ok());
  auto two = c.TaskConfigs(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].at("files"), a + "," + b);
  EXPECT_EQ((*two)[1].at("files"), d);
  EXPECT_EQ((*two)[0].at("topic"), "t");
  EXPECT_EQ(c.TaskConfigs(10)->size(), 3u);  // never more tasks than files

  AppendFile(a, "a1\na2\n");
  AppendFile(b, "b1\n");
  auto task = StartTask((*two)[0]);
  std::vector<SourceRecord> records = Poll(*task);
  ASSERT_EQ(records.size(), 3u);
  std::map<std::string, std::vector<std::string>> by_key;
  for (const SourceRecord& r : records) {
    ASSERT_NE(r.key_schema, nullptr);
    EXPECT_EQ(*r.key_schema, *connect::Schema::String());
    const std::string& key = r.key.get<std::string>();
    EXPECT_EQ(r.source_partition, connect::StringMap({{"filename", key}}));
    by_key[key].push_back(r.value.get<std::string>());
  }
  EXPECT_EQ(by_key[a], (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(by_key[b], (std::vector<std::string>{"b1"}));
}

TEST_F(FileSourceTest, StopWakesAWaitingPoll) {
  std::string path = Path("idle.txt");
  AppendFile(path, "");
  FileStreamSourceTask task(std::chrono::minutes(10));
  task.Initialize(&context_);
  ASSERT_TRUE(task.Start({{"file", path}, {"topic", "t"}}).ok());
  std::vector<SourceRecord> out;
  Status polled;
  std::thread poller([&] { polled = task.Poll(out); });
  task.Stop();
  poller.join();  // would hang for 10 minutes if Stop did not wake the poll
  EXPECT_TRUE(polled.ok());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace sluice::connectors
