// librdkafka's idempotent producer (confluent_kafka, enable.idempotence=True) streaming while the
// broker is stopped (SIGTERM, or SIGKILL with the durable flush policy) and started again on the same
// port and log dir: every message is delivered, and reading the topic back finds each sequence number
// exactly once, in order per partition (retried batches are deduplicated by the producer state
// rebuilt from the log, none is lost).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "broker_process.h"
#include "client_scripts.h"

namespace sluice::testing {
namespace {

int ReadProgress(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  in >> n;
  return n;
}

// Param: kill -9 (with log.flush.interval.messages=1, so acknowledged messages are on disk) instead
// of a clean stop.
class IdempotentProducerTest : public ::testing::TestWithParam<bool> {};

TEST_P(IdempotentProducerTest, BrokerRestartMidStreamNoDuplicatesNoGaps) {
  const std::string why = ClientUnavailable(Client::kConfluentKafka);
  if (!why.empty()) GTEST_SKIP() << why;
  EnableBrokerDebugLog();
  constexpr int kMessages = 10000;
  const bool kill = GetParam();
  std::map<std::string, std::string> extra;
  if (kill) extra["log.flush.interval.messages"] = "1";
  BrokerProcess broker(extra);
  ASSERT_TRUE(broker.Start()) << broker.Output();
  auto created = RunClient(Client::kConfluentKafka, {"create", broker.bootstrap(), "stream", "2"});
  ASSERT_TRUE(created.ok()) << created.Describe();
  ASSERT_EQ(Lines(created.output, "created").size(), 1u);

  const std::string progress = broker.log_dir() + "/progress";
  const std::string go = broker.log_dir() + "/go";
  kafka::testing::ProcessResult produced;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    produced = RunClient(
        Client::kConfluentKafka,
        {"idempotent-produce", broker.bootstrap(), "stream", std::to_string(kMessages), progress, go},
        std::chrono::seconds(120));
    done = true;
  });
  // Restart once a quarter is delivered (the producer holds back the second half until `go`).
  for (int i = 0; i < 6000 && !done && ReadProgress(progress) < kMessages / 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const int before_stop = ReadProgress(progress);
  if (kill) {
    broker.Kill();
  } else {
    broker.Stop();
  }
  const bool restarted = broker.Start();
  std::ofstream(go) << "go";
  producer.join();
  ASSERT_TRUE(restarted) << broker.Output();
  std::cout << "delivered before the stop: " << before_stop << "\n";
  EXPECT_GE(before_stop, kMessages / 4) << "the producer did not get going before the restart";
  ASSERT_TRUE(produced.ok()) << produced.Describe();
  EXPECT_TRUE(Lines(produced.output, "failed").empty());
  const auto delivered = Lines(produced.output, "delivered");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0][0], std::to_string(kMessages));

  auto consumed = RunClient(Client::kConfluentKafka,
                            {"consume", broker.bootstrap(), "stream", std::to_string(kMessages)});
  ASSERT_TRUE(consumed.ok()) << consumed.Describe();
  EXPECT_EQ(Lines(consumed.output, "eof").size(), 1u) << "not read to the end of every partition";
  std::set<int> seen;
  std::map<int, int> last_per_partition;
  int duplicates = 0;
  for (const auto& f : Lines(consumed.output, "rec")) {
    ASSERT_EQ(f.size(), 4u);
    ASSERT_EQ(f[3].rfind("seq-", 0), 0u) << f[3];
    const int partition = std::stoi(f[0]);
    const int seq = std::stoi(f[3].substr(4));
    EXPECT_EQ(f[2], "k-" + std::to_string(seq % 8));
    if (!seen.insert(seq).second) ++duplicates;
    auto it = last_per_partition.find(partition);
    if (it != last_per_partition.end()) {
      EXPECT_GT(seq, it->second) << "out of order in partition " << partition;
    }
    last_per_partition[partition] = seq;
  }
  EXPECT_EQ(last_per_partition.size(), 2u) << "the keys should use both partitions";
  EXPECT_EQ(duplicates, 0);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), kMessages - 1);  // with size == kMessages: no gaps
  for (const std::string& line : UnexpectedCloses(broker.Output())) ADD_FAILURE() << line;
}

INSTANTIATE_TEST_SUITE_P(Restart, IdempotentProducerTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Kill" : "Stop"; });

}  // namespace
}  // namespace sluice::testing
