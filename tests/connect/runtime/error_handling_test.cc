// Connect's error handling end to end (standalone worker, real broker, records produced with kcat):
// a FileStreamSink with JsonConverter fed good and bad JSON. With errors.tolerance=all and a dead letter
// queue the good records reach the file, the bad ones land in the DLQ topic byte for byte with the
// __connect.errors.* context headers, errors.log.enable logs them, and the task stays RUNNING. With
// errors.tolerance=none the first bad record fails the task with a trace naming the problem.
#include <gtest/gtest.h>

#include <filesystem>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

using nlohmann::json;

class ErrorHandlingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new BrokerProcess();
    ASSERT_TRUE(broker_->Start()) << broker_->Output();
    char tmpl[] = "/tmp/sluice-errors-XXXXXX";
    dir_ = new std::string(mkdtemp(tmpl));
    worker_ = new WorkerProcess({{"bootstrap.servers", broker_->bootstrap()},
                                 {"offset.storage.file.filename", *dir_ + "/offsets.txt"},
                                 {"offset.flush.interval.ms", "200"},
                                 {"key.converter", "org.apache.kafka.connect.storage.StringConverter"}},
                                /*standalone=*/true);
    ASSERT_TRUE(worker_->Start()) << worker_->Output();
  }
  static void TearDownTestSuite() {
    delete worker_;
    delete broker_;
    std::error_code ec;
    std::filesystem::remove_all(*dir_, ec);
    delete dir_;
  }
  void SetUp() override {
    if (kafka::testing::FindInPath("kcat").empty())
      GTEST_SKIP() << "kcat not installed (scripts/setup installs it)";
  }

  // A FileStreamSink reading JSON values without schemas from `topic`.
  static json JsonSink(const std::string& topic, const std::string& file) {
    return {{"connector.class", "FileStreamSink"},
            {"tasks.max", "1"},
            {"topics", topic},
            {"file", file},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"}};
  }
  static json TaskStatus(const std::string& connector) {
    json st = GetJson(worker_->port(), "/connectors/" + connector + "/status");
    return st.is_object() && st["tasks"].is_array() && !st["tasks"].empty() ? st["tasks"][0] : json();
  }

  static BrokerProcess* broker_;
  static WorkerProcess* worker_;
  static std::string* dir_;
};
BrokerProcess* ErrorHandlingTest::broker_ = nullptr;
WorkerProcess* ErrorHandlingTest::worker_ = nullptr;
std::string* ErrorHandlingTest::dir_ = nullptr;

TEST_F(ErrorHandlingTest, ToleranceAllSendsBadRecordsToTheDeadLetterQueue) {
  // Offsets 0..5 of one partition: 2 and 4 are not JSON.
  const std::vector<std::string> input = {R"({"id":0})", R"({"id":1})", R"(not json {)",
                                          R"({"id":2})", R"({"id":)",   R"({"id":3})"};
  ASSERT_EQ(KcatProduce(broker_->bootstrap(), "dlq-in", input), "");
  const std::string out = *dir_ + "/dlq-sink.txt";
  json config = JsonSink("dlq-in", out);
  config["errors.tolerance"] = "all";
  config["errors.deadletterqueue.topic.name"] = "dlq-out";
  config["errors.deadletterqueue.topic.replication.factor"] = "1";
  config["errors.deadletterqueue.context.headers.enable"] = "true";
  config["errors.log.enable"] = "true";
  config["errors.log.include.messages"] = "true";
  config["errors.retry.timeout"] = "1000";
  config["errors.retry.delay.max.ms"] = "100";
  HttpResponse r =
      Http(worker_->port(), "POST", "/connectors", json{{"name", "dlq-sink"}, {"config", config}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;

  // Good records reach the file, in order.
  ASSERT_TRUE(WaitUntil([&] { return ReadLines(out).size() >= 4; }, std::chrono::seconds(30)))
      << worker_->Output();
  EXPECT_EQ(ReadLines(out), (std::vector<std::string>{"{id=0}", "{id=1}", "{id=2}", "{id=3}"}));

  // Bad records are in the DLQ with their original bytes and the error context.
  std::vector<std::string> dlq =
      KcatConsumeAtLeast(broker_->bootstrap(), "dlq-out", 2, std::chrono::seconds(30), "%h\t%s\n");
  ASSERT_GE(dlq.size(), 2u) << worker_->Output();  // more only if the group redelivered
  const int64_t bad_offsets[] = {2, 4};
  for (size_t i = 0; i < 2; ++i) {
    const std::string& rec = dlq[i];
    size_t tab = rec.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << rec;
    const std::string headers = rec.substr(0, tab);
    EXPECT_EQ(rec.substr(tab + 1), input[static_cast<size_t>(bad_offsets[i])]);
    for (const std::string& h :
         {std::string("__connect.errors.topic=dlq-in"), std::string("__connect.errors.partition=0"),
          "__connect.errors.offset=" + std::to_string(bad_offsets[i]),
          std::string("__connect.errors.connector.name=dlq-sink"), std::string("__connect.errors.task.id=0"),
          std::string("__connect.errors.stage=VALUE_CONVERTER"),
          std::string("__connect.errors.exception.class.name="),
          std::string("__connect.errors.exception.message=")}) {
      EXPECT_NE(headers.find(h), std::string::npos) << h << " missing in: " << headers;
    }
  }

  // Nothing failed.
  json st = GetJson(worker_->port(), "/connectors/dlq-sink/status");
  EXPECT_TRUE(AllRunning(st, 1)) << st.dump();

  // errors.log.enable: each tolerated error is logged with its stage.
  const std::string log = worker_->Output();
  size_t logged = 0;
  for (size_t pos = log.find("Error encountered in task dlq-sink-0"); pos != std::string::npos;
       pos = log.find("Error encountered in task dlq-sink-0", pos + 1)) {
    ++logged;
    EXPECT_NE(log.find("VALUE_CONVERTER", pos), std::string::npos);
  }
  EXPECT_GE(logged, 2u) << log;

  EXPECT_EQ(Http(worker_->port(), "DELETE", "/connectors/dlq-sink").status, 204);
}

TEST_F(ErrorHandlingTest, ToleranceNoneFailsTheTaskNamingTheProblem) {
  ASSERT_EQ(KcatProduce(broker_->bootstrap(), "strict-in", {R"({"id":0})", "definitely not json"}), "");
  json config = JsonSink("strict-in", *dir_ + "/strict-sink.txt");
  config["errors.tolerance"] = "none";
  HttpResponse r =
      Http(worker_->port(), "POST", "/connectors", json{{"name", "strict-sink"}, {"config", config}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;

  json task;
  ASSERT_TRUE(WaitUntil(
      [&] {
        task = TaskStatus("strict-sink");
        return task.is_object() && task.value("state", "") == "FAILED";
      },
      std::chrono::seconds(30)))
      << task.dump() << "\n"
      << worker_->Output();
  ASSERT_TRUE(task["trace"].is_string()) << task.dump();
  const std::string trace = task["trace"];
  EXPECT_NE(trace.find("Tolerance exceeded"), std::string::npos) << trace;
  EXPECT_NE(trace.find("VALUE_CONVERTER"), std::string::npos) << trace;
  EXPECT_NE(trace.find("Converting byte[] to Kafka Connect data failed"), std::string::npos) << trace;
  // The connector itself keeps running; only its task failed.
  EXPECT_EQ(GetJson(worker_->port(), "/connectors/strict-sink/status")["connector"]["state"], "RUNNING");
  EXPECT_EQ(Http(worker_->port(), "DELETE", "/connectors/strict-sink").status, 204);
}

TEST_F(ErrorHandlingTest, ErrorHandlingKeysAreValidated) {
  json config = JsonSink("validated-in", *dir_ + "/validated.txt");
  config["errors.retry.timeout"] = "-2";  // -1 (forever) is the least
  config["errors.tolerance"] = "sometimes";
  config["errors.deadletterqueue.topic.name"] = "validated-in";  // may not be a consumed topic
  HttpResponse r =
      Http(worker_->port(), "POST", "/connectors", json{{"name", "validated"}, {"config", config}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("errors.retry.timeout"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("errors.tolerance"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("may not be included"), std::string::npos) << r.body;
  EXPECT_EQ(GetJson(worker_->port(), "/connectors/validated/status")["error_code"], 404);
}

}  // namespace
}  // namespace sluice::testing
