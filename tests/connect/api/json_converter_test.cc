// Tests for JsonConverter: exact Kafka output, round trips with and without schemas, errors, Java number
// text and decimal.format=NUMERIC. Golden output per type: tests/connect/converters.
#include "connect/api/json_converter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

TEST(JsonConverterTest, JavaNumberText) {
  // Double.toString / Float.toString (JDK 19+ javadoc): shortest digits that read back, at least one
  // fraction digit, plain for 1e-3 <= |v| < 1e7; a one-digit result may take a closer second digit.
  EXPECT_EQ(JavaDoubleToString(0.0), "0.0");
  EXPECT_EQ(JavaDoubleToString(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleToString(100.0), "100.0");
  EXPECT_EQ(JavaDoubleToString(9999999.0), "9999999.0");
  EXPECT_EQ(JavaDoubleToString(1e7), "1.0E7");
  EXPECT_EQ(JavaDoubleToString(0.001), "0.001");
  EXPECT_EQ(JavaDoubleToString(-1.5e-4), "-1.5E-4");
  EXPECT_EQ(JavaDoubleToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(JavaFloatToString(1.1f), "1.1");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::max()), "3.4028235E38");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::denorm_min()), "1.4E-45");
}

TEST(JsonConverterTest, DecimalText) {
  // BigDecimal.toString javadoc examples: [unscaled, scale] -> text.
  auto text = [](int64_t unscaled, int32_t scale) {
    return *DecimalToString(EncodeDecimalUnscaled(unscaled), scale);
  };
  EXPECT_EQ(text(123, 0), "123");
  EXPECT_EQ(text(-123, 0), "-123");
  EXPECT_EQ(text(123, -1), "1.23E+3");
  EXPECT_EQ(text(123, -3), "1.23E+5");
  EXPECT_EQ(text(123, 1), "12.3");
  EXPECT_EQ(text(123, 5), "0.00123");
  EXPECT_EQ(text(123, 10), "1.23E-8");
  EXPECT_EQ(text(-123, 12), "-1.23E-10");
  EXPECT_EQ(text(0, 2), "0.00");
  EXPECT_EQ(text(0, 8), "0E-8");
  // Beyond 64 bits and back.
  auto big = DecimalFromString("-123456789012345678901234567890.12", 2);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(*DecimalToString(*big, 2), "-123456789012345678901234567890.12");
  EXPECT_EQ(*DecimalFromString("1.5E+2", 0), EncodeDecimalUnscaled(150));
  EXPECT_EQ(*DecimalFromString("-128", 0), EncodeDecimalUnscaled(-128));
  EXPECT_EQ(*DecimalFromString("255", 0), EncodeDecimalUnscaled(255));
  EXPECT_EQ(*DecimalFromString("1.50", 1), EncodeDecimalUnscaled(15));  // trailing zeros may go
  EXPECT_EQ(*DecimalFromString("-0.00", 2), EncodeDecimalUnscaled(0));
  EXPECT_FALSE(DecimalFromString("1.55", 1).ok());  // no rounding
  EXPECT_FALSE(DecimalFromString("1.2.3", 1).ok());
  EXPECT_FALSE(DecimalFromString("abc", 1).ok());
  EXPECT_FALSE(DecimalToString(Bytes{}, 0).ok());
}

TEST(JsonConverterTest, NumericDecimalAndNullReplacement) {
  JsonConverter numeric(
      JsonConverterConfig{.schemas_enable = false, .decimal_format = DecimalFormat::kNumeric});
  SchemaPtr big_scale = DecimalSchema(20);
  Bytes unscaled = *DecimalFromString("12345678901234567890.12345678901234567890", 20);
  EXPECT_EQ(*numeric.FromConnectData(big_scale.get(), unscaled), "12345678901234567890.12345678901234567890");
  JsonConverter conv;
  std::string schema_json = *JsonConverter::SchemaToJsonText(*big_scale);
  auto back = conv.ToConnectData(R"({"schema":)" + schema_json +
                                 R"(,"payload":12345678901234567890.12345678901234567890})");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->value, Value(unscaled));
  auto too_precise =
      conv.ToConnectData(R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal",)"
                         R"("parameters":{"scale":"1"}},"payload":1.25})");
  EXPECT_FALSE(too_precise.ok());
  // replace.null.with.default=false keeps nulls both ways.
  JsonConverter keep_null(JsonConverterConfig{.replace_null_with_default = false});
  auto v =
      keep_null.ToConnectData(R"({"schema":{"type":"int32","optional":true,"default":7},"payload":null})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->value.is_null());
  auto required = keep_null.ToConnectData(R"({"schema":{"type":"int32","default":7},"payload":null})");
  EXPECT_FALSE(required.ok());
}

TEST(JsonConverterTest, FloatsReadBack) {
  JsonConverter conv(JsonConverterConfig{.schemas_enable = false});
  JsonConverter with_schema;
  for (double d : {0.1, 1e20, -2.5e-300, 4.9e-324}) {
    auto back = with_schema.ToConnectData(*with_schema.FromConnectData(Schema::Float64().get(), d));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->value, Value(d));
  }
  // Beyond the float range: Java's floatValue gives infinity or zero.
  EXPECT_EQ(with_schema.ToConnectData(R"({"schema":{"type":"float"},"payload":1e39})")->value,
            Value(std::numeric_limits<float>::infinity()));
  EXPECT_EQ(
      with_schema
          .ToConnectData(
              R"({"schema":{"type":"float"},"payload":-0.00000000000000000000000000000000000000000000000001})")
          ->value,
      Value(-0.0f));
  auto nan = with_schema.ToConnectData(*with_schema.FromConnectData(Schema::Float32().get(), std::nanf("")));
  ASSERT_TRUE(nan.ok()) << nan.status().ToString();
  EXPECT_TRUE(std::isnan(nan->value.get<float>()));
  // Schemaless numbers: integers are INT64, others FLOAT64. Numbers beyond the double range are a parse
  // error (Jackson would read them as BigDecimal).
  EXPECT_EQ(conv.ToConnectData("[1, 2.5]")->value, Value(Array{int64_t{1}, 2.5}));
  EXPECT_FALSE(conv.ToConnectData("1e400").ok());
}

TEST(JsonConverterTest, BadUtf8AndDeepNesting) {
  JsonConverter conv(JsonConverterConfig{.schemas_enable = false});
  EXPECT_EQ(*conv.FromConnectData(nullptr, std::string("a\xff\xc3")), "\"a\xef\xbf\xbd\xef\xbf\xbd\"");
  auto deep = conv.ToConnectData(std::string(5000, '[') + std::string(5000, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nested deeper"), std::string::npos) << deep.status().message();
}

}  // namespace
}  // namespace sluice::connect

namespace sluice::connect {
namespace {

// The schema text cache must never serve the text of another schema: not for a second schema object,
// nor for a new schema that reuses a freed schema's address.
TEST(JsonConverterSchemaCache, FollowsTheSchemaObject) {
  JsonConverter conv;
  for (int round = 0; round < 50; ++round) {
    SchemaPtr a = SchemaBuilder::Struct().Name("a").Field("x", Schema::Int32()).Build();
    Struct sa(a);
    ASSERT_TRUE(sa.Put("x", Value(int32_t{1})).ok());
    auto ja = conv.FromConnectData(a.get(), Value(sa));
    ASSERT_TRUE(ja.ok());
    EXPECT_NE(ja->find("\"name\":\"a\""), std::string::npos) << *ja;
    a.reset();  // freed: the next schema may land at the same address
    sa = Struct(SchemaBuilder::Struct().Name("b").Field("y", Schema::String()).Build());
    SchemaPtr b = sa.schema();
    ASSERT_TRUE(sa.Put("y", Value("v")).ok());
    auto jb = conv.FromConnectData(b.get(), Value(sa));
    ASSERT_TRUE(jb.ok());
    EXPECT_EQ(
        *jb,
        R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"y"}],"optional":false,"name":"b"},"payload":{"y":"v"}})");
  }
}

}  // namespace
}  // namespace sluice::connect

namespace sluice::connect {
namespace {

// Reading reuses the last schema when the text repeats; a different schema, a null schema or a
// malformed payload after a cached schema must still be read (or refused) correctly.
TEST(JsonConverterSchemaCache, ReadingRepeatsAndChanges) {
  JsonConverter conv;
  const std::string a1 =
      R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"x"}],"optional":false,"name":"a"},"payload":{"x":1}})";
  const std::string a2 =
      R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"x"}],"optional":false,"name":"a"},"payload":{"x":2}})";
  const std::string b = R"({"schema":{"type":"string","optional":false},"payload":"s"})";
  const std::string bad = R"({"schema":{"type":"string","optional":false},"payload":"s","extra":1})";
  for (int round = 0; round < 2; ++round) {
    auto r1 = conv.ToConnectData(a1);
    ASSERT_TRUE(r1.ok()) << r1.status().ToString();
    auto r2 = conv.ToConnectData(a2);
    ASSERT_TRUE(r2.ok()) << r2.status().ToString();
    EXPECT_EQ(r1->schema.get(), r2->schema.get());  // the cached schema object
    EXPECT_EQ(*r2->value.get<Struct>().Get("x"), Value(int32_t{2}));
    auto rb = conv.ToConnectData(b);
    ASSERT_TRUE(rb.ok()) << rb.status().ToString();
    EXPECT_EQ(rb->schema->type(), SchemaType::kString);
    EXPECT_EQ(rb->value, Value("s"));
    EXPECT_FALSE(conv.ToConnectData(bad).ok());  // after b's schema is cached
    auto rn = conv.ToConnectData(R"({"schema":null,"payload":{"k":1}})");
    ASSERT_TRUE(rn.ok()) << rn.status().ToString();
    EXPECT_EQ(rn->schema, nullptr);
  }
}

// The cache takes a schema only when its text is byte-identical: a schema that differs in one
// attribute (optional, type, a default, a nested field) is parsed anew, and what it says is applied to
// the payload (values, defaults and errors as a fresh converter gives them).
TEST(JsonConverterSchemaCache, AChangedSchemaIsNoticed) {
  auto envelope = [](std::string_view x_schema, std::string_view payload) {
    return R"({"schema":{"type":"struct","fields":[)" + std::string(x_schema) +
           R"(,{"type":"struct","fields":[{"type":"string","optional":false,"field":"s"}],"optional":true,"field":"n"}],"optional":false,"name":"a"},"payload":)" +
           std::string(payload) + "}";
  };
  const std::string records[] = {
      envelope(R"({"type":"int32","optional":false,"field":"x"})", R"({"x":7,"n":{"s":"a"}})"),
      envelope(R"({"type":"int32","optional":true,"field":"x"})", R"({"n":null})"),
      envelope(R"({"type":"int32","optional":false,"field":"x"})", R"({"n":null})"),  // x required
      envelope(R"({"type":"int64","optional":false,"field":"x"})", R"({"x":7,"x":8})"),
      envelope(R"({"type":"int32","optional":false,"default":5,"field":"x"})", R"({"n":{"s":"b"}})"),
      envelope(R"({"type":"int32","optional":false,"default":6,"field":"x"})", R"({"n":{"s":"b"}})"),
      envelope(R"({"type":"int32","optional":false,"default":6,"field":"x"})", R"({"n":{}})"),  // n.s
      envelope(R"({"type":"int8","optional":false,"field":"x"})", R"({"x":300})"),              // range
      envelope(R"({"type":"int32","optional":false,"field":"x"})", R"({"x":300})"),
  };
  JsonConverter cached;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& record : records) {
      SCOPED_TRACE(record);
      Result<SchemaAndValue> got = cached.ToConnectData(record);
      Result<SchemaAndValue> again = cached.ToConnectData(record);  // from the cache when it read
      Result<SchemaAndValue> fresh = JsonConverter().ToConnectData(record);
      for (const Result<SchemaAndValue>* r : {&got, &again}) {
        ASSERT_EQ(r->ok(), fresh.ok()) << r->status().ToString();
        if (!fresh.ok()) {
          EXPECT_EQ(r->status().ToString(), fresh.status().ToString());
          continue;
        }
        EXPECT_EQ(*(*r)->schema, *fresh->schema);
        EXPECT_EQ((*r)->value, fresh->value);
      }
    }
  }
  Result<SchemaAndValue> x64 = cached.ToConnectData(records[3]);
  ASSERT_TRUE(x64.ok()) << x64.status().ToString();
  EXPECT_EQ(*x64->value.get<Struct>().Get("x"), Value(int64_t{8}));  // a repeated key: the last wins
  Result<SchemaAndValue> def = cached.ToConnectData(records[5]);
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(*def->value.get<Struct>().Get("x"), Value(int32_t{6}));  // the new default
}

}  // namespace
}  // namespace sluice::connect
