// Tests for base/config_def: definitions, Parse (typed getters, defaults, errors), Validate, unknown
// keys, password hiding and the documentation table.
#include "base/config_def.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>
#include <vector>

#include "base/logging.h"

namespace sluice {
namespace {

using List = std::vector<std::string>;

ConfigDef BrokerishDef() {
  ConfigDef def;
  def.Define(ConfigKey("num.partitions", ConfigType::kInt)
                 .Default("1")
                 .Validate(Range::AtLeast(1))
                 .Importance(Importance::kMedium)
                 .Doc("The default number of log partitions per topic."));
  def.DefineRequired("bootstrap.servers", ConfigType::kList, Importance::kHigh, "host:port pairs.");
  def.Define("auto.create.topics.enable", ConfigType::kBoolean, "true", Importance::kHigh,
             "Auto-create topics.");
  def.Define("log.retention.ms", ConfigType::kLong, "604800000", Range::AtLeast(-1), Importance::kHigh,
             "Retention in ms.");
  def.Define("replica.fetch.backoff", ConfigType::kShort, "100", Importance::kLow, "A short.");
  def.Define("min.cleanable.dirty.ratio", ConfigType::kDouble, "0.5", Range::Between(0, 1),
             Importance::kMedium, "A ratio.");
  def.Define("compression.type", ConfigType::kString, "producer",
             ValidString::InIgnoreCase({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}),
             Importance::kHigh, "Compression.");
  def.Define("cleanup.policy", ConfigType::kList, "delete", ValidList::In({"delete", "compact"}),
             Importance::kMedium, "Cleanup policy.");
  def.Define(
      ConfigKey("ssl.key.password", ConfigType::kPassword).NullDefault().Importance(Importance::kHigh));
  def.Define(ConfigKey("connector.class", ConfigType::kClass)
                 .NullDefault()
                 .Group("Common", 2)
                 .Width(Width::kLong)
                 .DisplayName("Connector class"));
  def.Define("name", ConfigType::kString, "sluice", NonEmptyString(), Importance::kHigh, "A name.");
  return def;
}

TEST(ConfigDefTest, DefinitionMetadata) {
  ConfigDef def = BrokerishDef();
  ASSERT_TRUE(def.status().ok()) << def.status().ToString();
  ASSERT_EQ(def.keys().size(), 11u);
  EXPECT_EQ(def.keys()[0].name(), "num.partitions");
  const ConfigKey* k = def.FindKey("connector.class");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->group(), "Common");
  EXPECT_EQ(k->order_in_group(), 2);
  EXPECT_EQ(k->width(), Width::kLong);
  EXPECT_EQ(k->display_name(), "Connector class");
  EXPECT_EQ(def.FindKey("num.partitions")->display_name(), "num.partitions");
  EXPECT_TRUE(def.FindKey("bootstrap.servers")->required());
  EXPECT_FALSE(def.FindKey("ssl.key.password")->required());
  EXPECT_EQ(def.FindKey("num.partitions")->importance(), Importance::kMedium);
  EXPECT_EQ(def.FindKey("nope"), nullptr);
  EXPECT_EQ(ImportanceName(Importance::kHigh), "HIGH");
  EXPECT_EQ(ImportanceName(Importance::kLow), "LOW");
}

TEST(ConfigDefTest, ParseDefaults) {
  ConfigDef def = BrokerishDef();
  Result<ParsedConfig> r = def.Parse(Properties{{"bootstrap.servers", "h1:9092, h2:9092"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ParsedConfig& c = *r;
  EXPECT_EQ(c.GetInt("num.partitions"), 1);
  EXPECT_EQ(c.GetList("bootstrap.servers"), (List{"h1:9092", "h2:9092"}));
  EXPECT_TRUE(c.GetBool("auto.create.topics.enable"));
  EXPECT_EQ(c.GetLong("log.retention.ms"), 604800000);
  EXPECT_EQ(c.GetShort("replica.fetch.backoff"), 100);
  EXPECT_DOUBLE_EQ(c.GetDouble("min.cleanable.dirty.ratio"), 0.5);
  EXPECT_EQ(c.GetString("compression.type"), "producer");
  EXPECT_EQ(c.GetList("cleanup.policy"), (List{"delete"}));
  EXPECT_TRUE(c.IsNull("ssl.key.password"));
  EXPECT_EQ(c.GetPassword("ssl.key.password").value(), "");
  EXPECT_TRUE(c.IsNull("connector.class"));
  EXPECT_EQ(c.GetString("connector.class"), "");
  EXPECT_EQ(c.GetString("name"), "sluice");
  EXPECT_TRUE(c.WasSet("bootstrap.servers"));
  EXPECT_FALSE(c.WasSet("num.partitions"));
  EXPECT_TRUE(c.unknown_keys().empty());
}

TEST(ConfigDefTest, ParseSuppliedValuesOfEveryType) {
  ConfigDef def = BrokerishDef();
  std::map<std::string, std::string> in = {
      {"bootstrap.servers", "a:1"},           {"num.partitions", " 12 "},
      {"auto.create.topics.enable", "FALSE"}, {"log.retention.ms", "-1"},
      {"replica.fetch.backoff", "-5"},        {"min.cleanable.dirty.ratio", "0.25"},
      {"compression.type", " ZSTD "},         {"cleanup.policy", "compact, delete"},
      {"ssl.key.password", " s3cret "},       {"connector.class", "io.sluice.JdbcSource"},
      {"name", "  my-connector  "},
  };
  Result<ParsedConfig> r = def.Parse(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ParsedConfig& c = *r;
  EXPECT_EQ(c.GetInt("num.partitions"), 12);
  EXPECT_FALSE(c.GetBool("auto.create.topics.enable"));
  EXPECT_EQ(c.GetLong("log.retention.ms"), -1);
  EXPECT_EQ(c.GetShort("replica.fetch.backoff"), -5);
  EXPECT_DOUBLE_EQ(c.GetDouble("min.cleanable.dirty.ratio"), 0.25);
  EXPECT_EQ(c.GetString("compression.type"), "ZSTD");
  EXPECT_EQ(c.GetList("cleanup.policy"), (List{"compact", "delete"}));
  EXPECT_EQ(c.GetPassword("ssl.key.password").value(), "s3cret");
  EXPECT_FALSE(c.IsNull("ssl.key.password"));
  EXPECT_EQ(c.GetString("connector.class"), "io.sluice.JdbcSource");
  EXPECT_EQ(c.GetString("name"), "my-connector");
  ASSERT_NE(c.Find("num.partitions"), nullptr);
  EXPECT_EQ(*c.Find("num.partitions"), ConfigValue(int64_t{12}));
  EXPECT_EQ(c.Find("unknown"), nullptr);
}

TEST(ConfigDefTest, ErrorMessagesMatchKafka) {
  ConfigDef def = BrokerishDef();
  auto err = [&](Properties p) {
    if (!p.Contains("bootstrap.servers")) p.Set("bootstrap.servers", "h:1");
    Result<ParsedConfig> r = def.Parse(p);
    if (r.ok()) return std::string("<ok>");
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    return r.status().message();
  };
  EXPECT_EQ(err({{"num.partitions", "abc"}}),
            "Invalid value abc for configuration num.partitions: Not a number of type INT");
  EXPECT_EQ(err({{"num.partitions", "0"}}),
            "Invalid value 0 for configuration num.partitions: Value must be at least 1");
  EXPECT_EQ(err({{"num.partitions", "99999999999"}}),
            "Invalid value 99999999999 for configuration num.partitions: Not a number of type INT");
  EXPECT_EQ(err({{"auto.create.topics.enable", "yes"}}),
            "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true "
            "or false");
  EXPECT_EQ(err({{"log.retention.ms", "-2"}}),
            "Invalid value -2 for configuration log.retention.ms: Value must be at least -1");
  EXPECT_EQ(err({{"min.cleanable.dirty.ratio", "1.5"}}),
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1");
  EXPECT_EQ(
      err({{"compression.type", "brotli"}}),
      "Invalid value brotli for configuration compression.type: String must be one of (case insensitive): "
      "uncompressed, zstd, lz4, snappy, gzip, producer");
  EXPECT_EQ(err({{"cleanup.policy", "delete,archive"}}),
            "Invalid value archive for configuration cleanup.policy: String must be one of: delete, compact");
  EXPECT_EQ(err({{"name", "   "}}), "Invalid value  for configuration name: String must be non-empty");
}

TEST(ConfigDefTest, MissingRequired) {
  ConfigDef def = BrokerishDef();
  Result<ParsedConfig> r = def.Parse(Properties{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Missing required configuration \"bootstrap.servers\" which has no default value.");
}

TEST(ConfigDefTest, FirstErrorInDefinitionOrder) {
  ConfigDef def = BrokerishDef();
  Result<ParsedConfig> r = def.Parse(Properties{{"name", ""}, {"num.partitions", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Invalid value x for configuration num.partitions: Not a number of type INT");
}

TEST(ConfigDefTest, UnknownKeys) {
  ConfigDef def = BrokerishDef();
  Properties p{{"bootstrap.servers", "h:1"}, {"bogus.one", "1"}, {"num.partitions", "3"}, {"bogus.two", "2"}};
  EXPECT_EQ(def.UnknownKeys(p), (List{"bogus.one", "bogus.two"}));
  Result<ParsedConfig> r = def.Parse(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unknown_keys(), (List{"bogus.one", "bogus.two"}));
  EXPECT_EQ(r->originals().size(), 4u);
  EXPECT_EQ(*r->originals().Find("bogus.two"), "2");
}

TEST(ConfigDefTest, LogUnknownKeysOncePerComponent) {
  std::ostringstream out;
  ASSERT_TRUE(InitLogging("info", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)).ok());
  ResetLogOnceKeysForTest();
  ConfigDef def = BrokerishDef();
  Result<ParsedConfig> r = def.Parse(Properties{{"bootstrap.servers", "h:1"}, {"typo.key", "1"}});
  ASSERT_TRUE(r.ok());
  r->LogUnknownKeysOnce("broker");
  r->LogUnknownKeysOnce("broker");
  r->LogUnknownKeysOnce("connector-a");
  std::string text = out.str();
  const std::string needle = "the configuration 'typo.key' was supplied but isn't a known config.";
  size_t first = text.find("broker: " + needle);
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("broker: " + needle, first + 1), std::string::npos) << text;
  EXPECT_NE(text.find("connector-a: " + needle), std::string::npos) << text;
  ASSERT_TRUE(InitLogging("info").ok());
}

TEST(ConfigDefTest, PasswordsAreNeverPrinted) {
  ConfigDef def = BrokerishDef();
  Result<ParsedConfig> r =
      def.Parse(Properties{{"bootstrap.servers", "h:1"}, {"ssl.key.password", "topsecret"}, {"name", "n"}});
  ASSERT_TRUE(r.ok());
  std::string dump = r->ToString();
  EXPECT_EQ(dump.find("topsecret"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\tssl.key.password = [hidden]\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\tbootstrap.servers = [h:1]\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\tconnector.class = null\n"), std::string::npos) << dump;
  // Sorted by name.
  EXPECT_LT(dump.find("auto.create.topics.enable"), dump.find("bootstrap.servers"));

  std::vector<ConfigValidation> rows =
      def.Validate(Properties{{"bootstrap.servers", "h:1"}, {"ssl.key.password", "topsecret"}});
  for (const ConfigValidation& row : rows) {
    if (row.name == "ssl.key.password") {
      EXPECT_EQ(row.value, "[hidden]");
    }
    if (row.value) {
      EXPECT_EQ(row.value->find("topsecret"), std::string::npos);
    }
  }
}

TEST(ConfigDefTest, ValidateReportsEveryKey) {
  ConfigDef def = BrokerishDef();
  std::vector<ConfigValidation> rows = def.Validate(std::map<std::string, std::string>{
      {"num.partitions", "0"}, {"auto.create.topics.enable", "maybe"}, {"cleanup.policy", "compact,delete"}});
  ASSERT_EQ(rows.size(), def.keys().size());
  std::map<std::string, ConfigValidation> by_name;
  for (auto& row : rows) by_name[row.name] = row;
  EXPECT_EQ(rows[0].name, "num.partitions");  // definition order

  EXPECT_EQ(by_name["num.partitions"].value, "0");
  EXPECT_EQ(by_name["num.partitions"].errors,
            (List{"Invalid value 0 for configuration num.partitions: Value must be at least 1"}));
  EXPECT_EQ(by_name["bootstrap.servers"].value, std::nullopt);
  EXPECT_EQ(by_name["bootstrap.servers"].errors,
            (List{"Missing required configuration \"bootstrap.servers\" which has no default value."}));
  EXPECT_EQ(by_name["auto.create.topics.enable"].value, "maybe");
  EXPECT_EQ(
      by_name["auto.create.topics.enable"].errors,
      (List{"Invalid value maybe for configuration auto.create.topics.enable: Expected value to be either "
            "true or false"}));
  EXPECT_EQ(by_name["cleanup.policy"].value, "compact,delete");
  EXPECT_TRUE(by_name["cleanup.policy"].errors.empty());
  EXPECT_EQ(by_name["log.retention.ms"].value, "604800000");
  EXPECT_TRUE(by_name["log.retention.ms"].errors.empty());
  EXPECT_EQ(by_name["connector.class"].value, std::nullopt);
  EXPECT_TRUE(by_name["connector.class"].errors.empty());

  int error_keys = 0;
  for (const auto& row : rows) error_keys += row.errors.empty() ? 0 : 1;
  EXPECT_EQ(error_keys, 3);
}

TEST(ConfigDefTest, BrokenDefinitions) {
  ConfigDef twice;
  twice.Define("a", ConfigType::kInt, "1", Importance::kLow, "");
  twice.Define("a", ConfigType::kInt, "2", Importance::kLow, "");
  EXPECT_EQ(twice.status().code(), Status::Code::kInternal);
  EXPECT_EQ(twice.status().message(), "Configuration a is defined twice.");
  EXPECT_FALSE(twice.Parse(Properties{}).ok());

  ConfigDef bad_default;
  bad_default.Define("a", ConfigType::kInt, "one", Importance::kLow, "");
  EXPECT_EQ(bad_default.status().code(), Status::Code::kInternal);
  EXPECT_NE(bad_default.status().message().find("Not a number of type INT"), std::string::npos);

  ConfigDef invalid_default;
  invalid_default.Define("a", ConfigType::kInt, "0", Range::AtLeast(1), Importance::kLow, "");
  EXPECT_FALSE(invalid_default.status().ok());
  EXPECT_NE(invalid_default.status().message().find("Value must be at least 1"), std::string::npos);

  ConfigDef null_default_range;  // like Kafka: a null default must satisfy the validator too
  null_default_range.Define(ConfigKey("a", ConfigType::kInt).NullDefault().Validate(Range::AtLeast(1)));
  EXPECT_FALSE(null_default_range.status().ok());
  std::vector<ConfigValidation> rows = null_default_range.Validate(Properties{});
  EXPECT_TRUE(rows.empty());
}

TEST(ConfigDefTest, CustomValidatorInDefinition) {
  ConfigDef def;
  def.Define(ConfigKey("topic.prefix", ConfigType::kString)
                 .Default("sluice-")
                 .Validate(Validator(
                     [](std::string_view name, const ConfigValue& v) -> Status {
                       const auto& s = std::get<std::string>(v);
                       if (s.find('/') != std::string::npos)
                         return InvalidValue(name, s, "must not contain '/'");
                       return Status::OK();
                     },
                     "no slashes")));
  EXPECT_TRUE(def.Parse(Properties{}).ok());
  Result<ParsedConfig> r = def.Parse(Properties{{"topic.prefix", "a/b"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Invalid value a/b for configuration topic.prefix: must not contain '/'");
}

TEST(ConfigDefTest, MarkdownTable) {
  ConfigDef def = BrokerishDef();
  std::string table = def.ToMarkdownTable();
  EXPECT_EQ(table.find("| Name | Description | Type | Default | Valid Values | Importance |\n"), 0u);
  EXPECT_NE(
      table.find("| num.partitions | The default number of log partitions per topic. | int | 1 | [1,...] | "
                 "medium |\n"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("| bootstrap.servers | host:port pairs. | list |  |  | high |\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("| ssl.key.password |  | password | null |  | high |\n"), std::string::npos) << table;
  EXPECT_NE(table.find("| min.cleanable.dirty.ratio | A ratio. | double | 0.5 | [0,...,1] | medium |"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace sluice
