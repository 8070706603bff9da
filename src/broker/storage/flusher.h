// Flusher: the thread that fdatasyncs logs for the flush policy (flush.messages / flush.ms), so the
// broker's event loop never waits on the disk. The owner prepares a FlushJob on its own thread
// (Log::PrepareFlush: pending index entries written, the active segment's descriptors dup'd) and
// submits it with a completion; the thread syncs and hands the completion back through `post` (the
// broker posts it onto its io_context). Group commit: jobs that queue up while a sync runs are taken
// together, and jobs of the same log in one round share one fdatasync (the latest job's descriptors
// cover everything appended before it; segments rolled in between were synced by the roll).
//
// Writeback jobs (StartWriteback of a range appended, see LogSegment) run there too: sync_file_range
// blocks while the device's queue is full, which must not stall the loop either.
//
// Thread-safety: Submit and Stop are called from the owner's thread only; the worker thread touches
// the jobs it took, nothing else. The mutex guards the queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/status.h"
#include "broker/storage/io.h"

namespace sluice::broker::storage {

struct FlushJob {
  const void* key = nullptr;  // the Log it was prepared from: identity only, never dereferenced
  std::vector<File> files;    // descriptors of the files to fdatasync (dup'd, so they outlive the Log)
  std::function<void(const Status&)> done;  // run through `post`, with the fdatasync's result
  // Set: no fdatasync, only StartWriteback of this range of files[0] (no completion).
  std::optional<ByteRange> writeback;
};

class Flusher {
 public:
  using Post = std::function<void(std::function<void()>)>;
  explicit Flusher(Post post) : post_(std::move(post)) {}
  ~Flusher() { Stop(); }
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  // Queues `job`; the thread starts on first use.
  void Submit(FlushJob job);
  // Syncs what is queued, posts the completions and joins the thread. Idempotent.
  void Stop();
  // fdatasync rounds so far (tests: group commit takes several jobs per round).
  int64_t rounds() const;

 private:
  void Loop();

  Post post_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FlushJob> queue_;  // guarded by mu_
  bool stop_ = false;           // guarded by mu_
  int64_t rounds_ = 0;          // guarded by mu_
};

}  // namespace sluice::broker::storage
