// Single message transforms end to end: a FileStreamSource (standalone worker, real broker) whose
// records go through HoistField$Value, InsertField$Value (static field), an InsertField$Value that a
// negated TopicNameMatches predicate disables, and a RegexRouter guarded by the same predicate. The
// records read back with kcat from the renamed topic must be exactly the transformed JSON, in order, and
// the connector's active topics must name only the renamed topic. Bad transformation configs are 400s.
#include <gtest/gtest.h>

#include <filesystem>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

using nlohmann::json;

class TransformsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kafka::testing::FindInPath("kcat").empty())
      GTEST_SKIP() << "kcat not installed (scripts/setup installs it)";
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
    char tmpl[] = "/tmp/sluice-smt-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  BrokerProcess broker_;
  std::string dir_;
};

TEST_F(TransformsTest, SourceRecordsAreTransformedAndRouted) {
  const std::string in = dir_ + "/in.txt";
  AppendLines(in, "l", 0, 10);
  WorkerProcess worker({{"bootstrap.servers", broker_.bootstrap()},
                        {"offset.storage.file.filename", dir_ + "/offsets.txt"},
                        {"offset.flush.interval.ms", "200"},
                        {"key.converter", "org.apache.kafka.connect.storage.StringConverter"}},
                       /*standalone=*/true);
  ASSERT_TRUE(worker.Start()) << worker.Output();
  json config = {
      {"connector.class", "FileStreamSource"},
      {"tasks.max", "1"},
      {"file", in},
      {"topic", "smt-in"},
      {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
      {"value.converter.schemas.enable", "false"},
      {"transforms", "hoist,insert,skipped,route"},
      {"transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
      {"transforms.hoist.field", "line"},
      {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.insert.static.field", "origin"},
      {"transforms.insert.static.value", "sluice-test"},
      {"transforms.skipped.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.skipped.static.field", "never"},
      {"transforms.skipped.static.value", "x"},
      {"transforms.skipped.predicate", "isSmtTopic"},
      {"transforms.skipped.negate", "true"},
      {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
      {"transforms.route.regex", "smt-(.*)"},
      {"transforms.route.replacement", "routed-$1"},
      {"transforms.route.predicate", "isSmtTopic"},
      {"predicates", "isSmtTopic"},
      {"predicates.isSmtTopic.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
      {"predicates.isSmtTopic.pattern", "smt-.*"}};
  HttpResponse r =
      Http(worker.port(), "POST", "/connectors", json{{"name", "smt-source"}, {"config", config}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;

  std::vector<std::string> records =
      KcatConsumeAtLeast(broker_.bootstrap(), "routed-in", 10, std::chrono::seconds(30));
  ASSERT_EQ(records.size(), 10u) << worker.Output();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(records[static_cast<size_t>(i)],
              R"({"line":"l)" + std::to_string(i) + R"(","origin":"sluice-test"})");
  }
  json topics = GetJson(worker.port(), "/connectors/smt-source/topics");
  EXPECT_EQ(topics["smt-source"]["topics"], json::array({"routed-in"})) << topics.dump();
  EXPECT_TRUE(AllRunning(GetJson(worker.port(), "/connectors/smt-source/status"), 1));

  // Bad transformation configs are refused up front.
  json bad = {{"connector.class", "FileStreamSource"},
              {"topic", "t"},
              {"transforms", "route"},
              {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
              {"transforms.route.predicate", "undefined"}};
  r = Http(worker.port(), "POST", "/connectors", json{{"name", "bad-smt"}, {"config", bad}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("transforms.route.regex"), std::string::npos) << r.body;  // required key missing
  bad["transforms.route.type"] = "com.example.NoSuchTransform";
  r = Http(worker.port(), "POST", "/connectors", json{{"name", "bad-smt"}, {"config", bad}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("com.example.NoSuchTransform"), std::string::npos) << r.body;
  worker.Stop();
}

}  // namespace
}  // namespace sluice::testing
