// Tests for base/properties: the Properties container and the java.util.Properties.load rules.
#include "base/properties.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace sluice {
namespace {

Properties MustParse(std::string_view text) {
  Result<Properties> r = ParseProperties(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Properties();
}

std::string Val(const Properties& p, std::string_view key) {
  std::optional<std::string> v = p.Get(key);
  return v ? *v : "<absent>";
}

// ---- Properties container ----

TEST(PropertiesTest, SetGetContainsAndOrder) {
  Properties p;
  EXPECT_TRUE(p.empty());
  p.Set("b", "1");
  p.Set("a", "2");
  p.Set("c", "3");
  p.Set("b", "4");  // replace keeps position
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(Val(p, "b"), "4");
  EXPECT_TRUE(p.Contains("a"));
  EXPECT_FALSE(p.Contains("z"));
  EXPECT_EQ(p.Find("z"), nullptr);
  EXPECT_EQ(*p.Find("c"), "3");
  EXPECT_EQ(p.GetOr("z", "dflt"), "dflt");
  EXPECT_EQ(p.GetOr("a", "dflt"), "2");
}

TEST(PropertiesTest, EraseKeepsIndexConsistent) {
  Properties p{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_TRUE(p.Erase("a"));
  EXPECT_FALSE(p.Erase("a"));
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Val(p, "c"), "3");
  p.Set("c", "33");
  EXPECT_EQ(p.entries()[1].second, "33");
  p.Set("a", "new");
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"b", "c", "a"}));
}

TEST(PropertiesTest, WithPrefix) {
  Properties p{{"producer.acks", "all"},
               {"consumer.group.id", "g"},
               {"producer.linger.ms", "5"},
               {"producer.", "x"},
               {"bootstrap.servers", "h:9092"}};
  Properties stripped = p.WithPrefix("producer.", true);
  EXPECT_EQ(stripped.keys(), (std::vector<std::string>{"acks", "linger.ms"}));
  EXPECT_EQ(Val(stripped, "acks"), "all");
  Properties kept = p.WithPrefix("producer.", false);
  EXPECT_EQ(kept.keys(), (std::vector<std::string>{"producer.acks", "producer.linger.ms", "producer."}));
  EXPECT_TRUE(p.WithPrefix("admin.", true).empty());
  EXPECT_EQ(p.WithPrefix("", false), p);
}

TEST(PropertiesTest, MapRoundTrip) {
  Properties p{{"z", "1"}, {"a", "2"}};
  std::map<std::string, std::string> m = p.ToMap();
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m["z"], "1");
  Properties q = Properties::FromMap(m);
  EXPECT_EQ(q.keys(), (std::vector<std::string>{"a", "z"}));  // map order
  int n = 0;
  for (const auto& [k, v] : q) n += static_cast<int>(k.size() + v.size());
  EXPECT_EQ(n, 4);
}

// ---- Parsing: separators ----

TEST(ParsePropertiesTest, Separators) {
  Properties p = MustParse(
      "a=1\n"
      "b:2\n"
      "c 3\n"
      "d = 4\n"
      "e\t:\t5\n"
      "f    =    6\n"
      "g\f7\n"
      "h   :8\n");
  EXPECT_EQ(Val(p, "a"), "1");
  EXPECT_EQ(Val(p, "b"), "2");
  EXPECT_EQ(Val(p, "c"), "3");
  EXPECT_EQ(Val(p, "d"), "4");
  EXPECT_EQ(Val(p, "e"), "5");
  EXPECT_EQ(Val(p, "f"), "6");
  EXPECT_EQ(Val(p, "g"), "7");
  EXPECT_EQ(Val(p, "h"), "8");
  EXPECT_EQ(p.size(), 8u);
}

TEST(ParsePropertiesTest, KeyWithoutValue) {
  Properties p = MustParse("alone\nwith.eq=\nwith.colon:\nwith.space   \n   indented\n");
  EXPECT_EQ(Val(p, "alone"), "");
  EXPECT_EQ(Val(p, "with.eq"), "");
  EXPECT_EQ(Val(p, "with.colon"), "");
  EXPECT_EQ(Val(p, "with.space"), "");
  EXPECT_EQ(Val(p, "indented"), "");
}

TEST(ParsePropertiesTest, OnlyFirstSeparatorCounts) {
  Properties p = MustParse(
      "url=http://host:80/a=b\n"
      "k v w\n"
      "x = = y\n"
      "m : : n\n"
      "q  r=s\n"
      "=nokey\n");
  EXPECT_EQ(Val(p, "url"), "http://host:80/a=b");
  EXPECT_EQ(Val(p, "k"), "v w");
  EXPECT_EQ(Val(p, "x"), "= y");  // one '=' after whitespace is the separator, the next is the value
  EXPECT_EQ(Val(p, "m"), ": n");
  EXPECT_EQ(Val(p, "q"), "r=s");
  EXPECT_EQ(Val(p, ""), "nokey");
}

TEST(ParsePropertiesTest, TrailingWhitespaceIsKeptLeadingIsDropped) {
  Properties p = MustParse("   a = value with spaces   \n\t\tb=\t x\n");
  EXPECT_EQ(Val(p, "a"), "value with spaces   ");
  EXPECT_EQ(Val(p, "b"), "x");
}

// ---- Comments and blank lines ----

TEST(ParsePropertiesTest, Comments) {
  Properties p = MustParse(
      "# hash comment\n"
      "! bang comment\n"
      "   # indented comment\n"
      "\t! indented bang\n"
      "a=b # not a comment\n"
      "c=!d\n"
      "#comment ending in backslash does not continue \\\n"
      "e=f\n");
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"a", "c", "e"}));
  EXPECT_EQ(Val(p, "a"), "b # not a comment");
  EXPECT_EQ(Val(p, "c"), "!d");
  EXPECT_EQ(Val(p, "e"), "f");
}

TEST(ParsePropertiesTest, BlankLinesAndEmptyInput) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("\n\n   \n\t\f\n").empty());
  EXPECT_TRUE(MustParse("# only\n! comments").empty());
  Properties p = MustParse("\n\na=1\n\n\nb=2");
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"a", "b"}));
}

// ---- Line endings and continuations ----

TEST(ParsePropertiesTest, LineEndings) {
  Properties p = MustParse("a=1\r\nb=2\rc=3\nd=4\r\n\r\ne=5");
  EXPECT_EQ(Val(p, "a"), "1");
  EXPECT_EQ(Val(p, "b"), "2");
  EXPECT_EQ(Val(p, "c"), "3");
  EXPECT_EQ(Val(p, "d"), "4");
  EXPECT_EQ(Val(p, "e"), "5");
  EXPECT_EQ(p.size(), 5u);
}

TEST(ParsePropertiesTest, Continuation) {
  Properties p = MustParse(
      "fruits = apple, banana, \\\n"
      "         pear, \\\n"
      "\t\t cherry\n"
      "next=1\n");
  EXPECT_EQ(Val(p, "fruits"), "apple, banana, pear, cherry");
  EXPECT_EQ(Val(p, "next"), "1");
}

TEST(ParsePropertiesTest, ContinuationWithCrLfAndCr) {
  Properties p = MustParse("a=one\\\r\n   two\r\nb=x\\\r  y\rc=3");
  EXPECT_EQ(Val(p, "a"), "onetwo");
  EXPECT_EQ(Val(p, "b"), "xy");
  EXPECT_EQ(Val(p, "c"), "3");
}

TEST(ParsePropertiesTest, EvenBackslashesDoNotContinue) {
  Properties p = MustParse("a=b\\\\\nc=d\n");
  EXPECT_EQ(Val(p, "a"), "b\\");
  EXPECT_EQ(Val(p, "c"), "d");
  // Three backslashes: an escaped backslash, then a continuation.
  Properties q = MustParse("a=x\\\\\\\n   y\n");
  EXPECT_EQ(Val(q, "a"), "x\\y");
  EXPECT_EQ(q.size(), 1u);
}

TEST(ParsePropertiesTest, ContinuationIntoBlankLineEndsTheValue) {
  Properties p = MustParse("a=b\\\n\nc=d\n");
  EXPECT_EQ(Val(p, "a"), "b");
  EXPECT_EQ(Val(p, "c"), "d");
}

TEST(ParsePropertiesTest, ContinuedLineStartingWithHashIsNotAComment) {
  Properties p = MustParse("a=b\\\n  #c\n");
  EXPECT_EQ(Val(p, "a"), "b#c");
}

TEST(ParsePropertiesTest, ContinuationInKey) {
  Properties p = MustParse("long\\\n   key=v\n");
  EXPECT_EQ(Val(p, "longkey"), "v");
}

TEST(ParsePropertiesTest, BackslashAtEndOfInputIsDropped) {
  EXPECT_EQ(Val(MustParse("a=b\\"), "a"), "b");
  EXPECT_EQ(Val(MustParse("a=b\\\n"), "a"), "b");
  EXPECT_EQ(Val(MustParse("a=b\\\n   "), "a"), "b");
}

// ---- Escapes ----

TEST(ParsePropertiesTest, EscapedSeparatorsInKeys) {
  Properties p = MustParse(
      "key\\ with\\ spaces = v\n"
      "a\\=b=c\n"
      "d\\:e:f\n"
      "\\#not\\!comment=g\n"
      "\\!bang=h\n"
      "tab\\tkey=i\n");
  EXPECT_EQ(Val(p, "key with spaces"), "v");
  EXPECT_EQ(Val(p, "a=b"), "c");
  EXPECT_EQ(Val(p, "d:e"), "f");
  EXPECT_EQ(Val(p, "#not!comment"), "g");
  EXPECT_EQ(Val(p, "!bang"), "h");
  EXPECT_EQ(Val(p, "tab\tkey"), "i");
}

TEST(ParsePropertiesTest, ValueEscapes) {
  Properties p = MustParse(
      "a=\\t\\n\\r\\f\\\\\n"
      "b=\\q\\z\\\"\\'\n"
      "c=\\ leading space kept\n"
      "d=x\\=y\\:z\\ w\n"
      "path=C:\\\\dir\\\\file\n");
  EXPECT_EQ(Val(p, "a"), "\t\n\r\f\\");
  EXPECT_EQ(Val(p, "b"), "qz\"'");
  EXPECT_EQ(Val(p, "c"), " leading space kept");
  EXPECT_EQ(Val(p, "d"), "x=y:z w");
  EXPECT_EQ(Val(p, "path"), "C:\\dir\\file");
}

TEST(ParsePropertiesTest, UnicodeEscapes) {
  Properties p = MustParse(
      "a=\\u0041\\u0062c\n"
      "e=caf\\u00e9\n"
      "euro=\\u20AC\n"
      "smile=\\uD83D\\uDE00!\n"
      "\\u006b\\u0065\\u0079=in key\n"
      "lone.high=\\uD83Dx\n"
      "lone.low=\\uDE00\n"
      "nul=a\\u0000b\n");
  EXPECT_EQ(Val(p, "a"), "Abc");
  EXPECT_EQ(Val(p, "e"), "caf\xC3\xA9");
  EXPECT_EQ(Val(p, "euro"), "\xE2\x82\xAC");
  EXPECT_EQ(Val(p, "smile"), "\xF0\x9F\x98\x80!");
  EXPECT_EQ(Val(p, "key"), "in key");
  EXPECT_EQ(Val(p, "lone.high"), "\xEF\xBF\xBDx");
  EXPECT_EQ(Val(p, "lone.low"), "\xEF\xBF\xBD");
  EXPECT_EQ(Val(p, "nul"), std::string("a\0b", 3));
}

TEST(ParsePropertiesTest, RawUtf8PassesThrough) {
  EXPECT_EQ(Val(MustParse("name=Gr\xC3\xBC\xC3\x9F"
                          "e\n"),
                "name"),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
}

TEST(ParsePropertiesTest, MalformedUnicodeIsAnErrorWithLineNumber) {
  Result<Properties> r = ParseProperties("a=\\u12");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "line 1: Malformed \\uxxxx encoding.");

  r = ParseProperties("x=1\ny=2\n\n# c\nz=\\u00G1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 5: Malformed \\uxxxx encoding.");

  r = ParseProperties("x=1\r\ny=2\r\nbad\\u=1\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 3: Malformed \\uxxxx encoding.");

  // The logical line's first natural line is reported.
  r = ParseProperties("a=1\nb=ok\\\n  \\uZZZZ\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 2: Malformed \\uxxxx encoding.");
}

TEST(ParsePropertiesTest, LaterDuplicatesOverride) {
  Properties p = MustParse("a=1\nb=2\na=3\n");
  EXPECT_EQ(Val(p, "a"), "3");
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"a", "b"}));
}

TEST(ParsePropertiesTest, KafkaServerPropertiesSnippet) {
  Properties p = MustParse(
      "############################# Server Basics #############################\n"
      "# The role of this server.\n"
      "process.roles=broker,controller\n"
      "node.id=1\n"
      "controller.quorum.voters=1@localhost:9093\n"
      "listeners=PLAINTEXT://:9092,CONTROLLER://:9093\n"
      "log.dirs=/tmp/kraft-combined-logs\n"
      "num.partitions=1\n");
  EXPECT_EQ(Val(p, "process.roles"), "broker,controller");
  EXPECT_EQ(Val(p, "controller.quorum.voters"), "1@localhost:9093");
  EXPECT_EQ(Val(p, "listeners"), "PLAINTEXT://:9092,CONTROLLER://:9093");
  EXPECT_EQ(p.size(), 6u);
}

// ---- Files ----

class LoadPropertiesFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice_props_test_XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void Write(std::string_view text) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  std::string path_;
};

TEST_F(LoadPropertiesFileTest, ReadsFile) {
  std::string big(20000, 'x');  // larger than the read buffer
  Write("a=1\r\nbig=" + big + "\nc = 3\n");
  Result<Properties> r = LoadPropertiesFile(path_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Val(*r, "a"), "1");
  EXPECT_EQ(Val(*r, "big"), big);
  EXPECT_EQ(Val(*r, "c"), "3");
}

TEST_F(LoadPropertiesFileTest, MissingFileIsIOErrorNamingPath) {
  Result<Properties> r = LoadPropertiesFile("/nonexistent/dir/server.properties");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/server.properties"), std::string::npos);
}

TEST_F(LoadPropertiesFileTest, DirectoryIsIOError) {
  Result<Properties> r = LoadPropertiesFile("/tmp");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
}

TEST_F(LoadPropertiesFileTest, ParseErrorNamesPathAndLine) {
  Write("ok=1\nbad=\\u12\n");
  Result<Properties> r = LoadPropertiesFile(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), path_ + ": line 2: Malformed \\uxxxx encoding.");
}

}  // namespace
}  // namespace sluice
