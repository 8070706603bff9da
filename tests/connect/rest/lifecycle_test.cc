// REST tests of status, tasks, restart/pause/resume/stop, topics, offsets, ?expand and the
// connector-plugins resource (over InMemoryHerder).
#include <gtest/gtest.h>

#include "rest_test_util.h"

namespace sluice::connect::testing {
namespace {

TEST_F(RestServerTest, StatusAndTaskStatus) {
  Create("s");
  herder_.FailTask("s", 1, "java.lang.Exception: boom");
  Reply r = Send("GET", "/connectors/s/status");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.raw,
            R"({"name":"s","connector":{"state":"RUNNING","worker_id":"worker-1:8083"},"tasks":[)"
            R"({"id":0,"state":"RUNNING","worker_id":"worker-1:8083"},)"
            R"({"id":1,"state":"FAILED","worker_id":"worker-1:8083","trace":"java.lang.Exception: boom"}],)"
            R"("type":"source"})");
  EXPECT_EQ(Send("GET", "/connectors/s/tasks/1/status").raw,
            R"({"id":1,"state":"FAILED","worker_id":"worker-1:8083","trace":"java.lang.Exception: boom"})");
  EXPECT_EQ(Send("GET", "/connectors/s/tasks/+0/status").body["state"], "RUNNING");
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/s/tasks/7/status"), 404), "No status found for task s-7");
}

TEST_F(RestServerTest, TaskConfigs) {
  Create("tc");
  Reply r = Send("GET", "/connectors/tc/tasks");
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.body.is_array());
  ASSERT_EQ(r.body.size(), 2u);
  EXPECT_EQ(r.body[1]["id"].dump(), R"({"connector":"tc","task":1})");
  EXPECT_EQ(r.body[1]["config"]["task.id"], "1");
  EXPECT_EQ(r.body[1].size(), 2u);
}

TEST_F(RestServerTest, RestartConnectorAndTasks) {
  Create("r");
  herder_.FailTask("r", 0, "trace");
  Reply plain = Send("POST", "/connectors/r/restart");
  EXPECT_EQ(plain.status, 204);
  EXPECT_TRUE(plain.raw.empty());
  Reply with_tasks = Send("POST", "/connectors/r/restart?includeTasks=true&onlyFailed=true");
  ASSERT_EQ(with_tasks.status, 202) << with_tasks.raw;
  EXPECT_EQ(with_tasks.body["connector"]["state"], "RESTARTING");
  EXPECT_EQ(with_tasks.body["tasks"][0]["state"], "RESTARTING");  // the failed one
  EXPECT_EQ(with_tasks.body["tasks"][1]["state"], "RUNNING");
  EXPECT_EQ(Send("POST", "/connectors/r/restart?onlyFailed=TRUE").status, 202);
  EXPECT_EQ(Send("POST", "/connectors/r/restart?includeTasks=yes").status, 204);  // Jersey: not "true"
  EXPECT_EQ(Send("POST", "/connectors/r/tasks/1/restart").status, 204);
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors/r/tasks/5/restart"), 404), "Task r-5 not found");
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors/x/restart"), 404), "Connector x not found");
}

TEST_F(RestServerTest, PauseResumeStop) {
  Create("p");
  Reply pause = Send("PUT", "/connectors/p/pause");
  EXPECT_EQ(pause.status, 202);
  EXPECT_TRUE(pause.raw.empty());
  EXPECT_EQ(Send("GET", "/connectors/p/status").body["connector"]["state"], "PAUSED");
  EXPECT_EQ(Send("PUT", "/connectors/p/resume").status, 202);
  EXPECT_EQ(Send("GET", "/connectors/p/status").body["connector"]["state"], "RUNNING");
  Reply stop = Send("PUT", "/connectors/p/stop");
  EXPECT_EQ(stop.status, 204);
  Reply status = Send("GET", "/connectors/p/status");
  EXPECT_EQ(status.body["connector"]["state"], "STOPPED");
  EXPECT_EQ(status.body["tasks"].size(), 0u);
  EXPECT_EQ(ErrorMessage(Send("PUT", "/connectors/q/stop"), 404), "Connector q not found");
}

TEST_F(RestServerTest, ActiveTopics) {
  Create("t");
  EXPECT_EQ(Send("GET", "/connectors/t/topics").raw, R"({"t":{"topics":["topic-of-t"]}})");
  EXPECT_EQ(Send("PUT", "/connectors/t/topics/reset").status, 202);
  EXPECT_EQ(Send("GET", "/connectors/t/topics").raw, R"({"t":{"topics":[]}})");
}

TEST_F(RestServerTest, Offsets) {
  Create("o");
  EXPECT_EQ(Send("GET", "/connectors/o/offsets").raw, R"({"offsets":[]})");
  const std::string patch =
      R"({"offsets": [{"partition": {"filename": "a.txt"}, "offset": {"position": 12}},
                      {"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": {"kafka_offset": 5}}]})";
  // The herder refuses while the connector runs: 400 with its message.
  EXPECT_NE(ErrorMessage(Send("PATCH", "/connectors/o/offsets", patch), 400).find("STOPPED"),
            std::string::npos);
  ASSERT_EQ(Send("PUT", "/connectors/o/stop").status, 204);
  Reply altered = Send("PATCH", "/connectors/o/offsets", patch);
  ASSERT_EQ(altered.status, 200) << altered.raw;
  EXPECT_EQ(altered.raw, R"({"message":"The offsets for this connector have been altered successfully"})");
  EXPECT_EQ(Send("GET", "/connectors/o/offsets").raw,
            R"({"offsets":[{"partition":{"filename":"a.txt"},"offset":{"position":12}},)"
            R"({"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":5}}]})");
  // A null offset resets one partition.
  ASSERT_EQ(Send("PATCH", "/connectors/o/offsets",
                 R"({"offsets": [{"partition": {"filename": "a.txt"}, "offset": null}]})")
                .status,
            200);
  EXPECT_EQ(Send("GET", "/connectors/o/offsets").body["offsets"].size(), 1u);
  EXPECT_EQ(ErrorMessage(Send("PATCH", "/connectors/o/offsets", R"({"offsets": []})"), 400),
            "Partitions / offsets cannot be empty for an alter offsets request");
  EXPECT_EQ(ErrorMessage(Send("PATCH", "/connectors/o/offsets", R"({"offsets": [{"partition": 1}]})"), 400),
            "\"partition\" of offsets[0] must be a JSON object");
  Reply reset = Send("DELETE", "/connectors/o/offsets");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.raw, R"({"message":"The offsets for this connector have been reset successfully"})");
  EXPECT_EQ(Send("GET", "/connectors/o/offsets").raw, R"({"offsets":[]})");
}

TEST_F(RestServerTest, ExpandStatusAndInfo) {
  Create("a");
  Create("b");
  Reply status = Send("GET", "/connectors?expand=status");
  ASSERT_EQ(status.status, 200);
  ASSERT_EQ(status.body.size(), 2u);
  EXPECT_EQ(status.body["a"].size(), 1u);
  EXPECT_EQ(status.body["a"]["status"]["connector"]["state"], "RUNNING");
  Reply info = Send("GET", "/connectors?expand=info");
  EXPECT_EQ(info.body["b"]["info"]["name"], "b");
  EXPECT_FALSE(info.body["b"].contains("status"));
  Reply both = Send("GET", "/connectors?expand=status&expand=info");
  EXPECT_TRUE(both.body["a"].contains("status"));
  EXPECT_TRUE(both.body["a"].contains("info"));
  EXPECT_EQ(both.body["a"]["info"]["config"]["tasks.max"], "2");
  EXPECT_EQ(Send("GET", "/connectors?expand=bogus").raw, R"({"a":{},"b":{}})");
}

TEST_F(RestServerTest, ConnectorPlugins) {
  Reply connectors = Send("GET", "/connector-plugins");
  ASSERT_EQ(connectors.status, 200);
  EXPECT_EQ(connectors.raw,
            R"([{"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source",)"
            R"("version":"3.9.0"},{"class":"org.apache.kafka.connect.file.FileStreamSinkConnector",)"
            R"("type":"sink","version":"3.9.0"}])");
  Reply all = Send("GET", "/connector-plugins?connectorsOnly=false");
  ASSERT_EQ(all.body.size(), 3u);
  EXPECT_EQ(all.body[2]["type"], "converter");
}

TEST_F(RestServerTest, PluginConfigDefinitions) {
  Reply r = Send("GET", "/connector-plugins/FileStreamSource/config");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body.size(), 5u);
  EXPECT_EQ(r.body[1].dump(),
            R"({"name":"topic","type":"STRING","required":true,"default_value":null,"importance":"HIGH",)"
            R"("documentation":"The topic to publish data to","group":"File","width":"LONG",)"
            R"("display_name":"Topic","dependents":["file"],"order":2})");
  EXPECT_EQ(r.body[2]["default_value"], "2000");
  EXPECT_EQ(r.body[2]["group"], nullptr);
  EXPECT_EQ(r.body[2]["order"], -1);
  EXPECT_EQ(r.body[2]["width"], "NONE");
  EXPECT_EQ(r.body[3]["default_value"], "a,b");       // a list, as Kafka prints it
  EXPECT_EQ(r.body[4]["default_value"], "[hidden]");  // a password
  EXPECT_EQ(ErrorMessage(Send("GET", "/connector-plugins/Nope/config"), 404), "Unknown plugin Nope.");
}

TEST_F(RestServerTest, ValidateConfig) {
  const std::string path = "/connector-plugins/FileStreamSourceConnector/config/validate";
  Reply r = Send(
      "PUT", path,
      R"({"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "batch.size": 0})");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["name"], "org.apache.kafka.connect.file.FileStreamSourceConnector");
  EXPECT_EQ(r.body["error_count"], 2);  // topic missing, batch.size too small
  EXPECT_EQ(r.body["groups"].dump(), R"(["File"])");
  const Json& configs = r.body["configs"];
  ASSERT_EQ(configs.size(), 6u);
  EXPECT_EQ(configs[1]["definition"]["name"], "topic");
  EXPECT_EQ(
      configs[1]["value"].dump(),
      R"({"name":"topic","value":null,"recommended_values":[],"errors":["Missing required configuration )"
      R"(\"topic\" which has no default value."],"visible":true})");
  EXPECT_EQ(configs[2]["value"]["value"], "0");
  EXPECT_EQ(configs[5]["definition"], nullptr);
  EXPECT_EQ(ErrorMessage(Send("PUT", path, R"({"connector.class": "FileStreamSinkConnector"})"), 400),
            "Included connector type FileStreamSinkConnector does not match request type "
            "FileStreamSourceConnector");
  EXPECT_EQ(ErrorMessage(Send("PUT", path, R"({"connector.class": [1]})"), 400),
            "Invalid value for connector configuration \"connector.class\": expected a string, number or "
            "boolean, got an array");
}

}  // namespace
}  // namespace sluice::connect::testing
