// Tests for plugin registration, TransformationChain and ValidateChainConfig.
#include <gtest/gtest.h>

#include <algorithm>

#include "connect/transforms/chain.h"
#include "connect/transforms/register.h"
#include "test_util.h"

namespace sluice::connect {
namespace {

using transforms::M;
using transforms::ValueRecord;

class ChainTest : public ::testing::Test {
 protected:
  ChainTest() { RegisterTransforms(registry_); }

  TransformationChain MustBuild(const ConfigMap& config) {
    Result<TransformationChain> chain = TransformationChain::Build(config, registry_);
    EXPECT_TRUE(chain.ok()) << chain.status().ToString();
    return chain.ok() ? std::move(chain).value() : TransformationChain();
  }
  std::string BuildError(const ConfigMap& config) {
    Result<TransformationChain> chain = TransformationChain::Build(config, registry_);
    return chain.ok() ? "OK" : chain.status().message();
  }
  const ConfigValidation* Row(const std::vector<ConfigValidation>& rows, const std::string& name) {
    auto it =
        std::find_if(rows.begin(), rows.end(), [&](const ConfigValidation& r) { return r.name == name; });
    return it == rows.end() ? nullptr : &*it;
  }

  PluginRegistry registry_;
};

TEST_F(ChainTest, RegistersClassNamesAndAliases) {
  for (const char* name :
       {"org.apache.kafka.connect.transforms.ValueToKey",
        "org.apache.kafka.connect.transforms.ExtractField$Key",
        "org.apache.kafka.connect.transforms.ExtractField$Value",
        "org.apache.kafka.connect.transforms.InsertField$Value",
        "org.apache.kafka.connect.transforms.ReplaceField$Key",
        "org.apache.kafka.connect.transforms.MaskField$Value", "org.apache.kafka.connect.transforms.Cast$Key",
        "org.apache.kafka.connect.transforms.HoistField$Value",
        "org.apache.kafka.connect.transforms.Flatten$Value",
        "org.apache.kafka.connect.transforms.TimestampConverter$Value",
        "org.apache.kafka.connect.transforms.RegexRouter",
        "org.apache.kafka.connect.transforms.TimestampRouter", "org.apache.kafka.connect.transforms.Filter",
        "Cast$Value", "ValueToKey", "Filter"}) {
    const PluginInfo* p = registry_.Find(name, {PluginType::kTransformation});
    ASSERT_NE(p, nullptr) << name;
    EXPECT_NE(p->new_transformation(), nullptr);
  }
  for (const char* name :
       {"org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone", "TopicNameMatches"}) {
    const PluginInfo* p = registry_.Find(name, {PluginType::kPredicate});
    ASSERT_NE(p, nullptr) << name;
    EXPECT_NE(p->new_predicate(), nullptr);
  }
  EXPECT_EQ(registry_.Names({PluginType::kTransformation}).size(), 20u);
  EXPECT_EQ(registry_.Names({PluginType::kPredicate}).size(), 3u);
  EXPECT_EQ(registry_.Find("Cast$Value")->class_name, "org.apache.kafka.connect.transforms.Cast$Value");
}

TEST_F(ChainTest, EmptyConfigKeepsRecords) {
  TransformationChain chain = MustBuild({{"name", "c"}});
  EXPECT_TRUE(chain.empty());
  ConnectRecord r = ValueRecord(nullptr, Value("v"));
  EXPECT_TRUE(*chain.Apply(r));
  EXPECT_EQ(r.value, Value("v"));
}

TEST_F(ChainTest, RunsStagesInOrder) {
  TransformationChain chain = MustBuild({
      {"transforms", "hoist, route"},
      {"transforms.hoist.type", "HoistField$Value"},
      {"transforms.hoist.field", "line"},
      {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
      {"transforms.route.regex", "(.*)"},
      {"transforms.route.replacement", "copy-$1"},
  });
  EXPECT_EQ(chain.size(), 2u);
  ConnectRecord r = ValueRecord(nullptr, Value("hello"));
  ASSERT_TRUE(*chain.Apply(r));
  EXPECT_EQ(r.value, M({{"line", "hello"}}));
  EXPECT_EQ(r.topic, "copy-orders");
}

TEST_F(ChainTest, PredicateAndNegate) {
  ConfigMap config = {
      {"transforms", "dropTombstones"},
      {"transforms.dropTombstones.type", "Filter"},
      {"transforms.dropTombstones.predicate", "isTombstone"},
      {"predicates", "isTombstone"},
      {"predicates.isTombstone.type", "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"},
  };
  TransformationChain chain = MustBuild(config);
  ConnectRecord tombstone = ValueRecord(nullptr, Value());
  ConnectRecord live = ValueRecord(nullptr, Value("v"));
  EXPECT_FALSE(*chain.Apply(tombstone));
  EXPECT_TRUE(*chain.Apply(live));

  config["transforms.dropTombstones.negate"] = "true";
  TransformationChain negated = MustBuild(config);
  EXPECT_TRUE(*negated.Apply(tombstone));
  EXPECT_FALSE(*negated.Apply(live));
}

TEST_F(ChainTest, DropStopsTheChain) {
  TransformationChain chain = MustBuild({
      {"transforms", "filter,route"},
      {"transforms.filter.type", "Filter"},
      {"transforms.filter.predicate", "isOrders"},
      {"transforms.route.type", "RegexRouter"},
      {"transforms.route.regex", ".*"},
      {"transforms.route.replacement", "routed"},
      {"predicates", "isOrders"},
      {"predicates.isOrders.type", "TopicNameMatches"},
      {"predicates.isOrders.pattern", "orders"},
  });
  ConnectRecord orders = ValueRecord(nullptr, Value("v"), "orders");
  EXPECT_FALSE(*chain.Apply(orders));
  EXPECT_EQ(orders.topic, "orders");  // the router never ran
  ConnectRecord other = ValueRecord(nullptr, Value("v"), "payments");
  EXPECT_TRUE(*chain.Apply(other));
  EXPECT_EQ(other.topic, "routed");
}

TEST_F(ChainTest, SinkRecordsReachSinkAwareTransformations) {
  TransformationChain chain = MustBuild({
      {"transforms", "ins"},
      {"transforms.ins.type", "InsertField$Value"},
      {"transforms.ins.offset.field", "offset"},
  });
  SinkRecord sink;
  sink.topic = "t";
  sink.value = M({});
  sink.kafka_offset = 42;
  ASSERT_TRUE(*chain.Apply(sink));
  EXPECT_EQ(sink.value, M({{"offset", int64_t{42}}}));
  SourceRecord source;
  source.topic = "t";
  source.value = M({});
  Result<bool> res = chain.Apply(source);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().message(),
            "transformation 'ins' (org.apache.kafka.connect.transforms.InsertField$Value): Only SinkRecord "
            "supported for [field insertion], found: a source record");
}

TEST_F(ChainTest, ErrorsNameTheKey) {
  std::string unknown = BuildError({{"transforms", "a"}, {"transforms.a.type", "Nope"}});
  EXPECT_EQ(
      unknown.rfind("Invalid value Nope for configuration transforms.a.type: Class Nope could not be found. "
                    "Known transformations: org.apache.kafka.connect.transforms.Cast$Key, ",
                    0),
      0u)
      << unknown;
  EXPECT_EQ(BuildError({{"transforms", "a"}}),
            "Missing required configuration \"transforms.a.type\" which has no default value.");
  EXPECT_EQ(
      BuildError({{"transforms", "a"}, {"transforms.a.type", "Filter"}, {"transforms.a.predicate", "p"}}),
      "Invalid value p for configuration transforms.a.predicate: Predicate 'p' is not defined: 'predicates' "
      "lists none");
  EXPECT_EQ(
      BuildError({{"transforms", "a"}, {"transforms.a.type", "Filter"}, {"transforms.a.negate", "true"}}),
      "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a "
      "predicate to be negated.");
  EXPECT_EQ(BuildError({{"transforms", "a,a"}, {"transforms.a.type", "Filter"}}),
            "Invalid value [a, a] for configuration transforms: Duplicate alias provided.");
  EXPECT_EQ(
      BuildError({{"transforms", "c"}, {"transforms.c.type", "Cast$Value"}, {"transforms.c.spec", "a:bytes"}})
          .rfind("Invalid value [a:bytes] for configuration transforms.c.spec: Cast transformation does not "
                 "support casting to BYTES",
                 0),
      0u);
  EXPECT_EQ(BuildError({{"transforms", "c"}, {"transforms.c.type", "ExtractField$Key"}}),
            "Missing required configuration \"transforms.c.field\" which has no default value.");
  EXPECT_EQ(BuildError({{"predicates", "p"}, {"predicates.p.type", "Filter"}}),
            "Invalid value Filter for configuration predicates.p.type: Not a Predicate");
  EXPECT_EQ(BuildError({{"transforms", "t"},
                        {"transforms.t.type", "TimestampConverter$Value"},
                        {"transforms.t.target.type", "string"}}),
            "TimestampConverter requires format option to be specified when using string timestamps");
  EXPECT_EQ(BuildError({{"transforms", "a"},
                        {"transforms.a.type", "Filter"},
                        {"transforms.a.predicate", "p"},
                        {"predicates", "p"},
                        {"predicates.p.type", "HasHeaderKey"}}),
            "Missing required configuration \"predicates.p.name\" which has no default value.");
}

TEST_F(ChainTest, ValidateReportsEveryKey) {
  ConfigMap config = {
      {"transforms", "extract,bad"},
      {"transforms.extract.type", "ExtractField$Value"},
      {"transforms.extract.field", "id"},
      {"transforms.bad.type", "Nope"},
      {"predicates", "p"},
      {"predicates.p.type", "TopicNameMatches"},
      {"predicates.p.pattern", "x"},
  };
  std::vector<ConfigValidation> rows = ValidateChainConfig(config, registry_);
  for (const char* name :
       {"transforms", "predicates", "transforms.extract.type", "transforms.extract.predicate",
        "transforms.extract.negate", "transforms.extract.field", "transforms.bad.type", "predicates.p.type",
        "predicates.p.pattern"}) {
    EXPECT_NE(Row(rows, name), nullptr) << name;
  }
  EXPECT_TRUE(Row(rows, "transforms.extract.field")->errors.empty());
  EXPECT_EQ(Row(rows, "transforms.extract.field")->value, "id");
  ASSERT_EQ(Row(rows, "transforms.bad.type")->errors.size(), 1u);
  EXPECT_NE(Row(rows, "transforms.bad.type")->errors[0].find("Class Nope could not be found"),
            std::string::npos);
  size_t errors = 0;
  for (const ConfigValidation& r : rows) errors += r.errors.size();
  EXPECT_EQ(errors, 1u);
}

}  // namespace
}  // namespace sluice::connect
