// Partitioners, time zones, Joda formatting and the JSON/ByteArray encodings.
#include "connectors/s3/partitioner.h"

#include <gtest/gtest.h>

#include "connectors/s3/record_format.h"
#include "connectors/s3/time_zone.h"

namespace sluice::connectors::s3 {
namespace {

using connect::Schema;
using connect::SchemaBuilder;
using connect::SinkRecord;

S3SinkConfig Base() {
  S3SinkConfig c;
  c.flush_size = 3;
  return c;
}

connect::SchemaPtr SalesSchema() {
  return SchemaBuilder::Struct()
      .Name("ec_uriage")
      .Field("seq", Schema::String())
      .Field("sales_time", SchemaBuilder::Int64()
                               .Name(std::string(connect::kTimestampLogicalName))
                               .Version(1)
                               .Optional()
                               .Build())
      .Field("sales_id", Schema::OptionalString())
      .Field("amount", Schema::OptionalInt32())
      .Build();
}

SinkRecord Sales(const std::string& seq, int64_t ts, const std::string& id, int32_t amount) {
  SinkRecord r;
  r.topic = "ecsales_ec_uriage";
  r.kafka_partition = 0;
  r.kafka_offset = 0;
  r.timestamp = ts;
  r.value_schema = SalesSchema();
  connect::Struct s(r.value_schema);
  EXPECT_TRUE(s.Put("seq", seq).ok());
  EXPECT_TRUE(s.Put("sales_time", ts).ok());
  EXPECT_TRUE(s.Put("sales_id", id).ok());
  EXPECT_TRUE(s.Put("amount", amount).ok());
  r.value = std::move(s);
  return r;
}

TEST(PartitionerTest, Default) {
  auto p = MakePartitioner(Base());
  ASSERT_TRUE(p.ok());
  SinkRecord r = Sales("1", 0, "A", 1);
  r.kafka_partition = 7;
  EXPECT_EQ(*(*p)->Encode(r, 0), "partition=7");
}

TEST(PartitionerTest, Field) {
  S3SinkConfig c = Base();
  c.partitioner = PartitionerKind::kField;
  c.partition_fields = {"sales_id", "amount"};
  auto p = MakePartitioner(c);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*(*p)->Encode(Sales("1", 0, "ECSALES00001", 2), 0), "sales_id=ECSALES00001/amount=2");
  c.partition_fields = {"nope"};
  auto q = MakePartitioner(c);
  EXPECT_FALSE((*q)->Encode(Sales("1", 0, "x", 2), 0).ok());
}

TEST(PartitionerTest, HourlyInTokyoByRecordField) {
  S3SinkConfig c = Base();
  c.partitioner = PartitionerKind::kTimeBased;
  c.path_format = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";
  c.partition_duration_ms = 3600000;
  c.timezone = "Asia/Tokyo";
  c.extractor = ExtractorKind::kRecordField;
  c.timestamp_field = "sales_time";
  auto p = MakePartitioner(c);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  // 1538737871000 = 2018-10-05T11:11:11Z = 20:11 in Tokyo.
  EXPECT_EQ(*(*p)->Encode(Sales("1", 1538737871000, "A", 1), 0), "year=2018/month=10/day=05/hour=20");
  c.timezone = "UTC";
  c.path_format = "YYYY-MM-dd'T'HH";
  c.extractor = ExtractorKind::kRecord;
  auto q = MakePartitioner(c);
  EXPECT_EQ(*(*q)->Encode(Sales("1", 1538737871000, "A", 1), 0), "2018-10-05T11");
}

TEST(TimeZoneTest, OffsetsAndDst) {
  auto tokyo = TimeZone::Load("Asia/Tokyo");
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(tokyo->OffsetAtUtc(1538737871000), 9 * 3600000);
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->OffsetAtUtc(1720000000000), -4 * 3600000);  // July 2024: EDT
  EXPECT_EQ(ny->OffsetAtUtc(1705000000000), -5 * 3600000);  // January 2024: EST
  EXPECT_EQ(TimeZone::Load("+05:30")->OffsetAtUtc(0), 5 * 3600000 + 30 * 60000);
  EXPECT_EQ(TimeZone::Load("UTC")->OffsetAtUtc(123), 0);
  EXPECT_FALSE(TimeZone::Load("Nowhere/Land").ok());
  // Daily buckets start at local midnight.
  int64_t day = TimeBucket(86400000, 1538737871000, *tokyo);
  EXPECT_EQ(FormatJoda("YYYY-MM-dd HH:mm:ss", tokyo->ToLocal(day)), "2018-10-05 00:00:00");
}

TEST(TimeZoneTest, JodaPatterns) {
  // 2018-10-02T13:13:13.456 (a Tuesday).
  int64_t t = 1538485993456;
  EXPECT_EQ(FormatJoda("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", t), "year=2018/month=10/day=02/hour=13");
  EXPECT_EQ(FormatJoda("yy MMM MMMM EEE D mm ss SSS a ''", t), "18 Oct October Tue 275 13 13 456 PM '");
}

TEST(RecordFormatTest, JsonAsKafkaWithoutEnvelope) {
  S3SinkConfig c = Base();
  RecordFormat f(c);
  EXPECT_EQ(f.extension(), ".json");
  std::string out;
  ASSERT_TRUE(f.Append(Sales("1", 1538737871000, "ECSALES00001", 2), out).ok());
  EXPECT_EQ(out, "{\"seq\":\"1\",\"sales_time\":1538737871000,\"sales_id\":\"ECSALES00001\",\"amount\":2}\n");
  c.gzip = true;
  EXPECT_EQ(RecordFormat(c).extension(), ".json.gz");
}

TEST(RecordFormatTest, ByteArray) {
  S3SinkConfig c = Base();
  c.format = FormatKind::kByteArray;
  RecordFormat f(c);
  EXPECT_EQ(f.extension(), ".bin");
  SinkRecord r;
  r.value = connect::Bytes{'a', 'b'};
  std::string out;
  ASSERT_TRUE(f.Append(r, out).ok());
  EXPECT_EQ(out, "ab\n");
  r.value = connect::Value(int32_t{3});
  EXPECT_FALSE(f.Append(r, out).ok());
}

}  // namespace
}  // namespace sluice::connectors::s3
