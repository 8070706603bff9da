// The fixture of the CLI tool tests: one sluice broker per test suite (a child process on a free port)
// and shortcuts for the tool invocations the tests repeat.
// Thread-safety: used from the test thread only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "broker_process.h"
#include "tool_runner.h"

namespace sluice::testing {

class CliToolsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new BrokerProcess();
    ASSERT_TRUE(broker_->Start()) << broker_->Output();
  }
  static void TearDownTestSuite() {
    broker_->Stop();
    delete broker_;
    broker_ = nullptr;
  }
  void SetUp() override {
    if (broker_ == nullptr || !broker_->Alive()) GTEST_SKIP() << "broker did not start";
  }

  static std::string Bootstrap() { return broker_->bootstrap(); }

  // kafka-topics --create; fails the test unless it says "Created topic <name>.".
  static void CreateTopic(const std::string& name, int partitions) {
    ToolResult r = RunTool("kafka-topics", {"--bootstrap-server", Bootstrap(), "--create", "--topic", name,
                                            "--partitions", std::to_string(partitions)});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    ASSERT_NE(r.out.find("Created topic " + name + "."), std::string::npos) << r.Describe();
  }

  // kafka-console-producer with `lines` on stdin (and `extra` options).
  static void Produce(const std::string& topic, const std::vector<std::string>& lines,
                      const std::vector<std::string>& extra = {}) {
    std::string input;
    for (const auto& l : lines) input += l + "\n";
    std::vector<std::string> args = {"--bootstrap-server", Bootstrap(), "--topic", topic};
    args.insert(args.end(), extra.begin(), extra.end());
    ToolResult r = RunTool("kafka-console-producer", args, input);
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }

  // kafka-console-consumer with `args` after --bootstrap-server.
  static ToolResult Consume(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--bootstrap-server", Bootstrap()};
    all.insert(all.end(), args.begin(), args.end());
    return RunTool("kafka-console-consumer", all);
  }

  // Any tool with --bootstrap-server first.
  static ToolResult Run(const std::string& tool, const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--bootstrap-server", Bootstrap()};
    all.insert(all.end(), args.begin(), args.end());
    return RunTool(tool, all);
  }

  static inline BrokerProcess* broker_ = nullptr;
};

}  // namespace sluice::testing
