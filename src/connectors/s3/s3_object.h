// One S3 object being written: records are appended (gzip-compressed on the fly when configured) into
// a part buffer; a full buffer is handed to the Uploader as the next multipart part and a fresh one
// taken from the BufferPool; Complete() queues what makes the object visible (a single PUT when it
// never outgrew one part, else the last part and CompleteMultipartUpload). upload() tells when S3 has
// it. Jobs are queued even when the uploader stopped on an error (which is returned), so no byte is
// lost or repeated when the caller retries later.
//
// Thread-safety: one task thread (the uploads run on the Uploader's).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "connectors/s3/uploader.h"

namespace sluice::connectors::s3 {

class S3Object {
 public:
  // `reserve`: the capacity a growing part buffer takes at once (from 1 MiB on), rather than doubling.
  S3Object(std::string key, int64_t start_offset, bool gzip, int level, BufferPool* pool, size_t reserve = 0);
  ~S3Object();
  S3Object(const S3Object&) = delete;
  S3Object& operator=(const S3Object&) = delete;

  const std::string& key() const { return upload_->key; }
  int64_t start_offset() const { return start_offset_; }
  const std::shared_ptr<ObjectUpload>& upload() const { return upload_; }
  // Appends encoded record bytes.
  Status Append(std::string_view bytes);
  // Whether the buffer holds a full part.
  bool PartReady(size_t part_size) const { return buffer_.size() >= part_size; }
  // Queues the buffer as the next part (the first creates the multipart upload).
  Status UploadPart(Uploader& uploader);
  // Finishes (gzip trailer) and queues what makes the object visible. Once only.
  Status Complete(Uploader& uploader);
  // Cancels its queued jobs and queues the abort of its multipart upload (best effort).
  void Abort(Uploader& uploader);
  size_t buffered() const { return buffer_.size(); }

 private:
  Status Deflate(std::string_view in, int flush);
  void TakeBuffer();
  void Grow(size_t more);
  Status QueuePart(Uploader& uploader, bool refill);

  std::shared_ptr<ObjectUpload> upload_;
  int64_t start_offset_;
  bool gzip_;
  z_stream zs_{};
  BufferPool* pool_;
  size_t reserve_;
  std::string buffer_;
  int parts_ = 0;  // parts queued
};

}  // namespace sluice::connectors::s3
