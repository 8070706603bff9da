// The broker against kcat (librdkafka): produce 100k keyed messages with headers under each
// compression codec, consume them back and compare byte for byte; metadata and topic listing.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "broker_process.h"
#include "client_process.h"
#include "kafka/protocol/record_batch.h"

namespace sluice::testing {
namespace {

using kafka::testing::FindInPath;
using kafka::testing::RunProcess;

constexpr int kMessages = 100000;

std::string Messages(const std::string& tag) {
  std::ostringstream out;
  for (int i = 0; i < kMessages; ++i) {
    out << "key-" << tag << "-" << i << "\tvalue-" << i << "-";
    for (int j = 0; j < i % 37; ++j) out << static_cast<char>('a' + (i + j) % 26);
    out << "\n";
  }
  return out.str();
}

class KcatTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    kcat_ = FindInPath("kcat");
    if (kcat_.empty()) GTEST_SKIP() << "kcat not installed (scripts/setup installs it)";
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
  }
  std::string kcat_;
  BrokerProcess broker_;
};

TEST_P(KcatTest, ProduceConsumeByteExact) {
  const std::string codec = GetParam();
  const std::string topic = "kcat-" + codec;
  const std::string input = Messages(codec);
  auto produced = RunProcess({kcat_, "-b", broker_.bootstrap(), "-P", "-t", topic, "-K", "\t", "-z", codec,
                              "-H", "h1=v1", "-H", "trace=" + codec},
                             input, {}, std::chrono::seconds(120));
  ASSERT_TRUE(produced.ok()) << produced.Describe() << "\n" << produced.output << "\n" << broker_.Output();

  auto consumed = RunProcess({kcat_, "-b", broker_.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e",
                              "-q", "-f", "%k\t%s\t%h\n"},
                             "", {}, std::chrono::seconds(120));
  ASSERT_TRUE(consumed.ok()) << consumed.Describe() << "\n" << consumed.output.substr(0, 2000);

  // Expected: every input line with its headers, in order (one partition).
  std::istringstream in(input);
  std::ostringstream expected;
  std::string line;
  while (std::getline(in, line)) expected << line << "\th1=v1,trace=" << codec << "\n";
  ASSERT_EQ(consumed.output.size(), expected.str().size());
  EXPECT_TRUE(consumed.output == expected.str());
}

INSTANTIATE_TEST_SUITE_P(Codecs, KcatTest, ::testing::Values("none", "gzip", "snappy", "lz4", "zstd"));

// compression.type=zstd on the broker (the default of every topic): batches produced uncompressed or
// in gzip are stored recompressed in zstd, and consumers get the same records.
TEST(KcatCompressionType, BatchesAreStoredInTheTopicsCodec) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) GTEST_SKIP() << "kcat not installed (scripts/setup installs it)";
  BrokerProcess broker(std::map<std::string, std::string>{{"compression.type", "zstd"}});
  ASSERT_TRUE(broker.Start()) << broker.Output();
  for (const std::string codec : {"none", "gzip", "zstd"}) {
    SCOPED_TRACE(codec);
    const std::string topic = "recompressed-" + codec;
    std::string input = Messages(codec).substr(0, 200000);
    input.resize(input.rfind('\n') + 1);  // whole lines
    auto produced = RunProcess({kcat, "-b", broker.bootstrap(), "-P", "-t", topic, "-K", "\t", "-z", codec},
                               input, {}, std::chrono::seconds(120));
    ASSERT_TRUE(produced.ok()) << produced.Describe() << "\n" << broker.Output();
    auto consumed = RunProcess(
        {kcat, "-b", broker.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"},
        "", {}, std::chrono::seconds(120));
    ASSERT_TRUE(consumed.ok()) << consumed.Describe();
    EXPECT_TRUE(consumed.output == input) << consumed.output.size() << " vs " << input.size();

    std::ifstream log(broker.log_dir() + "/data/" + topic + "-0/00000000000000000000.log", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    kafka::RecordBatchIterator it(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    kafka::RecordBatchView batch;
    int batches = 0;
    while (it.Next(&batch)) {
      ++batches;
      EXPECT_EQ(batch.header.compression(), kafka::CompressionType::kZstd);
      EXPECT_TRUE(batch.VerifyCrc().ok());
    }
    EXPECT_TRUE(it.status().ok());
    EXPECT_GT(batches, 0);
  }
}

TEST(KcatMetadata, ListsBrokerAndTopics) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) GTEST_SKIP() << "kcat not installed";
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  auto r = RunProcess({kcat, "-b", broker.bootstrap(), "-L", "-t", "auto-created"}, "", {},
                      std::chrono::seconds(30));
  ASSERT_TRUE(r.ok()) << r.Describe() << r.output;
  EXPECT_NE(r.output.find("broker 1 at 127.0.0.1:" + std::to_string(broker.port())), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("topic \"auto-created\" with 1 partitions"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace sluice::testing
