// AWS Signature Version 4 for S3 (our own, as no AWS SDK is packaged): canonical request, string to
// sign, signing key and the Authorization header, byte-identical to botocore's S3SigV4Auth. Also the
// small crypto helpers the S3 client needs (SHA-256, HMAC, hex, MD5 base64) on OpenSSL.
//
// Thread-safety: pure functions; callable from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::connectors::s3 {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
  std::string source;         // where they came from ("connector config", "environment", ...); no secret
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method;          // "PUT"
  std::string host;            // Host header: "bucket.s3.ap-northeast-1.amazonaws.com", "127.0.0.1:4568"
  std::string encoded_path;    // already URI-encoded ("/datahub-sales/topics/a%20b.json")
  HeaderList query;            // raw (not encoded) query parameters; "" value for flags like "uploads"
  HeaderList headers;          // extra headers to sign and send (content-type, x-amz-meta-..., ...)
  std::string payload_sha256;  // hex SHA-256 of the body
  std::string amz_date;        // "20240102T030405Z"
};

// RFC 3986 encoding as SigV4 wants: unreserved characters kept, others %XX (upper case); '/' kept
// unless encode_slash.
std::string UriEncode(std::string_view s, bool encode_slash);
// The query string as signed and sent: encoded key=value pairs sorted, joined by '&'.
std::string CanonicalQueryString(const HeaderList& query);
std::string CanonicalRequest(const SigningRequest& req, std::string* signed_headers);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HexEncode(std::string_view bytes);
std::string Md5Base64(std::string_view data);
// "YYYYMMDDTHHMMSSZ" of a UNIX time.
std::string AmzDate(int64_t unix_seconds);

// The headers to send, with the signed ones: the request's headers, host, x-amz-content-sha256,
// x-amz-date, x-amz-security-token (with a session token) and Authorization.
HeaderList SignV4(const SigningRequest& req, const AwsCredentials& creds, std::string_view region,
                  std::string_view service = "s3");

}  // namespace sluice::connectors::s3
