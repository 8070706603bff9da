// A small S3 client on libcurl with our SigV4 signing: PUT/GET/HEAD/DELETE object, multipart upload
// (create, upload part, complete, abort), ListObjectsV2. Path-style or virtual-host addressing, any
// endpoint (AWS, MinIO, s3rver, Ceph).
//
// Errors: timeouts, connection failures, 5xx, 429 and "200 with an <Error> body" are retried
// `part_retries` times with exponential backoff and full jitter, then returned as Unavailable
// (retriable for the runtime). Other 4xx are returned at once as IOError carrying S3's code and
// message, e.g. "S3 PUT datahub-sales/topics/x.json: 403 InvalidAccessKeyId: The AWS Access Key Id you
// provided does not exist in our records." Credentials never appear in messages or logs.
//
// Thread-safety: one S3Client per thread (it owns one curl handle and its connection cache).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "connectors/s3/sigv4.h"

namespace sluice::connectors::s3 {

struct S3ClientOptions {
  std::string bucket;
  std::string region = "us-west-2";
  std::string endpoint;  // "http://127.0.0.1:4568"; empty: https://s3.<region>.amazonaws.com
  bool path_style = true;
  int part_retries = 3;            // retries after the first attempt
  int64_t retry_backoff_ms = 200;  // first backoff; doubles up to 20 s
  std::string sse;                 // x-amz-server-side-encryption (AES256, aws:kms); empty: none
  std::string acl_canned;          // x-amz-acl; empty: none
  int64_t connect_timeout_ms = 10000;
  int64_t stall_timeout_ms = 30000;  // no progress for this long: timeout
};

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
};

struct ListResult {
  std::vector<ObjectInfo> objects;
  std::string next_continuation_token;  // empty: no more
};

class S3Client {
 public:
  S3Client(S3ClientOptions options, AwsCredentials credentials);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3ClientOptions& options() const { return options_; }
  // When set and true, retries stop early (the task is stopping).
  void set_stop_flag(const std::atomic<bool>* stop) { stop_ = stop; }

  Status PutObject(std::string_view key, std::string_view body, std::string_view content_type = {});
  Result<std::string> GetObject(std::string_view key);
  // NotFound for a missing object.
  Status HeadObject(std::string_view key);
  Status DeleteObject(std::string_view key);
  Status HeadBucket();
  Status CreateBucket();

  // Returns the upload id.
  Result<std::string> CreateMultipartUpload(std::string_view key, std::string_view content_type = {});
  // Returns the part's ETag. part_number starts at 1.
  Result<std::string> UploadPart(std::string_view key, std::string_view upload_id, int part_number,
                                 std::string_view body);
  Status CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                 const std::vector<std::string>& etags);
  // An endpoint without AbortMultipartUpload (405/501, s3rver) is tolerated.
  Status AbortMultipartUpload(std::string_view key, std::string_view upload_id);

  // One page of ListObjectsV2 (keys in UTF-8 binary order).
  Result<ListResult> ListObjects(std::string_view prefix, std::string_view start_after = {},
                                 std::string_view continuation_token = {}, int max_keys = 1000);
  // All pages.
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix, std::string_view start_after = {});

  // Requests sent (attempts included), for tests and metrics.
  int64_t requests() const { return requests_; }

 private:
  struct Response {
    long status = 0;
    std::string body;
    std::string etag;
  };
  struct Request {
    std::string method;
    std::string key;  // empty: the bucket
    HeaderList query;
    HeaderList headers;
    std::string_view body;
    bool head = false;
  };
  Result<Response> Send(const Request& req);
  Result<Response> SendOnce(const Request& req, std::string* transport_error);

  S3ClientOptions options_;
  AwsCredentials credentials_;
  std::string scheme_;
  std::string host_;  // endpoint host[:port]
  void* curl_ = nullptr;
  const std::atomic<bool>* stop_ = nullptr;
  int64_t requests_ = 0;
};

// The text of the first <tag>...</tag> in `xml`, entities decoded; empty if absent.
std::string XmlTag(std::string_view xml, std::string_view tag, size_t* pos = nullptr, bool decode = true);

}  // namespace sluice::connectors::s3
