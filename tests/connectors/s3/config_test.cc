// S3 sink configuration: the seed's connector config, Confluent's defaults, per-field validation.
#include <gtest/gtest.h>

#include "connectors/s3/credentials.h"
#include "connectors/s3/s3_sink_config.h"

namespace sluice::connectors::s3 {
namespace {

connect::ConfigMap Seed() {
  return {{"s3.bucket.name", "datahub-sales"},
          {"s3.region", "ap-northeast-1"},
          {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
          {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
          {"flush.size", "3"}};
}

std::vector<std::string> ErrorsOf(const std::vector<ConfigValidation>& v, const std::string& key) {
  for (const auto& c : v) {
    if (c.name == key) return c.errors;
  }
  return {};
}

TEST(S3ConfigTest, SeedConfigAndDefaults) {
  Result<S3SinkConfig> c = ParseS3SinkConfig(Seed());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->bucket, "datahub-sales");
  EXPECT_EQ(c->region, "ap-northeast-1");
  EXPECT_EQ(c->flush_size, 3);
  EXPECT_EQ(c->format, FormatKind::kJson);
  EXPECT_EQ(c->partitioner, PartitionerKind::kDefault);
  EXPECT_EQ(c->part_size, 26214400);
  EXPECT_EQ(c->topics_dir, "topics");
  EXPECT_EQ(c->zero_pad_width, 10);
  EXPECT_EQ(c->rotate_interval_ms, -1);
  EXPECT_TRUE(c->path_style);
  EXPECT_FALSE(c->gzip);
  EXPECT_EQ(c->on_null, NullBehavior::kFail);
  EXPECT_EQ(c->parts_in_flight, 1);
}

TEST(S3ConfigTest, RequiredAndRanges) {
  connect::ConfigMap p = Seed();
  p.erase("flush.size");
  Result<S3SinkConfig> c = ParseS3SinkConfig(p);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("flush.size"), std::string::npos);
  p = Seed();
  p["s3.part.size"] = "1048576";
  c = ParseS3SinkConfig(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "Invalid value 1048576 for configuration s3.part.size: Value must be at least 5242880");
  p = Seed();
  p["s3.compression.type"] = "snappy";
  EXPECT_FALSE(ParseS3SinkConfig(p).ok());
  p = Seed();
  p["s3.parts.in.flight"] = "0";
  EXPECT_FALSE(ErrorsOf(ValidateS3SinkConfig(p), "s3.parts.in.flight").empty());
  p["s3.parts.in.flight"] = "4";
  c = ParseS3SinkConfig(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->parts_in_flight, 4);
}

TEST(S3ConfigTest, TimeBasedPartitionerNeedsLocaleAndTimezone) {
  connect::ConfigMap p = Seed();
  p["partitioner.class"] = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner";
  std::vector<ConfigValidation> v = ValidateS3SinkConfig(p);
  EXPECT_EQ(ErrorsOf(v, "locale"), std::vector<std::string>{"Locale cannot be empty."});
  EXPECT_EQ(ErrorsOf(v, "timezone"), std::vector<std::string>{"Timezone cannot be empty."});
  EXPECT_EQ(ErrorsOf(v, "path.format"), std::vector<std::string>{"Path format cannot be empty."});
  EXPECT_EQ(ErrorsOf(v, "partition.duration.ms"),
            std::vector<std::string>{"Partition duration needs to be a positive."});
  EXPECT_FALSE(ParseS3SinkConfig(p).ok());
  p["locale"] = "ja_JP";
  p["timezone"] = "Asia/Tokyo";
  p["path.format"] = "'year'=YYYY/'month'=MM";
  p["partition.duration.ms"] = "3600000";
  EXPECT_TRUE(ParseS3SinkConfig(p).ok());
  p["timezone"] = "Mars/Olympus";
  EXPECT_FALSE(ErrorsOf(ValidateS3SinkConfig(p), "timezone").empty());
}

TEST(S3ConfigTest, DailyPresetAndScheduledRotationNeedsTimezone) {
  connect::ConfigMap p = Seed();
  p["partitioner.class"] = "io.confluent.connect.storage.partitioner.DailyPartitioner";
  p["locale"] = "en_US";
  p["timezone"] = "UTC";
  Result<S3SinkConfig> c = ParseS3SinkConfig(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->path_format, "'year'=YYYY/'month'=MM/'day'=dd");
  EXPECT_EQ(c->partition_duration_ms, 86400000);
  p = Seed();
  p["rotate.schedule.interval.ms"] = "60000";
  EXPECT_FALSE(ErrorsOf(ValidateS3SinkConfig(p), "timezone").empty());
}

TEST(S3ConfigTest, AvroAndParquetRecognisedButRefused) {
  connect::ConfigMap p = Seed();
  p["format.class"] = "io.confluent.connect.s3.format.avro.AvroFormat";
  std::vector<std::string> e = ErrorsOf(ValidateS3SinkConfig(p), "format.class");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("AvroFormat is not supported by Sluice yet"), std::string::npos);
  p["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat";
  EXPECT_FALSE(ParseS3SinkConfig(p).ok());
  p["format.class"] = "com.example.Nope";
  EXPECT_FALSE(ParseS3SinkConfig(p).ok());
}

TEST(S3ConfigTest, KeysAndHeadersFormats) {
  connect::ConfigMap p = Seed();
  Result<S3SinkConfig> c = ParseS3SinkConfig(p);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->store_keys);
  EXPECT_FALSE(c->store_headers);
  // Confluent's keys.format.class / headers.format.class default to AvroFormat, refused by Sluice.
  p["store.kafka.keys"] = "true";
  p["store.kafka.headers"] = "true";
  std::vector<ConfigValidation> v = ValidateS3SinkConfig(p);
  ASSERT_EQ(ErrorsOf(v, "keys.format.class").size(), 1u);
  EXPECT_EQ(
      ErrorsOf(v, "keys.format.class")[0],
      "Invalid value io.confluent.connect.s3.format.avro.AvroFormat for configuration keys.format.class: "
      "AvroFormat is not supported by Sluice yet; use io.confluent.connect.s3.format.json.JsonFormat or "
      "io.confluent.connect.s3.format.bytearray.ByteArrayFormat");
  ASSERT_EQ(ErrorsOf(v, "headers.format.class").size(), 1u);
  EXPECT_TRUE(ErrorsOf(v, "store.kafka.keys").empty());
  EXPECT_FALSE(ParseS3SinkConfig(p).ok());
  p["keys.format.class"] = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
  p["headers.format.class"] = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
  v = ValidateS3SinkConfig(p);
  EXPECT_TRUE(ErrorsOf(v, "keys.format.class").empty());
  ASSERT_EQ(ErrorsOf(v, "headers.format.class").size(), 1u);
  EXPECT_NE(ErrorsOf(v, "headers.format.class")[0].find("ByteArrayFormat cannot write headers"),
            std::string::npos);
  p["headers.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  c = ParseS3SinkConfig(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->store_keys);
  EXPECT_TRUE(c->store_headers);
  EXPECT_EQ(c->keys_format, FormatKind::kByteArray);
  EXPECT_EQ(c->headers_format, FormatKind::kJson);
  // Off: the formats are not looked at (Confluent's Avro default is fine then).
  p["store.kafka.keys"] = "false";
  p["keys.format.class"] = "io.confluent.connect.s3.format.avro.AvroFormat";
  EXPECT_TRUE(ParseS3SinkConfig(p).ok());
}

TEST(S3ConfigTest, SecretNeverInValidationOutput) {
  connect::ConfigMap p = Seed();
  p["aws.secret.access.key"] = "TOPSECRET";
  for (const auto& v : ValidateS3SinkConfig(p)) {
    if (v.value) {
      EXPECT_EQ(v.value->find("TOPSECRET"), std::string::npos) << v.name;
    }
    for (const auto& e : v.errors) EXPECT_EQ(e.find("TOPSECRET"), std::string::npos);
  }
}

TEST(S3CredentialsTest, FileProfiles) {
  const char* text =
      "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = SDEF\n\n"
      "[sales]\naws_access_key_id=AKSALES\naws_secret_access_key=SSALES\naws_session_token=TOK\n";
  Result<AwsCredentials> d = ParseCredentialsFile(text, "default");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->access_key_id, "AKDEF");
  EXPECT_EQ(d->secret_access_key, "SDEF");
  Result<AwsCredentials> s = ParseCredentialsFile(text, "sales");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->session_token, "TOK");
  EXPECT_FALSE(ParseCredentialsFile(text, "other").ok());
}

TEST(S3CredentialsTest, ChainOrderConfigThenEnvThenFile) {
  char tmpl[] = "/tmp/sluice-creds-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    std::string cmd =
        "mkdir -p " + dir +
        "/.aws && printf '[default]\\naws_access_key_id=FILEKEY\\naws_secret_access_key=FILESECRET\\n"
        "[p2]\\naws_access_key_id=P2KEY\\naws_secret_access_key=P2SECRET\\n' > " +
        dir + "/.aws/credentials";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  setenv("HOME", dir.c_str(), 1);
  unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  unsetenv("AWS_PROFILE");
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
  EXPECT_EQ(ResolveCredentials("CFGKEY", "CFGSECRET")->access_key_id, "CFGKEY");
  EXPECT_EQ(ResolveCredentials("", "")->access_key_id, "ENVKEY");
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(ResolveCredentials("", "")->access_key_id, "FILEKEY");
  setenv("AWS_PROFILE", "p2", 1);
  EXPECT_EQ(ResolveCredentials("", "")->access_key_id, "P2KEY");
  setenv("AWS_PROFILE", "missing", 1);
  Result<AwsCredentials> none = ResolveCredentials("", "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message().find("SECRET"), std::string::npos);
  unsetenv("AWS_PROFILE");
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace sluice::connectors::s3
