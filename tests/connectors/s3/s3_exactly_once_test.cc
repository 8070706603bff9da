// Exactly-once under failures: 100,000 records while the worker is killed with -9 at five random
// moments (files rotate by count and, between bursts, by idle time, so boundaries depend on the wall
// clock; keys and headers are stored too), and S3 stopped for 30 s mid-stream. Afterwards every record
// is in exactly one object, every object is whole, keys and headers objects match their values
// objects line for line, and the task reported the outage and recovered.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "broker_process.h"
#include "connect_test_util.h"
#include "s3_test_util.h"

namespace sluice::testing {
namespace {

class S3ExactlyOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<BrokerProcess>(std::map<std::string, std::string>{{"num.partitions", "3"}});
    ASSERT_TRUE(broker_->Start()) << broker_->Output();
    ASSERT_TRUE(s3_.Start());
    client_ = s3_.Client("eos");
    ASSERT_TRUE(client_->CreateBucket().ok());
    char tmpl[] = "/tmp/sluice-s3eos-XXXXXX";
    dir_ = mkdtemp(tmpl);
    WriteSinkConfig(false);
  }
  // The connector file; with `keys` the sink also stores keys and headers (and records get them).
  void WriteSinkConfig(bool keys) {
    keys_ = keys;
    nlohmann::json sink = {{"name", "eos-sink"},
                           {"config",
                            {{"connector.class", "S3SinkConnector"},
                             {"s3.bucket.name", "eos"},
                             {"store.url", s3_.endpoint()},
                             {"aws.access.key.id", "S3RVER"},
                             {"aws.secret.access.key", "S3RVER"},
                             {"s3.retry.backoff.ms", "50"},
                             {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
                             {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
                             {"flush.size", "997"},
                             {"rotate.interval.ms", "400"},
                             {"topics", "eos"},
                             {"tasks.max", "2"}}}};
    if (keys) {
      sink["config"]["store.kafka.keys"] = "true";
      sink["config"]["keys.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
      sink["config"]["store.kafka.headers"] = "true";
      sink["config"]["headers.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
    }
    std::ofstream(dir_ + "/sink.json") << sink.dump();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<WorkerProcess> Worker() {
    auto w = std::make_unique<WorkerProcess>(
        std::map<std::string, std::string>{
            {"bootstrap.servers", broker_->bootstrap()},
            {"offset.storage.file.filename", dir_ + "/offsets.txt"},
            {"offset.flush.interval.ms", "500"},
            {"consumer.session.timeout.ms", "6000"},
            {"consumer.heartbeat.interval.ms", "500"},
            {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"}},
        /*standalone=*/true, std::vector<std::string>{dir_ + "/sink.json"});
    return w;
  }
  // Produces records [from, to) in bursts with random pauses (so idle rotations happen).
  void ProduceBursts(int from, int to, int burst, std::mt19937& rng) {
    for (int start = from; start < to; start += burst) {
      std::vector<std::string> lines;
      for (int i = start; i < std::min(to, start + burst); ++i) {
        std::string line;
        if (keys_) line.append("k").append(std::to_string(i)).append("|");
        line.append("{\"seq\":").append(std::to_string(i)).append("}");
        lines.push_back(std::move(line));
      }
      if (keys_) {
        ASSERT_TRUE(Produce(broker_->bootstrap(), "eos", lines, -1, "|", {"src=eos"}));
      } else {
        ASSERT_TRUE(Produce(broker_->bootstrap(), "eos", lines));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 900));
    }
  }
  // Every object, listed per partition (s3rver lists at most 1000 objects).
  std::map<std::string, std::string> All() {
    std::map<std::string, std::string> all;
    for (int p = 0; p < 3; ++p)
      all.merge(ReadAll(*client_, "topics/eos/partition=" + std::to_string(p) + "/"));
    return all;
  }
  // Counts every seq over all values objects; also checks each object is whole lines of {"seq":N}
  // and, with keys_, that the keys and headers objects beside it match it line for line.
  std::vector<int> Count(int n, size_t* objects, std::string* bad) {
    std::vector<int> seen(static_cast<size_t>(n), 0);
    auto all = All();
    *objects = all.size();
    auto ends = [](const std::string& s, const std::string& suffix) {
      return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (const auto& [key, body] : all) {
      if (ends(key, ".keys.json") || ends(key, ".headers.json")) {
        const std::string stem = key.substr(0, key.rfind('.', key.size() - 6));
        if (all.count(stem + ".json") == 0) *bad += key + " has no values object\n";
        continue;
      }
      if (keys_) {
        const std::string stem = key.substr(0, key.size() - 5);
        auto k = all.find(stem + ".keys.json");
        auto h = all.find(stem + ".headers.json");
        if (k == all.end() || h == all.end()) {
          *bad += key + " lacks its keys or headers object\n";
        } else {
          std::string want_keys, want_headers;
          std::istringstream in(body);
          std::string line;
          while (std::getline(in, line)) {
            int v = -1;
            std::sscanf(line.c_str(), "{\"seq\":%d}", &v);
            want_keys += "\"k" + std::to_string(v) + "\"\n";
            want_headers += R"({"headers":[{"key":"src","value":"eos"}]})"
                            "\n";
          }
          if (k->second != want_keys) *bad += k->first + " does not match its values\n";
          if (h->second != want_headers) *bad += h->first + " does not match its values\n";
        }
      }
      if (body.empty() || body.back() != '\n') *bad += key + " is not whole lines\n";
      std::istringstream in(body);
      std::string line;
      while (std::getline(in, line)) {
        int v = -1;
        if (std::sscanf(line.c_str(), "{\"seq\":%d}", &v) != 1 || v < 0 || v >= n) {
          *bad += key + ": bad line " + line + "\n";
          continue;
        }
        ++seen[static_cast<size_t>(v)];
      }
    }
    return seen;
  }
  bool AllOnce(int n) {
    size_t objects = 0;
    std::string bad;
    std::vector<int> seen = Count(n, &objects, &bad);
    for (int c : seen) {
      if (c != 1) return false;
    }
    return bad.empty();
  }
  void ExpectExactlyOnce(int n) {
    size_t objects = 0;
    std::string bad;
    std::vector<int> seen = Count(n, &objects, &bad);
    EXPECT_TRUE(bad.empty()) << bad.substr(0, 2000);
    int missing = 0, dup = 0;
    for (int c : seen) {
      if (c == 0) ++missing;
      if (c > 1) ++dup;
    }
    std::string ranges;
    for (int i = 0; i < n; ++i) {
      if (seen[static_cast<size_t>(i)] != 0) continue;
      int j = i;
      while (j + 1 < n && seen[static_cast<size_t>(j + 1)] == 0) ++j;
      ranges += std::to_string(i) + "-" + std::to_string(j) + " ";
      i = j;
    }
    std::string listing;
    for (const auto& [key, body] : All()) {
      listing += key + " lines=" + std::to_string(std::count(body.begin(), body.end(), '\n')) +
                 " first=" + body.substr(0, body.find('\n')) + "\n";
    }
    EXPECT_EQ(missing, 0) << "records missing: " << ranges << "\n" << listing;
    EXPECT_EQ(dup, 0) << "records duplicated";
    std::cerr << "objects: " << objects << "\n";
  }

  std::unique_ptr<BrokerProcess> broker_;
  bool keys_ = false;
  S3rverProcess s3_;
  std::unique_ptr<connectors::s3::S3Client> client_;
  std::string dir_;
};

TEST_F(S3ExactlyOnceTest, KilledFiveTimesEveryRecordOnce) {
  constexpr int kRecords = 100000;
  WriteSinkConfig(/*keys=*/true);  // keys and headers objects too, rebuilt with the values
  std::mt19937 rng(std::random_device{}());
  std::thread producer([&] {
    std::mt19937 prng(rng());
    ProduceBursts(0, kRecords, 5000, prng);
  });
  for (int kill = 0; kill < 5; ++kill) {
    auto w = Worker();
    ASSERT_TRUE(w->Start()) << w->Output();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500 + rng() % 3000));
    w->Kill();
  }
  producer.join();
  auto w = Worker();
  ASSERT_TRUE(w->Start()) << w->Output();
  EXPECT_TRUE(WaitUntil([&] { return AllOnce(kRecords); }, std::chrono::seconds(90)))
      << w->Output().substr(0, 20000);
  w->Stop();
  ExpectExactlyOnce(kRecords);
}

TEST_F(S3ExactlyOnceTest, S3DownThirtySecondsNothingLostOrDuplicated) {
  constexpr int kRecords = 30000;
  auto w = Worker();
  ASSERT_TRUE(w->Start()) << w->Output();
  std::mt19937 rng(std::random_device{}());
  std::atomic<bool> produced{false};
  std::thread producer([&] {
    std::mt19937 prng(rng());
    ProduceBursts(0, kRecords, 1000, prng);
    produced = true;
  });
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto l = client_->ListAll("topics/");
        return l.ok() && l->size() >= 3;
      },
      std::chrono::seconds(30)));
  s3_.Stop();
  bool saw_trouble = false;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    nlohmann::json st = GetJson(w->port(), "/connectors/eos-sink/status");
    for (const auto& t : st.value("tasks", nlohmann::json::array())) {
      if (t.value("trace", "").find("S3") != std::string::npos) saw_trouble = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(s3_.Start());
  producer.join();
  EXPECT_TRUE(saw_trouble) << "the task status never showed the S3 outage";
  EXPECT_TRUE(WaitUntil([&] { return AllOnce(kRecords); }, std::chrono::seconds(90)))
      << w->Output().substr(0, 20000);
  EXPECT_TRUE(WaitUntil(
      [&] {
        nlohmann::json st = GetJson(w->port(), "/connectors/eos-sink/status");
        if (!AllRunning(st, 2)) return false;
        for (const auto& t : st["tasks"]) {
          if (!t.value("trace", "").empty()) return false;
        }
        return true;
      },
      std::chrono::seconds(60)))
      << GetJson(w->port(), "/connectors/eos-sink/status").dump();
  w->Stop();
  ExpectExactlyOnce(kRecords);
}

}  // namespace
}  // namespace sluice::testing
