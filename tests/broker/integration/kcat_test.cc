// The broker against kcat (librdkafka): produce 100k keyed messages with headers under each
// compression codec, consume them back and compare byte for byte; metadata and topic listing.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "broker_process.h"
#include "client_process.h"

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
