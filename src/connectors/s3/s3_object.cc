// S3Object. See s3_object.h.
#include "connectors/s3/s3_object.h"

#include <algorithm>

namespace sluice::connectors::s3 {

S3Object::S3Object(std::string key, int64_t start_offset, bool gzip, int level, BufferPool* pool,
                   size_t reserve)
    : upload_(std::make_shared<ObjectUpload>(std::move(key))),
      start_offset_(start_offset),
      gzip_(gzip),
      pool_(pool),
      reserve_(reserve) {
  if (gzip_) deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  TakeBuffer();
}

S3Object::~S3Object() {
  if (gzip_) deflateEnd(&zs_);
  pool_->Give(std::move(buffer_));
}

void S3Object::TakeBuffer() { buffer_ = pool_->Take(); }

void S3Object::Grow(size_t more) {
  // A buffer that is on its way to a full part gets all of it at once rather than by doubling (which
  // would leave it at up to twice the part size); small files stay small.
  size_t need = buffer_.size() + more;
  if (need > buffer_.capacity() && need >= (1u << 20) && buffer_.capacity() < reserve_)
    buffer_.reserve(std::max(need, reserve_));
}

Status S3Object::Deflate(std::string_view in, int flush) {
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs_.avail_in = static_cast<uInt>(in.size());
  do {
    size_t old = buffer_.size();
    size_t room = std::max<size_t>(deflateBound(&zs_, zs_.avail_in), 64);
    Grow(room);
    buffer_.resize(old + room);
    zs_.next_out = reinterpret_cast<Bytef*>(buffer_.data() + old);
    zs_.avail_out = static_cast<uInt>(room);
    int rc = deflate(&zs_, flush);
    buffer_.resize(old + room - zs_.avail_out);
    if (rc == Z_STREAM_ERROR) return Status::Internal("gzip: deflate failed");
    if (flush == Z_FINISH && rc == Z_STREAM_END) break;
  } while (zs_.avail_in > 0 || (flush == Z_FINISH));
  return Status::OK();
}

Status S3Object::Append(std::string_view bytes) {
  if (!gzip_) {
    Grow(bytes.size());
    buffer_.append(bytes);
    return Status::OK();
  }
  return Deflate(bytes, Z_NO_FLUSH);
}

Status S3Object::QueuePart(Uploader& uploader, bool refill) {
  UploadJob job{UploadJob::Kind::kPart, upload_, std::move(buffer_), ++parts_};
  buffer_ = std::string();
  // Submit waits for a free slot first, so the buffer of the part just uploaded is the one reused.
  Status s = uploader.Submit(std::move(job));
  if (refill) TakeBuffer();
  return s;
}

Status S3Object::UploadPart(Uploader& uploader) { return QueuePart(uploader, true); }

Status S3Object::Complete(Uploader& uploader) {
  if (gzip_) RETURN_IF_ERROR(Deflate({}, Z_FINISH));
  if (parts_ == 0) {
    UploadJob put{UploadJob::Kind::kPut, upload_, std::move(buffer_), 0};
    buffer_ = std::string();
    return uploader.Submit(std::move(put));
  }
  Status first;
  if (!buffer_.empty()) first = QueuePart(uploader, false);
  Status s = uploader.Submit(UploadJob{UploadJob::Kind::kComplete, upload_, {}, 0});
  return first.ok() ? s : first;
}

void S3Object::Abort(Uploader& uploader) {
  upload_->cancelled = true;
  if (parts_ > 0) (void)uploader.Submit(UploadJob{UploadJob::Kind::kAbort, upload_, {}, 0});
}

}  // namespace sluice::connectors::s3
