// REST tests of /connectors: creation, configs, errors and body validation (over InMemoryHerder).
#include <gtest/gtest.h>

#include "rest_test_util.h"

namespace sluice::connect::testing {
namespace {

TEST_F(RestServerTest, RootAndHealth) {
  Reply root = Send("GET", "/");
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(root.content_type, "application/json");
  EXPECT_EQ(root.raw, R"({"version":"3.9.0","commit":"unknown","kafka_cluster_id":"test-cluster-id"})");
  Reply health = Send("GET", "/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "healthy");
  EXPECT_EQ(health.body["message"], "Worker has completed startup and is ready to handle requests.");
}

TEST_F(RestServerTest, CreateConnector) {
  EXPECT_EQ(Send("GET", "/connectors").raw, "[]");
  Reply r = Send("POST", "/connectors", CreateBody("ec-source"));
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.location, "http://127.0.0.1:" + std::to_string(server_.port()) + "/connectors/ec-source");
  // Kafka puts the name into the config.
  EXPECT_EQ(
      r.raw,
      R"({"name":"ec-source","config":{"connector.class":"org.apache.kafka.connect.file.)"
      R"(FileStreamSourceConnector","name":"ec-source","tasks.max":"2"},"tasks":[{"connector":"ec-source",)"
      R"("task":0},{"connector":"ec-source","task":1}],"type":"source"})");
  EXPECT_EQ(Send("GET", "/connectors").raw, R"(["ec-source"])");
  EXPECT_EQ(Send("GET", "/connectors/").raw, R"(["ec-source"])");  // trailing slash as Jersey

  std::string message = ErrorMessage(Send("POST", "/connectors", CreateBody("ec-source")), 409);
  EXPECT_EQ(message, "Connector ec-source already exists");
}

TEST_F(RestServerTest, CreateChecksTheBody) {
  // The name in the config must match; blanks around the name are trimmed first.
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors", CreateBody("a", R"("name": "b",)")), 400),
            "Connector name configuration (b) doesn't match connector name in the URL (a)");
  EXPECT_EQ(Send("POST", "/connectors", CreateBody("  c  ", R"("name": "c",)")).status, 201);

  EXPECT_NE(ErrorMessage(Send("POST", "/connectors", R"({"name": "x"})"), 400).find("no \"config\""),
            std::string::npos);
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors", R"({"name": "x", "config": []})"), 400),
            "The connector configuration must be a JSON object, got an array");
  EXPECT_EQ(
      ErrorMessage(Send("POST", "/connectors", R"({"name": "x", "config": {"a": {"b": 1}}})"), 400),
      "Invalid value for connector configuration \"a\": expected a string, number or boolean, got an object");
  EXPECT_NE(ErrorMessage(Send("POST", "/connectors", R"({"name": "x", "config": {"a": null}})"), 400)
                .find("null is only allowed in a PATCH"),
            std::string::npos);
  EXPECT_NE(ErrorMessage(Send("POST", "/connectors", R"({"name": "x", "configs": {}})"), 400)
                .find("Unrecognized field \"configs\""),
            std::string::npos);
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors", "[1]"), 400),
            "The request body must be a JSON object, got an array");
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors", ""), 400),
            "No content to map due to end-of-input\n at [Source: (REST request body); line: 1, column: 1]");
  EXPECT_NE(ErrorMessage(
                Send("POST", "/connectors", CreateBody("x").insert(1, R"("initial_state": "bogus",)")), 400)
                .find("Invalid initial_state \"bogus\""),
            std::string::npos);
  EXPECT_NE(ErrorMessage(
                Send("POST", "/connectors", CreateBody("x").insert(1, R"("initial_state": "stopped",)")), 400)
                .find("initial_state STOPPED is not supported"),
            std::string::npos);
  EXPECT_EQ(Send("POST", "/connectors", CreateBody("x").insert(1, R"("initial_state": "RUNNING",)")).status,
            201);
  // The herder's own validation errors are 400 as well.
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors", R"({"name": "y", "config": {}})"), 400),
            "Connector config {...} contains no connector type");
}

TEST_F(RestServerTest, SeedTypoIsA400WithLineAndColumn) {
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
  std::string message = ErrorMessage(Send("POST", "/connectors", body), 400);
  EXPECT_EQ(
      message,
      "Unexpected character ('c' (code 99)): expected a valid value (JSON String, Number, Array, Object or "
      "token 'null', 'true' or 'false')\n at [Source: (REST request body); line: 7, column: 30]");
  EXPECT_EQ(herder_.writes(), 0);
}

TEST_F(RestServerTest, NumbersAndBooleansBecomeStrings) {
  Reply r = Send("PUT", "/connectors/n/config",
                 R"({"connector.class": "FileStreamSinkConnector", "tasks.max": 3, "x.enable": true,
                     "ratio": 0.5, "big": -12345678901})");
  ASSERT_EQ(r.status, 201) << r.raw;
  Reply config = Send("GET", "/connectors/n/config");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.raw,
            R"({"big":"-12345678901","connector.class":"FileStreamSinkConnector","name":"n","ratio":"0.5",)"
            R"("tasks.max":"3","x.enable":"true"})");
  EXPECT_EQ(Send("GET", "/connectors/n").body["type"], "sink");
}

TEST_F(RestServerTest, GetConnectorAndNotFound) {
  Create("a");
  Reply info = Send("GET", "/connectors/a");
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(info.body["name"], "a");
  EXPECT_EQ(info.body["tasks"].size(), 2u);
  for (const char* path : {"/connectors/nope", "/connectors/nope/config", "/connectors/nope/status",
                           "/connectors/nope/tasks", "/connectors/nope/topics", "/connectors/nope/offsets"}) {
    EXPECT_EQ(ErrorMessage(Send("GET", path), 404), "Connector nope not found") << path;
  }
  EXPECT_EQ(ErrorMessage(Send("DELETE", "/connectors/nope"), 404), "Connector nope not found");
}

TEST_F(RestServerTest, PutConfigCreatesThenUpdates) {
  const std::string config = R"({"connector.class": "FileStreamSource", "tasks.max": "1"})";
  Reply created = Send("PUT", "/connectors/p/config", config);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.location, "http://127.0.0.1:" + std::to_string(server_.port()) + "/connectors/p");
  EXPECT_EQ(created.body["config"]["name"], "p");
  Reply updated =
      Send("PUT", "/connectors/p/config", R"({"connector.class": "FileStreamSource", "tasks.max": "3"})");
  ASSERT_EQ(updated.status, 200) << updated.raw;
  EXPECT_TRUE(updated.location.empty());
  EXPECT_EQ(updated.body["tasks"].size(), 3u);
  EXPECT_EQ(ErrorMessage(Send("PUT", "/connectors/p/config", R"({"name": "q"})"), 400),
            "Connector name configuration (q) doesn't match connector name in the URL (p)");
  EXPECT_EQ(ErrorMessage(Send("PUT", "/connectors/p/config", "\"text\""), 400),
            "The connector configuration must be a JSON object, got a string");
}

TEST_F(RestServerTest, PatchConfigMergesAndRemoves) {
  Create("m");
  Reply r = Send("PATCH", "/connectors/m/config", R"({"tasks.max": 1, "file": "/tmp/x", "name": null})");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["config"]["tasks.max"], "1");
  EXPECT_EQ(r.body["config"]["file"], "/tmp/x");
  EXPECT_FALSE(r.body["config"].contains("name"));
  EXPECT_EQ(r.body["tasks"].size(), 1u);
  EXPECT_EQ(ErrorMessage(Send("PATCH", "/connectors/m/config", R"({"name": "other"})"), 400),
            "Connector name configuration (other) doesn't match connector name in the URL (m)");
  EXPECT_EQ(ErrorMessage(Send("PATCH", "/connectors/zz/config", R"({"a": "b"})"), 404),
            "Connector zz not found");
  EXPECT_EQ(Send("PATCH", "/connectors/m/config", R"({"a": [1]})").status, 400);
}

TEST_F(RestServerTest, WritesWithoutABody) {
  // `curl -X PUT .../pause` sends neither Content-Length nor a body.
  Create("nb");
  for (const char* request : {"PUT /connectors/nb/pause HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "POST /connectors/nb/restart HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "DELETE /connectors/nb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
    std::string raw = RawCall(server_.port(), request);
    EXPECT_TRUE(raw.rfind("HTTP/1.1 202", 0) == 0 || raw.rfind("HTTP/1.1 204", 0) == 0) << request << raw;
  }
  EXPECT_EQ(Send("GET", "/connectors").raw, "[]");
  std::string raw =
      RawCall(server_.port(), "POST /connectors HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
  EXPECT_NE(raw.find("No content to map due to end-of-input"), std::string::npos) << raw;
}

TEST_F(RestServerTest, DeleteConnector) {
  Create("d");
  Reply r = Send("DELETE", "/connectors/d");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.raw.empty());
  EXPECT_EQ(Send("GET", "/connectors/d").status, 404);
}

TEST_F(RestServerTest, RoutingErrorsUseKafkasShape) {
  EXPECT_EQ(ErrorMessage(Send("GET", "/nope"), 404), "HTTP 404 Not Found");
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/a/b/c/d/e"), 404), "HTTP 404 Not Found");
  EXPECT_EQ(ErrorMessage(Send("DELETE", "/connectors"), 405), "HTTP 405 Method Not Allowed");
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors/a/config", "{}"), 405), "HTTP 405 Method Not Allowed");
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/a/pause"), 405), "HTTP 405 Method Not Allowed");
  // Jersey's Integer path parameter: a task id that does not parse is a 404.
  Create("t");
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/t/tasks/x/status"), 404), "HTTP 404 Not Found");
  EXPECT_EQ(ErrorMessage(Send("POST", "/connectors/t/tasks/99999999999/restart"), 404), "HTTP 404 Not Found");
}

TEST_F(RestServerTest, HerderErrorsMapToStatusCodes) {
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/rebalancing"), 409),
            "Cannot complete request momentarily due to stale configuration");
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/explode/status"), 500), "boom");
  EXPECT_EQ(ErrorMessage(Send("PUT", "/connectors/explode/pause"), 500), "boom");
}

TEST_F(RestServerTest, EncodedConnectorNames) {
  Reply r = Send("POST", "/connectors", CreateBody("my conn/x"));
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.location,
            "http://127.0.0.1:" + std::to_string(server_.port()) + "/connectors/my conn/x");  // decoded
  // On the wire the name is percent-encoded.
  std::string raw = RawCall(server_.port(),
                            "PUT /connectors/a%2Fb/config HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\n"
                            "Content-Length: 31\r\n\r\n{\"connector.class\": \"FileSink\"}");
  EXPECT_NE(raw.find("\r\nLocation: http://h:1/connectors/a%2Fb\r\n"), std::string::npos) << raw;
  Reply info = Send("GET", "/connectors/my%20conn%2Fx");
  ASSERT_EQ(info.status, 200) << info.raw;
  EXPECT_EQ(info.body["name"], "my conn/x");
  EXPECT_EQ(Send("GET", "/connectors/my%20conn%2Fx/status").body["name"], "my conn/x");
  // A name that is not UTF-8 still gets a JSON answer (U+FFFD in place of the byte).
  EXPECT_EQ(ErrorMessage(Send("GET", "/connectors/%FF"), 404), "Connector \xEF\xBF\xBD not found");
}

TEST(RestServerStartTest, ListenersAndLimits) {
  InMemoryHerder herder;
  {
    RestServer server;
    EXPECT_EQ(server.Start("https://127.0.0.1:0", herder).code(), Status::Code::kUnsupported);
  }
  {
    RestServer server;
    EXPECT_EQ(server.Start("127.0.0.1:8083", herder).code(), Status::Code::kInvalidArgument);
  }
  {
    RestServer server;
    EXPECT_EQ(server.Start("http://127.0.0.1:99999", herder).code(), Status::Code::kInvalidArgument);
  }
  RestServerOptions options;
  options.max_body_bytes = 64;
  options.version = "3.9.0-test";
  RestServer server(options);
  ASSERT_TRUE(server.Start("http://127.0.0.1:0, http://127.0.0.1:0", herder).ok());
  ASSERT_EQ(server.ports().size(), 2u);
  EXPECT_EQ(Call(server.ports()[0], "GET", "/").body["version"], "3.9.0-test");
  // A second server cannot take a port in use.
  RestServer clash;
  EXPECT_EQ(clash.Start("http://127.0.0.1:" + std::to_string(server.port()), herder).code(),
            Status::Code::kIOError);
  EXPECT_EQ(ErrorMessage(Call(server.port(), "POST", "/connectors", CreateBody("a-long-enough-name")), 413),
            "HTTP 413 Request Entity Too Large");
  server.Stop();
  server.Stop();  // idempotent
  EXPECT_EQ(Call(server.port(), "GET", "/").status, 0);
}

}  // namespace
}  // namespace sluice::connect::testing
