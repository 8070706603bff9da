// Golden tests of org.apache.kafka.connect.json.JsonConverter through the Converter plugin: the exact
// bytes Kafka writes for every schema type and logical type, with schemas.enable true and false.
//
// Where the expected strings come from:
//  - the values and JSON content: Kafka's JsonConverterTest (connect/json/src/test/java/org/apache/kafka/
//    connect/json/JsonConverterTest.java), test named in each comment; that test compares parsed trees,
//  - the byte layout: Kafka's JsonConverter.asJsonSchema puts "type", then "fields" / "items" /
//    "keys","values", then "optional", "name", "version", "doc", "parameters", "default" (a struct field's
//    schema gets "field" last); JsonSchema.Envelope writes "schema" then "payload"; Jackson writes compact
//    JSON, floats with Java's Float/Double.toString, BigDecimal with BigDecimal.toString, binary as
//    padded base64.
// The struct-with-Decimal golden string is in tests/connect/api/json_converter_test.cc.
#include <gtest/gtest.h>

#include "connect/converters/json_converter_plugin.h"

namespace sluice::connect {
namespace {

std::optional<std::string> Write(const SchemaPtr& schema, const Value& value, ConfigMap config = {}) {
  JsonConverterPlugin converter;
  EXPECT_TRUE(converter.Configure(config, false).ok());
  auto out = converter.FromConnectData("topic", schema.get(), value);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::optional<std::string>("<error>");
}

// With schemas.enable=true, the envelope; with false, the payload alone.
void ExpectGolden(const SchemaPtr& schema, const Value& value, const std::string& schema_json,
                  const std::string& payload, ConfigMap config = {}) {
  EXPECT_EQ(Write(schema, value, config), R"({"schema":)" + schema_json + R"(,"payload":)" + payload + "}");
  config["schemas.enable"] = "false";
  EXPECT_EQ(Write(schema, value, config), payload);
}

TEST(JsonConverterGoldenTest, Primitives) {
  // booleanToJson, byteToJson, shortToJson, intToJson, longToJson.
  ExpectGolden(Schema::Boolean(), true, R"({"type":"boolean","optional":false})", "true");
  ExpectGolden(Schema::Int8(), int8_t{12}, R"({"type":"int8","optional":false})", "12");
  ExpectGolden(Schema::Int16(), int16_t{12}, R"({"type":"int16","optional":false})", "12");
  ExpectGolden(Schema::Int32(), int32_t{12}, R"({"type":"int32","optional":false})", "12");
  ExpectGolden(Schema::Int64(), int64_t{4398046511104}, R"({"type":"int64","optional":false})",
               "4398046511104");
  // floatToJson, doubleToJson: Float.toString(12.34f) and Double.toString(12.34) are "12.34".
  ExpectGolden(Schema::Float32(), 12.34f, R"({"type":"float","optional":false})", "12.34");
  ExpectGolden(Schema::Float64(), 12.34, R"({"type":"double","optional":false})", "12.34");
  // stringToJson; bytesToJson with bytesToConnect's base64 of "test-string".
  ExpectGolden(Schema::String(), "test-string", R"({"type":"string","optional":false})", R"("test-string")");
  std::string text = "test-string";
  ExpectGolden(Schema::Bytes(), Bytes(text.begin(), text.end()), R"({"type":"bytes","optional":false})",
               R"("dGVzdC1zdHJpbmc=")");
}

TEST(JsonConverterGoldenTest, JavaNumberText) {
  // Double.toString / Float.toString, which Jackson uses: at least one fraction digit, exponent form
  // outside [1e-3, 1e7); NaN and infinities as strings (Jackson's QUOTE_NON_NUMERIC_NUMBERS default).
  ExpectGolden(Schema::Float64(), 1.0, R"({"type":"double","optional":false})", "1.0");
  ExpectGolden(Schema::Float64(), 1e20, R"({"type":"double","optional":false})", "1.0E20");
  ExpectGolden(Schema::Float64(), 0.0001, R"({"type":"double","optional":false})", "1.0E-4");
  ExpectGolden(Schema::Float64(), 1234567.5, R"({"type":"double","optional":false})", "1234567.5");
  ExpectGolden(Schema::Float32(), 1e10f, R"({"type":"float","optional":false})", "1.0E10");
  ExpectGolden(Schema::Float64(), std::numeric_limits<double>::quiet_NaN(),
               R"({"type":"double","optional":false})", R"("NaN")");
  ExpectGolden(Schema::Float64(), -std::numeric_limits<double>::infinity(),
               R"({"type":"double","optional":false})", R"("-Infinity")");
}

TEST(JsonConverterGoldenTest, ArrayMapStruct) {
  // arrayToJson.
  ExpectGolden(SchemaBuilder::Array(Schema::Int32()).Build(), Array{int32_t{1}, int32_t{2}, int32_t{3}},
               R"({"type":"array","items":{"type":"int32","optional":false},"optional":false})", "[1,2,3]");
  // mapToJsonStringKeys.
  ExpectGolden(SchemaBuilder::Map(Schema::String(), Schema::Int32()).Build(),
               Map{{"key1", int32_t{12}}, {"key2", int32_t{15}}},
               R"({"type":"map","keys":{"type":"string","optional":false},)"
               R"("values":{"type":"int32","optional":false},"optional":false})",
               R"({"key1":12,"key2":15})");
  // mapToJsonNonStringKeys: an array of [key, value] pairs.
  ExpectGolden(SchemaBuilder::Map(Schema::Int32(), Schema::Int32()).Build(),
               Map{{int32_t{1}, int32_t{12}}, {int32_t{2}, int32_t{15}}},
               R"({"type":"map","keys":{"type":"int32","optional":false},)"
               R"("values":{"type":"int32","optional":false},"optional":false})",
               "[[1,12],[2,15]]");
  // structToJson.
  SchemaPtr s = SchemaBuilder::Struct()
                    .Field("field1", Schema::Boolean())
                    .Field("field2", Schema::String())
                    .Field("field3", Schema::String())
                    .Field("field4", Schema::Boolean())
                    .Build();
  Struct st(s);
  ASSERT_TRUE(st.Put("field1", true).ok());
  ASSERT_TRUE(st.Put("field2", "string2").ok());
  ASSERT_TRUE(st.Put("field3", "string3").ok());
  ASSERT_TRUE(st.Put("field4", false).ok());
  ExpectGolden(s, st,
               R"({"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},)"
               R"({"type":"string","optional":false,"field":"field2"},)"
               R"({"type":"string","optional":false,"field":"field3"},)"
               R"({"type":"boolean","optional":false,"field":"field4"}],"optional":false})",
               R"({"field1":true,"field2":"string2","field3":"string3","field4":false})");
}

TEST(JsonConverterGoldenTest, OptionalDefaultsAndMetadata) {
  // testJsonSchemaMetadataTranslation: optional with null, a default, and name/version/doc/parameters.
  ExpectGolden(Schema::OptionalBoolean(), Value(), R"({"type":"boolean","optional":true})", "null");
  SchemaPtr with_default = SchemaBuilder::Boolean().DefaultValue(true).Build();
  ExpectGolden(with_default, true, R"({"type":"boolean","optional":false,"default":true})", "true");
  SchemaPtr meta = SchemaBuilder::Boolean()
                       .Required()
                       .Name("bool")
                       .Version(3)
                       .Doc("the documentation")
                       .Parameter("foo", "bar")
                       .Build();
  ExpectGolden(meta, true,
               R"({"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation",)"
               R"("parameters":{"foo":"bar"}})",
               "true");
  // convertToJson: a null value is written as the schema's default; with replace.null.with.default=false
  // (JsonConverterConfig) an optional schema's null stays null.
  SchemaPtr opt_default = SchemaBuilder::Int32().Optional().DefaultValue(int32_t{7}).Build();
  ExpectGolden(opt_default, Value(), R"({"type":"int32","optional":true,"default":7})", "7");
  ExpectGolden(opt_default, Value(), R"({"type":"int32","optional":true,"default":7})", "null",
               {{"replace.null.with.default", "false"}});
  // A struct with an optional null field.
  SchemaPtr s =
      SchemaBuilder::Struct().Field("id", Schema::Int64()).Field("note", Schema::OptionalString()).Build();
  Struct st(s);
  ASSERT_TRUE(st.Put("id", int64_t{1}).ok());
  ExpectGolden(s, st,
               R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},)"
               R"({"type":"string","optional":true,"field":"note"}],"optional":false})",
               R"({"id":1,"note":null})");
}

TEST(JsonConverterGoldenTest, LogicalTypes) {
  const std::string decimal_schema =
      R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
      R"("parameters":{"scale":"2"}})";
  // decimalToJson: 1.56 is unscaled 156 = bytes {0, -100} = "AJw=".
  ExpectGolden(DecimalSchema(2), EncodeDecimalUnscaled(156), decimal_schema, R"("AJw=")");
  // decimalToNumericJson and decimalWithTrailingZerosToNumericJson: BigDecimal.toString keeps the scale.
  ExpectGolden(DecimalSchema(2), EncodeDecimalUnscaled(156), decimal_schema, "1.56",
               {{"decimal.format", "NUMERIC"}});
  ExpectGolden(
      DecimalSchema(4), EncodeDecimalUnscaled(15600),
      R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
      R"("parameters":{"scale":"4"}})",
      "1.5600", {{"decimal.format", "numeric"}});
  // dateToJson (10000 days), timeToJson (14400000 ms), timestampToJson (4000000000 ms).
  ExpectGolden(DateSchema(), int32_t{10000},
               R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1})",
               "10000");
  ExpectGolden(TimeSchema(), int32_t{14400000},
               R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1})",
               "14400000");
  ExpectGolden(
      TimestampSchema(), int64_t{4000000000},
      R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1})",
      "4000000000");
  // decimalToConnectWithDefaultValue's schema, written: the default is written like the payload.
  SchemaPtr with_default = DecimalBuilder(2).Optional().DefaultValue(EncodeDecimalUnscaled(156)).Build();
  ExpectGolden(
      with_default, Value(),
      R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
      R"("parameters":{"scale":"2"},"default":"AJw="})",
      R"("AJw=")");
}

TEST(JsonConverterGoldenTest, Schemaless) {
  // nullSchemaAndPrimitiveToJson, nullSchemaAndArrayToJson, nullSchemaAndMapToJson,
  // nullSchemaAndMapNonStringKeysToJson (Kafka's HashMap order aside).
  EXPECT_EQ(Write(nullptr, true), R"({"schema":null,"payload":true})");
  EXPECT_EQ(Write(nullptr, Array{int32_t{1}, "string", true}),
            R"({"schema":null,"payload":[1,"string",true]})");
  EXPECT_EQ(Write(nullptr, Map{{"key1", int32_t{12}}, {"key2", "string"}, {"key3", true}}),
            R"({"schema":null,"payload":{"key1":12,"key2":"string","key3":true}})");
  EXPECT_EQ(Write(nullptr, Map{{"string", int32_t{12}}, {int32_t{52}, "string"}, {false, true}}),
            R"({"schema":null,"payload":[["string",12],[52,"string"],[false,true]]})");
  // noSchemaToJson.
  EXPECT_EQ(Write(nullptr, true, {{"schemas.enable", "false"}}), "true");
  // nullSchemaAndNullValueToJson, nullValueToJson: a tombstone (null bytes) either way.
  EXPECT_EQ(Write(nullptr, Value()), std::nullopt);
  EXPECT_EQ(Write(nullptr, Value(), {{"schemas.enable", "false"}}), std::nullopt);
}

TEST(JsonConverterGoldenTest, StringEscapes) {
  // Jackson's escapes: \" \\ \n \t \r \b \f, other control characters as \u00XX with upper-case hex,
  // '/' and non-ASCII text unescaped.
  ExpectGolden(Schema::String(), "a\"b\\c\n\t\r\b\f\x01\x1f/\xc3\xa9",
               R"({"type":"string","optional":false})",
               R"("a\"b\\c\n\t\r\b\f\u0001\u001F/)"
               "\xc3\xa9\"");
}

TEST(JsonConverterGoldenTest, ReadsKafkasInput) {
  JsonConverterPlugin c;
  ASSERT_TRUE(c.Configure({}, false).ok());
  // numericDecimalToConnect, numericDecimalWithTrailingZerosToConnect, highPrecisionNumericDecimalToConnect:
  // a JSON number is read as a Decimal whatever decimal.format says, without losing digits.
  auto read = [&](const std::string& scale, const std::string& payload) {
    return c.ToConnectData(
        "topic", R"({ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",)"
                 R"( "version": 1, "parameters": { "scale": ")" +
                     scale + R"(" } }, "payload": )" + payload + " }");
  };
  auto v = read("2", "1.56");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v->schema, *DecimalSchema(2));
  EXPECT_EQ(v->value, Value(EncodeDecimalUnscaled(156)));
  v = read("4", "1.5600");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, Value(EncodeDecimalUnscaled(15600)));
  v = read("17", "1.23456789123456789");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, Value(EncodeDecimalUnscaled(123456789123456789)));
  v = read("2", R"("AJw=")");  // decimalToConnect
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, Value(EncodeDecimalUnscaled(156)));
  // nullToConnect: a tombstone is a null record.
  auto null = c.ToConnectData("topic", std::nullopt);
  ASSERT_TRUE(null.ok());
  EXPECT_EQ(null->schema, nullptr);
  EXPECT_TRUE(null->value.is_null());
  // floatToConnect.
  auto f = c.ToConnectData("topic", R"({ "schema": { "type": "float" }, "payload": 12.34 })");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->value, Value(12.34f));
}

TEST(JsonConverterGoldenTest, ConfigErrors) {
  JsonConverterPlugin c;
  EXPECT_FALSE(c.Configure({{"decimal.format", "HEX"}}, false).ok());
  EXPECT_FALSE(c.Configure({{"schemas.enable", "maybe"}}, false).ok());
  EXPECT_FALSE(c.Configure({{"schemas.cache.size", "-1"}}, false).ok());
  EXPECT_TRUE(c.Configure({{"schemas.cache.size", "10"}, {"converter.type", "value"}}, true).ok());
}

}  // namespace
}  // namespace sluice::connect
