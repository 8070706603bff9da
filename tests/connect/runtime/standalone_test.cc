// Standalone worker end to end against a real broker: connectors given on the command line and
// through REST, FileStreamSource -> broker -> FileStreamSink, offsets kept in
// offset.storage.file.filename across a restart (no line repeated, none lost).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

class StandaloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
    char tmpl[] = "/tmp/sluice-standalone-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::map<std::string, std::string> WorkerProps() {
    return {{"bootstrap.servers", broker_.bootstrap()},
            {"offset.storage.file.filename", dir_ + "/offsets.txt"},
            {"offset.flush.interval.ms", "200"},
            {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }
  BrokerProcess broker_;
  std::string dir_;
};

TEST_F(StandaloneTest, FileSourceToFileSinkResumesAfterRestart) {
  const std::string in = dir_ + "/in.txt";
  const std::string out = dir_ + "/out.txt";
  AppendLines(in, "line-", 0, 100);
  {
    std::ofstream src(dir_ + "/source.properties");
    src << "name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=" << in
        << "\ntopic=connect-test\n";
    std::ofstream sink(dir_ + "/sink.json");
    sink
        << R"({"name":"local-file-sink","config":{"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector","tasks.max":"1","file":")"
        << out << R"(","topics":"connect-test"}})";
  }
  std::vector<std::string> files = {dir_ + "/source.properties", dir_ + "/sink.json"};
  {
    WorkerProcess worker(WorkerProps(), /*standalone=*/true, files);
    ASSERT_TRUE(worker.Start()) << worker.Output();
    ASSERT_TRUE(WaitUntil([&] { return ReadLines(out).size() >= 100; }, std::chrono::seconds(30)))
        << worker.Output();
    nlohmann::json status = GetJson(worker.port(), "/connectors/local-file-source/status");
    EXPECT_TRUE(AllRunning(status, 1)) << status.dump();
    EXPECT_EQ(status["tasks"][0]["worker_id"], worker.worker_id());
    worker.Stop();  // clean stop: offsets committed
  }
  AppendLines(in, "line-", 100, 150);
  {
    WorkerProcess worker(WorkerProps(), true, files);
    ASSERT_TRUE(worker.Start()) << worker.Output();
    ASSERT_TRUE(WaitUntil([&] { return ReadLines(out).size() >= 150; }, std::chrono::seconds(30)))
        << worker.Output();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more may come
    worker.Stop();
  }
  std::vector<std::string> lines = ReadLines(out);
  ASSERT_EQ(lines.size(), 150u);
  for (int i = 0; i < 150; ++i) EXPECT_EQ(lines[static_cast<size_t>(i)], "line-" + std::to_string(i));
}

}  // namespace
}  // namespace sluice::testing
