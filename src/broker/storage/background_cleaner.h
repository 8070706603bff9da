// BackgroundCleaner: the thread that runs log compactions (CompactionJob::Run) away from the broker's
// event loop, one job at a time. The owner (LogManager, on the loop thread) prepares a job, submits it,
// later takes it back finished and commits it on the loop thread; a job can be cancelled and waited
// for (its partition is being deleted, the broker stops).
//
// Thread-safety: every public method is called from the owner's thread only; the worker thread touches
// nothing but the job it runs. The mutex guards the hand-over.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/status.h"
#include "broker/storage/log.h"

namespace sluice::broker::storage {

class BackgroundCleaner {
 public:
  struct Finished {
    const Log* log = nullptr;  // identifies the Log it was prepared from
    std::unique_ptr<CompactionJob> job;
    Status status;  // of Run()
  };

  BackgroundCleaner() = default;
  ~BackgroundCleaner();
  BackgroundCleaner(const BackgroundCleaner&) = delete;
  BackgroundCleaner& operator=(const BackgroundCleaner&) = delete;

  // True from Submit() until the finished job has been taken (or cancelled).
  bool busy() const { return busy_; }
  // Hands `job` (prepared from `log`) to the worker thread, started on first use. REQUIRES: !busy().
  void Submit(const Log* log, std::unique_ptr<CompactionJob> job);
  // The job, once Run() has returned; nullopt while it still runs or when there is none.
  std::optional<Finished> TakeFinished();
  // If the current job was prepared from `log` (any job when `log` is nullptr): cancels it, waits
  // for the worker to stop, deletes its files and forgets it.
  void CancelAndWait(const Log* log);

 private:
  void Loop();

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false;   // owner's view
  bool stop_ = false;   // guarded by mu_
  bool ready_ = false;  // a job waits for the worker; guarded by mu_
  bool done_ = false;   // the worker finished the job; guarded by mu_
  std::atomic<bool> cancel_{false};
  Finished current_;  // handed over under mu_
};

}  // namespace sluice::broker::storage
