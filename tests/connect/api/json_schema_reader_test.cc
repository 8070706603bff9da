// Tests for the JsonConverter's fast reading path (json_schema_reader.h): on every input, a converter
// whose schema cache is primed (the fast path, falling back to the tree) must give exactly what a fresh
// converter (the tree alone) gives: the same schema and value, or the same error message. Hand-written
// edge cases plus every truncation and seeded random mutations of a rich record.
#include "connect/api/json_schema_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "connect/api/json_converter.h"

namespace sluice::connect {
namespace {

// Compact and in Kafka's key order, so the converter's cache matches it verbatim.
const std::string kSchema =
    R"({"type":"struct","fields":[)"
    R"({"type":"int8","optional":true,"field":"i8"},)"
    R"({"type":"int16","optional":true,"field":"i16"},)"
    R"({"type":"int32","optional":false,"field":"i32"},)"
    R"({"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},)"
    R"({"type":"float","optional":true,"field":"f32"},)"
    R"({"type":"double","optional":true,"field":"f64"},)"
    R"({"type":"boolean","optional":true,"field":"b"},)"
    R"({"type":"string","optional":true,"field":"s"},)"
    R"({"type":"string","optional":false,"default":"dflt","field":"sd"},)"
    R"({"type":"bytes","optional":true,"field":"bytes"},)"
    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
    R"("parameters":{"scale":"2"},"field":"dec"},)"
    R"({"type":"array","items":{"type":"int32","optional":true},"optional":true,"field":"arr"},)"
    R"({"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},)"
    R"("optional":true,"field":"m"},)"
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"x"},)"
    R"({"type":"int32","optional":true,"field":"y"}],"optional":true,"field":"inner"}],)"
    R"("optional":false,"name":"T"})";

const std::string kRich =
    R"({"i8":-128,"i16":32767,"i32":0,"ts":1538737871000,"f32":1.5,"f64":-2.25e-3,"b":true,)"
    R"("s":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 \u65e5\u672c 日本","sd":"x","bytes":"AQID","dec":"MDk=",)"
    R"("arr":[1,null,3],"inner":{"x":"q","y":7}})";

std::string Envelope(const std::string& payload) {
  return R"({"schema":)" + kSchema + R"(,"payload":)" + payload + "}";
}

void ExpectSameAsTree(const std::string& payload, JsonConverterConfig config) {
  const std::string json = Envelope(payload);
  JsonConverter tree(config);
  Result<SchemaAndValue> want = tree.ToConnectData(json);
  JsonConverter fast(config);
  Result<SchemaAndValue> primed = fast.ToConnectData(Envelope(R"({"i32":1,"sd":"p"})"));  // primes the cache
  ASSERT_TRUE(primed.ok()) << primed.status().ToString();
  Result<SchemaAndValue> got = fast.ToConnectData(json);
  ASSERT_EQ(got.ok(), want.ok()) << payload << "\n"
                                 << (got.ok() ? want.status().ToString() : got.status().ToString());
  if (!want.ok()) {
    EXPECT_EQ(got.status().ToString(), want.status().ToString()) << payload;
    return;
  }
  ASSERT_NE(got->schema, nullptr);
  EXPECT_EQ(*got->schema, *want->schema) << payload;
  EXPECT_EQ(got->value, want->value) << payload;
}

void ExpectSameAsTree(const std::string& payload) {
  ExpectSameAsTree(payload, JsonConverterConfig{});
  ExpectSameAsTree(payload, JsonConverterConfig{.replace_null_with_default = false});
}

SchemaPtr ParsedSchema() {
  Result<SchemaPtr> s = JsonConverter::SchemaFromJsonText(kSchema);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(JsonSchemaReaderTest, TakesThePlainCases) {
  SchemaPtr s = ParsedSchema();
  for (const std::string& p :
       {kRich, std::string(R"({"i32":1})"), std::string(R"( { "i32" : 1 , "s" : "x" } )"),
        std::string(R"({"s":"y","i32":2,"i32":3})"), std::string(R"({"i32":1,"sd":null})"),
        std::string(R"({"i32":1,"f32":3,"f64":-0,"arr":[]})")}) {
    EXPECT_TRUE(json_text::ReadWithSchema(s, p, true).has_value()) << p;
  }
}

TEST(JsonSchemaReaderTest, LeavesTheRestToTheTree) {
  SchemaPtr s = ParsedSchema();
  for (const char* p :
       {R"({"i32":1,"zz":5})", R"({"i32":1,"m":{"a":1}})", R"({"i32":1,"dec":1.23})", R"({"i32":2147483648})",
        R"({"i32":1,"ts":1234567890123456789})", R"({"i32":1,"s":"\udc00"})", "{\"i32\":1,\"s\":\"\xff\"}",
        "{\"i32\":1,\"s\":\"\x01\"}", R"({"i32":1} x)", R"({"i32":1,})"}) {
    EXPECT_FALSE(json_text::ReadWithSchema(s, p, true).has_value()) << p;
  }
}

TEST(JsonSchemaReaderTest, EdgeCasesMatchTheTree) {
  const std::vector<std::string> cases = {
      kRich,
      R"({"i32":1})",
      R"( { "i32" : 1 , "s" : "x" } )",
      "\t\r\n{\"i32\":1}\n",
      R"({"s":"y","i32":2,"i32":3})",
      R"({"i32":"a","i32":3})",
      R"({"i32":1,"sd":null})",
      R"({"i32":null})",
      R"({"i32":1,"zz":5})",
      R"({"i32":1,"zz":{"deep":[1,2,{"x":null}]}})",
      R"({"i32":1,"m":{"a":1,"b":2}})",
      R"({"i32":1,"f32":3,"f64":-0})",
      R"({"i32":-0,"i8":-0})",
      R"({"i32":2147483647,"i8":127,"i16":-32768,"ts":-999999999999999999})",
      R"({"i32":2147483648})",
      R"({"i32":1,"i8":128})",
      R"({"i32":1,"ts":123456789012345678901})",
      R"({"i32":1,"ts":9223372036854775807})",
      R"({"i32":1,"ts":-9223372036854775808})",
      R"({"i32":1,"f64":1e400})",
      R"({"i32":1,"f64":1e-400})",
      R"({"i32":1,"f32":1e39})",
      R"({"i32":1,"f32":1e-50})",
      R"({"i32":1,"f32":0.1,"f64":0.1})",
      R"({"i32":1,"f32":16777217,"f64":123456789012345678})",
      R"({"i32":1,"f64":1E+2,"f32":-1.5e-0})",
      R"({"i32":1,"f64":"Infinity","f32":"-Infinity"})",
      R"({"i32":01})",
      R"({"i32":1.0})",
      R"({"i32":1e2})",
      R"({"i32":-})",
      R"({"i32":+1})",
      R"({"i32":1,})",
      R"({"i32":1}})",
      R"({"i32":1} x)",
      R"({"i32":1 "s":"x"})",
      R"({"i32" 1})",
      R"({i32:1})",
      R"({"i32":1,"s":"\q"})",
      R"({"i32":1,"s":"\u12G4"})",
      R"({"i32":1,"s":"\udc00"})",
      R"({"i32":1,"s":"\ud800x"})",
      R"({"i32":1,"s":"\ud800\u0041"})",
      R"({"i32":1,"s":"\u0000"})",
      "{\"i32\":1,\"s\":\"\xff\"}",
      "{\"i32\":1,\"s\":\"\xc0\xaf\"}",
      "{\"i32\":1,\"s\":\"\xed\xa0\x80\"}",
      "{\"i32\":1,\"s\":\"\xf4\x90\x80\x80\"}",
      "{\"i32\":1,\"s\":\"\x01\"}",
      "{\"i32\":1,\"s\":\"\xe6\x97\xa5\xe6\x9c\xac\"}",
      "{\"i\\u0033\\u0032\":5}",
      R"({"i32":1,"s":3})",
      R"({"i32":1,"b":tru})",
      R"({"i32":1,"b":1})",
      R"({"i32":1,"b":false})",
      R"({"i32":1,"bytes":"!!"})",
      R"({"i32":1,"bytes":""})",
      R"({"i32":1,"dec":1.23})",
      R"({"i32":1,"dec":"AA=="})",
      R"({"i32":1,"arr":[]})",
      R"({"i32":1,"arr":[1,2,]})",
      R"({"i32":1,"arr":[1 2]})",
      R"({"i32":1,"arr":[1,"x"]})",
      R"({"i32":1,"arr":{}})",
      R"({"i32":1,"inner":{}})",
      R"({"i32":1,"inner":null})",
      R"({"i32":1,"inner":[1]})",
      R"({"i32":1,"inner":{"x":"a","x":null}})",
      R"({"i32":1,"inner":{"y":1,"x":"b"}})",
      R"({})",
      R"([])",
      R"("x")",
      "null",
      "",
      " ",
      R"({"i32":1)",
  };
  for (const std::string& c : cases) ExpectSameAsTree(c);
}

TEST(JsonSchemaReaderTest, TruncationsAndMutationsMatchTheTree) {
  for (size_t n = 0; n <= kRich.size(); ++n) ExpectSameAsTree(kRich.substr(0, n), JsonConverterConfig{});
  std::mt19937 rng(20261124);
  const std::string alphabet = "{}[]\":,0123456789-+.eE \\/untrfalsxyzi\xc3\xa9\xff\x01";
  for (int i = 0; i < 3000; ++i) {
    std::string p = kRich;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % p.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          p[at] = c;
          break;
        case 1:
          p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          p.erase(at, 1);
      }
    }
    ExpectSameAsTree(p, JsonConverterConfig{});
  }
}

}  // namespace
}  // namespace sluice::connect
