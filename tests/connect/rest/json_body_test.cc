// Tests for ParseJsonBody: Jackson-style messages with line and column for malformed bodies.
#include "connect/rest/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::connect::rest {
namespace {

constexpr std::string_view kValid = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

// The seed's connector JSON, typo included.
constexpr std::string_view kSeedTypo = R"({
  "name": "ec-source",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
    "connection.url": "jdbc:postgresql://ec-data-server:5432/ec",
    "connection.user": "connectuser",
    "connection.password" : connectpass",
    "mode": "incrementing",
    "incrementing.column.name": "seq",
    "topic.prefix": "ecsales_",
    "table.whitelist" : "ec_uriage",
    "tasks.max": "3"
  }
}
)";

std::string Error(std::string_view body) {
  Result<Json> r = ParseJsonBody(body);
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

std::string At(int line, int column) {
  return "\n at [Source: (REST request body); line: " + std::to_string(line) +
         ", column: " + std::to_string(column) + "]";
}

TEST(JsonBodyTest, SeedTypoNamesLineAndColumn) {
  EXPECT_EQ(Error(kSeedTypo), "Unexpected character ('c' (code 99)): expected a valid value " +
                                  std::string(kValid) + At(7, 30));
  // As the seed's `echo '...'` sends it: a leading newline moves it one line down.
  EXPECT_EQ(
      Error("\n" + std::string(kSeedTypo)),
      "Unexpected character ('c' (code 99)): expected a valid value " + std::string(kValid) + At(8, 30));
}

TEST(JsonBodyTest, ObjectAndArraySyntax) {
  EXPECT_EQ(
      Error(R"({"a": 1 "b": 2})"),
      "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + At(1, 10));
  EXPECT_EQ(Error(R"({"a" 1})"),
            "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value" +
                At(1, 7));
  EXPECT_EQ(
      Error(R"({a: 1})"),
      "Unexpected character ('a' (code 97)): was expecting double-quote to start field name" + At(1, 3));
  EXPECT_EQ(
      Error(R"({"a": 1,})"),
      "Unexpected character ('}' (code 125)): was expecting double-quote to start field name" + At(1, 10));
  EXPECT_EQ(Error("[1 2]"),
            "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries" + At(1, 5));
  EXPECT_EQ(Error("[1,]"),
            "Unexpected character (']' (code 93)): expected a valid value " + std::string(kValid) + At(1, 5));
  EXPECT_EQ(Error(R"({"a":1} x)"),
            "Unexpected character ('x' (code 120)): expected end of input after the JSON value" + At(1, 10));
}

TEST(JsonBodyTest, EndOfInput) {
  EXPECT_EQ(Error(""), "No content to map due to end-of-input" + At(1, 1));
  EXPECT_EQ(Error("  \n "), "No content to map due to end-of-input" + At(2, 2));
  EXPECT_EQ(
      Error("{\"a\": 1"),
      "Unexpected end-of-input: expected close marker for Object (start marker at [Source: (REST request "
      "body); line: 1, column: 1])" +
          At(1, 8));
  EXPECT_EQ(
      Error("[\n[1]"),
      "Unexpected end-of-input: expected close marker for Array (start marker at [Source: (REST request "
      "body); line: 1, column: 1])" +
          At(2, 4));
  EXPECT_EQ(Error(R"({"a": "abc)"),
            "Unexpected end-of-input: was expecting closing quote for a string value" + At(1, 11));
}

TEST(JsonBodyTest, TokensStringsAndNumbers) {
  EXPECT_EQ(Error(R"({"a": tru})"),
            "Unrecognized token 'tru': was expecting " + std::string(kValid) + At(1, 10));
  EXPECT_EQ(
      Error("{\"a\": \"x\ny\"}"),
      "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included "
      "in string value" +
          At(1, 10));
  EXPECT_EQ(Error(R"({"a": "\q"})"), "Unrecognized character escape 'q' (code 113)" + At(1, 10));
  EXPECT_EQ(Error(R"({"a": "\u12x4"})"),
            "Unexpected character ('x' (code 120)): expected a hex-digit for character escape sequence" +
                At(1, 13));
  EXPECT_EQ(Error(R"({"a": 01})"), "Invalid numeric value: Leading zeroes not allowed" + At(1, 9));
  EXPECT_EQ(
      Error(R"({"a": -x})"),
      "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, "
      "for valid numeric value" +
          At(1, 9));
  EXPECT_EQ(Error(R"([1.])"),
            "Unexpected character (']' (code 93)) in numeric value: Decimal point not followed by a digit" +
                At(1, 5));
  EXPECT_EQ(
      Error(R"([1e+])"),
      "Unexpected character (']' (code 93)) in numeric value: Exponent indicator not followed by a digit" +
          At(1, 6));
  EXPECT_EQ(Error("{\"a\": \xc3\xa9}"),
            "Unexpected character ('\xc3\xa9' (code 233)): expected a valid value " + std::string(kValid) +
                At(1, 8));
}

TEST(JsonBodyTest, LineBreaksAndLimits) {
  // CR, LF and CRLF each end a line.
  EXPECT_EQ(Error("{\r\n\"a\": x}"), "Unexpected character ('x' (code 120)): expected a valid value " +
                                         std::string(kValid) + At(2, 7));
  EXPECT_EQ(Error("{\r\"a\":\n x}"), "Unexpected character ('x' (code 120)): expected a valid value " +
                                         std::string(kValid) + At(3, 3));
  EXPECT_EQ(Error(std::string(1001, '[')),
            "Document nesting depth (1001) exceeds the maximum allowed (1000)" + At(1, 1002));
  Result<Json> deep = ParseJsonBody(std::string(1000, '[') + std::string(1000, ']'));
  EXPECT_TRUE(deep.ok()) << deep.status().ToString();
  // Ill-formed UTF-8 passes the syntax scan but not nlohmann; still 400 with a location.
  std::string bad_utf8 = Error("{\"a\": \"\xff\"}");
  EXPECT_NE(bad_utf8.find("Invalid JSON:"), std::string::npos) << bad_utf8;
  EXPECT_NE(bad_utf8.find("line: 1, column: "), std::string::npos) << bad_utf8;
}

TEST(JsonBodyTest, ParsesValidBodies) {
  Result<Json> r = ParseJsonBody(" \n{\"b\": [1, 2.5, true, null], \"a\": {\"x\": \"\\u00e9\\n\"}}\n ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dump(), R"({"b":[1,2.5,true,null],"a":{"x":"é\n"}})");
  ASSERT_TRUE(ParseJsonBody("\"just a string\"").ok());
  ASSERT_TRUE(ParseJsonBody("-0.5e-3").ok());
}

}  // namespace
}  // namespace sluice::connect::rest
