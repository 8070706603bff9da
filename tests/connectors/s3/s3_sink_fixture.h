// The fixture of the S3 sink's end-to-end tests: a Sluice broker, s3rver with bucket datahub-sales,
// a throwaway HOME with ~/.aws/credentials, standalone workers started on demand, connectors posted
// over REST, and waiting for objects.
// Thread-safety: test-thread only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "connect_test_util.h"
#include "s3_test_util.h"

namespace sluice::testing {

class S3SinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
    ASSERT_TRUE(s3_.Start());
    client_ = s3_.Client("datahub-sales");
    ASSERT_TRUE(client_->CreateBucket().ok());
    char tmpl[] = "/tmp/sluice-s3home-XXXXXX";
    home_ = mkdtemp(tmpl);
    WriteCredentials("[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
  void WriteCredentials(const std::string& text) {
    std::filesystem::create_directories(home_ + "/.aws");
    std::ofstream(home_ + "/.aws/credentials") << text;
  }
  std::unique_ptr<WorkerProcess> StartWorker(bool schemas = true) {
    auto w = std::make_unique<WorkerProcess>(
        std::map<std::string, std::string>{
            {"bootstrap.servers", broker_.bootstrap()},
            {"offset.storage.file.filename", home_ + "/offsets.txt"},
            {"offset.flush.interval.ms", "1000"},
            {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", schemas ? "true" : "false"}},
        /*standalone=*/true);
    w->SetEnv("HOME", home_);
    w->SetEnv("AWS_ACCESS_KEY_ID", "");
    w->SetEnv("AWS_SECRET_ACCESS_KEY", "");
    w->SetEnv("AWS_PROFILE", "");
    return w;
  }
  // POSTs a connector; `extra` is added to the seed-like base config.
  void Create(WorkerProcess& w, const std::string& name, const nlohmann::json& config) {
    nlohmann::json body = {{"name", name}, {"config", config}};
    HttpResponse r = Http(w.port(), "POST", "/connectors", body.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  nlohmann::json Base(const std::string& topics) {
    return {{"connector.class", "io.confluent.connect.s3.S3SinkConnector"},
            {"s3.bucket.name", "datahub-sales"},
            {"s3.region", "ap-northeast-1"},
            {"store.url", s3_.endpoint()},
            {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
            {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
            {"flush.size", 3},
            {"topics", topics},
            {"tasks.max", "1"}};
  }
  // Waits until the objects under `prefix` are exactly `n`; returns them.
  std::map<std::string, std::string> WaitObjects(const std::string& prefix, size_t n, WorkerProcess& w) {
    std::map<std::string, std::string> objs;
    bool ok = WaitUntil(
        [&] {
          auto l = client_->ListAll(prefix);
          return l.ok() && l->size() >= n;
        },
        std::chrono::seconds(30));
    EXPECT_TRUE(ok) << "objects under " << prefix << " never reached " << n << "\n"
                    << w.Output().substr(0, 20000);
    return ReadAll(*client_, prefix);
  }

  BrokerProcess broker_;
  S3rverProcess s3_;
  std::unique_ptr<connectors::s3::S3Client> client_;
  std::string home_;
};

}  // namespace sluice::testing
