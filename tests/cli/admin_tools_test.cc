// kafka-topics and kafka-consumer-groups against a real broker: Kafka 3.x's output for create, list,
// describe, alter and delete of topics, and for listing, describing (with lag), resetting and deleting
// consumer groups after console consumers used them.
#include <signal.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace sluice::testing {
namespace {

using AdminToolsTest = CliToolsTest;

bool Contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

// The table rows (fields) of a kafka-consumer-groups --describe output, header included.
std::vector<std::vector<std::string>> Table(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : Lines(out)) {
    if (!line.empty()) rows.push_back(Fields(line));
  }
  return rows;
}

const std::vector<std::string> kHeader = {"GROUP",          "TOPIC",          "PARTITION",
                                          "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                          "CONSUMER-ID",    "HOST",           "CLIENT-ID"};

TEST_F(AdminToolsTest, TopicsCreateListDescribeAlterDelete) {
  ToolResult r =
      Run("kafka-topics", {"--create", "--topic", "orders", "--partitions", "3", "--replication-factor", "1",
                           "--config", "retention.ms=86400000", "--config", "cleanup.policy=delete"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "Created topic orders.\n");

  r = Run("kafka-topics", {"--create", "--topic", "orders"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_EQ(r.out, "Error while executing topic command : Topic 'orders' already exists.\n");
  r = Run("kafka-topics", {"--create", "--topic", "orders", "--if-not-exists"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "");

  r = Run("kafka-topics", {"--create", "--topic", "with_underscore"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("WARNING: Due to limitations in metric names"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Created topic with_underscore."), std::string::npos) << r.out;

  r = Run("kafka-topics", {"--list"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto listed = Lines(r.out);
  EXPECT_TRUE(Contains(listed, "orders")) << r.out;
  EXPECT_TRUE(Contains(listed, "with_underscore")) << r.out;
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end())) << r.out;
  r = Run("kafka-topics", {"--list", "--exclude-internal"});
  EXPECT_FALSE(Contains(Lines(r.out), "__consumer_offsets")) << r.out;

  r = Run("kafka-topics", {"--describe", "--topic", "orders"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  static const std::regex kTopicLine(
      R"(Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: (.*))");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, kTopicLine)) << lines[0];
  EXPECT_NE(m[1].str().find("retention.ms=86400000"), std::string::npos) << lines[0];
  EXPECT_NE(m[1].str().find("cleanup.policy=delete"), std::string::npos) << lines[0];
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(lines[1 + p],
              "\tTopic: orders\tPartition: " + std::to_string(p) + "\tLeader: 1\tReplicas: 1\tIsr: 1");
  }

  r = Run("kafka-topics", {"--alter", "--topic", "orders", "--partitions", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Run("kafka-topics", {"--describe", "--topic", "orders"});
  EXPECT_NE(r.out.find("PartitionCount: 5"), std::string::npos) << r.out;
  EXPECT_EQ(Lines(r.out).size(), 6u) << r.out;

  r = Run("kafka-topics", {"--delete", "--topic", "orders"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Run("kafka-topics", {"--list"});
  EXPECT_FALSE(Contains(Lines(r.out), "orders")) << r.out;

  r = Run("kafka-topics", {"--describe", "--topic", "orders"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_EQ(r.out, "Error while executing topic command : Topic 'orders' does not exist as expected\n");
  r = Run("kafka-topics", {"--delete", "--topic", "orders", "--if-exists"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

TEST_F(AdminToolsTest, TopicsOptionErrors) {
  ToolResult r = Run("kafka-topics", {"--topic", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Command must include exactly one action"), std::string::npos) << r.err;
  r = Run("kafka-topics", {"--create"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Missing required argument \"[topic]\""), std::string::npos) << r.err;
  r = Run("kafka-topics", {"--list", "--partitions", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Option \"[partitions]\" can't be used with option \"[list]\""), std::string::npos)
      << r.err;
}

TEST_F(AdminToolsTest, ConsumerGroupsListAndDescribeLagAfterPartialConsumption) {
  CreateTopic("lagging", 1);
  std::vector<std::string> rows;
  for (int i = 0; i < 10; ++i) rows.push_back("row-" + std::to_string(i));
  Produce("lagging", rows);
  ToolResult c =
      Consume({"--topic", "lagging", "--group", "lag-group", "--from-beginning", "--max-messages", "4"});
  ASSERT_EQ(c.exit_code, 0) << c.Describe();
  ASSERT_EQ(Lines(c.out).size(), 4u) << c.out;

  ToolResult r = Run("kafka-consumer-groups", {"--list"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(Lines(r.out), "lag-group")) << r.out;

  r = Run("kafka-consumer-groups", {"--describe", "--group", "lag-group"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("Consumer group 'lag-group' has no active members."), std::string::npos) << r.err;
  auto table = Table(r.out);
  ASSERT_EQ(table.size(), 2u) << r.out;
  EXPECT_EQ(table[0], kHeader);
  EXPECT_EQ(table[1], (std::vector<std::string>{"lag-group", "lagging", "0", "4", "10", "6", "-", "-", "-"}));
  // Kafka's layout: a blank line, then columns of at least 15 characters.
  EXPECT_EQ(
      r.out.rfind("\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG    ", 0),
      0u)
      << r.out;

  // The same group consumes on from where it committed.
  c = Consume({"--topic", "lagging", "--group", "lag-group", "--max-messages", "2"});
  ASSERT_EQ(c.exit_code, 0) << c.Describe();
  EXPECT_EQ(Lines(c.out), (std::vector<std::string>{"row-4", "row-5"}));
  r = Run("kafka-consumer-groups", {"--describe", "--group", "lag-group"});
  EXPECT_EQ(Table(r.out).back(),
            (std::vector<std::string>{"lag-group", "lagging", "0", "6", "10", "4", "-", "-", "-"}));
}

TEST_F(AdminToolsTest, ConsumerGroupsDescribeActiveMember) {
  CreateTopic("active", 2);
  Produce("active", {"x", "y", "z"});
  BackgroundTool consumer("kafka-console-consumer", {"--bootstrap-server", Bootstrap(), "--topic", "active",
                                                     "--group", "active-group", "--from-beginning"});
  ASSERT_TRUE(consumer.WaitForLines(3, std::chrono::seconds(30))) << consumer.Err();

  ToolResult r = Run("kafka-consumer-groups", {"--describe", "--group", "active-group"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto table = Table(r.out);
  ASSERT_EQ(table.size(), 3u) << r.out;
  for (int p = 0; p < 2; ++p) {
    const auto& row = table[1 + p];
    ASSERT_EQ(row.size(), 9u) << r.out;
    EXPECT_EQ(row[0], "active-group");
    EXPECT_EQ(row[1], "active");
    EXPECT_EQ(row[2], std::to_string(p));
    EXPECT_EQ(row[6].rfind("console-consumer-", 0), 0u) << row[6];
    EXPECT_EQ(row[7], "/127.0.0.1");
    EXPECT_EQ(row[8], "console-consumer");
  }

  r = Run("kafka-consumer-groups", {"--describe", "--group", "active-group", "--state"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto state = Table(r.out);
  ASSERT_EQ(state.size(), 2u) << r.out;
  EXPECT_EQ(state[1][0], "active-group");
  EXPECT_EQ(state[1][3], "range");
  EXPECT_EQ(state[1][4], "Stable");
  EXPECT_EQ(state[1][5], "1");

  r = Run("kafka-consumer-groups", {"--describe", "--group", "active-group", "--members"});
  auto members = Table(r.out);
  ASSERT_EQ(members.size(), 2u) << r.out;
  EXPECT_EQ(members[0],
            (std::vector<std::string>{"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"}));
  EXPECT_EQ(members[1].back(), "2");

  // An active group's offsets cannot be reset.
  r = Run("kafka-consumer-groups",
          {"--reset-offsets", "--group", "active-group", "--topic", "active", "--to-earliest", "--execute"});
  EXPECT_NE(
      r.out.find("Assignments can only be reset if the group 'active-group' is inactive, but the current "
                 "state is Stable."),
      std::string::npos)
      << r.out;

  ToolResult stopped = consumer.Stop(SIGTERM, std::chrono::seconds(30));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_EQ(Lines(stopped.err).back(), "Processed a total of 3 messages");
}

TEST_F(AdminToolsTest, ConsumerGroupsResetAndDelete) {
  CreateTopic("resettable", 1);
  Produce("resettable", {"a", "b", "c", "d"});
  ToolResult c =
      Consume({"--topic", "resettable", "--group", "reset-group", "--from-beginning", "--max-messages", "4"});
  ASSERT_EQ(c.exit_code, 0) << c.Describe();

  ToolResult r = Run("kafka-consumer-groups", {"--reset-offsets", "--group", "reset-group", "--topic",
                                               "resettable", "--to-offset", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("No action will be performed as the --execute option is missing"), std::string::npos);
  auto table = Table(r.out);
  ASSERT_EQ(table.size(), 2u) << r.out;
  EXPECT_EQ(table[0], (std::vector<std::string>{"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"}));
  EXPECT_EQ(table[1], (std::vector<std::string>{"reset-group", "resettable", "0", "1"}));
  r = Run("kafka-consumer-groups", {"--describe", "--group", "reset-group"});
  EXPECT_EQ(Table(r.out).back()[3], "4") << r.out;  // the dry run changed nothing

  r = Run("kafka-consumer-groups",
          {"--reset-offsets", "--group", "reset-group", "--all-topics", "--to-offset", "1", "--execute"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Run("kafka-consumer-groups", {"--describe", "--group", "reset-group"});
  EXPECT_EQ(Table(r.out).back(),
            (std::vector<std::string>{"reset-group", "resettable", "0", "1", "4", "3", "-", "-", "-"}));
  c = Consume({"--topic", "resettable", "--group", "reset-group", "--max-messages", "3"});
  EXPECT_EQ(Lines(c.out), (std::vector<std::string>{"b", "c", "d"}));

  r = Run("kafka-consumer-groups", {"--reset-offsets", "--group", "reset-group", "--topic", "resettable",
                                    "--to-earliest", "--execute"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Run("kafka-consumer-groups", {"--describe", "--group", "reset-group"});
  EXPECT_EQ(Table(r.out).back()[3], "0") << r.out;

  r = Run("kafka-consumer-groups", {"--delete", "--group", "reset-group"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "Deletion of requested consumer groups ('reset-group') was successful.\n");
  r = Run("kafka-consumer-groups", {"--list"});
  EXPECT_FALSE(Contains(Lines(r.out), "reset-group")) << r.out;
  r = Run("kafka-consumer-groups", {"--describe", "--group", "reset-group"});
  EXPECT_NE(r.out.find("Error: Consumer group 'reset-group' does not exist."), std::string::npos) << r.out;
}

TEST_F(AdminToolsTest, ConsoleConsumerWithoutGroupCommitsNothing) {
  CreateTopic("anonymous", 1);
  Produce("anonymous", {"1", "2"});
  ToolResult c = Consume({"--topic", "anonymous", "--from-beginning", "--max-messages", "2"});
  ASSERT_EQ(c.exit_code, 0) << c.Describe();
  ToolResult r = Run("kafka-consumer-groups", {"--list"});
  std::vector<std::string> generated;
  for (const auto& g : Lines(r.out)) {
    if (std::regex_match(g, std::regex("console-consumer-[0-9]{1,5}"))) generated.push_back(g);
  }
  ASSERT_FALSE(generated.empty()) << r.out;
  for (const auto& g : generated) {
    r = Run("kafka-consumer-groups", {"--describe", "--group", g});
    EXPECT_EQ(r.out, "") << g << ": " << r.Describe();  // no committed offsets, no table
  }
}

}  // namespace
}  // namespace sluice::testing
