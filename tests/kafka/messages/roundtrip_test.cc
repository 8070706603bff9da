// Round trips of every generated Kafka message at every valid version with randomised field values:
// encode -> decode -> equal, Size() == bytes written, re-encode gives the same bytes, and every
// truncation of the bytes fails to decode cleanly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kafka/protocol/frame.h"
#include "kafka/protocol/generated/api_registry.h"
#include "kafka/protocol/generated/fetch.h"
#include "kafka/protocol/generated/random_messages.h"

namespace sluice::kafka {
namespace {

constexpr int kIterationsPerVersion = 12;

std::string Hex(const std::vector<uint8_t>& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += kDigits[c >> 4];
    s += kDigits[c & 15];
  }
  return s;
}

template <typename T>
void RoundTripAllVersions(const char* name, uint64_t seed, int* checked) {
  RandomSource rng(seed);
  for (int v = T::kLowestSupportedVersion; v <= T::kHighestSupportedVersion; ++v) {
    const auto version = static_cast<int16_t>(v);
    for (int it = 0; it < kIterationsPerVersion; ++it) {
      T original;
      messages::Randomize(&original, rng, version);
      std::vector<uint8_t> bytes;
      Writer w(&bytes);
      Status s = original.Encode(w, version);
      ASSERT_TRUE(s.ok()) << name << " v" << v << ": " << s.ToString();
      ASSERT_EQ(original.Size(version), bytes.size()) << name << " v" << v;

      auto owner = std::make_shared<std::vector<uint8_t>>(bytes);
      Reader r(owner->data(), owner->size(), owner);
      T decoded;
      s = decoded.Decode(r, version);
      ASSERT_TRUE(s.ok()) << name << " v" << v << ": " << s.ToString() << " bytes " << Hex(bytes);
      ASSERT_EQ(r.remaining(), 0u) << name << " v" << v;
      ASSERT_TRUE(decoded == original) << name << " v" << v << " bytes " << Hex(bytes);

      std::vector<uint8_t> again;
      Writer w2(&again);
      ASSERT_TRUE(decoded.Encode(w2, version).ok());
      ASSERT_EQ(again, bytes) << name << " v" << v;

      if (it == 0) {
        // Every strict prefix must fail to decode (nothing in a message is optional at the end
        // except in empty messages), and never read out of bounds (ASan builds check that).
        for (size_t cut = 0; cut < bytes.size(); ++cut) {
          Reader tr(bytes.data(), cut);
          T partial;
          EXPECT_FALSE(partial.Decode(tr, version).ok()) << name << " v" << v << " cut at " << cut;
        }
      }
      ++*checked;
    }
  }
  // Versions outside validVersions are refused both ways.
  T m;
  std::vector<uint8_t> out;
  Writer w(&out);
  EXPECT_EQ(m.Encode(w, static_cast<int16_t>(T::kHighestSupportedVersion + 1)).code(),
            Status::Code::kUnsupported);
  Reader r(out.data(), out.size());
  EXPECT_EQ(m.Decode(r, static_cast<int16_t>(T::kLowestSupportedVersion - 1)).code(),
            Status::Code::kUnsupported);
}

TEST(GeneratedMessages, RoundTripEveryMessageEveryVersion) {
  int checked = 0;
  int types = 0;
  uint64_t seed = 1;
  messages::ForEachMessageType([&](auto tag, const char* name) {
    using T = typename decltype(tag)::type;
    ++types;
    RoundTripAllVersions<T>(name, seed++, &checked);
  });
  EXPECT_GE(types, 176);
  std::printf("round-tripped %d message types, %d encodings\n", types, checked);
}

TEST(GeneratedMessages, RegistryMatchesStructs) {
  for (const ApiInfo& api : AllApis()) {
    auto req = NewRequest(api.key);
    auto resp = NewResponse(api.key);
    ASSERT_NE(req, nullptr) << api.name;
    ASSERT_NE(resp, nullptr) << api.name;
    EXPECT_EQ(req->api_key(), api.key);
    EXPECT_EQ(resp->api_key(), api.key);
    EXPECT_EQ(FindApi(api.key), &api);
  }
  EXPECT_EQ(NewRequest(-5), nullptr);
  EXPECT_EQ(FindApi(12345), nullptr);
  // Header versions, as Kafka's ApiKeys defines them.
  EXPECT_EQ(RequestHeaderVersion(18, 3), 2);  // ApiVersions v3 is flexible
  EXPECT_EQ(RequestHeaderVersion(18, 2), 1);
  EXPECT_EQ(ResponseHeaderVersion(18, 3), 0);  // ApiVersions responses always use header v0
  EXPECT_EQ(RequestHeaderVersion(0, 9), 2);    // Produce v9 is flexible
  EXPECT_EQ(ResponseHeaderVersion(0, 9), 1);
  EXPECT_EQ(ResponseHeaderVersion(0, 8), 0);
  EXPECT_EQ(RequestHeaderVersion(7, 0), 0);  // ControlledShutdown v0: header v0
  EXPECT_EQ(FindApi(0)->name, "Produce");
  EXPECT_EQ(FindApi(1)->min_version, 0);
  EXPECT_EQ(FindApi(1)->max_version, 17);
}

}  // namespace
}  // namespace sluice::kafka

namespace sluice::kafka {
namespace {

TEST(Uuid, Base64RoundTrip) {
  for (int i = 0; i < 100; ++i) {
    Uuid u = Uuid::Random();
    const std::string text = u.ToBase64();
    ASSERT_EQ(text.size(), 22u);
    auto back = Uuid::FromBase64(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, u);
  }
  EXPECT_EQ(Uuid{}.ToBase64(), "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_FALSE(Uuid::FromBase64("short").has_value());
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAA*").has_value());
  EXPECT_FALSE(Uuid::FromBase64("AAAAAAAAAAAAAAAAAAAAAB").has_value());  // non-zero padding bits
}

}  // namespace
}  // namespace sluice::kafka

// A response encoded with gather refs (large record sets left out of the buffer) is, once the refs
// are put back at their positions, byte-identical to the plain encoding, size prefix included.
TEST(GatherEncoding, RefsReassembleToThePlainFrame) {
  namespace msg = sluice::kafka::messages;
  msg::FetchResponse resp;
  for (int t = 0; t < 2; ++t) {
    msg::FetchResponse::FetchableTopicResponse tr;
    tr.topic = t == 0 ? "t0" : "t1";
    for (int p = 0; p < 3; ++p) {
      msg::FetchResponse::PartitionData pd;
      pd.partition_index = p;
      // Small (copied), large (gathered), and empty record sets.
      const size_t n = p == 0 ? 100 : p == 1 ? sluice::kafka::Writer::kGatherThreshold + 7 : 0;
      std::vector<uint8_t> bytes(n);
      for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(i * 31 + static_cast<size_t>(t));
      pd.records = sluice::kafka::SharedBytes(std::move(bytes));
      tr.partitions.push_back(std::move(pd));
    }
    resp.responses.push_back(std::move(tr));
  }
  for (int16_t v : {4, 11, 12, 16}) {
    std::vector<uint8_t> plain;
    ASSERT_TRUE(sluice::kafka::EncodeResponseFrame(1, v, 42, resp, &plain).ok());
    std::vector<uint8_t> head;
    std::vector<sluice::kafka::BytesRef> refs;
    ASSERT_TRUE(sluice::kafka::EncodeResponseFrame(1, v, 42, resp, &head, &refs).ok());
    EXPECT_EQ(refs.size(), 2u) << "version " << v;
    std::vector<uint8_t> joined;
    size_t pos = 0;
    for (const auto& r : refs) {
      joined.insert(joined.end(), head.begin() + static_cast<long>(pos),
                    head.begin() + static_cast<long>(r.pos));
      joined.insert(joined.end(), r.bytes.data(), r.bytes.data() + r.bytes.size());
      pos = r.pos;
    }
    joined.insert(joined.end(), head.begin() + static_cast<long>(pos), head.end());
    EXPECT_EQ(joined, plain) << "version " << v;
  }
}
