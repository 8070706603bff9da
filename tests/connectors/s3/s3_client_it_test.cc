// S3Client against s3rver (which checks the access key, not V4 signatures): objects with awkward keys,
// multipart upload, listing with start-after, S3 error codes, tolerated AbortMultipartUpload.
#include <gtest/gtest.h>

#include "s3_test_util.h"

namespace sluice::testing {
namespace {

using connectors::s3::S3Client;

class S3ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s3_.Start());
    client_ = s3_.Client("sluice-client");
    ASSERT_TRUE(client_->CreateBucket().ok());
  }
  S3rverProcess s3_;
  std::unique_ptr<S3Client> client_;
};

TEST_F(S3ClientTest, PutGetListWithAwkwardKeys) {
  const std::vector<std::string> keys = {"topics/a b/c+d=e&f.json", "topics/売上/データ.json",
                                         "topics/x~y/(1)!'*.json"};
  for (const auto& k : keys) ASSERT_TRUE(client_->PutObject(k, "body of " + k).ok()) << k;
  for (const auto& k : keys) EXPECT_EQ(*client_->GetObject(k), "body of " + k);
  auto all = client_->ListAll("topics/");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), keys.size());
  EXPECT_TRUE(client_->HeadObject(keys[0]).ok());
  EXPECT_EQ(client_->HeadObject("topics/none").code(), Status::Code::kNotFound);
}

TEST_F(S3ClientTest, ListWithStartAfter) {
  for (int i = 0; i < 25; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "p/t+0+%010d.json", i * 3);
    ASSERT_TRUE(client_->PutObject(name, "x").ok());
  }
  // (s3rver answers 500 to a truncated ListObjectsV2 page, so paging is not exercised here.)
  auto all = client_->ListAll("p/");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 25u);
  auto after = client_->ListAll("p/", "p/t+0+0000000030");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 15u);
  EXPECT_EQ(after->front().key, "p/t+0+0000000030.json");
}

TEST_F(S3ClientTest, MultipartUpload) {
  std::string part1(5 * 1024 * 1024, 'a');
  std::string part2(5 * 1024 * 1024, 'b');
  std::string part3 = "tail";
  auto id = client_->CreateMultipartUpload("big/object.bin");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<std::string> etags;
  for (const std::string* p : {&part1, &part2, &part3}) {
    auto e = client_->UploadPart("big/object.bin", *id, static_cast<int>(etags.size()) + 1, *p);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    etags.push_back(*e);
  }
  EXPECT_EQ(client_->HeadObject("big/object.bin").code(),
            Status::Code::kNotFound);  // not visible before Complete
  ASSERT_TRUE(client_->CompleteMultipartUpload("big/object.bin", *id, etags).ok());
  auto body = client_->GetObject("big/object.bin");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, part1 + part2 + part3);
  auto id2 = client_->CreateMultipartUpload("big/aborted.bin");
  ASSERT_TRUE(id2.ok());
  EXPECT_TRUE(client_->AbortMultipartUpload("big/aborted.bin", *id2).ok());  // s3rver answers 405
}

TEST_F(S3ClientTest, ErrorsCarryS3CodeAndNoSecret) {
  connectors::s3::S3ClientOptions o;
  o.bucket = "sluice-client";
  o.endpoint = s3_.endpoint();
  o.part_retries = 0;
  S3Client bad_key(o, {"NOPE", "TOPSECRET", "", "test"});
  Status s = bad_key.PutObject("k", "v");
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_NE(s.message().find("403 InvalidAccessKeyId"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("TOPSECRET"), std::string::npos);
  // s3rver checks the access key but not V4 signatures: sigv4_test compares them with botocore.
  auto missing = s3_.Client("no-such-bucket");
  s = missing->PutObject("k", "v");
  EXPECT_NE(s.message().find("NoSuchBucket"), std::string::npos) << s.message();
}

TEST_F(S3ClientTest, UnreachableEndpointIsRetriable) {
  connectors::s3::S3ClientOptions o;
  o.bucket = "b";
  o.endpoint = "http://127.0.0.1:" + std::to_string(FreeTcpPort());
  o.part_retries = 2;
  o.retry_backoff_ms = 10;
  S3Client c(o, {"S3RVER", "S3RVER", "", "test"});
  Status s = c.PutObject("k", "v");
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_EQ(c.requests(), 3);
}

}  // namespace
}  // namespace sluice::testing
