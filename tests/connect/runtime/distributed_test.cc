// Distributed workers against a real broker: three workers with one group.id run a FileStreamSource
// (three files, tasks.max=3) feeding a FileStreamSink. One worker is killed with SIGKILL mid-stream:
// its tasks must run on the survivors within 15 s (seen through GET status) and the sink file must
// hold every input line, in order per source file. Then the same across a broker restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

constexpr int kFiles = 3;
constexpr int kLinesPerPhase = 2000;

class DistributedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
    char tmpl[] = "/tmp/sluice-distributed-XXXXXX";
    dir_ = mkdtemp(tmpl);
    for (int i = 0; i < 3; ++i) {
      workers_.push_back(std::make_unique<WorkerProcess>(
          std::map<std::string, std::string>{{"bootstrap.servers", broker_.bootstrap()},
                                             {"group.id", "connect-cluster"},
                                             {"config.storage.topic", "connect-configs"},
                                             {"offset.storage.topic", "connect-offsets"},
                                             {"status.storage.topic", "connect-status"},
                                             {"config.storage.replication.factor", "1"},
                                             {"offset.storage.replication.factor", "1"},
                                             {"status.storage.replication.factor", "1"},
                                             {"offset.flush.interval.ms", "500"},
                                             {"session.timeout.ms", "6000"},
                                             {"heartbeat.interval.ms", "1000"},
                                             {"task.shutdown.graceful.timeout.ms", "3000"}}));
    }
    for (auto& w : workers_) ASSERT_TRUE(w->Start()) << w->Output();
  }
  void TearDown() override {
    for (auto& w : workers_) w->Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string InputFile(int i) const { return dir_ + "/in-" + std::to_string(i) + ".txt"; }
  std::string SinkFile() const { return dir_ + "/sink.txt"; }

  void CreateConnectors() {
    std::string files;
    for (int i = 0; i < kFiles; ++i) files += (i ? "," : "") + InputFile(i);
    nlohmann::json source = {{"name", "source"},
                             {"config",
                              {{"connector.class", "FileStreamSource"},
                               {"tasks.max", "3"},
                               {"files", files},
                               {"topic", "lines"}}}};
    nlohmann::json sink = {{"name", "sink"},
                           {"config",
                            {{"connector.class", "FileStreamSink"},
                             {"tasks.max", "1"},
                             {"file", SinkFile()},
                             {"topics", "lines"}}}};
    // Any worker takes the request (followers forward it to the leader).
    HttpResponse r = Http(workers_[1]->port(), "POST", "/connectors", source.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    r = Http(workers_[2]->port(), "POST", "/connectors", sink.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }

  WorkerProcess* Survivor(const std::string& dead_id) {
    for (auto& w : workers_) {
      if (w->worker_id() != dead_id && w->Alive()) return w.get();
    }
    return nullptr;
  }

  // Every line of every input file is in the sink, and per file the first occurrences are in order.
  void ExpectComplete(int lines_per_file) {
    std::vector<std::string> sink = ReadLines(SinkFile());
    std::map<int, int> next;  // file -> next expected line number
    std::set<std::string> seen;
    for (const std::string& line : sink) {
      if (!seen.insert(line).second) continue;  // at-least-once: a replayed line is allowed
      int f = -1;
      int n = -1;
      ASSERT_EQ(std::sscanf(line.c_str(), "f%d-%d", &f, &n), 2) << "garbage in sink: '" << line << "'";
      ASSERT_EQ(n, next[f]) << "file " << f << " out of order at " << line;
      next[f] = n + 1;
    }
    for (int f = 0; f < kFiles; ++f) EXPECT_EQ(next[f], lines_per_file) << "file " << f << " incomplete";
  }

  size_t DistinctSinkLines() {
    std::vector<std::string> sink = ReadLines(SinkFile());
    return std::set<std::string>(sink.begin(), sink.end()).size();
  }

  BrokerProcess broker_;
  std::string dir_;
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
};

TEST_F(DistributedTest, TasksMoveWhenAWorkerIsKilledAndNoLineIsLost) {
  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", 0, kLinesPerPhase);
  CreateConnectors();
  nlohmann::json status;
  ASSERT_TRUE(WaitUntil(
      [&] {
        status = GetJson(workers_[0]->port(), "/connectors/source/status");
        return AllRunning(status, 3);
      },
      std::chrono::seconds(30)))
      << status.dump() << workers_[0]->Output();
  ASSERT_TRUE(WaitUntil([&] { return DistinctSinkLines() > 0; }, std::chrono::seconds(30)));

  // Kill the worker that runs source task 0, mid-stream.
  std::string victim_id = status["tasks"][0]["worker_id"];
  WorkerProcess* victim = nullptr;
  for (auto& w : workers_) {
    if (w->worker_id() == victim_id) victim = w.get();
  }
  ASSERT_NE(victim, nullptr) << victim_id;
  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", kLinesPerPhase, 2 * kLinesPerPhase);
  victim->Kill();
  auto killed_at = std::chrono::steady_clock::now();

  WorkerProcess* survivor = Survivor(victim_id);
  ASSERT_NE(survivor, nullptr);
  bool moved = WaitUntil(
      [&] {
        status = GetJson(survivor->port(), "/connectors/source/status");
        if (!AllRunning(status, 3)) return false;
        for (const auto& t : status["tasks"]) {
          if (t["worker_id"] == victim_id) return false;
        }
        return true;
      },
      std::chrono::seconds(15));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
  ASSERT_TRUE(moved) << "tasks not moved within 15 s: " << status.dump() << survivor->Output();
  std::printf("tasks moved to the survivors %lld ms after kill -9\n", static_cast<long long>(took.count()));

  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", 2 * kLinesPerPhase, 3 * kLinesPerPhase);
  ASSERT_TRUE(
      WaitUntil([&] { return DistinctSinkLines() >= static_cast<size_t>(kFiles * 3 * kLinesPerPhase); },
                std::chrono::seconds(60)))
      << DistinctSinkLines();
  ExpectComplete(3 * kLinesPerPhase);
}

TEST_F(DistributedTest, NoLineIsLostAcrossABrokerRestart) {
  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", 0, kLinesPerPhase);
  CreateConnectors();
  ASSERT_TRUE(WaitUntil([&] { return DistinctSinkLines() > 0; }, std::chrono::seconds(30)));
  broker_.Stop();
  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", kLinesPerPhase, 2 * kLinesPerPhase);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(broker_.Start()) << broker_.Output();
  for (int f = 0; f < kFiles; ++f)
    AppendLines(InputFile(f), "f" + std::to_string(f) + "-", 2 * kLinesPerPhase, 3 * kLinesPerPhase);
  ASSERT_TRUE(
      WaitUntil([&] { return DistinctSinkLines() >= static_cast<size_t>(kFiles * 3 * kLinesPerPhase); },
                std::chrono::seconds(90)))
      << DistinctSinkLines() << "\n"
      << workers_[0]->Output();
  ExpectComplete(3 * kLinesPerPhase);
  nlohmann::json status;
  EXPECT_TRUE(WaitUntil(
      [&] {
        status = GetJson(workers_[0]->port(), "/connectors/source/status");
        return AllRunning(status, 3);
      },
      std::chrono::seconds(30)))
      << status.dump();
}

}  // namespace
}  // namespace sluice::testing
