// Metadata at every advertised version (0-12) from our own client, and topic ids: stable across a
// restart (partition.metadata) and usable to look a topic up (v10+).
#include <gtest/gtest.h>

#include "broker_process.h"
#include "kafka/protocol/generated/metadata.h"
#include "kafka_socket.h"

namespace sluice::testing {
namespace {

namespace msg = kafka::messages;

Result<msg::MetadataResponse> Metadata(KafkaSocket& s, int16_t version, std::optional<std::string> topic,
                                       kafka::Uuid id = {}) {
  msg::MetadataRequest req;
  if (version >= 4) req.allow_auto_topic_creation = false;  // v1-3 cannot carry the flag
  if (topic || !id.IsZero()) {
    msg::MetadataRequest::MetadataRequestTopic t;
    t.name = topic;
    t.topic_id = id;
    req.topics = std::vector<msg::MetadataRequest::MetadataRequestTopic>{t};
  } else if (version == 0) {
    req.topics = std::vector<msg::MetadataRequest::MetadataRequestTopic>{};  // v0: empty means all
  } else {
    req.topics = std::nullopt;  // all topics (v1+)
  }
  return s.Call<msg::MetadataRequest, msg::MetadataResponse>(version, req);
}

TEST(MetadataTest, EveryVersionAndStableTopicIds) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  kafka::Uuid id;
  {
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(broker.port()).ok());
    ASSERT_TRUE(CreateTopic(s, "ids", 3).ok());
    for (int16_t v = 1; v <= 12; ++v) {
      auto r = Metadata(s, v, "ids");
      ASSERT_TRUE(r.ok()) << "v" << v << ": " << r.status().ToString();
      ASSERT_EQ(r->topics.size(), 1u) << "v" << v;
      EXPECT_EQ(r->topics[0].error_code, 0) << "v" << v;
      EXPECT_EQ(r->topics[0].partitions.size(), 3u) << "v" << v;
      EXPECT_EQ(r->brokers.size(), 1u);
      if (v >= 10) {
        EXPECT_FALSE(r->topics[0].topic_id.IsZero());
        if (id.IsZero()) id = r->topics[0].topic_id;
        EXPECT_EQ(r->topics[0].topic_id, id) << "v" << v;
      }
    }
    auto v0 = Metadata(s, 0, std::nullopt);
    ASSERT_TRUE(v0.ok()) << v0.status().ToString();
    EXPECT_EQ(v0->topics.size(), 2u);  // ids and __consumer_offsets
  }
  broker.Stop();
  ASSERT_TRUE(broker.Start()) << broker.Output();
  KafkaSocket s;
  ASSERT_TRUE(s.Connect(broker.port()).ok());
  auto by_id = Metadata(s, 12, std::nullopt, id);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  ASSERT_EQ(by_id->topics.size(), 1u);
  EXPECT_EQ(by_id->topics[0].error_code, 0);
  EXPECT_EQ(by_id->topics[0].name, std::optional<std::string>("ids"));
  EXPECT_EQ(by_id->topics[0].topic_id, id);
  auto unknown = Metadata(s, 12, std::nullopt, kafka::Uuid::Random());
  ASSERT_TRUE(unknown.ok());
  ASSERT_EQ(unknown->topics.size(), 1u);
  EXPECT_EQ(unknown->topics[0].error_code, 100);  // UNKNOWN_TOPIC_ID
}

}  // namespace
}  // namespace sluice::testing
