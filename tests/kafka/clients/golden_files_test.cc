// Replays the committed client captures in golden/ (written by clients_test.cc with
// SLUICE_UPDATE_GOLDEN=1) without any client installed: each frame must decode and re-encode byte for
// byte, Produce frames must carry the expected records, and the capture broker must answer every
// frame with a response our own decoder accepts.
//
// Thread-safety: tests run sequentially.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "capture_broker.h"
#include "golden_messages.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/produce.h"
#include "kafka/protocol/generated/response_header.h"

namespace sluice::kafka::testing {
namespace {

struct GoldenFile {
  std::string name;
  std::string client;
  std::string api;  // lower-case API name
  int16_t version = 0;
  std::vector<uint8_t> frame;
};

// All golden files, sorted by name so that each client's ApiVersions < Metadata < Produce.
std::vector<GoldenFile> LoadGoldenFiles() {
  static const std::regex kName("(.+)_([a-z]+)_v([0-9]+)\\.bin");
  std::map<std::string, GoldenFile> files;
  for (const auto& e : std::filesystem::directory_iterator(GoldenDir())) {
    const std::string name = e.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, kName)) continue;
    GoldenFile f;
    f.name = name;
    f.client = m[1];
    f.api = m[2];
    f.version = static_cast<int16_t>(std::stoi(m[3]));
    std::ifstream in(e.path(), std::ios::binary);
    f.frame.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    files[name] = std::move(f);
  }
  std::vector<GoldenFile> out;
  for (auto& [name, f] : files) out.push_back(std::move(f));
  return out;
}

std::string LowerApiName(int16_t api_key) {
  std::string s = ApiName(api_key);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(GoldenFilesTest, EveryClientCaptureIsPresent) {
  const std::vector<GoldenFile> files = LoadGoldenFiles();
  std::set<std::string> have;
  for (const GoldenFile& f : files) have.insert(f.client + "_" + f.api);
  for (const char* want :
       {"kcat_apiversions", "kcat_metadata", "kcat_produce", "kcat_list_apiversions", "kcat_list_metadata",
        "confluent_kafka_apiversions", "confluent_kafka_metadata", "confluent_kafka_produce",
        "kafka_python_apiversions", "kafka_python_metadata", "kafka_python_produce",
        "kafka_python_pinned_metadata", "kafka_python_pinned_produce", "kafkajs_apiversions",
        "kafkajs_metadata", "kafkajs_produce"}) {
    EXPECT_TRUE(have.contains(want)) << "no golden/" << want << "_v*.bin in " << GoldenDir();
  }
}

// One golden file: decodes, re-encodes byte for byte, and (Produce) carries the expected records.
void CheckGoldenFile(const GoldenFile& f) {
  SCOPED_TRACE(f.name);
  ASSERT_GE(f.frame.size(), 12u);
  const uint32_t size = (uint32_t{f.frame[0]} << 24) | (uint32_t{f.frame[1]} << 16) |
                        (uint32_t{f.frame[2]} << 8) | uint32_t{f.frame[3]};
  ASSERT_EQ(size, f.frame.size() - 4) << "size prefix";
  const SharedBytes payload(std::vector<uint8_t>(f.frame.begin() + 4, f.frame.end()));
  DecodedRequest req;
  const Status s = DecodeAndVerifyRoundTrip(payload, &req);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(LowerApiName(req.header.request_api_key), f.api);
  EXPECT_EQ(req.header.request_api_version, f.version);
  EXPECT_TRUE(req.header.client_id.has_value() && !req.header.client_id->empty()) << "client id";
  if (req.header.request_api_key != messages::ProduceRequest::kApiKey) return;
  const auto& produce = req.body->As<messages::ProduceRequest>();
  std::vector<ProducedRecord> records;
  for (const auto& topic : produce.topic_data) {
    EXPECT_EQ(topic.name, kGoldenTopic);
    for (const auto& part : topic.partition_data) {
      EXPECT_EQ(part.index, 0);
      ASSERT_TRUE(part.records.has_value());
      const Status rs = DecodeProducedRecords(*part.records, &records);
      ASSERT_TRUE(rs.ok()) << rs.ToString();
    }
  }
  // A client may split the messages over several Produce requests; the first holds a prefix.
  const std::vector<ProducedRecord> expected = ExpectedRecords(f.client);
  ASSERT_FALSE(records.empty());
  ASSERT_LE(records.size(), expected.size());
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i], expected[i]) << "record " << i;
}

TEST(GoldenFilesTest, DecodeAndReencodeByteForByte) {
  const std::vector<GoldenFile> files = LoadGoldenFiles();
  ASSERT_FALSE(files.empty()) << "no golden files in " << GoldenDir();
  for (const GoldenFile& f : files) CheckGoldenFile(f);
}

// Replays one client's golden files, in order over one connection, through a CaptureBroker: each gets a
// response that our decoder accepts (with the response header version of the request) carrying the
// request's correlation id.
void ReplayClient(const std::string& client, const std::vector<GoldenFile>& files) {
  SCOPED_TRACE(client);
  CaptureBroker broker;
  ASSERT_TRUE(broker.Start().ok());
  std::vector<std::vector<uint8_t>> frames;
  for (const GoldenFile& f : files) frames.push_back(f.frame);
  std::vector<std::vector<uint8_t>> responses;
  const Status s = ExchangeFrames(broker.port(), frames, &responses);
  broker.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const std::string& p : broker.Problems()) ADD_FAILURE() << p;
  ASSERT_EQ(responses.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i].name);
    int16_t key = 0, version = 0;
    int32_t correlation_id = 0;
    ASSERT_TRUE(PeekRequestHeader(std::span<const uint8_t>(files[i].frame).subspan(4), &key, &version,
                                  &correlation_id)
                    .ok());
    Reader r(std::span<const uint8_t>(responses[i]).subspan(4));
    messages::ResponseHeader header;
    ASSERT_TRUE(header.Decode(r, ResponseHeaderVersion(key, version)).ok());
    EXPECT_EQ(header.correlation_id, correlation_id);
    std::unique_ptr<AnyMessage> body = NewResponse(key);
    ASSERT_NE(body, nullptr);
    const Status ds = body->Decode(r, version);
    ASSERT_TRUE(ds.ok()) << ds.ToString();
    EXPECT_EQ(r.remaining(), 0u);
    if (key == messages::ProduceResponse::kApiKey) {
      const auto& produce = body->As<messages::ProduceResponse>();
      ASSERT_EQ(produce.responses.size(), 1u);
      ASSERT_EQ(produce.responses[0].partition_responses.size(), 1u);
      EXPECT_EQ(produce.responses[0].partition_responses[0].error_code, ErrorToInt(ErrorCode::kNone));
    }
  }
}

TEST(GoldenFilesTest, CaptureBrokerAnswersEveryFrame) {
  std::map<std::string, std::vector<GoldenFile>> by_client;
  for (GoldenFile& f : LoadGoldenFiles()) by_client[f.client].push_back(std::move(f));
  ASSERT_FALSE(by_client.empty());
  for (const auto& [client, files] : by_client) ReplayClient(client, files);
}

}  // namespace
}  // namespace sluice::kafka::testing
