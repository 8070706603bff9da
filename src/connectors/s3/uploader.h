// The S3 sink task's background uploads: one thread with its own S3Client runs upload jobs (parts,
// single PUTs, CompleteMultipartUpload, aborts) in the order they were queued, so the task thread goes
// on encoding records while S3 receives the previous part. At most `max_bodies` jobs carrying a part
// buffer wait or run at once (Submit blocks beyond), which bounds the memory to that many parts (the
// task uses one).
//
// A job that still fails after the client's retries stops the queue: it stays at the head with its
// body, error() returns the failure (retriable or not, as the client said), and Resume() runs the
// queue again from that job. Every job is idempotent (same part number and bytes, same object name),
// so running one twice is harmless. Jobs of a cancelled object are skipped.
//
// Thread-safety: Submit/Drain/Resume/error are called from the task thread; ObjectUpload flags are
// atomic; upload_id and etags are touched only by the uploader thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "connectors/s3/s3_client.h"

namespace sluice::connectors::s3 {

// Keeps released buffers (capacity kept, contents cleared) for reuse, up to `max_kept`. Thread-safe.
class BufferPool {
 public:
  explicit BufferPool(size_t max_kept) : max_kept_(max_kept) {}
  std::string Take();
  void Give(std::string buf);

 private:
  std::mutex mu_;
  size_t max_kept_;
  std::vector<std::string> free_;
};

// What S3 knows of one object being written.
struct ObjectUpload {
  explicit ObjectUpload(std::string k) : key(std::move(k)) {}
  const std::string key;
  std::atomic<bool> cancelled{false};  // its remaining jobs are skipped
  std::atomic<bool> done{false};       // visible in S3 (PUT or CompleteMultipartUpload succeeded)
  // Uploader thread only.
  std::string upload_id;
  std::vector<std::string> etags;  // by part number - 1
};

struct UploadJob {
  enum class Kind : unsigned char { kPart, kPut, kComplete, kAbort };
  Kind kind = Kind::kPart;
  std::shared_ptr<ObjectUpload> object;
  std::string body;  // kPart, kPut: a pool buffer, given back once uploaded
  int part_number = 0;
};

class Uploader {
 public:
  Uploader(S3ClientOptions options, AwsCredentials credentials, BufferPool* pool, size_t max_bodies);
  ~Uploader();  // drops what is queued, waits for the running job
  Uploader(const Uploader&) = delete;
  Uploader& operator=(const Uploader&) = delete;

  void set_stop_flag(const std::atomic<bool>* stop) { client_.set_stop_flag(stop); }
  // Queues a job (always); waits while `max_bodies` jobs with bodies are pending, unless the queue
  // is stopped by an error, which is then returned.
  Status Submit(UploadJob job);
  // Waits until every queued job ran; the error that stopped the queue, if any (at once).
  Status Drain();
  // The error that stopped the queue, OK while it runs.
  Status error();
  // Runs a stopped queue again from the job that failed.
  void Resume();

 private:
  void Run();
  Status Execute(UploadJob& job);

  S3Client client_;
  BufferPool* pool_;
  const size_t max_bodies_;
  std::mutex mu_;
  std::condition_variable work_;  // a job was queued, the queue resumed, or shutdown
  std::condition_variable idle_;  // a job finished or the queue stopped
  std::deque<UploadJob> queue_;
  size_t bodies_ = 0;  // queued jobs with a body (the running one included)
  Status error_;
  bool shutdown_ = false;
  std::thread thread_;
};

}  // namespace sluice::connectors::s3
