// S3Object and BufferPool. See s3_object.h.
#include "connectors/s3/s3_object.h"

namespace sluice::connectors::s3 {

std::string BufferPool::Take() {
  if (free_.empty()) return {};
  std::string b = std::move(free_.back());
  free_.pop_back();
  return b;
}

void BufferPool::Give(std::string buf) {
  if (free_.size() >= max_kept_) return;
  buf.clear();
  free_.push_back(std::move(buf));
}

S3Object::S3Object(std::string key, int64_t start_offset, bool gzip, int level, BufferPool* pool)
    : key_(std::move(key)), start_offset_(start_offset), gzip_(gzip), pool_(pool), buffer_(pool->Take()) {
  if (gzip_) deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

S3Object::~S3Object() {
  if (gzip_) deflateEnd(&zs_);
  pool_->Give(std::move(buffer_));
}

Status S3Object::Deflate(std::string_view in, int flush) {
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs_.avail_in = static_cast<uInt>(in.size());
  do {
    size_t old = buffer_.size();
    size_t room = std::max<size_t>(deflateBound(&zs_, zs_.avail_in), 64);
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
    buffer_.append(bytes);
    return Status::OK();
  }
  return Deflate(bytes, Z_NO_FLUSH);
}

Status S3Object::UploadPart(S3Client& client) {
  if (upload_id_.empty()) {
    ASSIGN_OR_RETURN(upload_id_, client.CreateMultipartUpload(key_));
  }
  ASSIGN_OR_RETURN(std::string etag,
                   client.UploadPart(key_, upload_id_, static_cast<int>(etags_.size()) + 1, buffer_));
  etags_.push_back(std::move(etag));
  buffer_.clear();
  return Status::OK();
}

Status S3Object::Complete(S3Client& client) {
  if (gzip_ && !finished_) {
    RETURN_IF_ERROR(Deflate({}, Z_FINISH));
    finished_ = true;
  }
  if (upload_id_.empty()) return client.PutObject(key_, buffer_);
  if (!buffer_.empty()) RETURN_IF_ERROR(UploadPart(client));
  return client.CompleteMultipartUpload(key_, upload_id_, etags_);
}

void S3Object::Abort(S3Client& client) {
  if (upload_id_.empty()) return;
  (void)client.AbortMultipartUpload(key_, upload_id_);
  upload_id_.clear();
}

}  // namespace sluice::connectors::s3
