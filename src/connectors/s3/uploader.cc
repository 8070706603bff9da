// BufferPool and Uploader. See uploader.h.
#include "connectors/s3/uploader.h"

#include <algorithm>

namespace sluice::connectors::s3 {

std::string BufferPool::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.empty()) return {};
  std::string b = std::move(free_.back());
  free_.pop_back();
  return b;
}

void BufferPool::Give(std::string buf) {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() >= max_kept_ || buf.capacity() == 0) return;
  buf.clear();
  free_.push_back(std::move(buf));
}

namespace {

bool HasBody(UploadJob::Kind kind) { return kind == UploadJob::Kind::kPart || kind == UploadJob::Kind::kPut; }

}  // namespace

Uploader::Uploader(S3ClientOptions options, AwsCredentials credentials, BufferPool* pool, size_t max_bodies,
                   size_t threads)
    : pool_(pool), max_bodies_(std::max<size_t>(max_bodies, 1)) {
  threads = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < threads; ++i) clients_.push_back(std::make_unique<S3Client>(options, credentials));
  for (auto& c : clients_) threads_.emplace_back([this, client = c.get()] { Run(client); });
}

Uploader::~Uploader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  work_.notify_all();
  for (std::thread& t : threads_) t.join();
  for (Queued& q : queue_) pool_->Give(std::move(q.job.body));
}

void Uploader::set_stop_flag(const std::atomic<bool>* stop) {
  for (auto& c : clients_) c->set_stop_flag(stop);
}

Status Uploader::Submit(UploadJob job) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool body = HasBody(job.kind);
  idle_.wait(lock, [&] { return !body || bodies_ < max_bodies_ || !error_.ok(); });
  if (body) ++bodies_;
  ++job.object->queued;
  queue_.push_back(Queued{std::move(job)});
  work_.notify_one();  // the uploader threads are alike: any idle one can take it
  return error_;
}

Status Uploader::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() || (!error_.ok() && running_ == 0); });
  return error_;
}

Status Uploader::error() {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void Uploader::Resume() {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_.ok()) return;
  error_ = Status::OK();
  work_.notify_all();
}

Uploader::Queue::iterator Uploader::NextRunnable() {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->running) continue;
    const ObjectUpload& o = *it->job.object;
    switch (it->job.kind) {
      case UploadJob::Kind::kPut:
        return it;
      case UploadJob::Kind::kPart:
        // Once the multipart upload exists (or nobody is creating it: this job will).
        if (o.cancelled.load() || !o.upload_id.empty() || !o.creating) return it;
        break;
      case UploadJob::Kind::kComplete:
      case UploadJob::Kind::kAbort:
        if (o.queued == 1) return it;  // every earlier job of the object is through
        break;
    }
  }
  return queue_.end();
}

void Uploader::Run(S3Client* client) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    Queue::iterator it = queue_.end();
    work_.wait(lock, [&] {
      if (shutdown_) return true;
      if (!error_.ok()) return false;
      it = NextRunnable();
      return it != queue_.end();
    });
    if (shutdown_) return;
    UploadJob& job = it->job;  // list nodes stay put while others are added or removed
    ObjectUpload& o = *job.object;
    it->running = true;
    ++running_;
    const bool create = job.kind == UploadJob::Kind::kPart && !o.cancelled.load() && o.upload_id.empty();
    if (create) o.creating = true;
    lock.unlock();
    Status s = Execute(*client, job, create);
    lock.lock();
    --running_;
    if (create && o.upload_id.empty()) o.creating = false;
    if (!s.ok()) {
      it->running = false;  // stays queued, with its body, for Resume
      if (error_.ok()) error_ = std::move(s);
      idle_.notify_all();
      work_.notify_all();  // parts waiting for a multipart upload that was not created
      continue;
    }
    if (HasBody(job.kind)) {
      --bodies_;
      pool_->Give(std::move(job.body));
    }
    --o.queued;
    queue_.erase(it);
    idle_.notify_all();
    work_.notify_all();  // may have released a completion or the parts of a created upload
  }
}

Status Uploader::Execute(S3Client& client, UploadJob& job, bool create) {
  ObjectUpload& o = *job.object;
  if (o.cancelled.load() && job.kind != UploadJob::Kind::kAbort) return Status::OK();
  switch (job.kind) {
    case UploadJob::Kind::kPart: {
      std::string upload_id;
      if (create) {
        ASSIGN_OR_RETURN(upload_id, client.CreateMultipartUpload(o.key));
        std::lock_guard<std::mutex> lock(mu_);
        o.upload_id = upload_id;
        o.creating = false;
        work_.notify_all();  // the object's other parts may go
      } else {
        std::lock_guard<std::mutex> lock(mu_);
        upload_id = o.upload_id;
      }
      ASSIGN_OR_RETURN(std::string etag, client.UploadPart(o.key, upload_id, job.part_number, job.body));
      std::lock_guard<std::mutex> lock(mu_);
      auto index = static_cast<size_t>(job.part_number - 1);
      if (o.etags.size() <= index) o.etags.resize(index + 1);
      o.etags[index] = std::move(etag);
      return Status::OK();
    }
    case UploadJob::Kind::kPut:
      RETURN_IF_ERROR(client.PutObject(o.key, job.body));
      o.done = true;
      return Status::OK();
    case UploadJob::Kind::kComplete: {
      std::string upload_id;
      std::vector<std::string> etags;
      {
        std::lock_guard<std::mutex> lock(mu_);
        upload_id = o.upload_id;
        etags = o.etags;
      }
      RETURN_IF_ERROR(client.CompleteMultipartUpload(o.key, upload_id, etags));
      o.done = true;
      return Status::OK();
    }
    case UploadJob::Kind::kAbort: {
      std::string upload_id;
      {
        std::lock_guard<std::mutex> lock(mu_);
        upload_id = std::move(o.upload_id);
        o.upload_id.clear();
      }
      // Best effort: an incomplete multipart upload is never visible.
      if (!upload_id.empty()) (void)client.AbortMultipartUpload(o.key, upload_id);
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace sluice::connectors::s3
