// kafka-console-producer and kafka-console-consumer against a real broker: the records a producer
// writes come back from the consumer line by line, with the formatter's columns, and the consumer
// always ends with Kafka's "Processed a total of N messages" on stderr (max messages, timeout, SIGTERM).
#include <signal.h>

#include <string>
#include <vector>

#include "cli_fixture.h"

namespace sluice::testing {
namespace {

using ConsoleToolsTest = CliToolsTest;

const std::vector<std::string> kRows = {
    R"({"seq":1,"sales_time":1538737871000,"sales_id":"ec-1"})",
    R"({"seq":2,"sales_time":1538737872000})",
    R"({"seq":3,"sales_time":1538737873000})",
    R"({"seq":4,"sales_time":1538737874000})",
    R"({"seq":5,"sales_time":1538737875000})",
    R"({"seq":6,"sales_time":1538737876000})",
};

std::string LastLine(const std::string& text) {
  auto lines = Lines(text);
  return lines.empty() ? "" : lines.back();
}

TEST_F(ConsoleToolsTest, FromBeginningWithMaxMessagesPrintsEveryValueAndTheTotal) {
  CreateTopic("ecsales_ec_uriage", 1);
  Produce("ecsales_ec_uriage", kRows);
  ToolResult r = Consume({"--topic", "ecsales_ec_uriage", "--from-beginning", "--max-messages", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), kRows);
  EXPECT_EQ(LastLine(r.err), "Processed a total of 6 messages") << r.err;
}

TEST_F(ConsoleToolsTest, TimeoutEndsTheConsumerWithTheTotal) {
  CreateTopic("possales_pos_uriage", 1);
  Produce("possales_pos_uriage", kRows);
  ToolResult r = Consume({"--topic", "possales_pos_uriage", "--from-beginning", "--timeout-ms", "5000"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), kRows);
  EXPECT_NE(r.err.find("TimeoutException"), std::string::npos) << r.err;
  EXPECT_EQ(LastLine(r.err), "Processed a total of 6 messages") << r.err;
}

TEST_F(ConsoleToolsTest, SigtermEndsTheConsumerCleanlyWithTheTotal) {
  CreateTopic("sigterm-topic", 1);
  Produce("sigterm-topic", kRows);
  BackgroundTool consumer("kafka-console-consumer", {"--bootstrap-server", Bootstrap(), "--topic",
                                                     "sigterm-topic", "--from-beginning"});
  ASSERT_TRUE(consumer.WaitForLines(kRows.size(), std::chrono::seconds(30))) << consumer.Err();
  ToolResult r = consumer.Stop(SIGTERM, std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), kRows);
  EXPECT_EQ(LastLine(r.err), "Processed a total of 6 messages") << r.err;
}

TEST_F(ConsoleToolsTest, MaxMessagesStopsEarly) {
  CreateTopic("max-topic", 1);
  Produce("max-topic", kRows);
  ToolResult r = Consume({"--topic", "max-topic", "--from-beginning", "--max-messages", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), std::vector<std::string>(kRows.begin(), kRows.begin() + 2));
  EXPECT_EQ(LastLine(r.err), "Processed a total of 2 messages") << r.err;
}

TEST_F(ConsoleToolsTest, KeysAreParsedByTheProducerAndPrintedByTheConsumer) {
  CreateTopic("keyed", 1);
  Produce("keyed", {"k1:v1", "k2:v2:with:colons", "k3:"},
          {"--property", "parse.key=true", "--property", "key.separator=:"});
  ToolResult r = Consume(
      {"--topic", "keyed", "--from-beginning", "--max-messages", "3", "--property", "print.key=true"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{"k1\tv1", "k2\tv2:with:colons", "k3\t"}));

  r = Consume({"--topic", "keyed", "--from-beginning", "--max-messages", "1", "--property", "print.key=true",
               "--property", "key.separator= => ", "--property", "print.value=false"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), std::vector<std::string>{"k1"});
}

TEST_F(ConsoleToolsTest, FormatterColumnsAsKafka) {
  CreateTopic("columns", 1);
  Produce("columns", {"first", "second"});
  ToolResult r =
      Consume({"--topic", "columns", "--from-beginning", "--max-messages", "2", "--property",
               "print.timestamp=true", "--property", "print.partition=true", "--property",
               "print.offset=true", "--property", "print.key=true", "--property", "print.headers=true"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  // CreateTime:<ms>\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tsecond
  EXPECT_EQ(lines[1].rfind("CreateTime:", 0), 0u) << lines[1];
  const std::string tail = "\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tsecond";
  ASSERT_GE(lines[1].size(), tail.size());
  EXPECT_EQ(lines[1].substr(lines[1].size() - tail.size()), tail) << lines[1];
}

TEST_F(ConsoleToolsTest, HeadersRoundTrip) {
  CreateTopic("headers", 1);
  Produce("headers", {"h1:a,h2:b\tkey\tvalue"},
          {"--property", "parse.headers=true", "--property", "parse.key=true"});
  ToolResult r = Consume({"--topic", "headers", "--from-beginning", "--max-messages", "1", "--property",
                          "print.headers=true", "--property", "print.key=true"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), std::vector<std::string>{"h1:a,h2:b\tkey\tvalue"});
}

TEST_F(ConsoleToolsTest, PartitionAndOffsetSelectWhereToStart) {
  CreateTopic("assigned", 1);
  Produce("assigned", kRows);
  ToolResult r = Consume({"--topic", "assigned", "--partition", "0", "--offset", "4", "--max-messages", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Lines(r.out), std::vector<std::string>(kRows.begin() + 4, kRows.end()));
  EXPECT_EQ(LastLine(r.err), "Processed a total of 2 messages") << r.err;
}

TEST_F(ConsoleToolsTest, IncludeSubscribesToMatchingTopics) {
  CreateTopic("incl-a", 1);
  CreateTopic("incl-b", 1);
  CreateTopic("other-c", 1);
  Produce("incl-a", {"a"});
  Produce("incl-b", {"b"});
  Produce("other-c", {"c"});
  ToolResult r = Consume({"--include", "incl-.*", "--from-beginning", "--timeout-ms", "5000"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  auto lines = Lines(r.out);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(LastLine(r.err), "Processed a total of 2 messages") << r.err;
}

TEST_F(ConsoleToolsTest, BadLineWithoutKeySeparatorFailsTheProducer) {
  CreateTopic("badline", 1);
  ToolResult r = Run("kafka-console-producer", {"--topic", "badline", "--property", "parse.key=true"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();  // empty stdin: nothing to parse
  r = RunTool("kafka-console-producer",
              {"--bootstrap-server", Bootstrap(), "--topic", "badline", "--property", "parse.key=true"},
              "k\tgood\nno separator here\n");
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("No key separator found on line number 2: 'no separator here'"), std::string::npos)
      << r.err;
  // The line before the bad one was still sent.
  ToolResult c = Consume({"--topic", "badline", "--from-beginning", "--timeout-ms", "5000"});
  EXPECT_EQ(Lines(c.out), std::vector<std::string>{"good"});
}

TEST_F(ConsoleToolsTest, OptionErrorsPrintUsage) {
  ToolResult r = Run("kafka-console-consumer", {"--from-beginning"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("Exactly one of --include/--topic is required."), std::string::npos) << r.err;
  r = Run("kafka-console-consumer", {"--topic", "t", "--offset", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("The partition is required when offset is specified."), std::string::npos) << r.err;
  r = Run("kafka-console-consumer", {"--topic", "t", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no-such-option is not a recognized option"), std::string::npos) << r.err;
}

TEST_F(ConsoleToolsTest, HelpPrintsUsage) {
  for (const char* tool :
       {"kafka-console-consumer", "kafka-console-producer", "kafka-topics", "kafka-consumer-groups"}) {
    ToolResult r = RunTool(tool, {"--help"});
    EXPECT_EQ(r.exit_code, 0) << tool << ": " << r.Describe();
    EXPECT_NE(r.out.find("--bootstrap-server"), std::string::npos) << tool << ": " << r.out;
  }
}

}  // namespace
}  // namespace sluice::testing
