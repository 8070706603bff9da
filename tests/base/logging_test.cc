// Tests for base/logging: level parsing, InitLogging, the LOG_* macros and log-once keys.
#include "base/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sluice {
namespace {

TEST(ParseLogLevelTest, SpdlogAndLog4jNames) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("debug"), spdlog::level::debug);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
  EXPECT_EQ(*ParseLogLevel("WARN"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("INFO"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("Warning"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("FATAL"), spdlog::level::critical);
  EXPECT_EQ(*ParseLogLevel("ALL"), spdlog::level::trace);
}

TEST(ParseLogLevelTest, RejectsUnknown) {
  Result<spdlog::level::level_enum> r = ParseLogLevel("verbose");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("verbose"), std::string::npos);
  EXPECT_FALSE(ParseLogLevel("").ok());
  EXPECT_FALSE(ParseLogLevel("info ").ok());
}

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    ASSERT_TRUE(InitLogging("info", sink_).ok());
    ResetLogOnceKeysForTest();
  }
  void TearDown() override { ASSERT_TRUE(InitLogging("info").ok()); }

  std::ostringstream out_;
  spdlog::sink_ptr sink_;
};

TEST_F(LoggingTest, InitRejectsBadLevel) { EXPECT_FALSE(InitLogging("loud", sink_).ok()); }

TEST_F(LoggingTest, WritesCompactLineWithLevelFileAndMessage) {
  LOG_INFO("hello {} {}", "world", 42);
  std::string line = out_.str();
  EXPECT_NE(line.find(" I "), std::string::npos) << line;
  EXPECT_NE(line.find("logging_test.cc:"), std::string::npos) << line;
  EXPECT_NE(line.find("hello world 42"), std::string::npos) << line;
  EXPECT_EQ(line.back(), '\n');
}

TEST_F(LoggingTest, LevelFilters) {
  LOG_DEBUG("hidden debug");
  LOG_TRACE("hidden trace");
  LOG_WARN("shown warn");
  LOG_ERROR("shown error");
  std::string text = out_.str();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("shown warn"), std::string::npos);
  EXPECT_NE(text.find("shown error"), std::string::npos);

  SetLogLevel(spdlog::level::trace);
  LOG_DEBUG("now debug");
  EXPECT_NE(out_.str().find("now debug"), std::string::npos);
  SetLogLevel(spdlog::level::off);
  LOG_ERROR("not even errors");
  EXPECT_EQ(out_.str().find("not even errors"), std::string::npos);
}

TEST_F(LoggingTest, LogOnceLogsFirstTimeOnly) {
  for (int i = 0; i < 3; ++i) LOG_ONCE(spdlog::level::warn, "key-a", "unknown key a (i={})", i);
  LOG_ONCE(spdlog::level::warn, std::string("key-b"), "unknown key b");
  std::string text = out_.str();
  EXPECT_NE(text.find("unknown key a (i=0)"), std::string::npos);
  EXPECT_EQ(text.find("i=1"), std::string::npos);
  EXPECT_EQ(text.find("i=2"), std::string::npos);
  EXPECT_NE(text.find("unknown key b"), std::string::npos);
}

TEST(FirstTimeForKeyTest, OncePerKeyAcrossThreads) {
  ResetLogOnceKeysForTest();
  std::atomic<int> firsts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        std::string key = "k";
        key += std::to_string(i % 10);
        if (FirstTimeForKey(key)) ++firsts;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(firsts.load(), 10);
  EXPECT_FALSE(FirstTimeForKey("k3"));
  ResetLogOnceKeysForTest();
  EXPECT_TRUE(FirstTimeForKey("k3"));
}

}  // namespace
}  // namespace sluice
