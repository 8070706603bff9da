// Config providers (KIP-297) end to end: a standalone worker with config.providers=file,env runs a
// FileStreamSource whose file comes from ${file:<secrets.properties>:input} and a FileStreamSink whose
// file comes from ${env:...}. Lines flow from one file to the other (so the tasks read the resolved
// paths), while the REST API keeps showing the raw references: connector config, connector info and task
// configs. A reference that cannot be resolved fails the connector with a trace naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

using nlohmann::json;

class ConfigProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start()) << broker_.Output();
    char tmpl[] = "/tmp/sluice-providers-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  BrokerProcess broker_;
  std::string dir_;
};

TEST_F(ConfigProvidersTest, ReferencesResolveForTasksButNotInTheRestApi) {
  const std::string in = dir_ + "/in.txt";
  const std::string out = dir_ + "/out.txt";
  const std::string secrets = dir_ + "/secrets.properties";
  std::ofstream(secrets) << "# where the source reads\ninput=" << in << "\n";
  AppendLines(in, "secret-line-", 0, 20);

  WorkerProcess worker(
      {{"bootstrap.servers", broker_.bootstrap()},
       {"offset.storage.file.filename", dir_ + "/offsets.txt"},
       {"offset.flush.interval.ms", "200"},
       {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
       {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
       {"config.providers", "file,env"},
       {"config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"},
       {"config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider"}},
      /*standalone=*/true);
  worker.SetEnv("SLUICE_TEST_SINK_FILE", out);
  ASSERT_TRUE(worker.Start()) << worker.Output();

  const std::string source_ref = "${file:" + secrets + ":input}";
  const std::string sink_ref = "${env:SLUICE_TEST_SINK_FILE}";
  json source = {{"name", "cp-source"},
                 {"config",
                  {{"connector.class", "FileStreamSource"},
                   {"tasks.max", "1"},
                   {"file", source_ref},
                   {"topic", "cp-lines"}}}};
  json sink = {{"name", "cp-sink"},
               {"config",
                {{"connector.class", "FileStreamSink"},
                 {"tasks.max", "1"},
                 {"file", sink_ref},
                 {"topics", "cp-lines"}}}};
  HttpResponse r = Http(worker.port(), "POST", "/connectors", source.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body)["config"]["file"], source_ref) << r.body;
  r = Http(worker.port(), "POST", "/connectors", sink.dump());
  ASSERT_EQ(r.status, 201) << r.body;

  // The tasks used the resolved paths.
  ASSERT_TRUE(WaitUntil([&] { return ReadLines(out).size() >= 20; }, std::chrono::seconds(30)))
      << worker.Output();
  std::vector<std::string> lines = ReadLines(out);
  ASSERT_EQ(lines.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(lines[static_cast<size_t>(i)], "secret-line-" + std::to_string(i));
  EXPECT_TRUE(AllRunning(GetJson(worker.port(), "/connectors/cp-source/status"), 1));
  EXPECT_TRUE(AllRunning(GetJson(worker.port(), "/connectors/cp-sink/status"), 1));

  // The REST API shows the references, never the resolved values.
  EXPECT_EQ(GetJson(worker.port(), "/connectors/cp-source/config")["file"], source_ref);
  EXPECT_EQ(GetJson(worker.port(), "/connectors/cp-sink/config")["file"], sink_ref);
  EXPECT_EQ(GetJson(worker.port(), "/connectors/cp-source")["config"]["file"], source_ref);
  json tasks = GetJson(worker.port(), "/connectors/cp-source/tasks");
  ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
  EXPECT_EQ(tasks[0]["config"]["file"], source_ref) << tasks.dump();
  tasks = GetJson(worker.port(), "/connectors/cp-sink/tasks");
  ASSERT_EQ(tasks.size(), 1u) << tasks.dump();
  EXPECT_EQ(tasks[0]["config"]["file"], sink_ref) << tasks.dump();
  for (const char* path :
       {"/connectors/cp-source/tasks", "/connectors/cp-sink/tasks", "/connectors?expand=info"}) {
    HttpResponse body = Http(worker.port(), "GET", path);
    EXPECT_EQ(body.body.find(in), std::string::npos) << path << ": " << body.body;
    EXPECT_EQ(body.body.find(out), std::string::npos) << path << ": " << body.body;
  }

  // An unresolvable reference fails the connector, naming what is missing.
  json broken = {{"name", "cp-broken"},
                 {"config",
                  {{"connector.class", "FileStreamSource"},
                   {"file", "${env:SLUICE_TEST_NO_SUCH_VARIABLE}"},
                   {"topic", "cp-broken"}}}};
  r = Http(worker.port(), "POST", "/connectors", broken.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  json st;
  ASSERT_TRUE(WaitUntil(
      [&] {
        st = GetJson(worker.port(), "/connectors/cp-broken/status");
        return st.value("/connector/state"_json_pointer, "") == "FAILED";
      },
      std::chrono::seconds(10)))
      << st.dump();
  EXPECT_NE(st["connector"]["trace"].get<std::string>().find("SLUICE_TEST_NO_SUCH_VARIABLE"),
            std::string::npos)
      << st.dump();
  worker.Stop();
}

}  // namespace
}  // namespace sluice::testing
