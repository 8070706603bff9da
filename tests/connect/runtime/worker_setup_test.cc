// A distributed worker's setup against a real broker: the three internal topics exist after start with
// cleanup.policy=compact, the config topic with one partition and the others with the default partition
// counts (checked with kafka-python's admin client: DescribeTopics and DescribeConfigs); a worker config
// without group.id or config.storage.topic makes connect-distributed exit non-zero naming the key; a
// connector with an unknown converter class is refused with a 400 that lists the known converters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "broker_process.h"
#include "connect_test_util.h"

namespace sluice::testing {
namespace {

using nlohmann::json;

constexpr char kPython[] = "/usr/bin/python3";

// Prints "<topic> partitions <n>" and "<topic> cleanup.policy <value>" for each topic in argv[2:].
constexpr char kDescribeTopics[] = R"(
import sys
from kafka.admin import KafkaAdminClient, ConfigResource, ConfigResourceType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=10000)
topics = sys.argv[2:]
for t in admin.describe_topics(topics):
    if t["error_code"] == 0:
        print("%s partitions %d" % (t["topic"], len(t["partitions"])))
for resp in admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]):
    for res in resp.resources:
        for entry in res[4]:
            if entry[0] == "cleanup.policy":
                print("%s cleanup.policy %s" % (res[3], entry[1]))
admin.close()
)";

std::map<std::string, std::string> DistributedProps(const std::string& bootstrap) {
  return {{"bootstrap.servers", bootstrap},
          {"group.id", "setup-cluster"},
          {"config.storage.topic", "setup-configs"},
          {"offset.storage.topic", "setup-offsets"},
          {"status.storage.topic", "setup-status"},
          {"config.storage.replication.factor", "1"},
          {"offset.storage.replication.factor", "1"},
          {"status.storage.replication.factor", "1"},
          {"session.timeout.ms", "6000"},
          {"heartbeat.interval.ms", "1000"}};
}

bool PythonHasKafka() {
  if (access(kPython, X_OK) != 0) return false;
  return kafka::testing::RunProcess({kPython, "-c", "import kafka"}, "", {}, std::chrono::seconds(20)).ok();
}

TEST(WorkerSetupTest, InternalTopicsAreCompactedWithOneConfigPartition) {
  if (!PythonHasKafka()) GTEST_SKIP() << "kafka-python is not installed for /usr/bin/python3";
  BrokerProcess broker;
  ASSERT_TRUE(broker.Start()) << broker.Output();
  WorkerProcess worker(DistributedProps(broker.bootstrap()));
  ASSERT_TRUE(worker.Start()) << worker.Output();

  const std::set<std::string> expected = {"setup-configs partitions 1",
                                          "setup-offsets partitions 25",
                                          "setup-status partitions 5",
                                          "setup-configs cleanup.policy compact",
                                          "setup-offsets cleanup.policy compact",
                                          "setup-status cleanup.policy compact"};
  std::set<std::string> got;
  std::string output;
  // The REST API answers before the herder has created the topics: poll.
  bool ok = WaitUntil(
      [&] {
        auto r = kafka::testing::RunProcess({kPython, "-c", kDescribeTopics, broker.bootstrap(),
                                             "setup-configs", "setup-offsets", "setup-status"},
                                            "", {}, std::chrono::seconds(30));
        output = r.Describe() + "\n" + r.output;
        got.clear();
        std::istringstream lines(r.output);
        std::string line;
        while (std::getline(lines, line)) {
          if (expected.count(line) > 0) got.insert(line);
        }
        return r.ok() && got == expected;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(ok) << output << "\n" << worker.Output();

  // A connector naming an unknown converter is refused, listing the known ones.
  json config = {{"connector.class", "FileStreamSource"},
                 {"topic", "t"},
                 {"value.converter", "com.example.NoSuchConverter"}};
  HttpResponse r =
      Http(worker.port(), "POST", "/connectors", json{{"name", "bad-converter"}, {"config", config}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("com.example.NoSuchConverter"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("org.apache.kafka.connect.json.JsonConverter"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("org.apache.kafka.connect.storage.StringConverter"), std::string::npos) << r.body;
  EXPECT_EQ(GetJson(worker.port(), "/connectors/bad-converter/status")["error_code"], 404);
  worker.Stop();
}

TEST(WorkerSetupTest, MissingRequiredWorkerConfigExitsNamingTheKey) {
  char tmpl[] = "/tmp/sluice-setup-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  for (const char* key : {"group.id", "config.storage.topic"}) {
    // No broker needed: the config is checked before anything connects.
    std::map<std::string, std::string> props = DistributedProps("127.0.0.1:1");
    props.erase(key);
    props["listeners"] = "http://127.0.0.1:" + std::to_string(FreeTcpPort());
    const std::string file = dir + "/worker.properties";
    {
      std::ofstream out(file);
      for (const auto& [k, v] : props) out << k << "=" << v << "\n";
    }
    auto r = kafka::testing::RunProcess({SluiceBinary(), "connect-distributed", file}, "", {},
                                        std::chrono::seconds(30));
    EXPECT_TRUE(r.started) << r.Describe();
    EXPECT_FALSE(r.timed_out) << key << ": still running";
    EXPECT_NE(r.exit_code, 0) << key << ": " << r.output;
    EXPECT_NE(r.output.find(std::string("\"") + key + "\""), std::string::npos) << key << ": " << r.output;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace sluice::testing
