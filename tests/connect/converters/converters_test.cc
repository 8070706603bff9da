// Tests for StringConverter, ByteArrayConverter, the numeric converters, SimpleHeaderConverter (and the
// Java/Kafka text forms behind them) and RegisterConverters. Expected texts follow Java's toString
// methods and Kafka's Values class (connect/api/.../data/Values.java) as noted per case.
#include <gtest/gtest.h>

#include "connect/converters/byte_array_converter.h"
#include "connect/converters/number_converter.h"
#include "connect/converters/register.h"
#include "connect/converters/simple_header_converter.h"
#include "connect/converters/string_converter.h"
#include "connect/converters/value_text.h"

namespace sluice::connect {
namespace {

std::string Java(const SchemaPtr& schema, const Value& v) {
  auto r = JavaString(schema.get(), v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

std::string Values(const SchemaPtr& schema, const Value& v) {
  auto r = ValuesToString(schema.get(), v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

SchemaPtr PointSchema() {
  return SchemaBuilder::Struct()
      .Field("x", Schema::Int32())
      .Field("label", Schema::OptionalString())
      .Field("tag", SchemaBuilder::String().Optional().DefaultValue("none").Build())
      .Build();
}

TEST(StringConverterTest, WritesJavaStringForms) {
  StringConverter c;
  ASSERT_TRUE(c.Configure({}, false).ok());
  EXPECT_EQ(*c.FromConnectData("t", Schema::String().get(), "héllo"), "héllo");
  EXPECT_EQ(*c.FromConnectData("t", nullptr, int64_t{42}), "42");
  EXPECT_EQ(*c.FromConnectData("t", nullptr, Value()), std::nullopt);
  // Double.toString, BigDecimal.toString, Boolean.toString.
  EXPECT_EQ(Java(nullptr, 1e20), "1.0E20");
  EXPECT_EQ(Java(nullptr, 0.5f), "0.5");
  EXPECT_EQ(Java(DecimalSchema(2), EncodeDecimalUnscaled(-1230)), "-12.30");
  EXPECT_EQ(Java(nullptr, false), "false");
  // AbstractCollection/AbstractMap.toString and Struct.toString (null fields left out).
  EXPECT_EQ(Java(nullptr, Array{int32_t{1}, Value(), "a"}), "[1, null, a]");
  EXPECT_EQ(Java(nullptr, Map{{"a", int32_t{1}}, {"b", Array{}}}), "{a=1, b=[]}");
  Struct p(PointSchema());
  ASSERT_TRUE(p.Put("x", int32_t{3}).ok());
  EXPECT_EQ(Java(PointSchema(), p), "Struct{x=3}");
  // java.util.Date.toString in UTC.
  EXPECT_EQ(Java(DateSchema(), int32_t{0}), "Thu Jan 01 00:00:00 UTC 1970");
  EXPECT_EQ(Java(TimestampSchema(), int64_t{1700000000123}), "Tue Nov 14 22:13:20 UTC 2023");
}

TEST(StringConverterTest, ReadsOptionalString) {
  StringConverter c;
  ASSERT_TRUE(c.Configure({{"converter.encoding", "utf-8"}}, true).ok());
  auto v = c.ToConnectData("t", "abc");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->schema, *Schema::OptionalString());
  EXPECT_EQ(v->value, Value("abc"));
  auto n = c.ToConnectData("t", std::nullopt);
  EXPECT_TRUE(n->value.is_null());
  EXPECT_EQ(*n->schema, *Schema::OptionalString());
  EXPECT_FALSE(c.Configure({{"converter.encoding", "ISO-8859-1"}}, false).ok());
}

TEST(ByteArrayConverterTest, BytesOnly) {
  ByteArrayConverter c;
  ASSERT_TRUE(c.Configure({}, false).ok());
  EXPECT_EQ(*c.FromConnectData("t", Schema::Bytes().get(), Bytes{0, 255}), std::string("\0\xff", 2));
  EXPECT_EQ(*c.FromConnectData("t", nullptr, Bytes{1}), std::string("\x01"));
  EXPECT_EQ(*c.FromConnectData("t", nullptr, Value()), std::nullopt);
  auto bad_schema = c.FromConnectData("t", Schema::String().get(), "x");
  EXPECT_EQ(bad_schema.status().message(), "Invalid schema type for ByteArrayConverter: STRING");
  EXPECT_FALSE(c.FromConnectData("t", nullptr, "x").ok());
  auto v = c.ToConnectData("t", std::string_view("\x01\x02", 2));
  EXPECT_EQ(*v->schema, *Schema::OptionalBytes());
  EXPECT_EQ(v->value, Value(Bytes{1, 2}));
  EXPECT_TRUE(c.ToConnectData("t", std::nullopt)->value.is_null());
}

TEST(NumberConverterTest, BigEndianLikeKafkaSerializers) {
  NumberConverter ints(SchemaType::kInt32);
  EXPECT_EQ(*ints.FromConnectData("t", nullptr, int32_t{0x01020304}), std::string("\x01\x02\x03\x04"));
  EXPECT_EQ(*ints.FromConnectData("t", nullptr, int32_t{-1}), std::string(4, '\xff'));
  EXPECT_FALSE(ints.FromConnectData("t", nullptr, int64_t{1}).ok());  // Java: ClassCastException
  EXPECT_EQ(ints.ToConnectData("t", std::string("\xff\xff\xff\xfe"))->value, Value(int32_t{-2}));
  EXPECT_FALSE(ints.ToConnectData("t", std::string("\x01")).ok());
  NumberConverter shorts(SchemaType::kInt16);
  EXPECT_EQ(*shorts.FromConnectData("t", nullptr, int16_t{258}), std::string("\x01\x02"));
  NumberConverter doubles(SchemaType::kFloat64);
  // 1.0 = 0x3FF0000000000000.
  EXPECT_EQ(*doubles.FromConnectData("t", nullptr, 1.0), std::string("\x3f\xf0\0\0\0\0\0\0", 8));
  auto d = doubles.ToConnectData("t", std::string("\x3f\xf0\0\0\0\0\0\0", 8));
  EXPECT_EQ(*d->schema, *Schema::OptionalFloat64());
  EXPECT_EQ(d->value, Value(1.0));
  NumberConverter floats(SchemaType::kFloat32);
  EXPECT_EQ(floats.ToConnectData("t", *floats.FromConnectData("t", nullptr, 2.5f).value())->value,
            Value(2.5f));
  NumberConverter longs(SchemaType::kInt64);
  EXPECT_EQ(longs.ToConnectData("t", *longs.FromConnectData("t", nullptr, int64_t{-5}).value())->value,
            Value(int64_t{-5}));
  EXPECT_EQ(*longs.FromConnectData("t", nullptr, Value()), std::nullopt);
  EXPECT_EQ(NumberConverter::ClassName(SchemaType::kInt32),
            "org.apache.kafka.connect.converters.IntegerConverter");
}

TEST(SimpleHeaderConverterTest, WritesValuesText) {
  SimpleHeaderConverter c;
  EXPECT_EQ(*c.FromConnectHeader("t", "h", Schema::String().get(), "plain \"text\""), "plain \"text\"");
  EXPECT_EQ(*c.FromConnectHeader("t", "h", nullptr, int32_t{12}), "12");
  EXPECT_EQ(*c.FromConnectHeader("t", "h", nullptr, Value()), std::nullopt);
  // Values.append: embedded strings quoted with \ and " escaped, no spaces, struct defaults applied.
  EXPECT_EQ(Values(nullptr, Array{"a\"b", int64_t{1}, true, Value()}), R"(["a\"b",1,true,null])");
  EXPECT_EQ(Values(nullptr, Map{{"k", 1.5}}), R"({"k":1.5})");
  Struct p(PointSchema());
  ASSERT_TRUE(p.Put("x", int32_t{3}).ok());
  EXPECT_EQ(Values(PointSchema(), p), R"({"x":3,"label":null,"tag":"none"})");
  EXPECT_EQ(Values(nullptr, Bytes{1, 2, 3}), "AQID");
  // Values.dateFormatFor picks the format from the millisecond value.
  EXPECT_EQ(Values(DateSchema(), int32_t{19000}), "2022-01-08");
  EXPECT_EQ(Values(TimeSchema(), int32_t{3723004}), "01:02:03.004Z");
  EXPECT_EQ(Values(TimestampSchema(), int64_t{1700000000123}), "2023-11-14T22:13:20.123Z");
}

TEST(SimpleHeaderConverterTest, ParsesCommonTypes) {
  auto parse = [](std::string_view text) { return ParseValueString(text); };
  EXPECT_EQ(*parse("12").schema, *Schema::Int8());
  EXPECT_EQ(parse("12").value, Value(int8_t{12}));
  EXPECT_EQ(parse("-300").value, Value(int16_t{-300}));
  EXPECT_EQ(parse("70000").value, Value(int32_t{70000}));
  EXPECT_EQ(parse("4398046511104").value, Value(int64_t{4398046511104}));
  EXPECT_EQ(parse("1.0").value, Value(int8_t{1}));  // byteValueExact accepts 1.0
  EXPECT_EQ(parse("1e3").value, Value(int16_t{1000}));
  EXPECT_EQ(*parse("1.5").schema, *Schema::Float32());
  EXPECT_EQ(parse("1.5").value, Value(1.5f));
  EXPECT_EQ(*parse("1.5e300").schema, *Schema::Float64());
  EXPECT_EQ(*parse("1e400").schema, *DecimalSchema(-400));  // beyond double: BigDecimal
  EXPECT_EQ(parse("1e-400").value, Value(0.0f));            // underflows to 0.0 as floatValue does
  EXPECT_EQ(*parse(std::string(400, '9') + ".5").schema, *DecimalSchema(1));
  EXPECT_EQ(parse("0e50").value, Value(int8_t{0}));
  SchemaAndValue big = parse("123456789012345678901234567890");
  EXPECT_EQ(*big.schema, *DecimalSchema(0));
  EXPECT_EQ(*DecimalToString(big.value.get<Bytes>(), 0), "123456789012345678901234567890");
  EXPECT_EQ(parse("true").value, Value(true));
  EXPECT_EQ(parse(" false ").value, Value(false));
  EXPECT_EQ(parse("null").schema, nullptr);
  EXPECT_TRUE(parse("null").value.is_null());
  EXPECT_EQ(parse("").value, Value(""));
  EXPECT_EQ(parse("hello world").value, Value("hello world"));
  EXPECT_EQ(parse("12abc").value, Value("12abc"));
  EXPECT_EQ(parse("[1,2]").value, Value("[1,2]"));
  EXPECT_EQ(*parse("2022-01-08").schema, *DateSchema());
  EXPECT_EQ(parse("2022-01-08").value, Value(int32_t{19000}));
  EXPECT_EQ(parse("2022-02-30").value, Value("2022-02-30"));
  EXPECT_EQ(parse("01:02:03.004Z").value, Value(int32_t{3723004}));
  EXPECT_EQ(parse("2023-11-14T22:13:20.123Z").value, Value(int64_t{1700000000123}));
  // Round trip through the converter.
  SimpleHeaderConverter c;
  auto back = c.ToConnectHeader("t", "h", *c.FromConnectHeader("t", "h", nullptr, int64_t{5}).value());
  EXPECT_EQ(back->value, Value(int8_t{5}));
  EXPECT_EQ(c.ToConnectHeader("t", "h", std::nullopt)->schema, nullptr);
}

TEST(RegisterConvertersTest, NamesAndHeaderVariants) {
  PluginRegistry registry;
  RegisterConverters(registry);
  for (const char* name :
       {"org.apache.kafka.connect.json.JsonConverter", "JsonConverter",
        "org.apache.kafka.connect.storage.StringConverter", "StringConverter",
        "org.apache.kafka.connect.converters.ByteArrayConverter", "ByteArrayConverter", "IntegerConverter",
        "LongConverter", "ShortConverter", "FloatConverter", "DoubleConverter"}) {
    const PluginInfo* conv = registry.Find(name, {PluginType::kConverter});
    ASSERT_NE(conv, nullptr) << name;
    ASSERT_TRUE(conv->new_converter) << name;
    EXPECT_NE(conv->new_converter(), nullptr);
    const PluginInfo* header = registry.Find(name, {PluginType::kHeaderConverter});
    ASSERT_NE(header, nullptr) << name;
    ASSERT_TRUE(header->new_header_converter) << name;
  }
  EXPECT_EQ(registry.Find("JsonConverter")->type, PluginType::kConverter);
  const PluginInfo* simple = registry.Find("SimpleHeaderConverter");
  ASSERT_NE(simple, nullptr);
  EXPECT_EQ(simple->class_name, "org.apache.kafka.connect.storage.SimpleHeaderConverter");
  EXPECT_EQ(registry.Find("SimpleHeaderConverter", {PluginType::kConverter}), nullptr);
  // A converter used as a header converter.
  std::unique_ptr<HeaderConverter> json =
      registry.Find("JsonConverter", {PluginType::kHeaderConverter})->new_header_converter();
  ASSERT_TRUE(json->Configure({{"schemas.enable", "false"}}).ok());
  EXPECT_EQ(*json->FromConnectHeader("t", "h", Schema::String().get(), "x"), R"("x")");
}

}  // namespace
}  // namespace sluice::connect
