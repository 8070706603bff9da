// SigV4: our signer against botocore's S3SigV4Auth on randomised requests (keys with spaces and
// unicode, query strings, empty and non-empty payloads, path-style and virtual-host addressing), plus
// AWS's published example.
#include "connectors/s3/sigv4.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

namespace sluice::connectors::s3 {
namespace {

TEST(SigV4Test, UriEncode) {
  EXPECT_EQ(UriEncode("a b/c~d+e", false), "a%20b/c~d%2Be");
  EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
  EXPECT_EQ(UriEncode("売", false), "%E5%A3%B2");
}

// The GET Object example of AWS's "Signature Calculations for the Authorization Header" page.
TEST(SigV4Test, AwsDocumentationExample) {
  SigningRequest r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.encoded_path = "/test.txt";
  r.headers = {{"Range", "bytes=0-9"}};
  r.payload_sha256 = Sha256Hex("");
  r.amz_date = "20130524T000000Z";
  AwsCredentials c{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", ""};
  HeaderList h = SignV4(r, c, "us-east-1");
  EXPECT_EQ(h.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

std::string RandomText(std::mt19937& rng, size_t max_len, bool allow_slash) {
  static const std::vector<std::string> kPieces = {
      "a", "Z", "0", "9", " ", "-", "_", ".", "~",    "+",      "=", "&", "%", "!", "*", "'",
      "(", ")", "$", ",", ";", ":", "@", "é", "売上", "データ", "😀", "#", "?", "[", "]"};
  std::string out;
  size_t len = std::uniform_int_distribution<size_t>(1, max_len)(rng);
  for (size_t i = 0; i < len; ++i) {
    if (allow_slash && i > 0 && i + 1 < len && rng() % 7 == 0) {
      out += "/";
      continue;
    }
    out += kPieces[rng() % kPieces.size()];
  }
  return out;
}

TEST(SigV4Test, MatchesBotocoreOnRandomRequests) {
  const char* src = std::getenv("SLUICE_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  const std::string script = std::string(src) + "/tests/connectors/s3/botocore_sign.py";
  char tmpl[] = "/tmp/sluice-sigv4-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::mt19937 rng(20240102);
  const std::vector<std::string> methods = {"GET", "PUT", "POST", "DELETE", "HEAD"};
  const std::vector<std::string> hosts = {"127.0.0.1:4568", "s3.ap-northeast-1.amazonaws.com",
                                          "localhost:9000", "minio.internal"};
  std::vector<std::string> ours;
  {
    std::ofstream in(dir + "/in.jsonl");
    for (int i = 0; i < 300; ++i) {
      nlohmann::json j;
      const bool path_style = i % 2 == 0;
      const std::string scheme = i % 3 == 0 ? "https" : "http";
      const std::string bucket = i % 5 == 0 ? "datahub-sales" : "bucket-" + std::to_string(i);
      const std::string key = i % 11 == 0 && path_style ? "" : RandomText(rng, 12, true);
      HeaderList query;
      if (i % 4 != 0) {
        int n = 1 + static_cast<int>(rng() % 3);
        for (int q = 0; q < n; ++q)
          query.emplace_back("q" + std::to_string(q) + RandomText(rng, 4, false),
                             q == 0 && i % 3 == 0 ? "" : RandomText(rng, 6, false));
      }
      HeaderList headers;
      if (i % 3 == 1) headers.emplace_back("Content-Type", "application/json");
      if (i % 5 == 2) headers.emplace_back("x-amz-meta-note", "  two  spaces  inside ");
      if (i % 7 == 3) headers.emplace_back("x-amz-acl", "bucket-owner-full-control");
      const std::string body = i % 2 == 1 ? RandomText(rng, 40, false) : "";
      j["method"] = methods[rng() % methods.size()];
      j["scheme"] = scheme;
      j["endpoint_host"] = hosts[rng() % hosts.size()];
      j["bucket"] = bucket;
      j["key"] = key;
      j["path_style"] = path_style;
      j["query"] = query;
      j["headers"] = headers;
      j["body"] = body;
      j["region"] = i % 2 ? "ap-northeast-1" : "us-east-1";
      j["access_key"] = "AKID" + std::to_string(i);
      j["secret_key"] = "secret/" + std::to_string(i) + "+KEY";
      j["token"] = i % 6 == 0 ? "session-token-" + std::to_string(i) : "";
      in << j.dump() << "\n";

      SigningRequest r;
      r.method = j["method"];
      std::string endpoint_host = j["endpoint_host"];
      if (path_style) {
        r.host = endpoint_host;
        r.encoded_path = "/" + bucket + (key.empty() ? "" : "/" + UriEncode(key, false));
      } else {
        r.host = bucket + "." + endpoint_host;
        r.encoded_path = "/" + UriEncode(key, false);
      }
      r.query = query;
      r.headers = headers;
      r.payload_sha256 = Sha256Hex(body);
      r.amz_date = "20240102T030405Z";
      AwsCredentials c{j["access_key"], j["secret_key"], j["token"], ""};
      HeaderList signed_headers = SignV4(r, c, std::string(j["region"]));
      ours.push_back(signed_headers.back().second);
    }
  }
  const std::string cmd = "/usr/bin/python3 " + script + " < " + dir + "/in.jsonl > " + dir + "/out.txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream out(dir + "/out.txt");
  std::string line;
  size_t n = 0;
  while (std::getline(out, line)) {
    ASSERT_LT(n, ours.size());
    EXPECT_EQ(ours[n], line) << "request " << n;
    ++n;
  }
  EXPECT_EQ(n, ours.size());
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace sluice::connectors::s3
