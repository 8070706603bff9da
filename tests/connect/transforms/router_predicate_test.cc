// Tests for the Java regex helper, RegexRouter, Filter and the predicates.
#include <gtest/gtest.h>

#include "connect/transforms/java_regex.h"
#include "connect/transforms/transforms.h"
#include "test_util.h"

namespace sluice::connect::transforms {
namespace {

std::string Replace(const std::string& pattern, const std::string& text, const std::string& replacement) {
  Result<JavaRegex> re = JavaRegex::Compile(pattern);
  EXPECT_TRUE(re.ok()) << re.status().ToString();
  Result<std::optional<std::string>> out = re->ReplaceIfMatches(text, replacement);
  if (!out.ok()) return "error: " + out.status().message();
  return out->value_or("<no match>");
}

TEST(JavaRegexTest, WholeMatchAndReplacement) {
  EXPECT_EQ(Replace("(.*)-(\\d+)", "orders-2024", "$2/$1"), "2024/orders");
  EXPECT_EQ(Replace("orders", "orders-v2", "x"), "<no match>");  // matches() needs the whole topic
  EXPECT_EQ(Replace("(?<name>[a-z]+)_(\\d)", "abc_1", "${name}.$2"), "abc.1");
  EXPECT_EQ(Replace("(a)", "a", "$12"), "a2");  // group 12 does not exist: $1 then "2"
  EXPECT_EQ(Replace("(a)", "a", "\\$1"), "$1");
  EXPECT_EQ(Replace("(a)|(b)", "a", "[$2]"), "[]");  // an unmatched group is empty
  EXPECT_EQ(Replace("(?i)ORDERS", "orders", "x"), "x");
  EXPECT_EQ(Replace("(a)", "a", "$3"), "error: No group 3");
  EXPECT_EQ(Replace("(a)", "a", "$"), "error: Illegal group reference: group index is missing");
  EXPECT_EQ(Replace("(a)", "a", "${x}"), "error: No group with name {x}");
  EXPECT_FALSE(JavaRegex::Compile("(unclosed").ok());
  EXPECT_FALSE(JavaRegex::Compile("(?<=a)b").ok());
}

TEST(RegexRouterTest, RoutesMatchingTopics) {
  auto t = Configured(NewRegexRouter(), {{"regex", "(.*)-(\\d+)"}, {"replacement", "$1"}});
  ConnectRecord r = ValueRecord(nullptr, Value("v"), "orders-2024");
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.topic, "orders");
  ConnectRecord other = ValueRecord(nullptr, Value("v"), "orders");
  ASSERT_TRUE(*t->Apply(other));
  EXPECT_EQ(other.topic, "orders");
}

TEST(RegexRouterTest, ConfigErrors) {
  auto t = NewRegexRouter();
  std::string bad = ConfigureError(*t, {{"regex", "(x"}, {"replacement", "y"}});
  EXPECT_EQ(bad.rfind("Invalid value (x for configuration regex: Invalid regex: ", 0), 0u) << bad;
  EXPECT_EQ(ConfigureError(*t, {{"regex", "(x)"}, {"replacement", "$2"}}),
            "Invalid value $2 for configuration replacement: No group 2");
  EXPECT_EQ(ConfigureError(*t, {{"regex", "x"}}),
            "Missing required configuration \"replacement\" which has no default value.");
}

TEST(FilterTest, DropsEverything) {
  auto t = Configured(NewFilter(), {});
  ConnectRecord r = ValueRecord(nullptr, Value("v"));
  Result<bool> keep = t->Apply(r);
  ASSERT_TRUE(keep.ok());
  EXPECT_FALSE(*keep);
}

TEST(PredicateTest, TopicNameMatches) {
  auto p = Configured(NewTopicNameMatches(), {{"pattern", "orders-.*"}});
  EXPECT_TRUE(p->Test(ValueRecord(nullptr, Value(), "orders-1")));
  EXPECT_FALSE(p->Test(ValueRecord(nullptr, Value(), "xorders-1")));
  EXPECT_FALSE(p->Test(ValueRecord(nullptr, Value(), "orders")));
  auto q = NewTopicNameMatches();
  Status empty = q->Configure({{"pattern", ""}});
  EXPECT_EQ(empty.message(), "Invalid value  for configuration pattern: String must be non-empty");
  Status bad = q->Configure({{"pattern", "[a"}});
  EXPECT_NE(bad.message().find("for configuration pattern: Invalid regex"), std::string::npos)
      << bad.message();
}

TEST(PredicateTest, HasHeaderKey) {
  auto p = Configured(NewHasHeaderKey(), {{"name", "trace"}});
  ConnectRecord r = ValueRecord(nullptr, Value("v"));
  EXPECT_FALSE(p->Test(r));
  r.headers.push_back(Header{"other", nullptr, Value("x")});
  EXPECT_FALSE(p->Test(r));
  r.headers.push_back(Header{"trace", nullptr, Value()});  // a null header value still counts
  EXPECT_TRUE(p->Test(r));
  EXPECT_FALSE(NewHasHeaderKey()->Configure({}).ok());
}

TEST(PredicateTest, RecordIsTombstone) {
  auto p = Configured(NewRecordIsTombstone(), {});
  EXPECT_TRUE(p->Test(ValueRecord(Schema::OptionalString(), Value())));
  EXPECT_FALSE(p->Test(ValueRecord(nullptr, Value(""))));
}

}  // namespace
}  // namespace sluice::connect::transforms
