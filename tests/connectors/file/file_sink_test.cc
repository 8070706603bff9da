// Tests for FileStreamSinkConnector/Task (appending lines, Java string forms, flush) and
// RegisterFileConnectors.
#include <gtest/gtest.h>

#include "connect/api/plugin.h"
#include "connectors/file/file_stream_sink.h"
#include "connectors/file/file_stream_source.h"
#include "connectors/file/register.h"
#include "file_test_util.h"

namespace sluice::connectors {
namespace {

using connect::SinkRecord;
using connect::Value;

SinkRecord Record(connect::SchemaPtr schema, Value value) {
  SinkRecord r;
  r.topic = std::string("t");  // (operator=(const char*) trips a GCC 12 -Wrestrict false positive)
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

TEST(FileSinkTest, AppendsValuesAsLines) {
  TempDir dir;
  std::string path = (dir.path() / "out.txt").string();
  AppendFile(path, "existing\n");
  FileStreamSinkTask task;
  ASSERT_TRUE(task.Start({{"file", path}}).ok());
  connect::SchemaPtr s = connect::SchemaBuilder::Struct().Field("id", connect::Schema::Int32()).Build();
  connect::Struct st(s);
  ASSERT_TRUE(st.Put("id", int32_t{7}).ok());
  std::vector<SinkRecord> batch = {Record(connect::Schema::String(), "hello"), Record(nullptr, int64_t{42}),
                                   Record(nullptr, Value()), Record(s, st), Record(nullptr, 2.5)};
  ASSERT_TRUE(task.Put(batch).ok());
  ASSERT_TRUE(task.Flush({}).ok());
  EXPECT_EQ(ReadFile(path), "existing\nhello\n42\nnull\nStruct{id=7}\n2.5\n");
  std::vector<SinkRecord> more = {Record(connect::Schema::String(), "last")};
  ASSERT_TRUE(task.Put(more).ok());
  auto committed = task.PreCommit({{{"t", 0}, 6}});  // the default PreCommit flushes
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(committed->at({"t", 0}), 6);
  EXPECT_EQ(ReadFile(path), "existing\nhello\n42\nnull\nStruct{id=7}\n2.5\nlast\n");
  std::vector<SinkRecord> unflushed = {Record(connect::Schema::String(), "on stop")};
  ASSERT_TRUE(task.Put(unflushed).ok());
  task.Stop();
  EXPECT_EQ(ReadFile(path), "existing\nhello\n42\nnull\nStruct{id=7}\n2.5\nlast\non stop\n");
}

TEST(FileSinkTest, ConnectorAndErrors) {
  FileStreamSinkConnector c;
  ASSERT_TRUE(c.Start({{"file", "/tmp/x"}, {"topics", "a,b"}}).ok());
  auto configs = c.TaskConfigs(3);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 3u);
  EXPECT_EQ((*configs)[2], (connect::ConfigMap{{"file", "/tmp/x"}}));
  ASSERT_TRUE(c.Start({}).ok());  // stdout
  EXPECT_TRUE(c.TaskConfigs(1)->at(0).empty());
  FileStreamSinkTask task;
  Status s = task.Start({{"file", "/nonexistent-dir/out.txt"}});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Couldn't find or create file"), std::string::npos) << s.message();
}

TEST(RegisterFileConnectorsTest, ClassNamesAndAliases) {
  connect::PluginRegistry registry;
  RegisterFileConnectors(registry);
  for (const char* name : {"org.apache.kafka.connect.file.FileStreamSourceConnector", "FileStreamSource",
                           "FileStreamSourceConnector"}) {
    const connect::PluginInfo* p = registry.Find(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->type, connect::PluginType::kSource);
    EXPECT_NE(dynamic_cast<FileStreamSourceConnector*>(p->new_connector().get()), nullptr);
    EXPECT_NE(dynamic_cast<FileStreamSourceTask*>(p->new_task().get()), nullptr);
  }
  for (const char* name : {"org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSink",
                           "FileStreamSinkConnector"}) {
    const connect::PluginInfo* p = registry.Find(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->type, connect::PluginType::kSink);
    EXPECT_EQ(p->new_connector()->type(), connect::ConnectorType::kSink);
    EXPECT_NE(dynamic_cast<FileStreamSinkTask*>(p->new_task().get()), nullptr);
  }
}

}  // namespace
}  // namespace sluice::connectors
