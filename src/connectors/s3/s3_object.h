// One S3 object being written: records are appended (gzip-compressed on the fly when configured) into
// a part buffer; a full buffer becomes a multipart part; Complete() makes the object visible (a single
// PUT when it never outgrew one part, else the last part and CompleteMultipartUpload). Every step can
// be retried after an error without losing or repeating bytes. Part buffers come from a BufferPool so
// memory is reused as files rotate.
//
// Thread-safety: one task thread.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/s3/s3_client.h"

namespace sluice::connectors::s3 {

// Keeps released buffers (capacity kept, contents cleared) for reuse, up to `max_kept`.
class BufferPool {
 public:
  explicit BufferPool(size_t max_kept) : max_kept_(max_kept) {}
  std::string Take();
  void Give(std::string buf);

 private:
  size_t max_kept_;
  std::vector<std::string> free_;
};

class S3Object {
 public:
  S3Object(std::string key, int64_t start_offset, bool gzip, int level, BufferPool* pool);
  ~S3Object();
  S3Object(const S3Object&) = delete;
  S3Object& operator=(const S3Object&) = delete;

  const std::string& key() const { return key_; }
  int64_t start_offset() const { return start_offset_; }
  // Appends encoded record bytes.
  Status Append(std::string_view bytes);
  // Whether the buffer holds a full part.
  bool PartReady(size_t part_size) const { return buffer_.size() >= part_size; }
  // Uploads the buffer as the next part (creating the multipart upload first).
  Status UploadPart(S3Client& client);
  // Finishes and makes the object visible.
  Status Complete(S3Client& client);
  // Drops an unfinished multipart upload (best effort).
  void Abort(S3Client& client);
  size_t buffered() const { return buffer_.size(); }

 private:
  Status Deflate(std::string_view in, int flush);

  std::string key_;
  int64_t start_offset_;
  bool gzip_;
  bool finished_ = false;  // the gzip trailer is in the buffer
  z_stream zs_{};
  BufferPool* pool_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
};

}  // namespace sluice::connectors::s3
