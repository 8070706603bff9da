// S3Client against s3rver (which checks the access key, not V4 signatures): objects with awkward keys,
// multipart upload, listing with start-after, S3 error codes, tolerated AbortMultipartUpload; the
// Uploader with parts side by side, completions after their parts, and a queue stopped by an
// unreachable endpoint that resumes without losing or repeating a byte.
#include <gtest/gtest.h>

#include "connectors/s3/uploader.h"
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

// Queues three objects of three parts each (two of 5 MiB) and a single PUT; returns key -> bytes.
// `up` is expected to accept them without error unless `outage`.
std::map<std::string, std::string> QueueObjects(
    connectors::s3::Uploader& up, std::vector<std::shared_ptr<connectors::s3::ObjectUpload>>& objects,
    bool outage = false) {
  using connectors::s3::ObjectUpload;
  using connectors::s3::UploadJob;
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 3; ++i) {
    auto obj = std::make_shared<ObjectUpload>("up/object-" + std::to_string(i));
    std::string all;
    for (int part = 1; part <= 3; ++part) {
      std::string body(part < 3 ? 5 * 1024 * 1024 : 1000 + i, static_cast<char>('a' + i * 3 + part));
      all += body;
      Status s = up.Submit(UploadJob{UploadJob::Kind::kPart, obj, std::move(body), part});
      EXPECT_TRUE(s.ok() || outage) << s.ToString();
    }
    Status s = up.Submit(UploadJob{UploadJob::Kind::kComplete, obj, {}, 0});
    EXPECT_TRUE(s.ok() || outage) << s.ToString();
    expected[obj->key] = all;
    objects.push_back(obj);
  }
  auto small = std::make_shared<ObjectUpload>("up/small");
  Status s = up.Submit(UploadJob{UploadJob::Kind::kPut, small, "tiny", 0});
  EXPECT_TRUE(s.ok() || outage) << s.ToString();
  expected[small->key] = "tiny";
  objects.push_back(small);
  return expected;
}

TEST_F(S3ClientTest, UploaderPartsSideBySideCompletionsAfterTheirParts) {
  connectors::s3::BufferPool pool(2);
  connectors::s3::Uploader up(client_->options(), {"S3RVER", "S3RVER", "", "test"}, &pool, 2, 3);
  std::vector<std::shared_ptr<connectors::s3::ObjectUpload>> objects;
  std::map<std::string, std::string> expected = QueueObjects(up, objects);
  ASSERT_TRUE(up.Drain().ok());
  for (const auto& o : objects) EXPECT_TRUE(o->done.load()) << o->key;
  for (const auto& [key, bytes] : expected) {
    auto body = client_->GetObject(key);
    ASSERT_TRUE(body.ok()) << key << ": " << body.status().ToString();
    EXPECT_TRUE(*body == bytes) << key << ": " << body->size() << " bytes, expected " << bytes.size();
  }
}

TEST_F(S3ClientTest, UploaderStoppedByAnOutageResumesWhereItFailed) {
  s3_.Stop();
  connectors::s3::S3ClientOptions o = client_->options();
  o.retry_backoff_ms = 10;
  connectors::s3::BufferPool pool(2);
  connectors::s3::Uploader up(o, {"S3RVER", "S3RVER", "", "test"}, &pool, 2, 3);
  std::vector<std::shared_ptr<connectors::s3::ObjectUpload>> objects;
  std::map<std::string, std::string> expected = QueueObjects(up, objects, /*outage=*/true);
  Status s = up.Drain();
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  for (const auto& obj : objects) EXPECT_FALSE(obj->done.load()) << obj->key;
  ASSERT_TRUE(s3_.Start());
  up.Resume();
  s = up.Drain();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const auto& [key, bytes] : expected) {
    auto body = client_->GetObject(key);
    ASSERT_TRUE(body.ok()) << key << ": " << body.status().ToString();
    EXPECT_TRUE(*body == bytes) << key << ": " << body->size() << " bytes, expected " << bytes.size();
  }
}

}  // namespace
}  // namespace sluice::testing
