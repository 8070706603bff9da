// Deferred flushes: with LogManagerOptions::post_flush_completion set, the flush policy's fdatasyncs run
// on the Flusher thread and their completions come back through the post function (here a queue the
// test drains, standing in for the broker's io_context).
#include <condition_variable>
#include <deque>
#include <mutex>

#include "broker/storage/log_manager.h"
#include "test_util.h"

namespace sluice::broker::storage {
namespace {

// The "event loop": completions posted from the flusher thread, run by the test thread.
class PostQueue {
 public:
  Flusher::Post Post() {
    return [this](std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(mu_);
      q_.push_back(std::move(fn));
      cv_.notify_all();
    };
  }
  // Runs posted completions until `n` have run in all (fails the test after 10 s).
  void RunUntil(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (ran_ < n) {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_until(lock, deadline, [this] { return !q_.empty(); })) {
        ADD_FAILURE() << "only " << ran_ << " of " << n << " completions";
        return;
      }
      auto fn = std::move(q_.front());
      q_.pop_front();
      lock.unlock();
      fn();
      ++ran_;
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
  size_t ran_ = 0;
};

LogManagerOptions Options(const TempDir& tmp, PostQueue& q) {
  LogManagerOptions o;
  o.log_dirs = {tmp.Sub("d")};
  o.default_config.flush_interval_messages = 1;
  o.post_flush_completion = q.Post();
  return o;
}

class FlusherTest : public ::testing::Test {
 protected:
  // Opens the manager with `o` and creates partitions t-0 .. t-(n-1).
  void Open(const LogManagerOptions& o, int partitions = 1) {
    auto m = LogManager::Open(o);
    ASSERT_OK(m);
    m_ = std::move(*m);
    for (int p = 0; p < partitions; ++p) {
      auto log = m_->CreatePartition("t", p, m_->default_config());
      ASSERT_OK(log);
      logs_.push_back(*log);
    }
  }

  TempDir tmp_;
  PostQueue q_;
  std::unique_ptr<LogManager> m_;
  std::vector<Log*> logs_;
};

TEST_F(FlusherTest, AppendReportsFlushDueAndTheFlusherCompletesIt) {
  ASSERT_NO_FATAL_FAILURE(Open(Options(tmp_, q_)));
  Log* log = logs_[0];
  std::vector<uint8_t> b = MakeValues(3);
  auto r = log->Append(b, 1);
  ASSERT_OK(r);
  EXPECT_TRUE(r->flush_due);
  EXPECT_FALSE(r->durable);  // not synced inline
  int done = 0;
  Status got = Status::Aborted("not called");
  m_->SubmitFlush(log, 2, [&](const Status& st) {
    got = st;
    ++done;
  });
  EXPECT_EQ(done, 0);              // never from inside SubmitFlush
  EXPECT_FALSE(log->FlushDue(3));  // the job took the pending messages
  q_.RunUntil(1);
  EXPECT_EQ(done, 1);
  EXPECT_OK(got);
  EXPECT_GE(m_->flush_rounds(), 1);
  ASSERT_OK(m_->Close());
}

TEST_F(FlusherTest, ManyLogsAndRollsAllComplete) {
  LogManagerOptions o = Options(tmp_, q_);
  o.default_config.segment_bytes = 600;  // rolls between flushes
  ASSERT_NO_FATAL_FAILURE(Open(o, 4));
  size_t submitted = 0, ok = 0;
  for (int i = 0; i < 200; ++i) {
    Log* log = logs_[static_cast<size_t>(i) % logs_.size()];
    std::vector<uint8_t> b = MakeValues(2);
    auto r = log->Append(b, 10 + i);
    ASSERT_OK(r);
    ASSERT_TRUE(r->flush_due);
    m_->SubmitFlush(log, 10 + i, [&](const Status& st) { ok += st.ok() ? 1 : 0; });
    ++submitted;
  }
  q_.RunUntil(submitted);
  EXPECT_EQ(ok, submitted);
  EXPECT_GT(m_->flush_rounds(), 0);
  EXPECT_LE(m_->flush_rounds(), static_cast<int64_t>(submitted));
  for (Log* log : logs_) EXPECT_GT(log->segment_count(), 1u);
  ASSERT_OK(m_->Close());
}

TEST_F(FlusherTest, DeletingAPartitionWithAFlushPendingIsSafe) {
  ASSERT_NO_FATAL_FAILURE(Open(Options(tmp_, q_)));
  std::vector<uint8_t> b = MakeValues(5);
  ASSERT_OK(logs_[0]->Append(b, 1));
  int done = 0;
  m_->SubmitFlush(logs_[0], 1, [&](const Status&) { ++done; });
  ASSERT_OK(m_->DeletePartition("t", 0));  // the job holds its own descriptors
  q_.RunUntil(1);
  EXPECT_EQ(done, 1);
  ASSERT_OK(m_->Close());
}

TEST_F(FlusherTest, CompletionsAfterTheManagerIsGoneAreDropped) {
  ASSERT_NO_FATAL_FAILURE(Open(Options(tmp_, q_)));
  int done = 0;
  std::vector<uint8_t> b = MakeValues(5);
  ASSERT_OK(logs_[0]->Append(b, 1));
  m_->SubmitFlush(logs_[0], 1, [&](const Status&) { ++done; });
  ASSERT_OK(m_->Close());  // the pending sync finishes and posts its completion
  m_.reset();
  q_.RunUntil(1);  // runs the posted wrapper: the manager is gone, so `done` is not called
  EXPECT_EQ(done, 0);
}

TEST_F(FlusherTest, TickSubmitsFlushMsFlushes) {
  LogManagerOptions o = Options(tmp_, q_);
  o.default_config.flush_interval_messages = LogConfig::kNever;
  o.default_config.flush_interval_ms = 100;
  ASSERT_NO_FATAL_FAILURE(Open(o));
  Log* log = logs_[0];
  std::vector<uint8_t> b = MakeValues(2);
  auto r = log->Append(b, 1000);
  ASSERT_OK(r);
  EXPECT_FALSE(r->flush_due);
  ASSERT_OK(m_->Tick(1050));
  EXPECT_EQ(log->unflushed_messages(), 2);
  ASSERT_OK(m_->Tick(1200));  // flush.ms passed: a job went to the flusher
  EXPECT_EQ(log->unflushed_messages(), 0);
  q_.RunUntil(1);
  ASSERT_OK(m_->Close());
}

}  // namespace
}  // namespace sluice::broker::storage
