// Tests of the Kafka Connect worker group protocol codec (connect/runtime/distributed/connect_protocol.h):
// golden bytes derived by hand from Kafka's schemas, round trips at every version, Kafka's tolerance
// rules, and bad input.
#include "connect/runtime/distributed/connect_protocol.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice::connect::distributed {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes Str(std::string_view s) {  // Kafka STRING: int16 length + bytes
  Bytes out;
  out.reserve(2 + s.size());
  out.push_back(static_cast<uint8_t>(s.size() >> 8));
  out.push_back(static_cast<uint8_t>(s.size()));
  for (char c : s) out.push_back(static_cast<uint8_t>(c));
  return out;
}
Bytes I32(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  return {static_cast<uint8_t>(u >> 24), static_cast<uint8_t>(u >> 16), static_cast<uint8_t>(u >> 8),
          static_cast<uint8_t>(u)};
}
Bytes I64(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  return Cat({I32(static_cast<int32_t>(u >> 32)), I32(static_cast<int32_t>(u & 0xFFFFFFFFu))});
}

// Golden bytes, written down field by field from Kafka's schemas (ConnectProtocol.CONFIG_STATE_V0,
// ASSIGNMENT_V0, CONNECTOR_ASSIGNMENT_V0; IncrementalCooperativeConnectProtocol.ALLOCATION_V1,
// ASSIGNMENT_V1), each message preceded by its int16 version header.

// Eager worker metadata: version 0, url "http://w1:8083" (14 bytes), config offset 7.
const Bytes kMetadataV0 = {0x00, 0x00,                                                         // version 0
                           0x00, 0x0E, 'h',  't',  't',  'p',  ':',  '/', '/', 'w', '1', ':',  // url
                           '8',  '0',  '8',  '3',                                              //
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07};                    // offset 7

// Eager assignment: error 0, leader "L", leader url "u", offset 9, connector "c" itself (task -1) and
// its tasks 0 and 1, all in one ConnectorAssignment entry.
const Bytes kAssignmentV0 = {0x00, 0x00,                                      // version 0
                             0x00, 0x00,                                      // error NO_ERROR
                             0x00, 0x01, 'L',                                 // leader
                             0x00, 0x01, 'u',                                 // leader url
                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,  // config offset 9
                             0x00, 0x00, 0x00, 0x01,                          // 1 connector assignment
                             0x00, 0x01, 'c',                                 //   connector "c"
                             0x00, 0x00, 0x00, 0x03,                          //   3 task ids
                             0xFF, 0xFF, 0xFF, 0xFF,                          //   -1: the connector itself
                             0x00, 0x00, 0x00, 0x00,                          //   task 0
                             0x00, 0x00, 0x00, 0x01};                         //   task 1

// Incremental assignment v1: task c-1 assigned; connector "d" revoked; delay 5000 ms (0x1388).
const Bytes kAssignmentV1 = {0x00, 0x01,                                      // version 1
                             0x00, 0x00,                                      // error
                             0x00, 0x01, 'L',                                 // leader
                             0x00, 0x01, 'u',                                 // leader url
                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,  // config offset 9
                             0x00, 0x00, 0x00, 0x01,                          // assignment: 1 entry
                             0x00, 0x01, 'c',  0x00, 0x00, 0x00, 0x01,        //   "c": 1 task id
                             0x00, 0x00, 0x00, 0x01,                          //   task 1
                             0x00, 0x00, 0x00, 0x01,                          // revoked: 1 entry
                             0x00, 0x01, 'd',  0x00, 0x00, 0x00, 0x01,        //   "d": 1 task id
                             0xFF, 0xFF, 0xFF, 0xFF,                          //   the connector itself
                             0x00, 0x00, 0x13, 0x88};                         // delay 5000

ConnectAssignment Eager() {
  ConnectAssignment a;
  a.leader = "L";
  a.leader_url = "u";
  a.config_offset = 9;
  a.connectors = {"c"};
  a.tasks = {{"c", 0}, {"c", 1}};
  return a;
}

TEST(ConnectProtocolTest, GoldenMetadataV0) {
  WorkerMetadata m{kConnectProtocolV0, "http://w1:8083", 7, std::nullopt};
  auto encoded = EncodeWorkerMetadata(m);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(*encoded, kMetadataV0);
  auto decoded = DecodeWorkerMetadata(kMetadataV0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, m);
}

TEST(ConnectProtocolTest, GoldenAssignmentV0) {
  auto encoded = EncodeAssignment(Eager());
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(*encoded, kAssignmentV0);
  auto decoded = DecodeAssignment(kAssignmentV0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, Eager());
}

TEST(ConnectProtocolTest, GoldenAssignmentV1) {
  ConnectAssignment a;
  a.version = kConnectProtocolV1;
  a.leader = "L";
  a.leader_url = "u";
  a.config_offset = 9;
  a.tasks = {{"c", 1}};
  a.revoked_connectors = {"d"};
  a.delay = 5000;
  auto encoded = EncodeAssignment(a);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(*encoded, kAssignmentV1);
  auto decoded = DecodeAssignment(kAssignmentV1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, a);
}

// Sessioned metadata: version 2 header, url "u", offset 9, and the current assignment as nullable bytes
// (int32 length 41) holding a version-2 assignment of connector "c" with nothing revoked.
TEST(ConnectProtocolTest, GoldenMetadataV2WithAllocation) {
  ConnectAssignment current;
  current.version = kConnectProtocolV2;
  current.leader = "L";
  current.leader_url = "u";
  current.config_offset = 9;
  current.connectors = {"c"};
  WorkerMetadata m{kConnectProtocolV2, "u", 9, current};
  const Bytes allocation = Cat({{0x00, 0x02, 0x00, 0x00},
                                Str("L"),
                                Str("u"),
                                I64(9),
                                I32(1),
                                Str("c"),
                                I32(1),
                                I32(-1),
                                I32(0),
                                I32(0)});
  ASSERT_EQ(allocation.size(), 41u);
  const Bytes golden = Cat({{0x00, 0x02}, Str("u"), I64(9), I32(41), allocation});
  auto encoded = EncodeWorkerMetadata(m);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(*encoded, golden);
  auto decoded = DecodeWorkerMetadata(golden);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, m);
}

TEST(ConnectProtocolTest, MetadataV1WithoutAllocationIsNullBytes) {
  WorkerMetadata m{kConnectProtocolV1, "u", 3, std::nullopt};
  const Bytes golden = Cat({{0x00, 0x01}, Str("u"), I64(3), I32(-1)});
  auto encoded = EncodeWorkerMetadata(m);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, golden);
  auto decoded = DecodeWorkerMetadata(golden);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, m);
}

TEST(ConnectProtocolTest, RoundTripsAtEveryVersion) {
  for (int16_t version : {kConnectProtocolV0, kConnectProtocolV1, kConnectProtocolV2}) {
    ConnectAssignment a;
    a.version = version;
    a.error = kAssignmentConfigMismatch;
    a.leader = "worker-1-3f2a";
    a.leader_url = "http://10.0.0.1:8083/";
    a.config_offset = 1234567890123;
    a.connectors = {"jdbc-source", "s3-sink"};
    a.tasks = {{"jdbc-source", 0}, {"s3-sink", 2}, {"jdbc-source", 3}, {"other", 7}};
    if (version >= kConnectProtocolV1) {
      a.revoked_tasks = {{"s3-sink", 0}};
      a.delay = 300000;
    }
    auto bytes = EncodeAssignment(a);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    auto back = DecodeAssignment(*bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    // Tasks come back grouped by connector (Kafka's layout), so compare as grouped.
    std::vector<ConnectorTaskId> expected_tasks = {
        {"jdbc-source", 0}, {"jdbc-source", 3}, {"s3-sink", 2}, {"other", 7}};
    EXPECT_EQ(back->tasks, expected_tasks) << "version " << version;
    back->tasks = a.tasks;
    EXPECT_EQ(*back, a) << "version " << version;
    // Re-encoding what was decoded gives the same bytes.
    auto again = EncodeAssignment(*DecodeAssignment(*bytes));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *bytes);

    WorkerMetadata m{version, "http://w:8083", 42, std::nullopt};
    if (version >= kConnectProtocolV1) {
      m.allocation = a;
      m.allocation->tasks = expected_tasks;
    }
    auto mb = EncodeWorkerMetadata(m);
    ASSERT_TRUE(mb.ok()) << mb.status().ToString();
    auto mback = DecodeWorkerMetadata(*mb);
    ASSERT_TRUE(mback.ok()) << mback.status().ToString();
    EXPECT_EQ(*mback, m) << "version " << version;
  }
}

TEST(ConnectProtocolTest, WorkerProtocolsFollowKafkaPreferenceOrder) {
  WorkerMetadata m{kConnectProtocolV0, "http://w:8083", 5, std::nullopt};
  auto sessioned = WorkerProtocols(m, ConnectProtocolCompatibility::kSessioned);
  ASSERT_TRUE(sessioned.ok());
  ASSERT_EQ(sessioned->size(), 3u);
  EXPECT_EQ((*sessioned)[0].name, "sessioned");
  EXPECT_EQ((*sessioned)[1].name, "compatible");
  EXPECT_EQ((*sessioned)[2].name, "default");
  for (int i = 0; i < 3; ++i) {
    auto decoded = DecodeWorkerMetadata((*sessioned)[static_cast<size_t>(i)].metadata);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->version, 2 - i);
    EXPECT_EQ(decoded->url, "http://w:8083");
  }
  auto eager = WorkerProtocols(m, ConnectProtocolCompatibility::kEager);
  ASSERT_TRUE(eager.ok());
  ASSERT_EQ(eager->size(), 1u);
  EXPECT_EQ((*eager)[0].name, "default");
  EXPECT_EQ((*eager)[0].metadata, Cat({{0x00, 0x00}, Str("http://w:8083"), I64(5)}));
  EXPECT_EQ(ProtocolName(ConnectProtocolCompatibility::kEager), "default");
  EXPECT_EQ(CompatibilityFromProtocolName("compatible"), ConnectProtocolCompatibility::kCompatible);
  EXPECT_FALSE(CompatibilityFromProtocolName("cooperative").has_value());
  EXPECT_EQ(*ParseConnectProtocolConfig("SESSIONED"), ConnectProtocolCompatibility::kSessioned);
  EXPECT_FALSE(ParseConnectProtocolConfig("fast").ok());
}

TEST(ConnectProtocolTest, Version1ToleratesMissingTrailingFields) {
  // Kafka's ASSIGNMENT_V1 gives assignment, revoked and delay defaults when the bytes end before them.
  const Bytes head = Cat({{0x00, 0x01, 0x00, 0x00}, Str("L"), Str("u"), I64(9)});
  auto a = DecodeAssignment(head);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->connectors.empty());
  EXPECT_EQ(a->delay, 0);
  // Null arrays (count -1) are allowed in version 1 and read as empty.
  auto nulls = DecodeAssignment(Cat({head, I32(-1), I32(-1), I32(7)}));
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  EXPECT_EQ(nulls->delay, 7);
  // Version 1 metadata without the allocation field.
  auto m = DecodeWorkerMetadata(Cat({{0x00, 0x01}, Str("u"), I64(1)}));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->allocation.has_value());
  // Newer versions may append fields: bytes after the known ones are ignored.
  Bytes longer = kAssignmentV0;
  longer.push_back(0x42);
  EXPECT_TRUE(DecodeAssignment(longer).ok());
  Bytes v3 = kAssignmentV1;
  v3[1] = 3;
  auto future = DecodeAssignment(v3);
  ASSERT_TRUE(future.ok());
  EXPECT_EQ(future->version, 3);
}

TEST(ConnectProtocolTest, BadBytesAreCorruption) {
  // Every strict prefix of a version-0 message is incomplete (version 0 has no optional fields).
  for (size_t n = 0; n < kAssignmentV0.size(); ++n) {
    auto r = DecodeAssignment(std::span<const uint8_t>(kAssignmentV0.data(), n));
    EXPECT_FALSE(r.ok()) << "prefix " << n;
  }
  for (size_t n = 0; n < kMetadataV0.size(); ++n) {
    EXPECT_FALSE(DecodeWorkerMetadata(std::span<const uint8_t>(kMetadataV0.data(), n)).ok()) << n;
  }
  // A partial delay field is an error even in version 1.
  EXPECT_FALSE(
      DecodeAssignment(std::span<const uint8_t>(kAssignmentV1.data(), kAssignmentV1.size() - 2)).ok());
  // Negative version, null string, null v0 array, huge counts.
  EXPECT_EQ(DecodeAssignment(Bytes{0xFF, 0xFF}).status().code(), Status::Code::kCorruption);
  EXPECT_FALSE(DecodeAssignment(Cat({{0, 0, 0, 0}, {0xFF, 0xFF}})).ok());
  EXPECT_FALSE(DecodeAssignment(Cat({{0, 0, 0, 0}, Str("L"), Str("u"), I64(0), I32(-1)})).ok());
  EXPECT_FALSE(DecodeAssignment(Cat({{0, 0, 0, 0}, Str("L"), Str("u"), I64(0), I32(0x7FFFFFFF)})).ok());
  EXPECT_FALSE(
      DecodeAssignment(Cat({{0, 0, 0, 0}, Str("L"), Str("u"), I64(0), I32(1), Str("c"), I32(1 << 30)})).ok());
  EXPECT_FALSE(DecodeWorkerMetadata(Cat({{0, 1}, Str("u"), I64(0), I32(100)})).ok());
  // An allocation that is itself malformed.
  EXPECT_FALSE(DecodeWorkerMetadata(Cat({{0, 1}, Str("u"), I64(0), I32(2), {0xFF, 0xFF}})).ok());

  // Random mutations never crash and never read out of bounds.
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    Bytes b = (i % 2 == 0) ? kAssignmentV1 : kAssignmentV0;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    b.resize(rng() % (b.size() + 1));
    (void)DecodeAssignment(b);
    (void)DecodeWorkerMetadata(b);
  }
}

TEST(ConnectProtocolTest, EncodeRefusesWhatKafkaCannotCarry) {
  ConnectAssignment a = Eager();
  a.revoked_connectors = {"x"};
  EXPECT_EQ(EncodeAssignment(a).status().code(), Status::Code::kInvalidArgument);  // v0 has no revoked
  a = Eager();
  a.delay = 1;
  EXPECT_FALSE(EncodeAssignment(a).ok());
  a = Eager();
  a.tasks.push_back({"c", -1});
  EXPECT_FALSE(EncodeAssignment(a).ok());
  a = Eager();
  a.leader = std::string(40000, 'x');
  EXPECT_FALSE(EncodeAssignment(a).ok());
  a = Eager();
  a.version = -1;
  EXPECT_FALSE(EncodeAssignment(a).ok());
  WorkerMetadata m{kConnectProtocolV0, std::string(32768, 'u'), 0, std::nullopt};
  EXPECT_FALSE(EncodeWorkerMetadata(m).ok());
}

}  // namespace
}  // namespace sluice::connect::distributed
