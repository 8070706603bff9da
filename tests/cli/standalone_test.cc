// `sluice standalone`: the broker and a standalone Connect worker in one process. A FileStreamSource
// (properties file) and a FileStreamSink (JSON file) copy a file's lines through the embedded broker;
// SIGTERM stops the worker, then the broker, and the process exits 0 leaving one data folder.
// Thread-safety: test thread only.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tool_runner.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& p, const std::string& text, bool append = false) {
  std::ofstream out(p, append ? std::ios::app : std::ios::trunc);
  out << text;
}

// Polls `p` until it holds `want` lines (or the limit passes); returns its lines.
std::vector<std::string> WaitForLines(const fs::path& p, size_t want, milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<std::string> lines;
  while (std::chrono::steady_clock::now() < deadline) {
    lines = Lines(ReadFile(p));
    if (lines.size() >= want) break;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return lines;
}

class StandaloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice-standalone-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(StandaloneTest, FileSourceToFileSinkThroughTheEmbeddedBrokerThenCleanExit) {
  const fs::path in = dir_ / "in.txt", out = dir_ / "out.txt", data = dir_ / "data";
  WriteFile(in, "alpha\nbeta\ngamma\n");
  WriteFile(dir_ / "source.properties",
            "name=local-file-source\nconnector.class=FileStreamSource\n"
            "tasks.max=1\ntopic=standalone-test\nfile=" +
                in.string() + "\n");
  WriteFile(dir_ / "sink.json", R"({"name":"local-file-sink","config":{"connector.class":"FileStreamSink",)"
                                R"("tasks.max":"1","topics":"standalone-test","file":")" +
                                    out.string() + R"("}})");
  BackgroundTool hub("sluice", {"standalone", "--data", data.string(), "--port", "0", "--rest-port", "0",
                                (dir_ / "source.properties").string(), (dir_ / "sink.json").string()});

  EXPECT_EQ(WaitForLines(out, 3, seconds(60)), (std::vector<std::string>{"alpha", "beta", "gamma"}))
      << hub.Err();
  WriteFile(in, "delta\n", /*append=*/true);
  EXPECT_EQ(WaitForLines(out, 4, seconds(30)).size(), 4u) << hub.Err();

  ToolResult r = hub.Stop(SIGTERM, seconds(30));
  EXPECT_EQ(r.term_signal, 0) << r.Describe();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("Kafka Connect worker stopped"), std::string::npos) << r.Describe();
  EXPECT_TRUE(fs::is_directory(data / "kafka-logs" / "standalone-test-0")) << r.Describe();
  EXPECT_TRUE(fs::exists(data / "connect.offsets")) << r.Describe();
}

TEST_F(StandaloneTest, HelpAndBadOptions) {
  ToolResult help = RunTool("sluice", {"standalone", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.Describe();
  EXPECT_NE(help.out.find("--data DIR"), std::string::npos) << help.out;
  EXPECT_EQ(RunTool("sluice", {"standalone", "--port", "nope"}).exit_code, 2);
  EXPECT_EQ(RunTool("sluice", {"standalone", "--bogus"}).exit_code, 2);
  EXPECT_EQ(RunTool("sluice", {"standalone", (dir_ / "missing.properties").string()}).exit_code, 1);
}

}  // namespace
}  // namespace sluice::testing
