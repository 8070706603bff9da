// Connection limits of a broker process, as Kafka's: connections.max.idle.ms closes a connection that
// has been quiet that long (also one that sent half a request and stopped), while a connection in use
// stays open; max.connections.per.ip and max.connections close connections accepted beyond the cap
// and leave the others working.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "broker_process.h"
#include "kafka/protocol/generated/api_versions.h"
#include "kafka_socket.h"

namespace sluice::testing {
namespace {

namespace msg = kafka::messages;
using namespace std::chrono_literals;

bool ApiVersionsAnswered(KafkaSocket& s) {
  auto r = s.Call<msg::ApiVersionsRequest, msg::ApiVersionsResponse>(3, {});
  return r.ok() && r->error_code == 0;
}

TEST(ConnectionLimitsTest, IdleConnectionsAreClosedBusyOnesStay) {
  BrokerProcess broker(std::map<std::string, std::string>{{"connections.max.idle.ms", "600"}});
  ASSERT_TRUE(broker.Start()) << broker.Output();
  KafkaSocket quiet, half_sent, busy;
  ASSERT_TRUE(quiet.Connect(broker.port(), 10s).ok());
  ASSERT_TRUE(half_sent.Connect(broker.port(), 10s).ok());
  ASSERT_TRUE(busy.Connect(broker.port(), 10s).ok());
  ASSERT_TRUE(ApiVersionsAnswered(quiet));
  const std::vector<uint8_t> partial = {0, 0, 0, 40, 0, 18};  // a size prefix and 2 bytes of 40
  ASSERT_TRUE(half_sent.SendAll(partial).ok());
  // The busy connection makes a request every 150 ms for 2 s: never idle for 600 ms.
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(ApiVersionsAnswered(busy)) << "a connection in use was closed";
    std::this_thread::sleep_for(150ms);
  }
  std::vector<uint8_t> got;
  EXPECT_EQ(quiet.WaitForClose(&got), KafkaSocket::ReadOutcome::kClosed);
  EXPECT_EQ(half_sent.WaitForClose(&got), KafkaSocket::ReadOutcome::kClosed);
  EXPECT_TRUE(ApiVersionsAnswered(busy));
  // Clients reconnect on demand.
  KafkaSocket again;
  ASSERT_TRUE(again.Connect(broker.port(), 10s).ok());
  EXPECT_TRUE(ApiVersionsAnswered(again));
  EXPECT_TRUE(broker.Alive());
}

TEST(ConnectionLimitsTest, ConnectionsBeyondTheCapsAreClosed) {
  for (const char* key : {"max.connections.per.ip", "max.connections"}) {
    SCOPED_TRACE(key);
    BrokerProcess broker(std::map<std::string, std::string>{{key, "3"}});
    ASSERT_TRUE(broker.Start()) << broker.Output();
    std::vector<KafkaSocket> open(3);
    for (auto& s : open) {
      ASSERT_TRUE(s.Connect(broker.port(), 10s).ok());
    }
    bool all_answered = true;
    for (auto& s : open) all_answered &= ApiVersionsAnswered(s);
    if (!all_answered) {
      // Start() probed the port with a connection of its own, which the broker may still have counted:
      // retry once it is gone.
      std::this_thread::sleep_for(200ms);
      for (auto& s : open) {
        s.Close();
        ASSERT_TRUE(s.Connect(broker.port(), 10s).ok());
      }
      for (auto& s : open) ASSERT_TRUE(ApiVersionsAnswered(s));
    }
    KafkaSocket extra;
    ASSERT_TRUE(extra.Connect(broker.port(), 10s).ok());  // the kernel accepts; the broker closes it
    std::vector<uint8_t> got;
    EXPECT_EQ(extra.WaitForClose(&got), KafkaSocket::ReadOutcome::kClosed);
    for (auto& s : open) EXPECT_TRUE(ApiVersionsAnswered(s));
    // Closing one makes room for another.
    open[0].Close();
    std::this_thread::sleep_for(200ms);
    KafkaSocket next;
    ASSERT_TRUE(next.Connect(broker.port(), 10s).ok());
    EXPECT_TRUE(ApiVersionsAnswered(next));
  }
}

}  // namespace
}  // namespace sluice::testing
