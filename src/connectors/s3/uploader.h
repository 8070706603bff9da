// The S3 sink task's background uploads: `threads` uploader threads, each with its own S3Client (and
// connection), run upload jobs (parts, single PUTs, CompleteMultipartUpload, aborts) while the task
// thread goes on encoding records. Jobs start in the order they were queued, as far as their object
// allows: parts of one object upload side by side (the first creates the multipart upload, the others
// wait for its id), an object's completion or abort starts only once all of its earlier jobs are
// through, and jobs of different objects do not wait for each other (a part of the next file uploads
// while S3 assembles the previous one). At most `max_bodies` jobs carrying a part buffer wait or run at
// once (Submit blocks beyond), which bounds the memory to that many parts besides the open files'.
//
// A job that still fails after the client's retries stops the queue: no job starts any more (running
// ones finish), the failed one stays queued with its body, error() returns the failure (retriable or
// not, as the client said), and Resume() runs the queue again from there. Every job is idempotent
// (same part number and bytes, same object name), so running one twice is harmless. Jobs of a
// cancelled object are skipped.
//
// Thread-safety: Submit/Drain/Resume/error are called from the task thread; ObjectUpload's flags are
// atomic; its upload id, part ETags and bookkeeping are guarded by the Uploader's mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
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
  // Guarded by the Uploader's mutex.
  std::string upload_id;
  bool creating = false;           // a job is creating the multipart upload
  int queued = 0;                  // its jobs in the queue (running ones included)
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
  Uploader(S3ClientOptions options, AwsCredentials credentials, BufferPool* pool, size_t max_bodies,
           size_t threads = 1);
  ~Uploader();  // drops what is queued, waits for the running jobs
  Uploader(const Uploader&) = delete;
  Uploader& operator=(const Uploader&) = delete;

  void set_stop_flag(const std::atomic<bool>* stop);
  // Queues a job (always); waits while `max_bodies` jobs with bodies are pending, unless the queue
  // is stopped by an error, which is then returned.
  Status Submit(UploadJob job);
  // Waits until every queued job ran; on an error that stopped the queue, until no job runs any
  // more, and returns it.
  Status Drain();
  // The error that stopped the queue, OK while it runs.
  Status error();
  // Runs a stopped queue again from the jobs that failed.
  void Resume();

 private:
  struct Queued {
    UploadJob job;
    bool running = false;
  };
  using Queue = std::list<Queued>;
  void Run(S3Client* client);
  // The first job that may start now, or end(); mu_ held.
  Queue::iterator NextRunnable();
  Status Execute(S3Client& client, UploadJob& job, bool create);

  std::vector<std::unique_ptr<S3Client>> clients_;  // one per thread
  BufferPool* pool_;
  const size_t max_bodies_;
  std::mutex mu_;
  std::condition_variable work_;  // a job was queued or finished, the queue resumed, or shutdown
  std::condition_variable idle_;  // a job finished or the queue stopped
  Queue queue_;
  size_t bodies_ = 0;   // queued jobs with a body (running ones included)
  size_t running_ = 0;  // jobs being executed
  Status error_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sluice::connectors::s3
