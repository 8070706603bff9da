// The broker against kafka-python 2.0.2 and kafkajs 2.2.4 (and confluent_kafka for the admin API),
// each driven by its script in clients/: keyed messages produced and consumed back byte for byte
// (plain consumer and consumer group), a three-member group rebalancing when one member leaves,
// committed offsets surviving a clean stop and a kill -9 (with log.flush.interval.messages=1), and
// topic create/delete/describe through each admin API with config overrides surviving a restart.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker_process.h"
#include "client_scripts.h"

namespace sluice::testing {
namespace {

// One consumed record as the scripts print it: "rec PARTITION OFFSET KEYHEX VALUEHEX".
struct Record {
  int partition = 0;
  int64_t offset = 0;
  int index = -1;  // i of key "k-<i>"
};

// Parses the "rec" lines and checks each key and value against the expected bytes of its index.
std::vector<Record> Records(const std::string& output) {
  std::vector<Record> records;
  for (const auto& f : Lines(output, "rec")) {
    EXPECT_EQ(f.size(), 4u);
    if (f.size() != 4) continue;
    Record r;
    r.partition = std::stoi(f[0]);
    r.offset = std::stoll(f[1]);
    std::string key;
    for (size_t i = 0; i + 1 < f[2].size(); i += 2)
      key.push_back(static_cast<char>(std::stoi(f[2].substr(i, 2), nullptr, 16)));
    EXPECT_EQ(key.rfind("k-", 0), 0u) << key;
    if (key.rfind("k-", 0) != 0) continue;
    r.index = std::stoi(key.substr(2));
    EXPECT_EQ(f[2], Hex(ExpectedKey(r.index)));
    EXPECT_EQ(f[3], Hex(ExpectedValue(r.index))) << "value of message " << r.index;
    records.push_back(r);
  }
  return records;
}

// Each partition's records have strictly increasing offsets.
void ExpectOffsetsIncreasing(const std::vector<Record>& records) {
  std::map<int, int64_t> last;
  for (const Record& r : records) {
    auto it = last.find(r.partition);
    if (it != last.end()) {
      EXPECT_GT(r.offset, it->second) << "partition " << r.partition;
    }
    last[r.partition] = r.offset;
  }
}

std::set<int> Range(int first, int count) {
  std::set<int> s;
  for (int i = first; i < first + count; ++i) s.insert(i);
  return s;
}

std::set<int> Indexes(const std::vector<Record>& records) {
  std::set<int> s;
  for (const Record& r : records) s.insert(r.index);
  return s;
}

// "committed PARTITION OFFSET" lines (or "committed_before"; "None"/-1 = no commit) as a map.
std::map<int, int64_t> Committed(const std::string& output, const std::string& tag) {
  std::map<int, int64_t> m;
  for (const auto& f : Lines(output, tag)) {
    EXPECT_EQ(f.size(), 2u);
    if (f.size() != 2 || f[1] == "None" || f[1] == "-1") continue;
    m[std::stoi(f[0])] = std::stoll(f[1]);
  }
  return m;
}

// What a consumer should commit after `records`: each partition's last offset + 1.
std::map<int, int64_t> NextOffsets(const std::vector<Record>& records) {
  std::map<int, int64_t> m;
  for (const Record& r : records) m[r.partition] = std::max(m[r.partition], r.offset + 1);
  return m;
}

// "assigned PHASE MEMBER P,P,..." lines of one phase: member -> partitions.
std::map<int, std::set<int>> Assigned(const std::string& output, const std::string& phase) {
  std::map<int, std::set<int>> m;
  for (const auto& f : Lines(output, "assigned")) {
    if (f.size() != 3 || f[0] != phase) continue;
    std::set<int>& parts = m[std::stoi(f[1])];
    size_t start = 0;
    while (start < f[2].size()) {
      size_t comma = f[2].find(',', start);
      if (comma == std::string::npos) comma = f[2].size();
      parts.insert(std::stoi(f[2].substr(start, comma - start)));
      start = comma + 1;
    }
  }
  return m;
}

// The members own disjoint, non-empty sets of partitions covering 0..partitions-1.
void ExpectOwnAll(const std::map<int, std::set<int>>& assigned, int partitions) {
  std::multiset<int> all;
  for (const auto& [member, parts] : assigned) {
    EXPECT_FALSE(parts.empty()) << "member " << member << " got no partition";
    all.insert(parts.begin(), parts.end());
  }
  std::multiset<int> expected;
  for (int p = 0; p < partitions; ++p) expected.insert(p);
  EXPECT_EQ(all, expected);
}

std::string ParamName(const ::testing::TestParamInfo<Client>& param) { return ClientName(param.param); }

class ClientScenarioTest : public ::testing::TestWithParam<Client> {
 protected:
  void SetUp() override {
    const std::string why = ClientUnavailable(GetParam());
    if (!why.empty()) GTEST_SKIP() << why;
    EnableBrokerDebugLog();
  }

  // Every connection the broker closed was closed by the client (or by the broker's shutdown).
  static void ExpectNoDroppedClients(const BrokerProcess& broker) {
    for (const std::string& line : UnexpectedCloses(broker.Output())) ADD_FAILURE() << line;
  }

  // Runs the client script, failing the test on a non-zero exit; returns its output.
  std::string Run(const std::vector<std::string>& args) {
    auto r = RunClient(GetParam(), args);
    EXPECT_TRUE(r.ok()) << ClientName(GetParam()) << " " << args[0] << ": " << r.Describe();
    return r.output;
  }

  void CreateTopic(BrokerProcess& broker, const std::string& topic, int partitions) {
    const std::string out = Run({"create", broker.bootstrap(), topic, std::to_string(partitions)});
    ASSERT_EQ(Lines(out, "created").size(), 1u) << out;
  }

  // Produce N keyed messages, consume them back with a group or without, byte for byte.
  void ProduceConsume(bool with_group) {
    constexpr int kMessages = 500;
    BrokerProcess broker;
    ASSERT_TRUE(broker.Start()) << broker.Output();
    ASSERT_NO_FATAL_FAILURE(CreateTopic(broker, "keyed", 3));
    const std::string produced =
        Run({"produce", broker.bootstrap(), "keyed", "0", std::to_string(kMessages)});
    std::vector<std::string> args = {"consume", broker.bootstrap(), "keyed", std::to_string(kMessages)};
    if (with_group) args.push_back("keyed-group");
    const std::string consumed = Run(args);
    const std::vector<Record> records = Records(consumed);
    ASSERT_EQ(records.size(), static_cast<size_t>(kMessages));
    EXPECT_EQ(Indexes(records), Range(0, kMessages));
    ExpectOffsetsIncreasing(records);
    // Where the producer reports them (kafka-python), records are read back where they were written.
    const auto sent = Lines(produced, "sent");
    if (!sent.empty()) {
      ASSERT_EQ(sent.size(), static_cast<size_t>(kMessages));
      std::map<int, std::pair<int, int64_t>> where;
      for (const auto& f : sent) where[std::stoi(f[2])] = {std::stoi(f[0]), std::stoll(f[1])};
      for (const Record& r : records) {
        EXPECT_EQ(where[r.index], std::make_pair(r.partition, r.offset)) << "message " << r.index;
      }
    }
    std::set<int> partitions;
    for (const Record& r : records) partitions.insert(r.partition);
    EXPECT_EQ(partitions, (std::set<int>{0, 1, 2})) << "keys should spread over the partitions";
    if (with_group) {
      EXPECT_EQ(Committed(consumed, "committed"), NextOffsets(records));
    }
    ExpectNoDroppedClients(broker);
  }

  // Consume part of a 6-partition topic in a group and commit; restart the broker (clean or
  // SIGKILL); a new consumer of the group resumes exactly after the committed offsets.
  void CommittedOffsetsSurviveRestart(bool kill) {
    std::map<std::string, std::string> extra;
    if (kill) extra["log.flush.interval.messages"] = "1";
    BrokerProcess broker(extra);
    ASSERT_TRUE(broker.Start()) << broker.Output();
    ASSERT_NO_FATAL_FAILURE(CreateTopic(broker, "resume", 6));
    Run({"produce", broker.bootstrap(), "resume", "0", "300"});
    const std::string first = Run({"consume", broker.bootstrap(), "resume", "120", "resume-group"});
    const std::vector<Record> first_records = Records(first);
    ASSERT_EQ(first_records.size(), 120u);
    const std::map<int, int64_t> committed = Committed(first, "committed");
    EXPECT_EQ(committed, NextOffsets(first_records));
    EXPECT_TRUE(Committed(first, "committed_before").empty());

    if (kill) {
      broker.Kill();
    } else {
      broker.Stop();
    }
    ASSERT_TRUE(broker.Start()) << broker.Output();
    Run({"produce", broker.bootstrap(), "resume", "300", "100"});
    const std::string second = Run({"consume", broker.bootstrap(), "resume", "280", "resume-group"});
    EXPECT_EQ(Committed(second, "committed_before"), committed);
    const std::vector<Record> second_records = Records(second);
    ASSERT_EQ(second_records.size(), 280u);
    for (const Record& r : second_records) {
      auto it = committed.find(r.partition);
      if (it != committed.end()) {
        EXPECT_GE(r.offset, it->second) << "message " << r.index << " re-delivered after its commit";
      }
    }
    std::set<int> all = Indexes(first_records);
    for (int i : Indexes(second_records)) EXPECT_TRUE(all.insert(i).second) << "message " << i << " twice";
    EXPECT_EQ(all, Range(0, 400));
    ExpectNoDroppedClients(broker);
  }
};

TEST_P(ClientScenarioTest, ProduceConsumeByteExact) { ProduceConsume(/*with_group=*/false); }

TEST_P(ClientScenarioTest, ProduceConsumeInGroup) { ProduceConsume(/*with_group=*/true); }

TEST_P(ClientScenarioTest, GroupOfThreeRebalancesWhenOneLeaves) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  ASSERT_NO_FATAL_FAILURE(CreateTopic(broker, "six", 6));
  Run({"produce", broker.bootstrap(), "six", "0", "300"});
  const std::string out = Run({"group", broker.bootstrap(), "six", "trio", "300", "300", "100"});

  const auto phase1 = Assigned(out, "1");
  EXPECT_EQ(phase1.size(), 3u) << out;
  ExpectOwnAll(phase1, 6);
  EXPECT_EQ(Lines(out, "left").size(), 1u);
  const auto phase2 = Assigned(out, "2");
  ASSERT_EQ(phase2.size(), 2u) << out;
  EXPECT_EQ(phase2.count(2), 0u);
  ExpectOwnAll(phase2, 6);

  // "rec MEMBER PARTITION OFFSET INDEX": everything consumed; the messages produced after member 2
  // left were consumed by the member owning their partition after the rebalance.
  std::set<int> seen;
  for (const auto& f : Lines(out, "rec")) {
    ASSERT_EQ(f.size(), 4u);
    const int member = std::stoi(f[0]);
    const int partition = std::stoi(f[1]);
    const int index = std::stoi(f[3]);
    seen.insert(index);
    if (index >= 300) {
      ASSERT_TRUE(phase2.count(member)) << "message " << index << " consumed by member " << member;
      EXPECT_TRUE(phase2.at(member).count(partition))
          << "message " << index << " of partition " << partition << " consumed by member " << member;
    }
  }
  EXPECT_EQ(seen, Range(0, 400));
  ExpectNoDroppedClients(broker);
}

TEST_P(ClientScenarioTest, CommittedOffsetsSurviveCleanRestart) {
  CommittedOffsetsSurviveRestart(/*kill=*/false);
}

TEST_P(ClientScenarioTest, CommittedOffsetsSurviveKillWithDurableFlush) {
  CommittedOffsetsSurviveRestart(/*kill=*/true);
}

INSTANTIATE_TEST_SUITE_P(Clients, ClientScenarioTest,
                         ::testing::Values(Client::kKafkaPython, Client::kKafkajs), ParamName);

// Topic administration through each client's admin API; overrides survive a broker restart.
class AdminApiTest : public ClientScenarioTest {
 protected:
  std::map<std::string, std::string> Configs(BrokerProcess& broker, const std::string& topic) {
    std::map<std::string, std::string> configs;
    for (const auto& f : Lines(Run({"describe", broker.bootstrap(), topic}), "config")) {
      if (f.size() == 2) configs[f[0]] = f[1];
    }
    return configs;
  }
  std::map<std::string, int> Topics(BrokerProcess& broker) {
    std::map<std::string, int> topics;
    for (const auto& f : Lines(Run({"list", broker.bootstrap()}), "topic")) {
      if (f.size() == 2) topics[f[0]] = std::stoi(f[1]);
    }
    return topics;
  }
};

TEST_P(AdminApiTest, CreateDescribeDeleteSurviveRestart) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  const std::string created = Run(
      {"create", broker.bootstrap(), "configured", "3", "cleanup.policy=compact", "retention.ms=123456789"});
  EXPECT_EQ(Lines(created, "created").size(), 1u);
  ASSERT_NO_FATAL_FAILURE(CreateTopic(broker, "doomed", 2));
  const std::string again = Run({"create", broker.bootstrap(), "configured", "1"});
  EXPECT_TRUE(Lines(again, "created").empty()) << "an existing topic was created again";
  EXPECT_EQ(Lines(again, "error").size() + Lines(again, "exists").size(), 1u);

  auto topics = Topics(broker);
  EXPECT_EQ(topics["configured"], 3);
  EXPECT_EQ(topics["doomed"], 2);
  auto configs = Configs(broker, "configured");
  EXPECT_EQ(configs["cleanup.policy"], "compact");
  EXPECT_EQ(configs["retention.ms"], "123456789");
  EXPECT_EQ(Configs(broker, "doomed")["cleanup.policy"], "delete");

  EXPECT_EQ(Lines(Run({"delete", broker.bootstrap(), "doomed"}), "deleted").size(), 1u);
  topics = Topics(broker);
  EXPECT_EQ(topics.count("doomed"), 0u);
  EXPECT_EQ(topics["configured"], 3);

  broker.Stop();
  ASSERT_TRUE(broker.Start()) << broker.Output();
  topics = Topics(broker);
  EXPECT_EQ(topics.count("doomed"), 0u);
  EXPECT_EQ(topics["configured"], 3);
  configs = Configs(broker, "configured");
  EXPECT_EQ(configs["cleanup.policy"], "compact");
  EXPECT_EQ(configs["retention.ms"], "123456789");
  ExpectNoDroppedClients(broker);
}

// DescribeConfigs sources and synonyms as Kafka reports them: a topic override (DYNAMIC_TOPIC_CONFIG,
// 1), a server.properties key behind a topic config (STATIC_BROKER_CONFIG, 4), a default (DEFAULT_CONFIG,
// 5), each with the broker key it falls back to.
TEST(DescribeConfigsTest, SourcesAndSynonyms) {
  BrokerProcess broker(std::map<std::string, std::string>{{"log.retention.hours", "100"}});
  ASSERT_TRUE(broker.Start()) << broker.Output();
  if (const std::string why = ClientUnavailable(Client::kConfluentKafka); !why.empty()) GTEST_SKIP() << why;
  auto run = [&](const std::vector<std::string>& args) {
    auto r = RunClient(Client::kConfluentKafka, args);
    EXPECT_TRUE(r.ok()) << args[0] << ": " << r.Describe();
    return r.output;
  };
  ASSERT_EQ(
      Lines(run({"create", broker.bootstrap(), "synonyms", "1", "segment.bytes=1000000"}), "created").size(),
      1u);
  const std::string out = run({"sources", broker.bootstrap(), "synonyms"});
  std::map<std::string, std::pair<std::string, std::string>> source;   // name -> (value, source)
  std::map<std::string, std::map<std::string, std::string>> synonyms;  // name -> synonym -> source
  for (const auto& f : Lines(out, "source")) {
    if (f.size() == 3) source[f[0]] = {f[1], f[2]};
  }
  for (const auto& f : Lines(out, "synonym")) {
    if (f.size() == 3) synonyms[f[0]][f[1]] = f[2];
  }
  EXPECT_EQ(source["segment.bytes"], std::make_pair(std::string("1000000"), std::string("1"))) << out;
  EXPECT_EQ(synonyms["segment.bytes"]["segment.bytes"], "1");
  EXPECT_EQ(synonyms["segment.bytes"]["log.segment.bytes"], "5");
  EXPECT_EQ(source["retention.ms"], std::make_pair(std::to_string(100LL * 3600 * 1000), std::string("4")));
  EXPECT_TRUE(synonyms["retention.ms"].count("log.retention.hours")) << out;
  EXPECT_EQ(source["cleanup.policy"], std::make_pair(std::string("delete"), std::string("5")));
  EXPECT_EQ(synonyms["cleanup.policy"]["log.cleanup.policy"], "5");
}

INSTANTIATE_TEST_SUITE_P(Clients, AdminApiTest,
                         ::testing::Values(Client::kKafkaPython, Client::kKafkajs, Client::kConfluentKafka),
                         ParamName);

}  // namespace
}  // namespace sluice::testing
