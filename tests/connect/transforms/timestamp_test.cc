// Tests for the SimpleDateFormat subset, TimestampConverter and TimestampRouter.
#include <gtest/gtest.h>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transforms.h"
#include "test_util.h"

namespace sluice::connect::transforms {
namespace {

constexpr int64_t kTs = 1700000000123;  // 2023-11-14T22:13:20.123Z, a Tuesday

std::string Fmt(const std::string& pattern, int64_t ms) {
  Result<DateFormat> f = DateFormat::Compile(pattern);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? f->Format(ms) : "";
}

int64_t ParseMs(const std::string& pattern, const std::string& text) {
  Result<DateFormat> f = DateFormat::Compile(pattern);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  Result<int64_t> ms = f->Parse(text);
  EXPECT_TRUE(ms.ok()) << ms.status().ToString();
  return ms.ok() ? *ms : -1;
}

TEST(DateFormatTest, Format) {
  EXPECT_EQ(Fmt("yyyy-MM-dd HH:mm:ss.SSS", kTs), "2023-11-14 22:13:20.123");
  EXPECT_EQ(Fmt("yyyyMMdd", kTs), "20231114");
  EXPECT_EQ(Fmt("yyyy-MM-dd'T'HH:mm:ss'Z'", kTs), "2023-11-14T22:13:20Z");
  EXPECT_EQ(Fmt("EEE, d MMM yy", kTs), "Tue, 14 Nov 23");
  EXPECT_EQ(Fmt("EEEE MMMM", kTs), "Tuesday November");
  EXPECT_EQ(Fmt("hh:mm a", kTs), "10:13 PM");
  EXPECT_EQ(Fmt("D 'o''clock' ''", kTs), "318 o'clock '");
  EXPECT_EQ(Fmt("yyyy-MM-dd HH:mm:ss.SSS Z X", -1), "1969-12-31 23:59:59.999 +0000 Z");
  EXPECT_EQ(Fmt("yyyy-MM-dd", -14182980000), "1969-07-20");
}

TEST(DateFormatTest, Parse) {
  EXPECT_EQ(ParseMs("yyyy-MM-dd HH:mm:ss.SSS", "2023-11-14 22:13:20.123"), kTs);
  EXPECT_EQ(ParseMs("yyyyMMdd", "20240115"), 19737 * kMillisPerDay);
  EXPECT_EQ(ParseMs("yyyy-MM-dd", "2023-13-01"), 19723 * kMillisPerDay);  // lenient: month 13 rolls over
  EXPECT_EQ(ParseMs("yyyy-MM-dd'T'HH:mm:ssZ", "2023-11-14T23:13:20+0100"), kTs - 123);
  EXPECT_EQ(ParseMs("yyyy-MM-dd'T'HH:mm:ssX", "2023-11-14T22:13:20Z"), kTs - 123);
  EXPECT_EQ(ParseMs("dd MMM yyyy hh:mm a", "14 nov 2023 10:13 PM"), kTs - 20123);
  EXPECT_EQ(ParseMs("yyyy-MM-dd", "2024-01-15 trailing text"), 19737 * kMillisPerDay);
  Result<DateFormat> f = DateFormat::Compile("yyyy-MM-dd");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->Parse("2024/01/15").ok());
  EXPECT_FALSE(f->Parse("").ok());
}

TEST(DateFormatTest, CompileErrors) {
  EXPECT_EQ(DateFormat::Compile("yyyy-qq").status().message(), "Illegal pattern character 'q'");
  EXPECT_EQ(DateFormat::Compile("yyyy 'T").status().message(), "Unterminated quote");
  EXPECT_EQ(DateFormat::Compile("ww").status().message(), "Unsupported pattern character 'w'");
}

TEST(TimestampConverterTest, WholeValueWithSchema) {
  auto to_string = Configured(NewTimestampConverter(Side::kValue),
                              {{"target.type", "string"}, {"format", "yyyy-MM-dd HH:mm:ss"}});
  ConnectRecord r = ValueRecord(TimestampSchema(), Value(kTs));
  ASSERT_TRUE(*to_string->Apply(r));
  EXPECT_EQ(*r.value_schema, *Schema::String());
  EXPECT_EQ(r.value, Value("2023-11-14 22:13:20"));

  auto to_ts = Configured(NewTimestampConverter(Side::kValue),
                          {{"target.type", "Timestamp"}, {"format", "yyyy-MM-dd HH:mm:ss"}});
  ConnectRecord s = ValueRecord(Schema::OptionalString(), Value("2023-11-14 22:13:20"));
  ASSERT_TRUE(*to_ts->Apply(s));
  EXPECT_EQ(s.value_schema->name(), kTimestampLogicalName);
  EXPECT_TRUE(s.value_schema->optional());
  EXPECT_EQ(s.value, Value(kTs - 123));
  ConnectRecord bad = ValueRecord(Schema::String(), Value("14/11/2023"));
  EXPECT_EQ(ApplyError(*to_ts, bad),
            "Could not parse timestamp: value (14/11/2023) does not match pattern (yyyy-MM-dd HH:mm:ss)");

  auto to_date = Configured(NewTimestampConverter(Side::kValue), {{"target.type", "Date"}});
  ConnectRecord d = ValueRecord(Schema::Int64(), Value(kTs));  // INT64 reads as unix milliseconds
  ASSERT_TRUE(*to_date->Apply(d));
  EXPECT_EQ(d.value_schema->name(), kDateLogicalName);
  EXPECT_EQ(d.value, Value(int32_t{19675}));

  auto to_time = Configured(NewTimestampConverter(Side::kValue), {{"target.type", "Time"}});
  ConnectRecord t = ValueRecord(TimestampSchema(), Value(kTs));
  ASSERT_TRUE(*to_time->Apply(t));
  EXPECT_EQ(t.value_schema->name(), kTimeLogicalName);
  EXPECT_EQ(t.value, Value(int32_t{80000123}));

  auto to_unix = Configured(NewTimestampConverter(Side::kValue), {{"target.type", "unix"}});
  ConnectRecord u = ValueRecord(DateSchema(), Value(int32_t{1}));
  ASSERT_TRUE(*to_unix->Apply(u));
  EXPECT_EQ(*u.value_schema, *Schema::Int64());
  EXPECT_EQ(u.value, Value(int64_t{86'400'000}));

  ConnectRecord wrong = ValueRecord(Schema::Int32(), Value(int32_t{1}));
  EXPECT_EQ(ApplyError(*to_unix, wrong), "Schema INT32 does not correspond to a known timestamp type format");
}

TEST(TimestampConverterTest, UnixPrecision) {
  auto from_seconds = Configured(NewTimestampConverter(Side::kValue),
                                 {{"target.type", "Timestamp"}, {"unix.precision", "seconds"}});
  ConnectRecord r = ValueRecord(nullptr, Value(int64_t{1700000000}));
  ASSERT_TRUE(*from_seconds->Apply(r));
  EXPECT_EQ(r.value, Value(int64_t{1700000000000}));

  auto to_micros = Configured(NewTimestampConverter(Side::kValue),
                              {{"target.type", "unix"}, {"unix.precision", "microseconds"}});
  ConnectRecord m = ValueRecord(TimestampSchema(), Value(kTs));
  ASSERT_TRUE(*to_micros->Apply(m));
  EXPECT_EQ(m.value, Value(kTs * 1000));

  auto nanos = Configured(NewTimestampConverter(Side::kValue),
                          {{"target.type", "Timestamp"}, {"unix.precision", "nanoseconds"}});
  ConnectRecord n = ValueRecord(nullptr, Value(kTs * 1'000'000 + 999));
  ASSERT_TRUE(*nanos->Apply(n));
  EXPECT_EQ(n.value, Value(kTs));
}

TEST(TimestampConverterTest, FieldInStructAndMap) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("id", Schema::Int32())
                         .Field("at", SchemaBuilder::Int64().Optional().Build())
                         .Build();
  auto t = Configured(NewTimestampConverter(Side::kValue),
                      {{"field", "at"}, {"target.type", "string"}, {"format", "yyyy-MM-dd"}});
  Struct s(schema);
  ASSERT_TRUE(s.Put("id", Value(int32_t{1})).ok());
  ASSERT_TRUE(s.Put("at", Value(kTs)).ok());
  ConnectRecord r = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(*r.value_schema->field("at")->schema, *Schema::OptionalString());
  EXPECT_EQ(*r.value_schema->field("id")->schema, *Schema::Int32());
  EXPECT_EQ(*r.value.get<Struct>().Get("at"), Value("2023-11-14"));

  Struct empty(schema);
  ASSERT_TRUE(empty.Put("id", Value(int32_t{2})).ok());
  ConnectRecord r2 = ValueRecord(schema, Value(empty));
  ASSERT_TRUE(*t->Apply(r2));
  EXPECT_TRUE(r2.value.get<Struct>().Get("at")->is_null());

  ConnectRecord m = ValueRecord(nullptr, M({{"id", int32_t{1}}, {"at", kTs}}));
  ASSERT_TRUE(*t->Apply(m));
  EXPECT_EQ(m.value, M({{"id", int32_t{1}}, {"at", "2023-11-14"}}));
  ConnectRecord bad = ValueRecord(nullptr, M({{"at", 1.5}}));
  EXPECT_EQ(ApplyError(*t, bad),
            "TimestampConverter does not support class java.lang.Double objects as timestamps");
}

TEST(TimestampConverterTest, ConfigErrors) {
  auto t = NewTimestampConverter(Side::kValue);
  EXPECT_EQ(ConfigureError(*t, {{"target.type", "string"}}),
            "TimestampConverter requires format option to be specified when using string timestamps");
  EXPECT_EQ(
      ConfigureError(*t, {{"target.type", "date"}}),
      "Invalid value date for configuration target.type: String must be one of: string, unix, Date, Time, "
      "Timestamp");
  EXPECT_EQ(ConfigureError(*t, {{"target.type", "unix"}, {"format", "yyyy-qq"}}),
            "Invalid value yyyy-qq for configuration format: TimestampConverter requires a "
            "SimpleDateFormat-compatible pattern for string timestamps: Illegal pattern character 'q'");
  EXPECT_EQ(ConfigureError(*t, {{"target.type", "unix"}, {"unix.precision", "hours"}}),
            "Invalid value hours for configuration unix.precision: String must be one of: nanoseconds, "
            "microseconds, milliseconds, seconds");
}

TEST(TimestampRouterTest, DefaultsAndCustomFormat) {
  auto t = Configured(NewTimestampRouter(), {});
  ConnectRecord r = ValueRecord(nullptr, Value("v"));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.topic, "orders-20231114");

  auto u = Configured(NewTimestampRouter(), {{"topic.format", "${timestamp}_${topic}_${topic}"},
                                             {"timestamp.format", "yyyy-MM-dd'T'HH"}});
  ConnectRecord r2 = ValueRecord(nullptr, Value("v"));
  ASSERT_TRUE(*u->Apply(r2));
  EXPECT_EQ(r2.topic, "2023-11-14T22_orders_orders");

  ConnectRecord no_ts = ValueRecord(nullptr, Value("v"));
  no_ts.timestamp.reset();
  EXPECT_EQ(ApplyError(*t, no_ts), "Timestamp missing on record in topic orders");
}

}  // namespace
}  // namespace sluice::connect::transforms
