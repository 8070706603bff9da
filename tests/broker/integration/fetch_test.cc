// Fetch responses sent from the segment files (sendfile): a response of tens of megabytes to a client
// that reads nothing for a while (the socket fills, the broker waits for it to drain) arrives whole and
// byte-exact, although its topic is deleted before the client reads; meanwhile the broker serves
// another client.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "broker_process.h"
#include "kafka/protocol/generated/delete_topics.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_reader.h"
#include "kafka_socket.h"

namespace sluice::testing {
namespace {

namespace msg = kafka::messages;

std::string ValueOf(int batch, int i, size_t size) {
  std::string v("b");  // (not "b" + std::to_string(): a GCC 12 -Wrestrict false positive)
  v += std::to_string(batch);
  v += '-';
  v += std::to_string(i);
  v += '-';
  v.resize(size, static_cast<char>('a' + (batch + i) % 26));
  return v;
}

TEST(FetchFromFilesTest, LargeResponseToASlowReaderArrivesWholeAfterItsTopicIsDeleted) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  KafkaSocket s;
  ASSERT_TRUE(s.Connect(broker.port()).ok());
  ASSERT_TRUE(CreateTopic(s, "big", 1).ok());
  // 24 batches of 100 x 10 kB values (~1 MB each) with a one-record batch after each: ~24 MB.
  std::vector<std::string> want;
  for (int b = 0; b < 24; ++b) {
    std::vector<std::string> values;
    for (int i = 0; i < 100; ++i) values.push_back(ValueOf(b, i, 10000));
    ASSERT_TRUE(ProduceValues(s, "big", values).ok());
    want.insert(want.end(), values.begin(), values.end());
    ASSERT_TRUE(ProduceValues(s, "big", {ValueOf(b, -1, 20)}).ok());
    want.push_back(ValueOf(b, -1, 20));
  }

  KafkaSocket reader;
  ASSERT_TRUE(reader.Connect(broker.port()).ok());
  int rcvbuf = 64 << 10;
  ASSERT_EQ(setsockopt(reader.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
  const msg::FetchRequest req = FetchRequestFor("big", 0, 64 << 20, 64 << 20);
  msg::RequestHeader header;
  header.request_api_key = msg::FetchRequest::kApiKey;
  header.request_api_version = kFetchVersion;
  header.correlation_id = reader.NextCorrelationId();
  header.client_id = "slow-reader";
  std::vector<uint8_t> frame;
  ASSERT_TRUE(kafka::EncodeRequestFrame(header, req, &frame).ok());
  ASSERT_TRUE(reader.SendAll(frame).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the broker fills the socket and waits

  // The topic goes (its segment files are unlinked) while the response is still being sent.
  msg::DeleteTopicsRequest del;
  del.topic_names = {"big"};
  del.timeout_ms = 10000;
  auto deleted = s.Call<msg::DeleteTopicsRequest, msg::DeleteTopicsResponse>(5, del);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->responses.size(), 1u);
  EXPECT_EQ(deleted->responses[0].error_code, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !std::filesystem::exists(broker.log_dir() + "/data/big-0");
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "the partition's files are still there";
  // Another client is served meanwhile.
  ASSERT_TRUE(CreateTopic(s, "other", 1).ok());
  Status round = WellBehavedRound(s, broker.port(), "other", "still here");
  EXPECT_TRUE(round.ok()) << round.ToString();

  std::vector<uint8_t> payload;
  ASSERT_EQ(reader.ReadFrame(&payload), KafkaSocket::ReadOutcome::kFrame);
  msg::FetchResponse resp;
  ASSERT_TRUE(KafkaSocket::DecodeResponse(msg::FetchRequest::kApiKey, kFetchVersion, header.correlation_id,
                                          payload, &resp)
                  .ok());
  ASSERT_EQ(resp.responses.size(), 1u);
  const auto& pd = resp.responses[0].partitions.at(0);
  EXPECT_EQ(pd.error_code, 0);
  ASSERT_TRUE(pd.records.has_value());
  EXPECT_GT(pd.records->size(), 20u << 20);
  std::vector<std::string> got;
  kafka::RecordBatchIterator it(pd.records->span());
  kafka::RecordBatchView batch;
  std::vector<uint8_t> scratch;
  while (it.Next(&batch)) {
    ASSERT_TRUE(batch.VerifyCrc().ok());
    auto records = kafka::RecordReader::Open(batch, &scratch);
    ASSERT_TRUE(records.ok());
    kafka::Record r;
    while (records->Next(&r)) {
      ASSERT_EQ(r.offset, static_cast<int64_t>(got.size()));
      got.emplace_back(kafka::AsStringView(*r.value));
    }
  }
  EXPECT_FALSE(it.incomplete());
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
  EXPECT_TRUE(broker.Alive());
}

}  // namespace
}  // namespace sluice::testing
