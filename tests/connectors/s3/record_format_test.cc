// The S3 sink's record formats per view: values, keys (store.kafka.keys) and headers
// (store.kafka.headers) as Confluent's JsonFormat and ByteArrayFormat write them, their extensions,
// and the errors for a null key or a record without headers.
#include <gtest/gtest.h>

#include "connectors/s3/record_format.h"

namespace sluice::connectors::s3 {
namespace {

S3SinkConfig Config(bool gzip = false) {
  S3SinkConfig c;
  c.gzip = gzip;
  return c;
}

connect::SinkRecord Record() {
  connect::SinkRecord r;
  r.topic = "sales";
  r.kafka_partition = 2;
  r.kafka_offset = 41;
  r.key_schema = connect::Schema::String();
  r.key = std::string("ECSALES00001");
  r.value = std::string("v");
  r.headers.push_back(connect::Header{"source", nullptr, std::string("pos \"1\"")});
  r.headers.push_back(connect::Header{"n", connect::Schema::Int32(), int32_t{42}});
  return r;
}

TEST(S3RecordFormatTest, Extensions) {
  S3SinkConfig c = Config();
  EXPECT_EQ(RecordFormat(c).extension(), ".json");
  EXPECT_EQ(RecordFormat(c, FormatKind::kJson, RecordView::kKey).extension(), ".keys.json");
  EXPECT_EQ(RecordFormat(c, FormatKind::kJson, RecordView::kHeaders).extension(), ".headers.json");
  EXPECT_EQ(RecordFormat(c, FormatKind::kByteArray, RecordView::kKey).extension(), ".keys.bin");
  S3SinkConfig gz = Config(true);
  EXPECT_EQ(RecordFormat(gz, FormatKind::kJson, RecordView::kKey).extension(), ".keys.json.gz");
  EXPECT_EQ(RecordFormat(gz, FormatKind::kJson, RecordView::kHeaders).extension(), ".headers.json.gz");
}

TEST(S3RecordFormatTest, KeysAndHeadersAsJson) {
  S3SinkConfig c = Config();
  connect::SinkRecord r = Record();
  std::string out;
  ASSERT_TRUE(RecordFormat(c, FormatKind::kJson, RecordView::kKey).Append(r, out).ok());
  EXPECT_EQ(out, "\"ECSALES00001\"\n");
  out.clear();
  ASSERT_TRUE(RecordFormat(c, FormatKind::kJson, RecordView::kHeaders).Append(r, out).ok());
  EXPECT_EQ(out, R"({"headers":[{"key":"source","value":"pos \"1\""},{"key":"n","value":"42"}]})"
                 "\n");
  out.clear();
  ASSERT_TRUE(RecordFormat(c, FormatKind::kByteArray, RecordView::kKey).Append(r, out).ok());
  EXPECT_EQ(out, "ECSALES00001\n");
}

TEST(S3RecordFormatTest, NullKeyAndMissingHeadersFailAsConfluent) {
  S3SinkConfig c = Config();
  connect::SinkRecord r = Record();
  r.key = connect::Value();
  std::string out;
  Status s = RecordFormat(c, FormatKind::kJson, RecordView::kKey).Append(r, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.message(),
      "Key cannot be null for SinkRecord: SinkRecord{kafkaOffset=41, topic='sales', kafkaPartition=2} ");
  r.headers.clear();
  s = RecordFormat(c, FormatKind::kJson, RecordView::kHeaders).Append(r, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.message(),
      "Headers cannot be null for SinkRecord: SinkRecord{kafkaOffset=41, topic='sales', kafkaPartition=2} ");
}

}  // namespace
}  // namespace sluice::connectors::s3
