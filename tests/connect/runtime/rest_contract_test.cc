// Kafka Connect REST contract against a real standalone worker and broker: every endpoint's status
// code and body shape, the error body {"error_code":N,"message":...}, the malformed-JSON 400 for the
// seed's own typo, unknown classes listing the known ones, pause/resume/stop, offsets (KIP-875).
#include <gtest/gtest.h>

#include <filesystem>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

using nlohmann::json;

class RestContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new BrokerProcess();
    ASSERT_TRUE(broker_->Start()) << broker_->Output();
    char tmpl[] = "/tmp/sluice-rest-XXXXXX";
    dir_ = new std::string(mkdtemp(tmpl));
    worker_ = new WorkerProcess({{"bootstrap.servers", broker_->bootstrap()},
                                 {"offset.storage.file.filename", *dir_ + "/offsets.txt"},
                                 {"offset.flush.interval.ms", "200"}},
                                true);
    ASSERT_TRUE(worker_->Start()) << worker_->Output();
  }
  static void TearDownTestSuite() {
    delete worker_;
    delete broker_;
    std::error_code ec;
    std::filesystem::remove_all(*dir_, ec);
    delete dir_;
  }
  static int port() { return worker_->port(); }
  static json SourceConfig(const std::string& file) {
    return {{"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
            {"tasks.max", "1"},
            {"file", file},
            {"topic", "rest-test"}};
  }
  static void ExpectError(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    json j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error_code"], status) << r.body;
    EXPECT_TRUE(j["message"].is_string()) << r.body;
  }

  static BrokerProcess* broker_;
  static WorkerProcess* worker_;
  static std::string* dir_;
};
BrokerProcess* RestContractTest::broker_ = nullptr;
WorkerProcess* RestContractTest::worker_ = nullptr;
std::string* RestContractTest::dir_ = nullptr;

TEST_F(RestContractTest, RootAndHealth) {
  int status = 0;
  json root = GetJson(port(), "/", &status);
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(root["version"].is_string());
  EXPECT_TRUE(root["commit"].is_string());
  EXPECT_TRUE(root["kafka_cluster_id"].is_string());
  EXPECT_FALSE(root["kafka_cluster_id"].get<std::string>().empty());
  json health = GetJson(port(), "/health", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(health["status"], "healthy");
}

TEST_F(RestContractTest, ConnectorLifecycle) {
  const std::string file = *dir_ + "/lifecycle.txt";
  AppendLines(file, "x", 0, 10);
  json body = {{"name", "lifecycle"}, {"config", SourceConfig(file)}};
  HttpResponse r = Http(port(), "POST", "/connectors", body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.location.find("/connectors/lifecycle"), std::string::npos) << r.location;
  json info = json::parse(r.body);
  EXPECT_EQ(info["name"], "lifecycle");
  EXPECT_EQ(info["type"], "source");
  EXPECT_EQ(info["config"]["name"], "lifecycle");
  EXPECT_TRUE(info["tasks"].is_array());

  ExpectError(Http(port(), "POST", "/connectors", body.dump()), 409);

  int status = 0;
  json list = GetJson(port(), "/connectors", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(std::find(list.begin(), list.end(), "lifecycle"), list.end()) << list.dump();

  json expanded = GetJson(port(), "/connectors?expand=status&expand=info");
  ASSERT_TRUE(expanded.contains("lifecycle")) << expanded.dump();
  EXPECT_TRUE(expanded["lifecycle"].contains("status"));
  EXPECT_TRUE(expanded["lifecycle"].contains("info"));

  json got = GetJson(port(), "/connectors/lifecycle", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(got["config"]["file"], file);
  ASSERT_EQ(got["tasks"].size(), 1u);
  EXPECT_EQ(got["tasks"][0]["connector"], "lifecycle");
  EXPECT_EQ(got["tasks"][0]["task"], 0);

  json cfg = GetJson(port(), "/connectors/lifecycle/config", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(cfg["topic"], "rest-test");

  json tasks = GetJson(port(), "/connectors/lifecycle/tasks", &status);
  EXPECT_EQ(status, 200);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0]["id"]["task"], 0);
  EXPECT_TRUE(tasks[0]["config"].is_object());

  json st;
  ASSERT_TRUE(WaitUntil(
      [&] {
        st = GetJson(port(), "/connectors/lifecycle/status");
        return AllRunning(st, 1);
      },
      std::chrono::seconds(20)))
      << st.dump();
  EXPECT_EQ(st["type"], "source");
  EXPECT_EQ(st["connector"]["worker_id"], worker_->worker_id());
  json ts = GetJson(port(), "/connectors/lifecycle/tasks/0/status", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(ts["id"], 0);
  EXPECT_EQ(ts["state"], "RUNNING");
  ExpectError(Http(port(), "GET", "/connectors/lifecycle/tasks/7/status"), 404);

  // PUT config: 200 when updating, 201 when creating.
  json cfg2 = SourceConfig(file);
  cfg2["topic"] = "rest-test-2";
  r = Http(port(), "PUT", "/connectors/lifecycle/config", cfg2.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  r = Http(port(), "PUT", "/connectors/lifecycle-put/config", SourceConfig(file).dump());
  EXPECT_EQ(r.status, 201) << r.body;
  // PATCH merges.
  r = Http(port(), "PATCH", "/connectors/lifecycle-put/config", R"({"topic":"patched"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetJson(port(), "/connectors/lifecycle-put/config")["topic"], "patched");
  EXPECT_EQ(GetJson(port(), "/connectors/lifecycle-put/config")["file"], file);

  // Pause, resume, restart.
  r = Http(port(), "PUT", "/connectors/lifecycle/pause");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(WaitUntil(
      [&] {
        st = GetJson(port(), "/connectors/lifecycle/status");
        return st["connector"]["state"] == "PAUSED" && st["tasks"][0]["state"] == "PAUSED";
      },
      std::chrono::seconds(10)))
      << st.dump();
  r = Http(port(), "PUT", "/connectors/lifecycle/resume");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(WaitUntil([&] { return AllRunning(GetJson(port(), "/connectors/lifecycle/status"), 1); },
                        std::chrono::seconds(10)));
  r = Http(port(), "POST", "/connectors/lifecycle/restart");
  EXPECT_EQ(r.status, 204) << r.body;
  r = Http(port(), "POST", "/connectors/lifecycle/restart?includeTasks=true&onlyFailed=false");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body, nullptr, false)["name"], "lifecycle") << r.body;
  r = Http(port(), "POST", "/connectors/lifecycle/tasks/0/restart");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(WaitUntil([&] { return AllRunning(GetJson(port(), "/connectors/lifecycle/status"), 1); },
                        std::chrono::seconds(10)));

  // Topics.
  EXPECT_TRUE(WaitUntil(
      [&] {
        json t = GetJson(port(), "/connectors/lifecycle/topics");
        return t.is_object() && t["lifecycle"]["topics"].is_array() && !t["lifecycle"]["topics"].empty();
      },
      std::chrono::seconds(10)));
  r = Http(port(), "PUT", "/connectors/lifecycle/topics/reset");
  EXPECT_EQ(r.status, 202) << r.body;

  // Offsets need STOPPED.
  ExpectError(Http(port(), "DELETE", "/connectors/lifecycle/offsets"), 400);
  r = Http(port(), "PUT", "/connectors/lifecycle/stop");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(WaitUntil(
      [&] { return GetJson(port(), "/connectors/lifecycle/status")["connector"]["state"] == "STOPPED"; },
      std::chrono::seconds(10)));
  json offsets = GetJson(port(), "/connectors/lifecycle/offsets", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(offsets["offsets"].is_array()) << offsets.dump();
  ASSERT_EQ(offsets["offsets"].size(), 1u) << offsets.dump();
  EXPECT_EQ(offsets["offsets"][0]["partition"]["filename"], file);
  EXPECT_TRUE(offsets["offsets"][0]["offset"]["position"].is_number());
  json alter = {{"offsets", {{{"partition", {{"filename", file}}}, {"offset", {{"position", 3}}}}}}};
  r = Http(port(), "PATCH", "/connectors/lifecycle/offsets", alter.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  offsets = GetJson(port(), "/connectors/lifecycle/offsets");
  EXPECT_EQ(offsets["offsets"][0]["offset"]["position"], 3) << offsets.dump();
  r = Http(port(), "DELETE", "/connectors/lifecycle/offsets");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(GetJson(port(), "/connectors/lifecycle/offsets")["offsets"].empty());
  r = Http(port(), "PUT", "/connectors/lifecycle/resume");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(WaitUntil([&] { return AllRunning(GetJson(port(), "/connectors/lifecycle/status"), 1); },
                        std::chrono::seconds(10)));

  r = Http(port(), "DELETE", "/connectors/lifecycle");
  EXPECT_EQ(r.status, 204) << r.body;
  r = Http(port(), "DELETE", "/connectors/lifecycle-put");
  EXPECT_EQ(r.status, 204) << r.body;
  ExpectError(Http(port(), "GET", "/connectors/lifecycle"), 404);
  ExpectError(Http(port(), "DELETE", "/connectors/lifecycle"), 404);
  ExpectError(Http(port(), "GET", "/connectors/lifecycle/status"), 404);
}

TEST_F(RestContractTest, SeedTypoIsA400NamingLineAndColumn) {
  const std::string body = R"({
  "name": "ec-source",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
    "connection.url": "jdbc:postgresql://ec-data-server:5432/ec",
    "connection.user": "connectuser",
    "connection.password" : connectpass",
    "mode": "incrementing",
    "incrementing.column.name": "seq",
    "topic.prefix": "ecsales_",
    "table.whitelist" : "ec_uriage",
    "tasks.max": "3"
  }
})";
  HttpResponse r = Http(port(), "POST", "/connectors", body);
  ExpectError(r, 400);
  std::string msg = json::parse(r.body)["message"];
  EXPECT_NE(msg.find("line: 7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column: 30"), std::string::npos) << msg;
}

TEST_F(RestContractTest, BadConfigsAre400sNamingTheProblem) {
  HttpResponse r = Http(port(), "POST", "/connectors", R"({"name":"x","config":{"tasks.max":"1"}})");
  ExpectError(r, 400);
  EXPECT_NE(r.body.find("connector type"), std::string::npos) << r.body;

  r = Http(port(), "POST", "/connectors", R"({"name":"x","config":{"connector.class":"NoSuchConnector"}})");
  ExpectError(r, 400);
  EXPECT_NE(r.body.find("FileStreamSinkConnector"), std::string::npos) << r.body;  // lists the known ones

  r = Http(port(), "PUT", "/connectors/a/config",
           R"({"name":"b","connector.class":"FileStreamSource","topic":"t"})");
  ExpectError(r, 400);
  EXPECT_NE(r.body.find("doesn't match"), std::string::npos) << r.body;

  r = Http(port(), "POST", "/connectors",
           R"({"name":"x","config":{"connector.class":"FileStreamSource","topic":"t","tasks.max":"zero"}})");
  ExpectError(r, 400);
  EXPECT_NE(r.body.find("tasks.max"), std::string::npos) << r.body;

  r = Http(port(), "POST", "/connectors", R"({"name":"x","config":{"connector.class":"FileStreamSink"}})");
  ExpectError(r, 400);
  EXPECT_NE(r.body.find("topics"), std::string::npos) << r.body;
}

TEST_F(RestContractTest, PluginsAndValidation) {
  int status = 0;
  json plugins = GetJson(port(), "/connector-plugins", &status);
  EXPECT_EQ(status, 200);
  bool found = false;
  for (const auto& p : plugins) {
    if (p["class"] == "org.apache.kafka.connect.file.FileStreamSourceConnector") {
      found = true;
      EXPECT_EQ(p["type"], "source");
      EXPECT_TRUE(p["version"].is_string());
    }
    EXPECT_TRUE(p["type"] == "source" || p["type"] == "sink") << p.dump();
  }
  EXPECT_TRUE(found) << plugins.dump();
  json all = GetJson(port(), "/connector-plugins?connectorsOnly=false");
  EXPECT_GT(all.size(), plugins.size());

  json defs = GetJson(port(), "/connector-plugins/FileStreamSource/config", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(defs.is_array());
  bool has_topic = false;
  for (const auto& d : defs) {
    if (d["name"] == "topic") has_topic = true;
  }
  EXPECT_TRUE(has_topic) << defs.dump();
  ExpectError(Http(port(), "GET", "/connector-plugins/NoSuch/config"), 404);

  HttpResponse r = Http(port(), "PUT", "/connector-plugins/FileStreamSink/config/validate",
                        R"({"connector.class":"FileStreamSink","tasks.max":"0"})");
  EXPECT_EQ(r.status, 200) << r.body;
  json v = json::parse(r.body);
  EXPECT_EQ(v["name"], "org.apache.kafka.connect.file.FileStreamSinkConnector");
  EXPECT_GE(v["error_count"].get<int>(), 2) << r.body;  // tasks.max and topics
  bool tasks_error = false;
  for (const auto& c : v["configs"]) {
    if (c["value"]["name"] == "tasks.max") tasks_error = !c["value"]["errors"].empty();
  }
  EXPECT_TRUE(tasks_error) << r.body;
}

TEST_F(RestContractTest, UnknownRoutesAndMethods) {
  ExpectError(Http(port(), "GET", "/no/such/path"), 404);
  ExpectError(Http(port(), "DELETE", "/connector-plugins"), 405);
}

}  // namespace
}  // namespace sluice::testing
