// kill -9 in the middle of an acks=all produce stream with the durable flush policy
// (log.flush.interval.messages=1): a pipelining producer sends sequence-numbered messages, the broker
// is SIGKILLed after a number of acknowledgements, restarted on the same log dir and port, and the
// partition is read back from the beginning. Every acknowledged message must be there at the offset it
// was acknowledged with, in order, without gaps; messages written but not acknowledged before the kill
// may follow but must continue the sequence. The log then accepts new writes at the next offset. The
// cycle repeats for several kill points on the same log.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker_process.h"
#include "client_process.h"
#include "kafka/protocol/record_builder.h"
#include "kafka_socket.h"

namespace sluice::testing {
namespace {

namespace msg = kafka::messages;
using kafka::testing::FindInPath;
using kafka::testing::RunProcess;

constexpr char kTopic[] = "durability";
constexpr int kPipelineDepth = 4;

std::string Value(int64_t seq) { return "seq-" + std::to_string(seq); }

// Produces batches of 1-4 messages with values Value(next_seq), Value(next_seq + 1), ... to partition
// 0 with acks=all, keeping up to kPipelineDepth requests in flight, until the connection fails (the
// broker was killed).
class SequenceProducer {
 public:
  struct Ack {
    int64_t first_seq;
    int32_t count;
    int64_t base_offset;
  };

  SequenceProducer(int port, int64_t next_seq) : port_(port), next_seq_(next_seq) {}

  void Run() {
    KafkaSocket s;
    if (Status st = s.Connect(port_); !st.ok()) {
      SetError(st.ToString());
      return;
    }
    struct InFlight {
      int32_t correlation_id;
      int64_t first_seq;
      int32_t count;
    };
    std::deque<InFlight> in_flight;
    while (true) {
      while (in_flight.size() < kPipelineDepth) {
        const int32_t count = static_cast<int32_t>(1 + next_seq_ % 4);
        std::vector<uint8_t> frame;
        const int32_t corr = s.NextCorrelationId();
        if (Status st = EncodeProduce(corr, next_seq_, count, &frame); !st.ok()) {
          SetError(st.ToString());
          return;
        }
        if (!s.SendAll(frame).ok()) return;  // killed
        in_flight.push_back({corr, next_seq_, count});
        next_seq_ += count;
      }
      std::vector<uint8_t> payload;
      if (s.ReadFrame(&payload) != KafkaSocket::ReadOutcome::kFrame) return;  // killed
      const InFlight req = in_flight.front();
      in_flight.pop_front();
      msg::ProduceResponse resp;
      Status st = KafkaSocket::DecodeResponse(0, kProduceVersion, req.correlation_id, payload, &resp);
      if (st.ok() && (resp.responses.size() != 1 || resp.responses[0].partition_responses.size() != 1)) {
        st = Status::Corruption("expected one partition response");
      }
      if (st.ok() && resp.responses[0].partition_responses[0].error_code != 0) {
        st = Status::Internal("produce error " +
                              std::to_string(resp.responses[0].partition_responses[0].error_code));
      }
      if (!st.ok()) {
        SetError("seq " + std::to_string(req.first_seq) + ": " + st.ToString());
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      acks_.push_back({req.first_seq, req.count, resp.responses[0].partition_responses[0].base_offset});
      acked_messages_ += req.count;
    }
  }

  int64_t acked_messages() const { return acked_messages_; }
  std::vector<Ack> acks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  static Status EncodeProduce(int32_t corr, int64_t first_seq, int32_t count, std::vector<uint8_t>* frame) {
    kafka::RecordBatchBuilder builder;
    // Current timestamps: old ones would make retention delete the segments under the test.
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (int32_t i = 0; i < count; ++i) {
      const std::string v = Value(first_seq + i);
      builder.Append(now_ms, std::nullopt, kafka::AsBytes(v));
    }
    ASSIGN_OR_RETURN(std::vector<uint8_t> batch, builder.Build());
    msg::ProduceRequest req;
    req.acks = -1;
    req.timeout_ms = 30000;
    msg::ProduceRequest::TopicProduceData td;
    td.name = kTopic;
    msg::ProduceRequest::PartitionProduceData pd;
    pd.index = 0;
    pd.records = kafka::SharedBytes(std::move(batch));
    td.partition_data.push_back(std::move(pd));
    req.topic_data.push_back(std::move(td));
    msg::RequestHeader header;
    header.request_api_key = 0;
    header.request_api_version = kProduceVersion;
    header.correlation_id = corr;
    header.client_id = "durability-producer";
    return kafka::EncodeRequestFrame(header, req, frame);
  }

  void SetError(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = e;
  }

  int port_;
  int64_t next_seq_;
  mutable std::mutex mu_;
  std::vector<Ack> acks_;
  std::atomic<int64_t> acked_messages_{0};
  std::string error_;
};

// Reads the whole partition and checks offset == sequence number for every record, from 0 without
// gaps. Returns the log end offset.
int64_t CheckLogIsTheSequence(KafkaSocket& s, int64_t at_least, const std::string& when) {
  auto records = FetchAll(s, kTopic, 0);
  EXPECT_TRUE(records.ok()) << when << ": " << records.status().ToString();
  if (!records.ok()) return -1;
  for (size_t i = 0; i < records->size(); ++i) {
    const FetchedRecord& r = (*records)[i];
    if (r.offset != static_cast<int64_t>(i) || r.value != Value(r.offset)) {
      ADD_FAILURE() << when << ": record #" << i << " has offset " << r.offset << " and value " << r.value;
      return -1;
    }
  }
  EXPECT_GE(static_cast<int64_t>(records->size()), at_least)
      << when << ": acknowledged messages are missing after the restart";
  return static_cast<int64_t>(records->size());
}

// An independent reader (librdkafka) sees the same log: "offset value" lines for [0, end).
void CheckWithKcat(const BrokerProcess& broker, int64_t end) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) return;
  auto r = RunProcess({kcat, "-b", broker.bootstrap(), "-C", "-t", kTopic, "-p", "0", "-o", "beginning", "-e",
                       "-q", "-f", "%o %s\n"},
                      "", {}, std::chrono::seconds(60));
  ASSERT_TRUE(r.ok()) << r.Describe() << "\n" << r.output.substr(0, 2000);
  std::string expected;
  for (int64_t i = 0; i < end; ++i) expected += std::to_string(i) + " " + Value(i) + "\n";
  EXPECT_TRUE(r.output == expected) << "kcat read " << r.output.size() << " bytes, expected "
                                    << expected.size();
}

TEST(DurabilityTest, KillDashNineMidStreamLosesNoAcknowledgedMessage) {
  BrokerProcess broker({{"log.flush.interval.messages", "1"}, {"auto.create.topics.enable", "false"}});
  ASSERT_TRUE(broker.Start()) << broker.Output();
  {
    KafkaSocket admin;
    ASSERT_TRUE(admin.Connect(broker.port()).ok());
    ASSERT_TRUE(CreateTopic(admin, kTopic).ok());
  }
  int64_t next_seq = 0;
  int64_t acked_end = 0;  // one past the last acknowledged sequence number
  // Kill after at least this many more acknowledged messages, per round.
  for (int64_t kill_after : {1, 300, 2000}) {
    SCOPED_TRACE("kill after " + std::to_string(kill_after) + " acknowledged messages");
    SequenceProducer producer(broker.port(), next_seq);
    std::thread thread([&] { producer.Run(); });
    // Safety limit only: the producer acknowledges thousands of messages per second.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (producer.acked_messages() < kill_after && producer.error().empty() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    broker.Kill();
    thread.join();
    ASSERT_EQ(producer.error(), "");
    ASSERT_GE(producer.acked_messages(), kill_after) << broker.Output();

    // Acknowledged offsets were the sequence numbers (one producer, one partition, in order).
    for (const auto& ack : producer.acks()) {
      ASSERT_EQ(ack.base_offset, ack.first_seq);
      acked_end = std::max(acked_end, ack.first_seq + ack.count);
    }

    ASSERT_TRUE(broker.Start()) << broker.Output();
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(broker.port()).ok());
    const int64_t end = CheckLogIsTheSequence(s, acked_end, "after restart");
    ASSERT_GE(end, acked_end);
    CheckWithKcat(broker, end);

    // The recovered log takes new writes at its end.
    auto offset = ProduceValues(s, kTopic, {Value(end), Value(end + 1)});
    ASSERT_TRUE(offset.ok()) << offset.status().ToString();
    EXPECT_EQ(*offset, end);
    next_seq = end + 2;
    acked_end = next_seq;
    ASSERT_EQ(CheckLogIsTheSequence(s, acked_end, "after new writes"), next_seq);
  }
  // A clean restart keeps the same log.
  broker.Stop();
  ASSERT_TRUE(broker.Start()) << broker.Output();
  KafkaSocket s;
  ASSERT_TRUE(s.Connect(broker.port()).ok());
  EXPECT_EQ(CheckLogIsTheSequence(s, next_seq, "after a clean restart"), next_seq);
  broker.Stop();
}

}  // namespace
}  // namespace sluice::testing
