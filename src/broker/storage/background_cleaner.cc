// BackgroundCleaner. Thread-safety: see background_cleaner.h.
#include "broker/storage/background_cleaner.h"

namespace sluice::broker::storage {

BackgroundCleaner::~BackgroundCleaner() {
  CancelAndWait(nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundCleaner::Submit(const Log* log, std::unique_ptr<CompactionJob> job) {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  cancel_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = Finished{log, std::move(job), Status::OK()};
    ready_ = true;
    done_ = false;
  }
  busy_ = true;
  cv_.notify_all();
}

std::optional<BackgroundCleaner::Finished> BackgroundCleaner::TakeFinished() {
  if (!busy_) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  if (!done_) return std::nullopt;
  done_ = false;
  busy_ = false;
  return std::move(current_);
}

void BackgroundCleaner::CancelAndWait(const Log* log) {
  if (!busy_) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (log != nullptr && current_.log != log) return;
  cancel_ = true;
  cv_.wait(lock, [this] { return done_; });
  done_ = false;
  busy_ = false;
  if (current_.job) current_.job->Discard();
  current_ = Finished{};
}

void BackgroundCleaner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || ready_; });
    if (stop_ && !ready_) return;
    ready_ = false;
    CompactionJob* job = current_.job.get();
    lock.unlock();
    Status st = job->Run(&cancel_);
    lock.lock();
    current_.status = std::move(st);
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace sluice::broker::storage
