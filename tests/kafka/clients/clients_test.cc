// Golden tests against real Kafka clients: each client produces to a loopback CaptureBroker that
// decodes every request with our codec, checks that re-encoding reproduces the client's bytes, and
// answers with our own encoded ApiVersions, Metadata and Produce responses. A client that reports
// delivery has therefore also decoded our responses. Clients that are not installed are skipped.
// With SLUICE_UPDATE_GOLDEN=1 the first ApiVersions/Metadata/Produce of each client are written to
// golden/ (see golden_files_test.cc).
//
// Thread-safety: tests run sequentially; each owns its broker and child process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capture_broker.h"
#include "client_process.h"
#include "golden_messages.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_versions.h"

namespace sluice::kafka::testing {
namespace {

constexpr std::chrono::seconds kClientTimeLimit{30};
constexpr char kPython[] = "/usr/bin/python3";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool PythonHasModule(const std::string& module) {
  if (access(kPython, X_OK) != 0) return false;
  return RunProcess({kPython, "-c", "import " + module}, "", {}, kClientTimeLimit).ok();
}

std::string Describe(const ProducedRecord& r) {
  std::string s = "key=" + r.key.value_or("<null>") + " value=" + r.value.value_or("<null>");
  for (const ProducedHeader& h : r.headers) s += " header " + h.key + "=" + h.value.value_or("<null>");
  return s;
}

class ClientsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.Start().ok()); }
  void TearDown() override { broker_.Stop(); }

  ProcessResult RunClient(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                          const std::vector<std::string>& env = {}) {
    ProcessResult r = RunProcess(argv, stdin_data, env, kClientTimeLimit);
    std::cout << "---- " << argv[0] << " (" << r.Describe() << ") output:\n" << r.output << "----\n";
    return r;
  }

  // Stops the broker (the client has exited) and checks everything it captured: every request decoded
  // and re-encoded byte for byte, nothing unexpected happened, and (when `expected` is given) the
  // Produce requests carried exactly those records. Prints the (api, version) pairs the client used.
  void CheckCaptured(const std::string& client, const std::vector<int16_t>& required_apis,
                     const std::vector<ProducedRecord>* expected) {
    broker_.Stop();
    const std::vector<CapturedRequest> requests = broker_.Requests();
    for (const std::string& p : broker_.Problems()) ADD_FAILURE() << client << ": " << p;

    std::vector<std::pair<int16_t, int16_t>> used;
    std::set<std::string> client_ids;
    for (const CapturedRequest& c : requests) {
      const std::string what = client + " " + ApiName(c.api_key) + " v" + std::to_string(c.api_version) +
                               " (correlation id " + std::to_string(c.correlation_id) + ")";
      if (c.above_advertised_api_versions) {
        std::cout << "[" << client << "] " << what
                  << " is above our range: answered v0 UNSUPPORTED_VERSION\n";
      } else {
        EXPECT_TRUE(c.decode_status.ok()) << what << ": " << c.decode_status.ToString();
      }
      EXPECT_TRUE(c.roundtrip_status.ok()) << what << ": " << c.roundtrip_status.ToString();
      if (std::find(used.begin(), used.end(), std::make_pair(c.api_key, c.api_version)) == used.end()) {
        used.emplace_back(c.api_key, c.api_version);
      }
      client_ids.insert(c.client_id.value_or("<null>"));
    }
    std::cout << "[" << client << "] " << requests.size() << " requests; (api, version) used:";
    for (const auto& [key, version] : used) std::cout << " " << ApiName(key) << " v" << version;
    std::cout << "; client ids:";
    for (const std::string& id : client_ids) std::cout << " '" << id << "'";
    std::cout << "\n";
    for (int16_t key : required_apis) {
      EXPECT_TRUE(std::any_of(used.begin(), used.end(), [key](const auto& u) { return u.first == key; }))
          << client << " sent no " << ApiName(key) << " request";
    }

    if (expected != nullptr) {
      const std::vector<ProducedRecord> records = broker_.Records();
      for (const ProducedRecord& r : records)
        std::cout << "[" << client << "] record " << Describe(r) << "\n";
      EXPECT_EQ(records.size(), expected->size()) << client;
      for (size_t i = 0; i < std::min(records.size(), expected->size()); ++i) {
        EXPECT_EQ(records[i], (*expected)[i]) << client << " record " << i << ": got " << Describe(records[i])
                                              << ", want " << Describe((*expected)[i]);
      }
    }
    if (std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr) SaveGolden(client, requests);
  }

  // Writes the first request of each captured API to golden/<client>_<api>_v<N>.bin, replacing older
  // captures of the same client and API.
  static void SaveGolden(const std::string& client, const std::vector<CapturedRequest>& requests) {
    namespace fs = std::filesystem;
    std::set<int16_t> saved;
    for (const CapturedRequest& c : requests) {
      if (!c.decode_status.ok() || !saved.insert(c.api_key).second) continue;
      const std::string prefix = client + "_" + Lower(ApiName(c.api_key)) + "_v";
      for (const fs::directory_entry& e : fs::directory_iterator(GoldenDir())) {
        const std::string name = e.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".bin")) fs::remove(e.path());
      }
      const std::string path = GoldenDir() + "/" + prefix + std::to_string(c.api_version) + ".bin";
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(c.frame.data()), static_cast<std::streamsize>(c.frame.size()));
      ASSERT_TRUE(out.good()) << "writing " << path;
      std::cout << "wrote " << path << "\n";
    }
  }

  CaptureBroker broker_;
};

constexpr int16_t kProduce = 0;
constexpr int16_t kMetadata = 3;
constexpr int16_t kApiVersions = 18;

TEST_F(ClientsTest, KcatProduce) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) GTEST_SKIP() << "kcat is not installed (scripts/setup installs it)";
  const ProcessResult r =
      RunClient({kcat, "-b", broker_.bootstrap(), "-P", "-t", kGoldenTopic, "-K:", "-H", "h1=hv1", "-X",
                 "client.id=sluice-golden-kcat", "-X", "message.timeout.ms=15000"},
                "k1:v1\nk2:hello golden\nk3:v3\n");
  EXPECT_TRUE(r.ok()) << "kcat -P: " << r.Describe() << "\n" << r.output;
  const std::vector<ProducedRecord> expected = ExpectedRecords("kcat");
  CheckCaptured("kcat", {kApiVersions, kMetadata, kProduce}, &expected);
}

TEST_F(ClientsTest, KcatMetadataList) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) GTEST_SKIP() << "kcat is not installed (scripts/setup installs it)";
  const ProcessResult r = RunClient(
      {kcat, "-b", broker_.bootstrap(), "-L", "-m", "15", "-X", "client.id=sluice-golden-kcat-list"});
  EXPECT_TRUE(r.ok()) << "kcat -L: " << r.Describe() << "\n" << r.output;
  EXPECT_NE(r.output.find("broker 1 at 127.0.0.1:" + std::to_string(broker_.port())), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("topic \"golden\" with 1 partitions"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("partition 0, leader 1, replicas: 1, isrs: 1"), std::string::npos) << r.output;
  CheckCaptured("kcat_list", {kApiVersions, kMetadata}, nullptr);
}

TEST_F(ClientsTest, ConfluentKafkaProduce) {
  if (!PythonHasModule("confluent_kafka"))
    GTEST_SKIP() << "confluent_kafka is not installed for /usr/bin/python3";
  const ProcessResult r =
      RunClient({kPython, ClientsDir() + "/produce_confluent_kafka.py", broker_.bootstrap()});
  EXPECT_TRUE(r.ok()) << "produce_confluent_kafka.py: " << r.Describe() << "\n" << r.output;
  EXPECT_NE(r.output.find("delivered 3 of 3"), std::string::npos) << r.output;
  const std::vector<ProducedRecord> expected = ExpectedRecords("confluent_kafka");
  CheckCaptured("confluent_kafka", {kApiVersions, kMetadata, kProduce}, &expected);
}

// kafka-python probes the broker (ApiVersions v0 pipelined with Metadata v0) and infers a broker
// version from our ranges (Produce v8 advertised => 2.4), which picks its Produce and Metadata versions.
TEST_F(ClientsTest, KafkaPythonAutoVersion) {
  if (!PythonHasModule("kafka")) GTEST_SKIP() << "kafka-python is not installed for /usr/bin/python3";
  const ProcessResult r =
      RunClient({kPython, ClientsDir() + "/produce_kafka_python.py", broker_.bootstrap(), "auto"});
  EXPECT_TRUE(r.ok()) << "produce_kafka_python.py auto: " << r.Describe() << "\n" << r.output;
  EXPECT_NE(r.output.find("delivered 3 of 3"), std::string::npos) << r.output;
  const std::vector<ProducedRecord> expected = ExpectedRecords("kafka_python");
  CheckCaptured("kafka_python", {kApiVersions, kMetadata, kProduce}, &expected);
}

// With api_version pinned kafka-python sends no ApiVersions at all.
TEST_F(ClientsTest, KafkaPythonPinnedVersion) {
  if (!PythonHasModule("kafka")) GTEST_SKIP() << "kafka-python is not installed for /usr/bin/python3";
  const ProcessResult r =
      RunClient({kPython, ClientsDir() + "/produce_kafka_python.py", broker_.bootstrap(), "2.5.0"});
  EXPECT_TRUE(r.ok()) << "produce_kafka_python.py 2.5.0: " << r.Describe() << "\n" << r.output;
  EXPECT_NE(r.output.find("delivered 3 of 3"), std::string::npos) << r.output;
  const std::vector<ProducedRecord> expected = ExpectedRecords("kafka_python_pinned");
  CheckCaptured("kafka_python_pinned", {kMetadata, kProduce}, &expected);
}

TEST_F(ClientsTest, KafkajsProduce) {
  const std::string node = FindInPath("node");
  if (node.empty()) GTEST_SKIP() << "node is not installed";
  if (!std::filesystem::exists(SourceDir() + "/node_modules/kafkajs/package.json")) {
    GTEST_SKIP() << "kafkajs is not installed in " << SourceDir()
                 << "/node_modules (scripts/setup installs it)";
  }
  const ProcessResult r =
      RunClient({node, ClientsDir() + "/produce_kafkajs.js", broker_.bootstrap()}, "",
                {"NODE_PATH=" + SourceDir() + "/node_modules", "KAFKAJS_NO_PARTITIONER_WARNING=1"});
  EXPECT_TRUE(r.ok()) << "produce_kafkajs.js: " << r.Describe() << "\n" << r.output;
  EXPECT_NE(r.output.find("\"topicName\":\"golden\""), std::string::npos) << r.output;
  const std::vector<ProducedRecord> expected = ExpectedRecords("kafkajs");
  CheckCaptured("kafkajs", {kApiVersions, kMetadata, kProduce}, &expected);
}

// Documents a librdkafka quirk a broker must accommodate: the record format follows from the advertised
// ranges (MsgVer2 needs Produce v3 and Fetch v4). Advertising Produce without Fetch makes librdkafka
// send a legacy magic 0 message set inside Produce v7, which we must reject (INVALID_RECORD, as Kafka)
// and which the client must report as a delivery failure. The frame still round-trips byte for byte.
TEST(CaptureBrokerTest, LibrdkafkaWithoutFetchSendsLegacyMagic) {
  const std::string kcat = FindInPath("kcat");
  if (kcat.empty()) GTEST_SKIP() << "kcat is not installed (scripts/setup installs it)";
  CaptureBroker broker({{kProduce, 3, 9}, {kMetadata, 0, 12}, {kApiVersions, 0, 3}});
  ASSERT_TRUE(broker.Start().ok());
  const ProcessResult r = RunProcess({kcat, "-b", broker.bootstrap(), "-P", "-t", kGoldenTopic, "-K:", "-X",
                                      "message.timeout.ms=15000", "-X", "message.send.max.retries=0"},
                                     "k1:v1\n", {}, kClientTimeLimit);
  broker.Stop();
  std::cout << "---- kcat (" << r.Describe() << ") output:\n" << r.output << "----\n";
  EXPECT_TRUE(r.started && !r.timed_out && r.exit_code != 0) << r.Describe();
  EXPECT_NE(r.output.find("Delivery failed"), std::string::npos) << r.output;
  const std::vector<std::string> problems = broker.Problems();
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
    return p.find("magic 0") != std::string::npos;
  })) << "expected a legacy magic 0 Produce";
  EXPECT_TRUE(broker.Records().empty());
  for (const CapturedRequest& c : broker.Requests()) {
    EXPECT_TRUE(c.roundtrip_status.ok()) << c.roundtrip_status.ToString();
  }
}

// Not a client: checks the broker's answer to an ApiVersions version above its range, as a newer
// client would send it: a v0 response (v0 response header) with UNSUPPORTED_VERSION and our range.
TEST(CaptureBrokerTest, AnswersNewerApiVersionsWithV0Error) {
  CaptureBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  // ApiVersions v7 does not exist yet: encode v3 (header v2, same body layout as v4) and patch the
  // version field (frame bytes 6-7).
  messages::RequestHeader header;
  header.request_api_key = kApiVersions;
  header.request_api_version = 3;
  header.correlation_id = 77;
  header.client_id = "future-client";
  messages::ApiVersionsRequest body;
  body.client_software_name = "future";
  body.client_software_version = "9.9";
  std::vector<uint8_t> frame;
  ASSERT_TRUE(EncodeRequestFrame(header, body, &frame).ok());
  ASSERT_EQ(frame[7], 3);
  frame[7] = 7;

  std::vector<std::vector<uint8_t>> responses;
  ASSERT_TRUE(ExchangeFrames(broker.port(), {frame}, &responses).ok());
  broker.Stop();
  ASSERT_EQ(responses.size(), 1u);
  const std::vector<uint8_t>& response = responses[0];

  Reader r(response.data(), response.size());
  int32_t size = 0, correlation_id = 0;
  ASSERT_TRUE(r.ReadInt32(&size).ok());
  ASSERT_EQ(static_cast<size_t>(size), response.size() - 4);
  ASSERT_TRUE(r.ReadInt32(&correlation_id).ok());  // response header v0
  EXPECT_EQ(correlation_id, 77);
  messages::ApiVersionsResponse decoded;
  ASSERT_TRUE(decoded.Decode(r, 0).ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(decoded.error_code, ErrorToInt(ErrorCode::kUnsupportedVersion));
  ASSERT_EQ(decoded.api_keys.size(), 1u);
  EXPECT_EQ(decoded.api_keys[0].api_key, kApiVersions);
  EXPECT_EQ(decoded.api_keys[0].min_version, 0);
  EXPECT_EQ(decoded.api_keys[0].max_version, 3);
  const std::vector<CapturedRequest> captured = broker.Requests();
  ASSERT_EQ(captured.size(), 1u);
  EXPECT_EQ(captured[0].client_id, std::optional<std::string>("future-client"));
  EXPECT_EQ(captured[0].decode_status.code(), Status::Code::kUnsupported);
}

// The runner that keeps a hanging client from blocking the suite.
TEST(ClientProcessTest, FeedsStdinAndReportsExitCode) {
  const ProcessResult r =
      RunProcess({"/bin/sh", "-c", "cat; echo err >&2; exit 3"}, "abc\n", {}, kClientTimeLimit);
  EXPECT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.output, "abc\nerr\n");
}

TEST(ClientProcessTest, KillsAChildThatOutlivesItsLimit) {
  const ProcessResult r = RunProcess({"/bin/sleep", "60"}, "", {}, std::chrono::milliseconds(200));
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

TEST(ClientProcessTest, ReportsAMissingProgram) {
  const ProcessResult r = RunProcess({"/nonexistent/client"}, "", {}, kClientTimeLimit);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace sluice::kafka::testing
