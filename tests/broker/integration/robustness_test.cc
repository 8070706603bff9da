// Malformed input never harms a well-behaved client: a broker process is fed random bytes, random and
// truncated frames, invalid size prefixes, every API key at out-of-range versions, undecodable bodies
// for every advertised API and version, and a slow-loris load of thousands of idle half-sent requests,
// from raw sockets. Throughout (a background client) and after each attack, a well-behaved client
// gets correct ApiVersions/Metadata/Produce/Fetch answers and the broker process stays alive.
// Expected outcomes are Kafka's: a bad size, an unsupported API or version and an undecodable request
// close that connection without a response; ApiVersions newer than supported is answered at v0 with
// UNSUPPORTED_VERSION (KIP-511).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "broker_process.h"
#include "client_process.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_registry.h"
#include "kafka_socket.h"

namespace sluice::testing {
namespace {

namespace msg = kafka::messages;
using kafka::testing::FindInPath;
using kafka::testing::RunProcess;

constexpr int32_t kMaxRequestBytes = 100 * 1024 * 1024;  // socket.request.max.bytes of the broker
constexpr int kMaxSlowLorisConnections = 10000;
constexpr char kTopic[] = "robustness-well-behaved";

// Raises this process's soft RLIMIT_NOFILE to `soft` (capped at the hard limit); returns the hard limit.
rlim_t SetOpenFilesLimit(rlim_t soft) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = std::min(soft, rl.rlim_max);
  setrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_max;
}

// "Max open files" soft and hard limits of a process, from /proc/<pid>/limits.
std::pair<std::string, std::string> OpenFilesLimits(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {};
}

// Resident memory of a process in bytes (VmRSS), 0 if unknown.
int64_t ResidentBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

size_t OpenFdCount(pid_t pid) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// A request frame with a v1 header (classic client_id, plus an empty tagged-field section when
// `flexible_header`) and `body` as given.
std::vector<uint8_t> RawFrame(int16_t key, int16_t version, int32_t correlation_id,
                              std::span<const uint8_t> body, bool flexible_header = false) {
  std::vector<uint8_t> out;
  out.reserve(32 + body.size());
  kafka::Writer w(&out);
  w.WriteInt32(0);
  w.WriteInt16(key);
  w.WriteInt16(version);
  w.WriteInt32(correlation_id);
  w.WriteString(false, "robustness");
  if (flexible_header) w.WriteUnsignedVarint(0);
  w.WriteRaw(body.data(), body.size());
  w.PatchInt32(0, static_cast<int32_t>(out.size() - 4));
  return out;
}

// A complete, valid request frame for (key, version) with a default body; empty if the codec cannot
// encode it. *body_start is where the body begins in the frame.
std::vector<uint8_t> DefaultRequestFrame(int16_t key, int16_t version, int32_t correlation_id,
                                         size_t* body_start) {
  std::unique_ptr<kafka::AnyMessage> body = kafka::NewRequest(key);
  if (body == nullptr) return {};
  std::vector<uint8_t> out;
  kafka::Writer w(&out);
  w.WriteInt32(0);
  msg::RequestHeader header;
  header.request_api_key = key;
  header.request_api_version = version;
  header.correlation_id = correlation_id;
  header.client_id = "robustness";
  if (!header.Encode(w, kafka::RequestHeaderVersion(key, version)).ok()) return {};
  *body_start = out.size();
  if (!body->Encode(w, version).ok()) return {};
  w.PatchInt32(0, static_cast<int32_t>(out.size() - 4));
  return out;
}

// `size` (big-endian) followed by `a` and `b`: a frame whose size prefix may lie.
std::vector<uint8_t> SizePrefixed(int32_t size, std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
  std::vector<uint8_t> out(4 + a.size() + b.size());
  const auto u = static_cast<uint32_t>(size);
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(u >> (24 - 8 * i));
  std::copy(a.begin(), a.end(), out.begin() + 4);
  std::copy(b.begin(), b.end(), out.begin() + 4 + static_cast<ptrdiff_t>(a.size()));
  return out;
}

std::vector<uint8_t> RandomBytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

class RobustnessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { SetOpenFilesLimit(RLIM_INFINITY); }

  void SetUp() override {
    // The broker must raise its own soft limit: start it with a low inherited one.
    const rlim_t hard = SetOpenFilesLimit(1024);
    setenv("SLUICE_LOG_LEVEL", "debug", 1);
    const bool started = broker_.Start();
    unsetenv("SLUICE_LOG_LEVEL");
    SetOpenFilesLimit(hard);
    ASSERT_TRUE(started) << broker_.Output();
    port_ = broker_.port();

    KafkaSocket admin;
    ASSERT_TRUE(admin.Connect(port_).ok());
    ASSERT_TRUE(CreateTopic(admin, kTopic).ok());
    auto versions = admin.Call<msg::ApiVersionsRequest, msg::ApiVersionsResponse>(kApiVersionsVersion, {});
    ASSERT_TRUE(versions.ok()) << versions.status().ToString();
    for (const auto& k : versions->api_keys) advertised_[k.api_key] = {k.min_version, k.max_version};
    ASSERT_TRUE(advertised_.count(18));

    ASSERT_TRUE(background_socket_.Connect(port_).ok());
    background_ = std::thread([this] { BackgroundClient(); });
  }

  void TearDown() override {
    stop_ = true;
    if (background_.joinable()) background_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      EXPECT_EQ(background_error_, "") << "well-behaved background client failed";
    }
    if (!broker_.running()) return;
    EXPECT_TRUE(broker_.Alive()) << broker_.Output();
    // After the attack: the background client's connection and a new one both still work.
    Status s = WellBehavedRound(background_socket_, port_, kTopic, "after-on-old-connection");
    EXPECT_TRUE(s.ok()) << s.ToString();
    KafkaSocket fresh;
    s = fresh.Connect(port_);
    if (s.ok()) s = WellBehavedRound(fresh, port_, kTopic, "after-on-new-connection");
    EXPECT_TRUE(s.ok()) << s.ToString();
    CheckKcatMetadata();
    EXPECT_TRUE(broker_.Alive()) << broker_.Output();
    if (HasFailure()) ADD_FAILURE() << "broker output (tail):\n" << Tail(broker_.Output());
  }

  static std::string Tail(const std::string& s) { return s.size() > 8000 ? s.substr(s.size() - 8000) : s; }

  // The well-behaved client, looping until the test ends; records the first failure.
  void BackgroundClient() {
    for (int i = 0; !stop_; ++i) {
      Status s = WellBehavedRound(background_socket_, port_, kTopic, "background-" + std::to_string(i));
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        background_error_ = "round " + std::to_string(i) + ": " + s.ToString();
        return;
      }
      ++background_rounds_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void CheckKcatMetadata() {
    const std::string kcat = FindInPath("kcat");
    if (kcat.empty()) return;
    auto r =
        RunProcess({kcat, "-b", broker_.bootstrap(), "-L", "-t", kTopic}, "", {}, std::chrono::seconds(30));
    EXPECT_TRUE(r.ok()) << r.Describe() << "\n" << r.output;
    EXPECT_NE(r.output.find("topic \"" + std::string(kTopic) + "\" with 1 partitions"), std::string::npos)
        << r.output;
  }

  // Well-behaved round on a new connection, in the middle of an attack.
  void CheckWellBehaved(const std::string& when) {
    ASSERT_TRUE(broker_.Alive()) << when << "\n" << Tail(broker_.Output());
    KafkaSocket s;
    Status st = s.Connect(port_);
    if (st.ok()) st = WellBehavedRound(s, port_, kTopic, "check-" + when);
    ASSERT_TRUE(st.ok()) << when << ": " << st.ToString();
  }

  // Sends `bytes` on a new connection and expects the broker to close it without answering.
  void ExpectClosedWithoutResponse(std::span<const uint8_t> bytes, const std::string& what) {
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(port_, std::chrono::seconds(20)).ok()) << what;
    (void)s.SendAll(bytes);  // the broker may close before everything is sent
    std::vector<uint8_t> received;
    const auto outcome = s.WaitForClose(&received);
    EXPECT_EQ(outcome, KafkaSocket::ReadOutcome::kClosed)
        << what << ": expected the broker to close the connection without a response (got " << received.size()
        << " bytes)";
  }

  // Sends `bytes` and half-closes; the broker must answer with a response frame.
  void ExpectAnswered(std::span<const uint8_t> bytes, const std::string& what) {
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(port_, std::chrono::seconds(20)).ok()) << what;
    (void)s.SendAll(bytes);
    shutdown(s.fd(), SHUT_WR);
    std::vector<uint8_t> received;
    EXPECT_EQ(s.WaitForClose(&received), KafkaSocket::ReadOutcome::kFrame) << what << ": not answered";
  }

  // Sends `bytes` and half-closes; the broker may answer (a valid request by chance) but must close
  // the connection (it saw the end of input).
  void ExpectAnswerOrClose(std::span<const uint8_t> bytes, const std::string& what) {
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(port_, std::chrono::seconds(20)).ok()) << what << "\n" << Tail(broker_.Output());
    (void)s.SendAll(bytes);
    shutdown(s.fd(), SHUT_WR);
    std::vector<uint8_t> received;
    const auto outcome = s.WaitForClose(&received);
    EXPECT_TRUE(outcome == KafkaSocket::ReadOutcome::kClosed || outcome == KafkaSocket::ReadOutcome::kFrame)
        << what << ": connection neither answered nor closed";
  }

  std::pair<int16_t, int16_t> Advertised(int16_t key) const { return advertised_.at(key); }

  BrokerProcess broker_{{{"socket.request.max.bytes", std::to_string(kMaxRequestBytes)}}};
  int port_ = 0;
  std::map<int16_t, std::pair<int16_t, int16_t>> advertised_;  // key -> (min, max) from ApiVersions
  KafkaSocket background_socket_;
  std::thread background_;
  std::atomic<bool> stop_{false};
  std::atomic<int> background_rounds_{0};
  std::mutex mu_;
  std::string background_error_;
};

TEST_F(RobustnessTest, RandomBytesAndRandomFrames) {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 200; ++i) {
    auto bytes = RandomBytes(rng, 1 + rng() % 2048);
    ExpectAnswerOrClose(bytes, "random bytes #" + std::to_string(i));
  }
  CheckWellBehaved("random bytes");
  // Frames with a valid size and a random header/body; keys mostly the advertised ones.
  std::vector<int16_t> keys;
  for (const auto& [k, range] : advertised_) keys.push_back(k);
  for (int i = 0; i < 400; ++i) {
    std::vector<uint8_t> payload = RandomBytes(rng, 8 + rng() % 512);
    const int16_t key = i % 4 == 0 ? static_cast<int16_t>(rng() % 81) : keys[rng() % keys.size()];
    const int16_t version = static_cast<int16_t>(rng() % 18);
    payload[0] = static_cast<uint8_t>(key >> 8);
    payload[1] = static_cast<uint8_t>(key);
    payload[2] = static_cast<uint8_t>(version >> 8);
    payload[3] = static_cast<uint8_t>(version);
    const std::vector<uint8_t> frame = SizePrefixed(static_cast<int32_t>(payload.size()), payload);
    ExpectAnswerOrClose(frame, "random frame #" + std::to_string(i));
  }
  CheckWellBehaved("random frames");
}

TEST_F(RobustnessTest, TruncatedFrames) {
  size_t body_start = 0;
  const std::vector<uint8_t> valid = DefaultRequestFrame(3, 9, 7, &body_start);  // Metadata v9
  ASSERT_FALSE(valid.empty());
  // Every prefix of a valid request, then close (abrupt) or half-close (the broker must not answer).
  for (size_t n = 1; n < valid.size(); ++n) {
    {
      KafkaSocket s;
      ASSERT_TRUE(s.Connect(port_).ok());
      ASSERT_TRUE(s.SendAll(std::span(valid.data(), n)).ok());
    }
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(port_).ok());
    ASSERT_TRUE(s.SendAll(std::span(valid.data(), n)).ok());
    shutdown(s.fd(), SHUT_WR);
    std::vector<uint8_t> received;
    EXPECT_EQ(s.WaitForClose(&received), KafkaSocket::ReadOutcome::kClosed) << "prefix of " << n << " bytes";
  }
  // Size prefixes announcing more than is sent, up to the limit, then close.
  std::mt19937 rng(7);
  for (int32_t size : {8, 100, 4096, 65536, 1 << 20, kMaxRequestBytes}) {
    for (size_t sent : {size_t{0}, size_t{3}, size_t{8}, size_t{100}}) {
      const auto rest = RandomBytes(rng, std::min<size_t>(sent, static_cast<size_t>(size) - 1));
      const std::vector<uint8_t> frame = SizePrefixed(size, rest);
      KafkaSocket s;
      ASSERT_TRUE(s.Connect(port_).ok());
      ASSERT_TRUE(s.SendAll(frame).ok());
    }
  }
  CheckWellBehaved("truncated frames");
}

TEST_F(RobustnessTest, InvalidSizePrefixesCloseTheConnection) {
  size_t body_start = 0;
  const std::vector<uint8_t> valid = DefaultRequestFrame(18, 3, 1, &body_start);
  for (int64_t size : {int64_t{-1}, int64_t{INT32_MIN}, int64_t{-8}, int64_t{0}, int64_t{1}, int64_t{7},
                       int64_t{kMaxRequestBytes} + 1, int64_t{INT32_MAX}}) {
    // A valid request after the bad size.
    const std::vector<uint8_t> frame = SizePrefixed(static_cast<int32_t>(size), std::span(valid).subspan(4));
    ExpectClosedWithoutResponse(frame, "size prefix " + std::to_string(size));
  }
  CheckWellBehaved("invalid sizes");
}

TEST_F(RobustnessTest, EveryApiKeyAtOutOfRangeVersions) {
  const auto [api_versions_min, api_versions_max] = Advertised(18);
  int checked = 0;
  for (int16_t key = 0; key <= 80; ++key) {
    const auto it = advertised_.find(key);
    const kafka::ApiInfo* info = kafka::FindApi(key);
    const int16_t max = it != advertised_.end() ? it->second.second : (info ? info->max_version : int16_t{0});
    std::vector<int16_t> versions = {-1, static_cast<int16_t>(max + 1), 32767};
    // A valid request of an API the broker does not implement is out of range too.
    if (it == advertised_.end() && info != nullptr) versions.push_back(info->min_version);
    for (int16_t version : versions) {
      const std::string what = "api key " + std::to_string(key) + " version " + std::to_string(version);
      const int32_t corr = 1000 + key;
      size_t body_start = 0;
      std::vector<uint8_t> frame;
      if (info != nullptr && version >= info->min_version && version <= info->max_version) {
        frame = DefaultRequestFrame(key, version, corr, &body_start);
      }
      if (frame.empty()) frame = RawFrame(key, version, corr, {}, /*flexible_header=*/version > 0);
      if (key == 18 && version > api_versions_max) {
        // KIP-511: answered at v0 with UNSUPPORTED_VERSION and the supported ranges.
        KafkaSocket s;
        ASSERT_TRUE(s.Connect(port_).ok());
        ASSERT_TRUE(s.SendAll(frame).ok());
        std::vector<uint8_t> payload;
        ASSERT_EQ(s.ReadFrame(&payload), KafkaSocket::ReadOutcome::kFrame) << what;
        msg::ApiVersionsResponse resp;
        Status st = KafkaSocket::DecodeResponse(18, 0, corr, payload, &resp);
        ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
        EXPECT_EQ(resp.error_code, static_cast<int16_t>(kafka::ErrorCode::kUnsupportedVersion)) << what;
        EXPECT_EQ(resp.api_keys.size(), advertised_.size()) << what;
      } else {
        ExpectClosedWithoutResponse(frame, what);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 81 * 3 - 1);
  (void)api_versions_min;
  CheckWellBehaved("out-of-range versions");
}

TEST_F(RobustnessTest, ApiVersionsV127AnsweredAtV0WithUnsupportedVersion) {
  KafkaSocket s;
  ASSERT_TRUE(s.Connect(port_).ok());
  // What a future client would send: flexible header, compact strings, tagged fields.
  std::vector<uint8_t> body;
  kafka::Writer w(&body);
  w.WriteString(true, "future-client");
  w.WriteString(true, "99.0");
  w.WriteUnsignedVarint(0);
  const int32_t corr = 4242;
  ASSERT_TRUE(s.SendAll(RawFrame(18, 127, corr, body, /*flexible_header=*/true)).ok());
  std::vector<uint8_t> payload;
  ASSERT_EQ(s.ReadFrame(&payload), KafkaSocket::ReadOutcome::kFrame);
  msg::ApiVersionsResponse resp;
  Status st = KafkaSocket::DecodeResponse(18, 0, corr, payload, &resp);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(resp.error_code, 35);
  bool has_api_versions = false;
  for (const auto& k : resp.api_keys) {
    ASSERT_TRUE(advertised_.count(k.api_key)) << k.api_key;
    EXPECT_EQ(advertised_.at(k.api_key), std::make_pair(k.min_version, k.max_version)) << k.api_key;
    has_api_versions |= k.api_key == 18;
  }
  EXPECT_TRUE(has_api_versions);
  EXPECT_EQ(resp.api_keys.size(), advertised_.size());
  // The connection stays usable: the client retries at a version we support.
  st = WellBehavedRound(s, port_, kTopic, "after-v127");
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(RobustnessTest, UndecodableBodiesForEverySupportedApi) {
  std::mt19937 rng(99);
  int strict = 0;
  for (const auto& [key, range] : advertised_) {
    for (int16_t version = range.first; version <= range.second; ++version) {
      const std::string what = "api key " + std::to_string(key) + " v" + std::to_string(version);
      size_t body_start = 0;
      const std::vector<uint8_t> valid = DefaultRequestFrame(key, version, 77, &body_start);
      ASSERT_FALSE(valid.empty()) << what;
      // A strict prefix of a valid body never decodes. Bytes after a valid body are ignored, as Kafka
      // does (librdkafka 2.0.2 sends one after ListGroups v4 and OffsetFetch v8): the request is answered.
      if (valid.size() > body_start) {
        std::vector<uint8_t> truncated(valid.begin(), valid.end() - 1);
        kafka::Writer(&truncated).PatchInt32(0, static_cast<int32_t>(truncated.size() - 4));
        ExpectClosedWithoutResponse(truncated, what + " truncated body");
        ++strict;
      }
      std::vector<uint8_t> trailing = valid;
      trailing.push_back(0);
      kafka::Writer(&trailing).PatchInt32(0, static_cast<int32_t>(trailing.size() - 4));
      if (key == 0) {
        ExpectAnswerOrClose(trailing, what + " trailing byte");  // acks=0 produce has no response
      } else {
        ExpectAnswered(trailing, what + " trailing byte");
      }
      // Garbage bodies after a valid header: answered (if they happen to decode) or closed.
      const std::vector<uint8_t> header(valid.begin() + 4,
                                        valid.begin() + static_cast<ptrdiff_t>(body_start));
      for (int variant = 0; variant < 3; ++variant) {
        std::vector<uint8_t> body = variant == 0   ? std::vector<uint8_t>(24, 0xFF)
                                    : variant == 1 ? std::vector<uint8_t>(24, 0x7F)
                                                   : RandomBytes(rng, 1 + rng() % 200);
        const std::vector<uint8_t> frame =
            SizePrefixed(static_cast<int32_t>(header.size() + body.size()), header, body);
        ExpectAnswerOrClose(frame, what + " garbage body " + std::to_string(variant));
      }
    }
  }
  EXPECT_GT(strict, 100);
  CheckWellBehaved("undecodable bodies");
}

TEST_F(RobustnessTest, SlowLorisConnectionsDoNotStarveOthers) {
  // The broker raised its soft open-files limit to the hard one although it inherited 1024.
  const auto [soft, hard] = OpenFilesLimits(broker_.pid());
  ASSERT_FALSE(soft.empty());
  EXPECT_EQ(soft, hard) << "the broker must raise RLIMIT_NOFILE to the hard limit";
  // As many idle connections as both processes' limits allow (keeping 256 descriptors spare), up to
  // kMaxSlowLorisConnections.
  const size_t our_limit = static_cast<size_t>(SetOpenFilesLimit(RLIM_INFINITY));
  const size_t broker_limit = hard == "unlimited" ? SIZE_MAX : std::stoul(hard);
  size_t target = kMaxSlowLorisConnections;
  for (size_t limit : {our_limit, broker_limit}) target = std::min(target, limit > 256 ? limit - 256 : 0);
  if (target < 100) GTEST_SKIP() << "open files hard limit too low for a slow-loris load";

  size_t body_start = 0;
  const std::vector<uint8_t> request = DefaultRequestFrame(18, 3, 5, &body_start);  // ApiVersions v3
  ASSERT_GT(body_start, 7u);
  std::vector<KafkaSocket> idle;
  idle.reserve(target + 16);
  for (size_t i = 0; i < target; ++i) {
    KafkaSocket s;
    Status st = s.Connect(port_, std::chrono::seconds(20));
    ASSERT_TRUE(st.ok()) << "connection " << i << ": " << st.ToString();
    // Part of the size prefix, the size and part of the header, or the header without the body.
    const size_t partial = i % 3 == 0 ? 2 : i % 3 == 1 ? 7 : body_start;
    ASSERT_TRUE(s.SendAll(std::span(request.data(), partial)).ok());
    idle.push_back(std::move(s));
    if (i % 2500 == 2499) CheckWellBehaved("slow loris " + std::to_string(i + 1));
  }
  // Connections are accepted in order: an answer on a newer one means the broker holds them all.
  CheckWellBehaved("slow loris all open");
  EXPECT_GE(OpenFdCount(broker_.pid()), target);

  // Requests that announce the largest allowed size and send almost nothing must not make the broker
  // reserve that much memory each.
  const int64_t rss_before = ResidentBytes(broker_.pid());
  constexpr int kBigAnnouncements = 16;
  for (int i = 0; i < kBigAnnouncements; ++i) {
    const std::vector<uint8_t> frame =
        SizePrefixed(kMaxRequestBytes, std::span(request.data() + 4, body_start - 4));
    KafkaSocket s;
    ASSERT_TRUE(s.Connect(port_).ok());
    ASSERT_TRUE(s.SendAll(frame).ok());
    idle.push_back(std::move(s));
  }
  CheckWellBehaved("big announcements");
  const int64_t rss_after = ResidentBytes(broker_.pid());
  EXPECT_LT(rss_after - rss_before, int64_t{kBigAnnouncements} * kMaxRequestBytes / 8)
      << "broker memory grew from " << rss_before << " to " << rss_after << " bytes";

  CheckKcatMetadata();

  // Finishing some of the half-sent requests gets them answered correctly.
  for (size_t i = 0; i < 60; ++i) {
    const size_t index = i * (target / 60);
    KafkaSocket& s = idle[index];
    const size_t sent = index % 3 == 0 ? 2 : index % 3 == 1 ? 7 : body_start;
    ASSERT_TRUE(s.SendAll(std::span(request.data() + sent, request.size() - sent)).ok()) << index;
    std::vector<uint8_t> payload;
    ASSERT_EQ(s.ReadFrame(&payload), KafkaSocket::ReadOutcome::kFrame) << index;
    msg::ApiVersionsResponse resp;
    Status st = KafkaSocket::DecodeResponse(18, 3, 5, payload, &resp);
    ASSERT_TRUE(st.ok()) << index << ": " << st.ToString();
    EXPECT_EQ(resp.error_code, 0);
    EXPECT_EQ(resp.api_keys.size(), advertised_.size());
  }
  ASSERT_TRUE(broker_.Alive()) << Tail(broker_.Output());
  idle.clear();
  CheckWellBehaved("slow loris closed");
}

}  // namespace
}  // namespace sluice::testing
