// Tests for base/config_value: type parsing (Kafka's parseType), value printing and validators.
#include "base/config_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sluice {
namespace {

ConfigValue MustParse(std::string_view text, ConfigType type) {
  Result<ConfigValue> r = ParseConfigValue("k", text, type);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ConfigValue();
}

std::string ParseError(std::string_view name, std::string_view text, ConfigType type) {
  Result<ConfigValue> r = ParseConfigValue(name, text, type);
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

using List = std::vector<std::string>;

TEST(ConfigTypeTest, Names) {
  EXPECT_EQ(TypeName(ConfigType::kBoolean), "BOOLEAN");
  EXPECT_EQ(TypeName(ConfigType::kString), "STRING");
  EXPECT_EQ(TypeName(ConfigType::kInt), "INT");
  EXPECT_EQ(TypeName(ConfigType::kShort), "SHORT");
  EXPECT_EQ(TypeName(ConfigType::kLong), "LONG");
  EXPECT_EQ(TypeName(ConfigType::kDouble), "DOUBLE");
  EXPECT_EQ(TypeName(ConfigType::kList), "LIST");
  EXPECT_EQ(TypeName(ConfigType::kClass), "CLASS");
  EXPECT_EQ(TypeName(ConfigType::kPassword), "PASSWORD");
}

TEST(ParseConfigValueTest, Boolean) {
  EXPECT_EQ(MustParse("true", ConfigType::kBoolean), ConfigValue(true));
  EXPECT_EQ(MustParse(" TRUE ", ConfigType::kBoolean), ConfigValue(true));
  EXPECT_EQ(MustParse("False", ConfigType::kBoolean), ConfigValue(false));
  EXPECT_EQ(
      ParseError("auto.create.topics.enable", "yes", ConfigType::kBoolean),
      "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or "
      "false");
  EXPECT_NE(ParseError("k", "1", ConfigType::kBoolean), "<ok>");
  EXPECT_NE(ParseError("k", "", ConfigType::kBoolean), "<ok>");
}

TEST(ParseConfigValueTest, Int) {
  EXPECT_EQ(MustParse("42", ConfigType::kInt), ConfigValue(int64_t{42}));
  EXPECT_EQ(MustParse("  -7\t", ConfigType::kInt), ConfigValue(int64_t{-7}));
  EXPECT_EQ(MustParse("+5", ConfigType::kInt), ConfigValue(int64_t{5}));
  EXPECT_EQ(MustParse("2147483647", ConfigType::kInt), ConfigValue(int64_t{2147483647}));
  EXPECT_EQ(MustParse("-2147483648", ConfigType::kInt), ConfigValue(int64_t{-2147483648LL}));
  EXPECT_EQ(ParseError("num.partitions", "abc", ConfigType::kInt),
            "Invalid value abc for configuration num.partitions: Not a number of type INT");
  EXPECT_EQ(ParseError("num.partitions", "2147483648", ConfigType::kInt),
            "Invalid value 2147483648 for configuration num.partitions: Not a number of type INT");
  for (const char* bad : {"", " ", "1.5", "1e3", "0x10", "1 2", "--1", "+-1", "+", "-", "12a", "1_000"}) {
    EXPECT_NE(ParseError("k", bad, ConfigType::kInt), "<ok>") << bad;
  }
}

TEST(ParseConfigValueTest, ErrorShowsUntrimmedValue) {
  EXPECT_EQ(ParseError("k", " x ", ConfigType::kInt),
            "Invalid value  x  for configuration k: Not a number of type INT");
}

TEST(ParseConfigValueTest, ShortAndLong) {
  EXPECT_EQ(MustParse("32767", ConfigType::kShort), ConfigValue(int64_t{32767}));
  EXPECT_EQ(MustParse("-32768", ConfigType::kShort), ConfigValue(int64_t{-32768}));
  EXPECT_EQ(ParseError("k", "32768", ConfigType::kShort),
            "Invalid value 32768 for configuration k: Not a number of type SHORT");
  EXPECT_EQ(MustParse("9223372036854775807", ConfigType::kLong),
            ConfigValue(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(MustParse("-9223372036854775808", ConfigType::kLong),
            ConfigValue(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(MustParse("604800000", ConfigType::kLong), ConfigValue(int64_t{604800000}));
  EXPECT_EQ(
      ParseError("log.retention.ms", "9223372036854775808", ConfigType::kLong),
      "Invalid value 9223372036854775808 for configuration log.retention.ms: Not a number of type LONG");
  EXPECT_EQ(ParseError("k", "7d", ConfigType::kLong),
            "Invalid value 7d for configuration k: Not a number of type LONG");
}

TEST(ParseConfigValueTest, Double) {
  EXPECT_EQ(MustParse("0.5", ConfigType::kDouble), ConfigValue(0.5));
  EXPECT_EQ(MustParse(" -1.25e2 ", ConfigType::kDouble), ConfigValue(-125.0));
  EXPECT_EQ(MustParse("3", ConfigType::kDouble), ConfigValue(3.0));
  EXPECT_EQ(MustParse(".5", ConfigType::kDouble), ConfigValue(0.5));
  EXPECT_EQ(MustParse("1.", ConfigType::kDouble), ConfigValue(1.0));
  EXPECT_EQ(MustParse("+2.5d", ConfigType::kDouble), ConfigValue(2.5));
  EXPECT_EQ(MustParse("1.5F", ConfigType::kDouble), ConfigValue(1.5));
  EXPECT_EQ(MustParse("0x1p3", ConfigType::kDouble), ConfigValue(8.0));
  EXPECT_EQ(MustParse("Infinity", ConfigType::kDouble), ConfigValue(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(MustParse("-Infinity", ConfigType::kDouble),
            ConfigValue(-std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(std::get<double>(MustParse("NaN", ConfigType::kDouble))));
  EXPECT_EQ(ParseError("k", "abc", ConfigType::kDouble),
            "Invalid value abc for configuration k: Not a number of type DOUBLE");
  for (const char* bad : {"", ".", "inf", "nan", "e5", "1..2", "1e", "0x", "0x1", "1,5", "d"}) {
    EXPECT_NE(ParseError("k", bad, ConfigType::kDouble), "<ok>") << bad;
  }
}

TEST(ParseConfigValueTest, StringsClassesAndPasswordsAreTrimmed) {
  EXPECT_EQ(MustParse("  hello world \t", ConfigType::kString), ConfigValue(std::string("hello world")));
  EXPECT_EQ(MustParse("", ConfigType::kString), ConfigValue(std::string()));
  EXPECT_EQ(MustParse(" io.x.Sink ", ConfigType::kClass), ConfigValue(std::string("io.x.Sink")));
  EXPECT_EQ(MustParse(" s3cret ", ConfigType::kPassword), ConfigValue(Password("s3cret")));
}

TEST(ParseConfigValueTest, List) {
  EXPECT_EQ(MustParse("a,b,c", ConfigType::kList), ConfigValue(List{"a", "b", "c"}));
  EXPECT_EQ(MustParse("  a , b\t,\tc  ", ConfigType::kList), ConfigValue(List{"a", "b", "c"}));
  EXPECT_EQ(MustParse("", ConfigType::kList), ConfigValue(List{}));
  EXPECT_EQ(MustParse("   ", ConfigType::kList), ConfigValue(List{}));
  EXPECT_EQ(MustParse("one", ConfigType::kList), ConfigValue(List{"one"}));
  EXPECT_EQ(MustParse("a,,b", ConfigType::kList), ConfigValue(List{"a", "", "b"}));
  EXPECT_EQ(MustParse("a , , b", ConfigType::kList), ConfigValue(List{"a", "", "b"}));
  EXPECT_EQ(MustParse("a,", ConfigType::kList), ConfigValue(List{"a", ""}));
  EXPECT_EQ(MustParse(",a", ConfigType::kList), ConfigValue(List{"", "a"}));
  EXPECT_EQ(MustParse("PLAINTEXT://:9092, CONTROLLER://:9093", ConfigType::kList),
            ConfigValue(List{"PLAINTEXT://:9092", "CONTROLLER://:9093"}));
  EXPECT_EQ(MustParse("a b, c", ConfigType::kList), ConfigValue(List{"a b", "c"}));
}

TEST(ConfigValueToStringTest, JavaStyle) {
  EXPECT_EQ(ConfigValueToString(ConfigValue()), "null");
  EXPECT_EQ(ConfigValueToString(ConfigValue(true)), "true");
  EXPECT_EQ(ConfigValueToString(ConfigValue(int64_t{-3})), "-3");
  EXPECT_EQ(ConfigValueToString(ConfigValue(1.5)), "1.5");
  EXPECT_EQ(ConfigValueToString(ConfigValue(std::string("s"))), "s");
  EXPECT_EQ(ConfigValueToString(ConfigValue(List{"a", "b"})), "[a, b]");
  EXPECT_EQ(ConfigValueToString(ConfigValue(List{})), "[]");
  EXPECT_EQ(ConfigValueToString(ConfigValue(Password("secret"))), "[hidden]");
  EXPECT_EQ(ConfigValueToConfigString(ConfigValue(List{"a", "b"})), "a,b");
  EXPECT_EQ(ConfigValueToConfigString(ConfigValue()), std::nullopt);
  EXPECT_EQ(ConfigValueToConfigString(ConfigValue(Password("secret"))), "[hidden]");
}

TEST(PasswordTest, NeverPrinted) {
  Password p("hunter2");
  EXPECT_EQ(p.value(), "hunter2");
  EXPECT_EQ(p.ToString(), "[hidden]");
  EXPECT_EQ(p, Password("hunter2"));
  EXPECT_FALSE(p == Password("other"));
}

TEST(InvalidValueTest, Format) {
  Status s = InvalidValue("x", "v", "why");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "Invalid value v for configuration x: why");
  EXPECT_EQ(InvalidValue("x", "v", "").message(), "Invalid value v for configuration x");
}

// ---- Validators ----

std::string Check(const Validator& v, const ConfigValue& value, std::string_view name = "k") {
  Status s = v.Check(name, value);
  return s.ok() ? "ok" : s.message();
}

TEST(RangeTest, AtLeast) {
  Validator v = Range::AtLeast(1);
  EXPECT_EQ(v.description(), "[1,...]");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{1})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{1000})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{0}), "num.partitions"),
            "Invalid value 0 for configuration num.partitions: Value must be at least 1");
  EXPECT_EQ(Check(v, ConfigValue()), "Invalid value null for configuration k: Value must be non-null");
}

TEST(RangeTest, Between) {
  Validator v = Range::Between(0, 100);
  EXPECT_EQ(v.description(), "[0,...,100]");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{0})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{100})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{101})),
            "Invalid value 101 for configuration k: Value must be no more than 100");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{-1})),
            "Invalid value -1 for configuration k: Value must be at least 0");
}

TEST(RangeTest, LongBoundsAreExact) {
  Validator v = Range::AtLeast(int64_t{9007199254740993});  // 2^53 + 1, not representable as double
  EXPECT_NE(Check(v, ConfigValue(int64_t{9007199254740992})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(int64_t{9007199254740993})), "ok");
}

TEST(RangeTest, Doubles) {
  Validator v = Range::Between(0.0, 1.0);
  EXPECT_EQ(v.description(), "[0.0,...,1.0]");
  EXPECT_EQ(Check(v, ConfigValue(0.5)), "ok");
  EXPECT_EQ(Check(v, ConfigValue(1.5)),
            "Invalid value 1.5 for configuration k: Value must be no more than 1.0");
  Validator w = Range::AtLeast(0.1);
  EXPECT_EQ(Check(w, ConfigValue(0.0)), "Invalid value 0.0 for configuration k: Value must be at least 0.1");
  EXPECT_EQ(Check(Range::AtLeast(1), ConfigValue(0.5)),
            "Invalid value 0.5 for configuration k: Value must be at least 1");
}

TEST(ValidStringTest, In) {
  Validator v = ValidString::In({"delete", "compact"});
  EXPECT_EQ(v.description(), "[delete, compact]");
  EXPECT_EQ(Check(v, ConfigValue(std::string("compact"))), "ok");
  EXPECT_EQ(Check(v, ConfigValue(std::string("Compact")), "cleanup.policy"),
            "Invalid value Compact for configuration cleanup.policy: String must be one of: delete, compact");
  EXPECT_EQ(Check(v, ConfigValue()),
            "Invalid value null for configuration k: String must be one of: delete, compact");
}

TEST(ValidStringTest, InIgnoreCase) {
  Validator v = ValidString::InIgnoreCase({"none", "gzip"});
  EXPECT_EQ(v.description(), "(case insensitive) [none, gzip]");
  EXPECT_EQ(Check(v, ConfigValue(std::string("GZIP"))), "ok");
  EXPECT_EQ(Check(v, ConfigValue(std::string("gZip"))), "ok");
  EXPECT_EQ(Check(v, ConfigValue(std::string("zip"))),
            "Invalid value zip for configuration k: String must be one of (case insensitive): none, gzip");
}

TEST(ValidListTest, In) {
  Validator v = ValidList::In({"broker", "controller"});
  EXPECT_EQ(v.description(), "[broker, controller]");
  EXPECT_EQ(Check(v, ConfigValue(List{"broker", "controller"})), "ok");
  EXPECT_EQ(Check(v, ConfigValue(List{})), "ok");
  EXPECT_EQ(Check(v, ConfigValue()), "ok");
  EXPECT_EQ(
      Check(v, ConfigValue(List{"broker", "zookeeper"}), "process.roles"),
      "Invalid value zookeeper for configuration process.roles: String must be one of: broker, controller");
}

TEST(NonEmptyStringTest, Checks) {
  Validator v = NonEmptyString();
  EXPECT_EQ(v.description(), "non-empty string");
  EXPECT_EQ(Check(v, ConfigValue(std::string("x"))), "ok");
  EXPECT_EQ(Check(v, ConfigValue(std::string())),
            "Invalid value  for configuration k: String must be non-empty");
  EXPECT_EQ(Check(v, ConfigValue()), "Invalid value null for configuration k: entry must be non null");
}

TEST(NonEmptyStringWithoutControlCharsTest, Checks) {
  Validator v = NonEmptyStringWithoutControlChars();
  EXPECT_EQ(Check(v, ConfigValue(std::string("my-connector"))), "ok");
  EXPECT_EQ(Check(v, ConfigValue(std::string())),
            "Invalid value  for configuration k: String may not be empty");
  EXPECT_EQ(
      Check(v, ConfigValue(std::string("a\tb\x01")), "name"),
      "Invalid value a\tb\x01 for configuration name: String may not contain control sequences but had the "
      "following ASCII chars: 9, 1");
}

TEST(NonNullTest, Checks) {
  EXPECT_EQ(Check(NonNull(), ConfigValue(int64_t{0})), "ok");
  EXPECT_EQ(Check(NonNull(), ConfigValue()),
            "Invalid value null for configuration k: entry must be non null");
}

TEST(CustomValidatorTest, LambdaAndComposite) {
  Validator even(
      [](std::string_view name, const ConfigValue& value) -> Status {
        const auto* i = std::get_if<int64_t>(&value);
        if (i != nullptr && *i % 2 != 0)
          return InvalidValue(name, ConfigValueToString(value), "must be even");
        return Status::OK();
      },
      "even numbers");
  EXPECT_TRUE(static_cast<bool>(even));
  EXPECT_EQ(Check(even, ConfigValue(int64_t{3})), "Invalid value 3 for configuration k: must be even");
  Validator both = All({Range::AtLeast(10), even});
  EXPECT_EQ(both.description(), "[10,...], even numbers");
  EXPECT_EQ(Check(both, ConfigValue(int64_t{12})), "ok");
  EXPECT_EQ(Check(both, ConfigValue(int64_t{4})),
            "Invalid value 4 for configuration k: Value must be at least 10");
  EXPECT_EQ(Check(both, ConfigValue(int64_t{13})), "Invalid value 13 for configuration k: must be even");
  Validator none;
  EXPECT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(Check(none, ConfigValue()), "ok");
}

}  // namespace
}  // namespace sluice
