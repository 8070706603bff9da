// REST tests of forwarding writes from a follower to the leader (two RestServers, two herders).
#include <gtest/gtest.h>

#include "rest_test_util.h"

namespace sluice::connect::testing {
namespace {

class ForwardingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(leader_.Start("http://127.0.0.1:0", leader_herder_).ok());
    ASSERT_TRUE(follower_.Start("http://127.0.0.1:0", follower_herder_).ok());
    follower_herder_.set_forward_to("http://127.0.0.1:" + std::to_string(leader_.port()) + "/");
  }
  Reply ToFollower(const std::string& method, const std::string& path, const std::string& body = "") {
    return Call(follower_.port(), method, path, body);
  }

  InMemoryHerder leader_herder_;
  InMemoryHerder follower_herder_;
  RestServer leader_;
  RestServer follower_;
};

TEST_F(ForwardingTest, CreateIsDoneByTheLeader) {
  Reply r = ToFollower("POST", "/connectors", CreateBody("fw"));
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["name"], "fw");
  EXPECT_EQ(r.body["tasks"].size(), 2u);
  // Location names this worker, as Kafka builds it from the request it answers.
  EXPECT_EQ(r.location, "http://127.0.0.1:" + std::to_string(follower_.port()) + "/connectors/fw");
  EXPECT_EQ(Call(leader_.port(), "GET", "/connectors").raw, R"(["fw"])");
  EXPECT_EQ(follower_herder_.writes(), 0);
  // The leader's errors come back as they are.
  EXPECT_EQ(ErrorMessage(ToFollower("POST", "/connectors", CreateBody("fw")), 409),
            "Connector fw already exists");
}

TEST_F(ForwardingTest, LocationOfAForwardedPutIsThisWorkers) {
  std::string raw =
      RawCall(follower_.port(),
              "PUT /connectors/a%2Fb/config HTTP/1.1\r\nHost: follower:8083\r\nConnection: close\r\n"
              "Content-Length: 31\r\n\r\n{\"connector.class\": \"FileSink\"}");
  EXPECT_EQ(raw.rfind("HTTP/1.1 201", 0), 0u) << raw;
  EXPECT_NE(raw.find("\r\nLocation: http://follower:8083/connectors/a%2Fb\r\n"), std::string::npos) << raw;
  EXPECT_EQ(Call(leader_.port(), "GET", "/connectors/a%2Fb").body["name"], "a/b");
}

TEST_F(ForwardingTest, EveryWriteIsForwarded) {
  ASSERT_EQ(ToFollower("POST", "/connectors", CreateBody("w")).status, 201);
  EXPECT_EQ(ToFollower("PUT", "/connectors/w/config", R"({"connector.class": "FileStreamSource"})").status,
            200);
  EXPECT_EQ(ToFollower("PUT", "/connectors/new/config", R"({"connector.class": "FileStreamSource"})").status,
            201);
  EXPECT_EQ(ToFollower("PATCH", "/connectors/w/config", R"({"tasks.max": "3"})").body["tasks"].size(), 3u);
  leader_herder_.FailTask("w", 2, "t");
  Reply restart = ToFollower("POST", "/connectors/w/restart?includeTasks=true&onlyFailed=true");
  ASSERT_EQ(restart.status, 202) << restart.raw;  // the query parameters went along
  EXPECT_EQ(restart.body["tasks"][2]["state"], "RESTARTING");
  EXPECT_EQ(ToFollower("POST", "/connectors/w/tasks/0/restart").status, 204);
  EXPECT_EQ(ToFollower("PUT", "/connectors/w/pause").status, 202);
  EXPECT_EQ(Call(leader_.port(), "GET", "/connectors/w/status").body["connector"]["state"], "PAUSED");
  EXPECT_EQ(ToFollower("PUT", "/connectors/w/resume").status, 202);
  EXPECT_EQ(ToFollower("PUT", "/connectors/w/stop").status, 204);
  EXPECT_EQ(ToFollower("PATCH", "/connectors/w/offsets",
                       R"({"offsets": [{"partition": {"f": 1}, "offset": {"p": 2}}]})")
                .status,
            200);
  EXPECT_EQ(Call(leader_.port(), "GET", "/connectors/w/offsets").body["offsets"].size(), 1u);
  EXPECT_EQ(ToFollower("DELETE", "/connectors/w/offsets").body["message"],
            "The offsets for this connector have been reset successfully");
  EXPECT_EQ(ToFollower("PUT", "/connectors/w/topics/reset").status, 202);
  EXPECT_EQ(ToFollower("DELETE", "/connectors/w").status, 204);
  EXPECT_EQ(Call(leader_.port(), "GET", "/connectors/w").status, 404);
  EXPECT_EQ(follower_herder_.writes(), 0);
}

TEST_F(ForwardingTest, BadBodiesAreRefusedBeforeForwarding) {
  std::string message = ErrorMessage(ToFollower("POST", "/connectors", "{\"name\": x}"), 400);
  EXPECT_NE(message.find("line: 1, column: 11"), std::string::npos) << message;
  EXPECT_EQ(leader_herder_.writes(), 0);
}

TEST_F(ForwardingTest, ForwardFalseIsNotForwardedAgain) {
  EXPECT_EQ(ErrorMessage(ToFollower("POST", "/connectors?forward=false", CreateBody("x")), 409),
            "Cannot complete request because of a conflicting operation (e.g. worker rebalance)");
  // A loop (each thinks the other leads) ends after two hops with that 409.
  leader_herder_.set_forward_to("http://127.0.0.1:" + std::to_string(follower_.port()));
  EXPECT_EQ(ErrorMessage(ToFollower("DELETE", "/connectors/x"), 409),
            "Cannot complete request because of a conflicting operation (e.g. worker rebalance)");
  EXPECT_EQ(leader_herder_.writes() + follower_herder_.writes(), 0);
}

TEST_F(ForwardingTest, UnreachableLeaderIs500) {
  RestServer gone;
  InMemoryHerder unused;
  ASSERT_TRUE(gone.Start("http://127.0.0.1:0", unused).ok());
  int port = gone.port();
  gone.Stop();
  follower_herder_.set_forward_to("http://127.0.0.1:" + std::to_string(port));
  std::string message = ErrorMessage(ToFollower("PUT", "/connectors/a/pause"), 500);
  EXPECT_EQ(message.rfind("IO Error trying to forward REST request: ", 0), 0u) << message;
}

TEST_F(ForwardingTest, ReadsAreNotForwarded) {
  ASSERT_EQ(Call(leader_.port(), "POST", "/connectors", CreateBody("r")).status, 201);
  EXPECT_EQ(ToFollower("GET", "/connectors").raw, "[]");  // the follower's own (empty) view
  EXPECT_EQ(ToFollower("GET", "/connectors/r").status, 404);
  EXPECT_EQ(ToFollower("PUT", "/connector-plugins/FileStreamSource/config/validate",
                       R"({"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector"})")
                .status,
            200);
}

}  // namespace
}  // namespace sluice::connect::testing
