// Metadata at every advertised version (0-12) from our own client, and topic ids: stable across a
// restart (partition.metadata) and usable to look a topic up (v10+).
#include <gtest/gtest.h>

#include <limits>

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

namespace sluice::testing {
namespace {

// Fetch at every advertised version: by name up to v12, by topic id from v13; an unknown id gets
// UNKNOWN_TOPIC_ID.
TEST(FetchVersionsTest, EveryVersionByNameAndById) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  KafkaSocket s;
  ASSERT_TRUE(s.Connect(broker.port()).ok());
  ASSERT_TRUE(CreateTopic(s, "fv", 1).ok());
  ASSERT_TRUE(ProduceValues(s, "fv", {"a", "bb", "ccc"}).ok());
  auto md = Metadata(s, 12, "fv");
  ASSERT_TRUE(md.ok());
  const kafka::Uuid id = md->topics.at(0).topic_id;
  for (int16_t v = 4; v <= 16; ++v) {
    for (const kafka::Uuid& asked : {id, kafka::Uuid::Random()}) {
      if (v < 13 && asked != id) continue;
      msg::FetchRequest req = FetchRequestFor("fv", 0, 1 << 20, std::numeric_limits<int32_t>::max());
      if (v >= 13) {  // by id only
        req.topics[0].topic.clear();
        req.topics[0].topic_id = asked;
      }
      auto r = s.Call<msg::FetchRequest, msg::FetchResponse>(v, req);
      ASSERT_TRUE(r.ok()) << "v" << v << ": " << r.status().ToString();
      ASSERT_EQ(r->responses.size(), 1u);
      const auto& pd = r->responses[0].partitions.at(0);
      if (asked != id) {
        EXPECT_EQ(pd.error_code, 100) << "v" << v;  // UNKNOWN_TOPIC_ID
        continue;
      }
      EXPECT_EQ(pd.error_code, 0) << "v" << v;
      EXPECT_EQ(pd.high_watermark, 3) << "v" << v;
      ASSERT_TRUE(pd.records.has_value());
      EXPECT_GT(pd.records->size(), 61u) << "v" << v;
      if (v >= 13) {
        EXPECT_EQ(r->responses[0].topic_id, id);
      }
    }
  }
}

}  // namespace
}  // namespace sluice::testing
