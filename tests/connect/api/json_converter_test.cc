// Tests for JsonConverter: exact Kafka output, round trips with and without schemas, and errors.
#include "connect/api/json_converter.h"

#include <gtest/gtest.h>

namespace sluice::connect {
namespace {

SchemaPtr OrderSchema() {
  return SchemaBuilder::Struct()
      .Name("com.example.Order")
      .Field("id", Schema::Int32())
      .Field("name", Schema::OptionalString())
      .Field("amount", DecimalSchema(2))
      .Build();
}

TEST(JsonConverterTest, ExactKafkaStructOutput) {
  SchemaPtr s = OrderSchema();
  Struct order(s);
  ASSERT_TRUE(order.Put("id", int32_t{42}).ok());
  ASSERT_TRUE(order.Put("name", "widget").ok());
  ASSERT_TRUE(order.Put("amount", EncodeDecimalUnscaled(12345)).ok());  // 123.45
  JsonConverter conv;
  auto json = conv.FromConnectData(s.get(), order);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json,
            R"({"schema":{"type":"struct","fields":[)"
            R"({"type":"int32","optional":false,"field":"id"},)"
            R"({"type":"string","optional":true,"field":"name"},)"
            R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
            R"("parameters":{"scale":"2"},"field":"amount"}],"optional":false,"name":"com.example.Order"},)"
            R"("payload":{"id":42,"name":"widget","amount":"MDk="}})");
  auto back = conv.ToConnectData(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back->schema, *s);
  EXPECT_EQ(back->value, Value(order));

  JsonConverter plain(JsonConverterConfig{.schemas_enable = false});
  EXPECT_EQ(*plain.FromConnectData(s.get(), order), R"({"id":42,"name":"widget","amount":"MDk="})");
}

void ExpectRoundTrip(const SchemaPtr& schema, const Value& v, const std::string& payload) {
  JsonConverter conv;
  auto json = conv.FromConnectData(schema.get(), v);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto back = conv.ToConnectData(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << " in " << *json;
  ASSERT_NE(back->schema, nullptr);
  EXPECT_EQ(*back->schema, *schema) << *json;
  EXPECT_EQ(back->value, v) << *json;
  JsonConverter plain(JsonConverterConfig{.schemas_enable = false});
  EXPECT_EQ(*plain.FromConnectData(schema.get(), v), payload);
}

TEST(JsonConverterTest, RoundTripsEveryTypeWithSchemas) {
  ExpectRoundTrip(Schema::Int8(), int8_t{-8}, "-8");
  ExpectRoundTrip(Schema::Int16(), int16_t{300}, "300");
  ExpectRoundTrip(Schema::Int32(), int32_t{-70000}, "-70000");
  ExpectRoundTrip(Schema::Int64(), int64_t{INT64_MAX}, "9223372036854775807");
  ExpectRoundTrip(Schema::Float32(), 1.1f, "1.1");
  ExpectRoundTrip(Schema::Float64(), 2.5, "2.5");
  ExpectRoundTrip(Schema::Boolean(), true, "true");
  ExpectRoundTrip(Schema::String(), "h\"i", R"("h\"i")");
  ExpectRoundTrip(Schema::Bytes(), Bytes{0, 1, 2, 255}, R"("AAEC/w==")");
  ExpectRoundTrip(Schema::OptionalString(), Value(), "null");
  ExpectRoundTrip(SchemaBuilder::Array(Schema::Int32()).Build(), Array{int32_t{1}, int32_t{2}}, "[1,2]");
  ExpectRoundTrip(SchemaBuilder::Map(Schema::String(), Schema::Int64()).Build(),
                  Map{{"b", int64_t{1}}, {"a", int64_t{2}}}, R"({"b":1,"a":2})");
  ExpectRoundTrip(SchemaBuilder::Map(Schema::Int32(), Schema::Boolean()).Build(),
                  Map{{int32_t{1}, true}, {int32_t{2}, false}}, "[[1,true],[2,false]]");
  ExpectRoundTrip(SchemaBuilder::String().Optional().Doc("doc").Parameter("k", "v").Version(2).Build(), "x",
                  R"("x")");
  // Logical types.
  ExpectRoundTrip(DecimalSchema(3), EncodeDecimalUnscaled(-1), R"("/w==")");
  ExpectRoundTrip(DateSchema(), int32_t{19000}, "19000");
  ExpectRoundTrip(TimeSchema(), int32_t{3600000}, "3600000");
  ExpectRoundTrip(TimestampSchema(), int64_t{1700000000000}, "1700000000000");
  // Nested struct inside an array.
  SchemaPtr s = OrderSchema();
  Struct order(s);
  ASSERT_TRUE(order.Put("id", int32_t{1}).ok());
  ASSERT_TRUE(order.Put("amount", EncodeDecimalUnscaled(5)).ok());
  ExpectRoundTrip(SchemaBuilder::Array(s).Build(), Array{Value(order)},
                  R"([{"id":1,"name":null,"amount":"BQ=="}])");
}

TEST(JsonConverterTest, SchemaJsonAndDefaults) {
  SchemaPtr s = SchemaBuilder::Int32()
                    .Optional()
                    .Name("n")
                    .Version(1)
                    .Doc("d")
                    .Parameter("p", "q")
                    .DefaultValue(int32_t{5})
                    .Build();
  EXPECT_EQ(
      *JsonConverter::SchemaToJsonText(*s),
      R"({"type":"int32","optional":true,"name":"n","version":1,"doc":"d","parameters":{"p":"q"},"default":5})");
  auto back = JsonConverter::SchemaFromJsonText(*JsonConverter::SchemaToJsonText(*s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(**back, *s);
  // A null value is replaced by the default both ways.
  JsonConverter conv;
  EXPECT_EQ(*conv.FromConnectData(s.get(), Value()),
            R"({"schema":)" + *JsonConverter::SchemaToJsonText(*s) + R"(,"payload":5})");
  auto v = conv.ToConnectData(R"({"schema":{"type":"int32","default":7},"payload":null})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, Value(int32_t{7}));
  EXPECT_FALSE(JsonConverter::SchemaFromJsonText(R"({"type":"nope"})").ok());
  EXPECT_EQ(JsonConverter::SchemaFromJsonText(R"({"type":"array"})").status().message(),
            "Array schema did not specify the element type");
}

TEST(JsonConverterTest, SchemalessRoundTrip) {
  JsonConverter plain(JsonConverterConfig{.schemas_enable = false});
  auto v = plain.ToConnectData(R"({"a":1,"b":[true,null,"s"],"c":1.5})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->schema, nullptr);
  Value expected(Map{{"a", int64_t{1}}, {"b", Array{true, Value(), "s"}}, {"c", 1.5}});
  EXPECT_EQ(v->value, expected);
  EXPECT_EQ(*plain.FromConnectData(nullptr, v->value), R"({"a":1,"b":[true,null,"s"],"c":1.5})");
  EXPECT_EQ(*plain.FromConnectData(nullptr, Map{{int32_t{1}, "x"}}), R"([[1,"x"]])");
  // With schemas.enable and no schema: {"schema":null,...}.
  JsonConverter conv;
  auto enveloped = conv.FromConnectData(nullptr, Array{int64_t{1}});
  EXPECT_EQ(*enveloped, R"({"schema":null,"payload":[1]})");
  auto back = conv.ToConnectData(*enveloped);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value, Value(Array{int64_t{1}}));
}

TEST(JsonConverterTest, NullRecord) {
  JsonConverter conv;
  EXPECT_EQ(*conv.FromConnectData(nullptr, Value()), "null");
  auto back = conv.ToConnectData("null");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->schema, nullptr);
  EXPECT_TRUE(back->value.is_null());
  EXPECT_TRUE(conv.ToConnectData("")->value.is_null());
}

TEST(JsonConverterTest, MalformedJsonNamesPosition) {
  JsonConverter conv;
  auto r = conv.ToConnectData(R"({"schema": tru})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1, column 15"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("column"), std::string::npos) << r.status().message();
}

TEST(JsonConverterTest, EnvelopeRequired) {
  JsonConverter conv;
  const std::string kPrefix = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields";
  for (const char* bad : {R"({"payload":1})", R"({"schema":null})", R"([1,2])", "5",
                          R"({"schema":null,"payload":1,"extra":2})"}) {
    auto r = conv.ToConnectData(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind(kPrefix, 0), 0u) << r.status().message();
  }
}

TEST(JsonConverterTest, MismatchNamesField) {
  JsonConverter conv;
  SchemaPtr s = OrderSchema();
  std::string schema_json = *JsonConverter::SchemaToJsonText(*s);
  auto r = conv.ToConnectData(R"({"schema":)" + schema_json + R"(,"payload":{"id":"x","amount":"AQ=="}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"id\""), std::string::npos) << r.status().message();
  auto missing = conv.ToConnectData(R"({"schema":)" + schema_json + R"(,"payload":{"id":1}})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("\"amount\""), std::string::npos) << missing.status().message();
  auto range = conv.ToConnectData(R"({"schema":{"type":"int8"},"payload":300})");
  EXPECT_EQ(range.status().code(), Status::Code::kOutOfRange);
  // Serializing a value that does not match the schema.
  SchemaPtr nested = SchemaBuilder::Struct().Field("order", s).Build();
  Struct outer(nested);
  Struct bad(s);
  ASSERT_TRUE(bad.Put("id", int32_t{1}).ok());  // amount left null
  ASSERT_FALSE(outer.Put("order", bad).ok());
  auto w = conv.FromConnectData(s.get(), bad);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("\"amount\""), std::string::npos) << w.status().message();
  auto wrong_type = conv.FromConnectData(Schema::Int32().get(), Value("x"));
  EXPECT_FALSE(wrong_type.ok());
}

}  // namespace
}  // namespace sluice::connect
