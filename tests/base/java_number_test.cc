// Tests for base/java_number: Java's Double.toString and Float.toString, including the shortest-digit
// cases an older formatter got wrong (4.9E-324), and config values printed through them.
#include "base/java_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/config_value.h"

namespace sluice {
namespace {

TEST(JavaDoubleToStringTest, MatchesJava) {
  EXPECT_EQ(JavaDoubleToString(1.0), "1.0");
  EXPECT_EQ(JavaDoubleToString(0.5), "0.5");
  EXPECT_EQ(JavaDoubleToString(-2.25), "-2.25");
  EXPECT_EQ(JavaDoubleToString(0.001), "0.001");
  EXPECT_EQ(JavaDoubleToString(1234567.0), "1234567.0");
  EXPECT_EQ(JavaDoubleToString(9999999.0), "9999999.0");
  EXPECT_EQ(JavaDoubleToString(1e7), "1.0E7");
  EXPECT_EQ(JavaDoubleToString(1.5e10), "1.5E10");
  EXPECT_EQ(JavaDoubleToString(1e-4), "1.0E-4");
  EXPECT_EQ(JavaDoubleToString(-1.5e-4), "-1.5E-4");
  EXPECT_EQ(JavaDoubleToString(0.0), "0.0");
  EXPECT_EQ(JavaDoubleToString(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(JavaDoubleToString(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(JavaDoubleToString(std::nan("")), "NaN");
}

TEST(JavaDoubleToStringTest, ShortestDigitsAtTheExtremes) {
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::min()), "2.2250738585072014E-308");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::max()), "1.7976931348623157E308");
}

TEST(JavaFloatToStringTest, MatchesJava) {
  EXPECT_EQ(JavaFloatToString(1.1f), "1.1");
  EXPECT_EQ(JavaFloatToString(1e10f), "1.0E10");
  EXPECT_EQ(JavaFloatToString(-0.0f), "-0.0");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::max()), "3.4028235E38");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::quiet_NaN()), "NaN");
}

TEST(JavaDoubleToStringTest, ConfigValuesPrintThroughIt) {
  EXPECT_EQ(ConfigValueToString(ConfigValue(1e7)), "1.0E7");
  EXPECT_EQ(ConfigValueToString(ConfigValue(std::numeric_limits<double>::denorm_min())), "4.9E-324");
}

}  // namespace
}  // namespace sluice
