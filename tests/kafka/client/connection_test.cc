// Tests of kafka/client/connection.h: ApiVersions negotiation and calls against a real broker process,
// and robustness against a scripted listener sending garbage, nothing, or closing.
#include "kafka/client/connection.h"

#include <gtest/gtest.h>

#include <thread>

#include "broker_process.h"
#include "fake_broker.h"
#include "kafka/protocol/generated/find_coordinator.h"
#include "kafka/protocol/generated/join_group.h"
#include "kafka/protocol/generated/metadata.h"

namespace sluice::kafka::client {
namespace {

namespace msg = messages;
using testing::BrokerProcess;
using testing::FakeBroker;

ConnectionOptions ShortOptions() {
  ConnectionOptions o;
  o.client_id = "connection-test";
  o.connect_timeout = std::chrono::seconds(5);
  o.request_timeout = std::chrono::seconds(5);
  return o;
}

TEST(ConnectionTest, ParseHostPort) {
  auto a = ParseHostPort("localhost:9092");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "localhost");
  EXPECT_EQ(a->second, 9092);
  auto v6 = ParseHostPort("[::1]:19092");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  for (const char* bad : {"", "host", "host:", ":9092", "host:0", "host:65536", "host:12x", "[::1:9092"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
}

TEST(ConnectionTest, NegotiatesVersionsWithRealBroker) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  auto conn = Connection::Open("127.0.0.1", broker.port(), ShortOptions());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // Our codec knows ApiVersions v4, the broker v3: the KIP-511 fallback picked 3.
  EXPECT_EQ((*conn)->NegotiatedVersion(msg::ApiVersionsRequest::kApiKey), 3);
  EXPECT_EQ((*conn)->NegotiatedVersion(msg::JoinGroupRequest::kApiKey), 9);
  EXPECT_EQ((*conn)->NegotiatedVersion(msg::FindCoordinatorRequest::kApiKey), 4);
  EXPECT_EQ((*conn)->NegotiatedVersion(50), -1);  // DescribeUserScramCredentials: not advertised
  EXPECT_FALSE((*conn)->broker_apis().empty());

  msg::MetadataRequest metadata;
  metadata.topics = std::vector<msg::MetadataRequest::MetadataRequestTopic>{};
  auto resp = (*conn)->Call<msg::MetadataResponse>(metadata);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->brokers.size(), 1u);
  EXPECT_EQ(resp->brokers[0].port, broker.port());

  msg::FindCoordinatorRequest find;
  find.coordinator_keys = {"some-group"};
  auto found = (*conn)->Call<msg::FindCoordinatorResponse>(find);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->coordinators.size(), 1u);
  EXPECT_EQ(found->coordinators[0].port, broker.port());
  // The same request at an older version uses the single-key fields.
  msg::FindCoordinatorRequest old;
  old.key = "some-group";
  auto found_v2 = (*conn)->CallAt<msg::FindCoordinatorResponse>(2, old);
  ASSERT_TRUE(found_v2.ok()) << found_v2.status().ToString();
  EXPECT_EQ(found_v2->port, broker.port());
  EXPECT_TRUE((*conn)->healthy());
}

TEST(ConnectionTest, RefusedConnectionIsUnavailable) {
  auto conn = Connection::Open("127.0.0.1", testing::UnusedPort(), ShortOptions());
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Status::Code::kUnavailable) << conn.status().ToString();
  EXPECT_FALSE(Connection::Open("no-such-host.invalid", 9092, ShortOptions()).ok());
}

// Answers ApiVersions with `bytes` instead of a response.
std::optional<std::vector<uint8_t>> Garbage(const DecodedRequest& req, int variant) {
  std::vector<uint8_t> good = FakeBroker::AnswerApiVersions(req);
  switch (variant) {
    case 0:  // negative size
      return std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFE, 1, 2, 3};
    case 1:  // absurd size
      return std::vector<uint8_t>{0x7F, 0xFF, 0xFF, 0xFF};
    case 2:  // wrong correlation id
      good[7] ^= 0x55;
      return good;
    case 3: {  // a consistent frame whose body is cut short
      good.resize(good.size() / 2);
      const auto size = static_cast<uint32_t>(good.size() - 4);
      for (int i = 0; i < 4; ++i) good[static_cast<size_t>(i)] = static_cast<uint8_t>(size >> (24 - 8 * i));
      return good;
    }
    case 4:  // the right frame size and correlation id, scrambled body
      for (size_t i = 8; i < good.size(); ++i) good[i] = static_cast<uint8_t>(i * 37 + 11);
      return good;
    default:  // no answer: the connection closes
      return std::nullopt;
  }
}

TEST(ConnectionTest, GarbageAnswersAreErrorsNotCrashes) {
  for (int variant = 0; variant <= 5; ++variant) {
    FakeBroker fake([variant](const DecodedRequest& req) { return Garbage(req, variant); });
    ConnectionOptions o = ShortOptions();
    o.connect_timeout = std::chrono::milliseconds(500);
    o.max_response_bytes = 1 << 20;
    auto conn = Connection::Open("127.0.0.1", fake.port(), o);
    ASSERT_FALSE(conn.ok()) << "variant " << variant;
    const Status::Code expected = variant == 5 ? Status::Code::kUnavailable : Status::Code::kCorruption;
    EXPECT_EQ(conn.status().code(), expected) << "variant " << variant << ": " << conn.status().ToString();
  }
}

TEST(ConnectionTest, UnansweredRequestTimesOutAndBreaksTheConnection) {
  FakeBroker fake([](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    if (req.header.request_api_key == msg::ApiVersionsRequest::kApiKey)
      return FakeBroker::AnswerApiVersions(req);
    return std::vector<uint8_t>{};  // never answer
  });
  auto conn = Connection::Open("127.0.0.1", fake.port(), ShortOptions());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  msg::FindCoordinatorRequest find;
  find.coordinator_keys = {"g"};
  auto r = (*conn)->Call<msg::FindCoordinatorResponse>(find, std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout) << r.status().ToString();
  EXPECT_FALSE((*conn)->healthy());
  auto again = (*conn)->Call<msg::FindCoordinatorResponse>(find);
  EXPECT_EQ(again.status().code(), Status::Code::kUnavailable);
}

TEST(ConnectionTest, InterruptWakesABlockedCall) {
  FakeBroker fake([](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    if (req.header.request_api_key == msg::ApiVersionsRequest::kApiKey)
      return FakeBroker::AnswerApiVersions(req);
    return std::vector<uint8_t>{};
  });
  auto conn = Connection::Open("127.0.0.1", fake.port(), ShortOptions());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  Connection* c = conn->get();
  std::thread interrupter([c] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c->Interrupt();
  });
  msg::FindCoordinatorRequest find;
  find.coordinator_keys = {"g"};
  auto r = c->Call<msg::FindCoordinatorResponse>(find, std::chrono::seconds(60));
  interrupter.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
}

TEST(ConnectionTest, UnsupportedApiIsRefusedBeforeSending) {
  FakeBroker fake([](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    if (req.header.request_api_key == msg::ApiVersionsRequest::kApiKey)
      return FakeBroker::AnswerApiVersions(req);
    return std::nullopt;
  });
  auto conn = Connection::Open("127.0.0.1", fake.port(), ShortOptions());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  msg::ApiVersionsRequest av;
  EXPECT_EQ((*conn)->CallAt<msg::ApiVersionsResponse>(99, av).status().code(), Status::Code::kUnsupported);
  EXPECT_TRUE((*conn)->healthy());
}

}  // namespace
}  // namespace sluice::kafka::client
