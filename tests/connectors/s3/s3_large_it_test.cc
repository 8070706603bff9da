// The S3 sink with large and many files, end to end (broker, standalone worker, s3rver): a file of
// about 12 MB with s3.part.size at its 5 MiB minimum goes up as a multipart upload (three parts) and
// reads back byte for byte; and the worker's RSS stays flat while 200,000 records rotate through
// 5,000 objects (sampled from /proc/<pid>/status; no time is asserted).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "s3_sink_fixture.h"

namespace sluice::testing {
namespace {

// {"n":N,"pad":"..."} padded to `size` bytes.
std::string Line(int n, size_t size) {
  std::string l = R"({"n":)" + std::to_string(n) + R"(,"pad":")";
  l.append(size > l.size() + 2 ? size - l.size() - 2 : 0, static_cast<char>('a' + n % 26));
  return l + "\"}";
}

TEST_F(S3SinkTest, MultipartUploadThroughTheSink) {
  constexpr int kRecords = 60000;  // 200 bytes each: 12 MB, three parts of 5 MiB, 5 MiB, 1.7 MB
  std::vector<std::string> lines;
  std::string expected;
  for (int i = 0; i < kRecords; ++i) {
    lines.push_back(Line(i, 200));
    expected += lines.back() + "\n";
  }
  ASSERT_TRUE(Produce(broker_.bootstrap(), "big", lines));
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json config = Base("big");
  config["flush.size"] = kRecords;
  config["s3.part.size"] = 5242880;
  Create(*w, "big", config);
  const std::string key = "topics/big/partition=0/big+0+0000000000.json";
  ASSERT_TRUE(WaitUntil([&] { return client_->HeadObject(key).ok(); }, std::chrono::seconds(60)))
      << w->Output().substr(0, 20000);
  auto body = client_->GetObject(key);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_GT(body->size(), 2u * 5242880u);  // more than two parts' worth: a multipart upload
  EXPECT_EQ(std::count(body->begin(), body->end(), '\n'), kRecords);
  EXPECT_TRUE(*body == expected) << "the object differs from the records (" << body->size() << " vs "
                                 << expected.size() << " bytes)";
  auto listing = client_->ListAll("topics/big/");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), 1u);
}

TEST_F(S3SinkTest, MemoryFlatWhileFilesRotate) {
  constexpr int kRecords = 200000;
  constexpr int kFlush = 40;  // 5,000 objects
  std::vector<std::string> lines;
  for (int i = 0; i < kRecords; ++i) lines.push_back(Line(i, 100));
  ASSERT_TRUE(Produce(broker_.bootstrap(), "mem", lines));
  lines.clear();
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  const pid_t pid = PidWithArg(w->dir() + "/worker.properties");
  ASSERT_GT(pid, 0);

  std::mutex mu;
  std::vector<int64_t> samples;  // RSS every 50 ms
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      int64_t rss = RssBytes(pid);
      if (rss > 0) {
        std::lock_guard<std::mutex> lock(mu);
        samples.push_back(rss);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  nlohmann::json config = Base("mem");
  config["flush.size"] = kFlush;
  config["s3.part.size"] = 5242880;
  Create(*w, "mem", config);
  auto object = [&](int start) {
    std::string off = std::to_string(start);
    return "topics/mem/partition=0/mem+0+" + std::string(10 - off.size(), '0') + off + ".json";
  };
  const bool quarter =
      WaitUntil([&] { return client_->HeadObject(object(kRecords / 4)).ok(); }, std::chrono::seconds(120));
  size_t quarter_at = 0;
  int64_t rss_quarter = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    quarter_at = samples.size();
    rss_quarter = samples.empty() ? 0 : samples.back();
  }
  const bool end = quarter && WaitUntil([&] { return client_->HeadObject(object(kRecords - kFlush)).ok(); },
                                        std::chrono::seconds(120));
  done = true;
  sampler.join();
  ASSERT_TRUE(quarter && end) << w->Output().substr(0, 20000);
  int64_t peak_after = 0, first = samples.front(), peak = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    peak = std::max(peak, samples[i]);
    if (i >= quarter_at) peak_after = std::max(peak_after, samples[i]);
  }
  std::cerr << "worker RSS: start " << first / 1024 << " KiB, at a quarter " << rss_quarter / 1024
            << " KiB, peak after " << peak_after / 1024 << " KiB, peak " << peak / 1024 << " KiB ("
            << samples.size() << " samples)\n";
  EXPECT_LT(peak_after - rss_quarter, 16 * 1024 * 1024) << "RSS grew while files rotated";

  // Every file is there, each of kFlush records (listed per 10,000 offsets: s3rver lists at most 1000).
  size_t objects = 0;
  for (int block = 0; block < kRecords / 10000; ++block) {
    std::string prefix = object(block * 10000);
    prefix.resize(prefix.size() - std::string("0000.json").size());
    auto l = client_->ListAll(prefix);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    objects += l->size();
  }
  EXPECT_EQ(objects, static_cast<size_t>(kRecords / kFlush));
  auto last = client_->GetObject(object(kRecords - kFlush));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(std::count(last->begin(), last->end(), '\n'), kFlush);
}

}  // namespace
}  // namespace sluice::testing
