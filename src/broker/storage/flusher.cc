// Flusher. Thread-safety: see flusher.h.
#include "broker/storage/flusher.h"

#include <map>

namespace sluice::broker::storage {

void Flusher::Submit(FlushJob job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  cv_.notify_one();
}

void Flusher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int64_t Flusher::rounds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rounds_;
}

void Flusher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::deque<FlushJob> jobs;
    jobs.swap(queue_);
    ++rounds_;
    lock.unlock();
    // The last job of each log: its descriptors cover the earlier jobs' appends.
    std::map<const void*, size_t> last;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i].writeback) {
        if (!jobs[i].files.empty()) StartWriteback(jobs[i].files[0], *jobs[i].writeback);
      } else {
        last[jobs[i].key] = i;
      }
    }
    std::map<const void*, Status> result;
    for (const auto& [key, i] : last) {
      Status st;
      for (const File& f : jobs[i].files) {
        if (st.ok()) st = f.DataSync();
      }
      result[key] = st;
    }
    for (FlushJob& job : jobs) {
      if (job.done && !job.writeback) {
        post_([done = std::move(job.done), st = result[job.key]]() { done(st); });
      }
    }
    jobs.clear();  // closes the dup'd descriptors off the owner's thread
    lock.lock();
  }
}

}  // namespace sluice::broker::storage
