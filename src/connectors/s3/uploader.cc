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

Uploader::Uploader(S3ClientOptions options, AwsCredentials credentials, BufferPool* pool, size_t max_bodies)
    : client_(std::move(options), std::move(credentials)),
      pool_(pool),
      max_bodies_(std::max<size_t>(max_bodies, 1)) {
  thread_ = std::thread([this] { Run(); });
}

Uploader::~Uploader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  work_.notify_all();
  thread_.join();
  for (UploadJob& job : queue_) pool_->Give(std::move(job.body));
}

Status Uploader::Submit(UploadJob job) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool body = HasBody(job.kind);
  idle_.wait(lock, [&] { return !body || bodies_ < max_bodies_ || !error_.ok(); });
  if (body) ++bodies_;
  queue_.push_back(std::move(job));
  work_.notify_one();
  return error_;
}

Status Uploader::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() || !error_.ok(); });
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
  work_.notify_one();
}

void Uploader::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return shutdown_ || (!queue_.empty() && error_.ok()); });
    if (shutdown_) return;
    UploadJob& job = queue_.front();  // stays put: Submit only appends (deque references survive)
    lock.unlock();
    Status s = Execute(job);
    lock.lock();
    if (!s.ok()) {
      error_ = std::move(s);  // the job stays at the head for Resume
      idle_.notify_all();
      continue;
    }
    if (HasBody(job.kind)) {
      --bodies_;
      pool_->Give(std::move(job.body));
    }
    queue_.pop_front();
    idle_.notify_all();
  }
}

Status Uploader::Execute(UploadJob& job) {
  ObjectUpload& o = *job.object;
  if (o.cancelled.load() && job.kind != UploadJob::Kind::kAbort) return Status::OK();
  switch (job.kind) {
    case UploadJob::Kind::kPart: {
      if (o.upload_id.empty()) {
        ASSIGN_OR_RETURN(o.upload_id, client_.CreateMultipartUpload(o.key));
      }
      ASSIGN_OR_RETURN(std::string etag, client_.UploadPart(o.key, o.upload_id, job.part_number, job.body));
      auto index = static_cast<size_t>(job.part_number - 1);
      if (o.etags.size() <= index) o.etags.resize(index + 1);
      o.etags[index] = std::move(etag);
      return Status::OK();
    }
    case UploadJob::Kind::kPut:
      RETURN_IF_ERROR(client_.PutObject(o.key, job.body));
      o.done = true;
      return Status::OK();
    case UploadJob::Kind::kComplete:
      RETURN_IF_ERROR(client_.CompleteMultipartUpload(o.key, o.upload_id, o.etags));
      o.done = true;
      return Status::OK();
    case UploadJob::Kind::kAbort:
      // Best effort: an incomplete multipart upload is never visible.
      if (!o.upload_id.empty()) (void)client_.AbortMultipartUpload(o.key, o.upload_id);
      o.upload_id.clear();
      return Status::OK();
  }
  return Status::OK();
}

}  // namespace sluice::connectors::s3
