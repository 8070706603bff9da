// Unit tests of the Connect runtime's configuration: config providers (${file:...}, ${env:...},
// ${directory:...} and keeping resolved secrets out of task configs), the connector's errors.* and DLQ
// keys, unknown converter classes in validation, and the worker keys connect-distributed requires.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/properties.h"
#include "connect/runtime/config_provider.h"
#include "connect/runtime/connector_config.h"
#include "connect/runtime/plugins.h"
#include "connect/runtime/worker_config.h"

namespace sluice::connect {
namespace {

class ConfigProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice-providers-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream(dir_ + "/secrets.properties") << "db.password=s3cret\ninput=/data/in.txt\n";
    std::filesystem::create_directory(dir_ + "/secrets.d");
    std::ofstream(dir_ + "/secrets.d/token") << "tok-123";
    setenv("SLUICE_TEST_PROVIDER_VAR", "from-env", 1);
  }
  void TearDown() override {
    unsetenv("SLUICE_TEST_PROVIDER_VAR");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static ConfigProviders All() {
    Result<ConfigProviders> p = ConfigProviders::Create(
        {{"", "file, env,directory"},
         {"file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"},
         {"env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider"},
         {"directory.class", "DirectoryConfigProvider"}});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(*p) : ConfigProviders();
  }
  std::string dir_;
};

TEST_F(ConfigProvidersTest, ResolvesEveryProvider) {
  ConfigProviders p = All();
  Result<ConfigMap> r =
      p.Resolve({{"password", "${file:" + dir_ + "/secrets.properties:db.password}"},
                 {"file", "${file:" + dir_ + "/secrets.properties:input}"},
                 {"user", "${env:SLUICE_TEST_PROVIDER_VAR}"},
                 {"token", "${directory:" + dir_ + "/secrets.d:token}"},
                 {"mixed", "a-${env:SLUICE_TEST_PROVIDER_VAR}-b-${env:SLUICE_TEST_PROVIDER_VAR}"},
                 {"plain", "no reference"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("password"), "s3cret");
  EXPECT_EQ(r->at("file"), "/data/in.txt");
  EXPECT_EQ(r->at("user"), "from-env");
  EXPECT_EQ(r->at("token"), "tok-123");
  EXPECT_EQ(r->at("mixed"), "a-from-env-b-from-env");
  EXPECT_EQ(r->at("plain"), "no reference");
}

TEST_F(ConfigProvidersTest, UnknownProvidersStayAsWritten) {
  ConfigProviders p = All();
  Result<ConfigMap> r = p.Resolve({{"k", "${vault:secret/db:password}"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("k"), "${vault:secret/db:password}");
  // With no providers configured nothing is touched.
  Result<ConfigMap> none = ConfigProviders().Resolve({{"k", "${env:SLUICE_TEST_PROVIDER_VAR}"}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->at("k"), "${env:SLUICE_TEST_PROVIDER_VAR}");
}

TEST_F(ConfigProvidersTest, MissingValuesAreErrorsNamingTheReference) {
  ConfigProviders p = All();
  const std::string ref = "${file:" + dir_ + "/secrets.properties:no.such.key}";
  Result<ConfigMap> r = p.Resolve({{"password", ref}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("password"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find(ref), std::string::npos) << r.status().ToString();
  r = p.Resolve({{"user", "${env:SLUICE_TEST_NO_SUCH_VARIABLE}"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("SLUICE_TEST_NO_SUCH_VARIABLE"), std::string::npos);
  r = p.Resolve({{"f", "${file:" + dir_ + "/missing.properties:x}"}});
  EXPECT_FALSE(r.ok());
}

TEST_F(ConfigProvidersTest, BadWorkerConfigIsAnError) {
  Result<ConfigProviders> p = ConfigProviders::Create({{"", "file"}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("config.providers.file.class"), std::string::npos)
      << p.status().message();
  p = ConfigProviders::Create({{"", "vault"}, {"vault.class", "com.example.VaultConfigProvider"}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("FileConfigProvider"), std::string::npos) << p.status().message();
}

TEST(ConfigProvidersUnresolveTest, TaskConfigsGetTheRawReferenceBack) {
  ConfigMap raw = {{"file", "${file:/etc/x.properties:input}"},
                   {"files", "${env:FILES}"},
                   {"topic", "plain"},
                   {"password", "${env:PW}"}};
  ConfigMap resolved = {{"file", "/data/in.txt"}, {"files", "/a,/b"}, {"topic", "plain"}, {"password", "pw"}};
  ConfigMap task = {{"file", "/data/in.txt"}, {"files", "/a"}, {"topic", "plain"}, {"task.only", "1"}};
  ConfigMap out = ConfigProviders::Unresolve(raw, resolved, task);
  EXPECT_EQ(out.at("file"), "${file:/etc/x.properties:input}");
  EXPECT_EQ(out.at("files"), "/a");  // the task's own share, not the whole list
  EXPECT_EQ(out.at("topic"), "plain");
  EXPECT_EQ(out.at("task.only"), "1");
  EXPECT_EQ(out.count("password"), 0u);  // keys are never added
}

ConfigMap SinkConfig() {
  return {{"name", "s"},
          {"connector.class", "FileStreamSink"},
          {"topics", "in"},
          {"errors.tolerance", "all"},
          {"errors.log.enable", "true"},
          {"errors.log.include.messages", "true"},
          {"errors.retry.timeout", "-1"},
          {"errors.retry.delay.max.ms", "250"},
          {"errors.deadletterqueue.topic.name", "dlq"},
          {"errors.deadletterqueue.topic.replication.factor", "1"},
          {"errors.deadletterqueue.context.headers.enable", "true"}};
}

TEST(ConnectorConfigTest, ErrorHandlingKeys) {
  ConfigInfos infos = ValidateConnectorConfig(SinkConfig(), BuiltinPlugins());
  EXPECT_EQ(infos.error_count, 0);
  Result<ConnectorConfig> c = ConnectorConfig::Parse(SinkConfig(), BuiltinPlugins());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->errors_tolerance_all);
  EXPECT_TRUE(c->errors_log_enable);
  EXPECT_TRUE(c->errors_log_include_messages);
  EXPECT_EQ(c->errors_retry_timeout_ms, -1);
  EXPECT_EQ(c->errors_retry_delay_max_ms, 250);
  EXPECT_EQ(c->dlq_topic, "dlq");
  EXPECT_EQ(c->dlq_replication_factor, 1);
  EXPECT_TRUE(c->dlq_context_headers);

  ConfigMap defaults = {{"name", "s"}, {"connector.class", "FileStreamSink"}, {"topics", "in"}};
  c = ConnectorConfig::Parse(defaults, BuiltinPlugins());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->errors_tolerance_all);
  EXPECT_FALSE(c->errors_log_enable);
  EXPECT_EQ(c->errors_retry_timeout_ms, 0);
  EXPECT_TRUE(c->dlq_topic.empty());
  EXPECT_FALSE(c->dlq_context_headers);
}

TEST(ConnectorConfigTest, ErrorsToleranceIgnoresCase) {
  // Validation accepts any case (Kafka's CaseInsensitiveValidString); parsing must agree.
  for (const char* all : {"all", "ALL", "aLl"}) {
    ConfigMap config = SinkConfig();
    config["errors.tolerance"] = all;
    EXPECT_EQ(ValidateConnectorConfig(config, BuiltinPlugins()).error_count, 0) << all;
    Result<ConnectorConfig> c = ConnectorConfig::Parse(config, BuiltinPlugins());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(c->errors_tolerance_all) << all;
  }
  ConfigMap none = SinkConfig();
  none["errors.tolerance"] = "NONE";
  Result<ConnectorConfig> c = ConnectorConfig::Parse(none, BuiltinPlugins());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->errors_tolerance_all);
}

// The error of `key` in a validation result, "" if none.
std::string ErrorOf(const ConfigInfos& infos, const std::string& key) {
  for (const ConfigInfoEntry& e : infos.configs) {
    if (e.value.name == key && !e.value.errors.empty()) return e.value.errors.front();
  }
  return "";
}

TEST(ConnectorConfigTest, BadErrorHandlingValuesAreRejected) {
  ConfigMap config = SinkConfig();
  config["errors.tolerance"] = "some";
  config["errors.retry.timeout"] = "-2";
  config["errors.deadletterqueue.topic.name"] = "in";  // a consumed topic
  ConfigInfos infos = ValidateConnectorConfig(config, BuiltinPlugins());
  EXPECT_EQ(infos.error_count, 3);
  EXPECT_NE(ErrorOf(infos, "errors.tolerance"), "");
  EXPECT_NE(ErrorOf(infos, "errors.retry.timeout"), "");
  EXPECT_NE(ErrorOf(infos, "errors.deadletterqueue.topic.name").find("may not be included"),
            std::string::npos);
}

TEST(ConnectorConfigTest, UnknownConverterListsTheKnownOnes) {
  ConfigMap config = SinkConfig();
  config["value.converter"] = "com.example.NoSuchConverter";
  config["header.converter"] = "com.example.NoSuchHeaderConverter";
  ConfigInfos infos = ValidateConnectorConfig(config, BuiltinPlugins());
  EXPECT_EQ(infos.error_count, 2);
  std::string value = ErrorOf(infos, "value.converter");
  EXPECT_NE(value.find("com.example.NoSuchConverter"), std::string::npos) << value;
  EXPECT_NE(value.find("org.apache.kafka.connect.json.JsonConverter"), std::string::npos) << value;
  EXPECT_NE(value.find("org.apache.kafka.connect.storage.StringConverter"), std::string::npos) << value;
  std::string header = ErrorOf(infos, "header.converter");
  EXPECT_NE(header.find("SimpleHeaderConverter"), std::string::npos) << header;
}

Properties DistributedProps() {
  return Properties({{"bootstrap.servers", "127.0.0.1:9092"},
                     {"group.id", "g"},
                     {"config.storage.topic", "c"},
                     {"offset.storage.topic", "o"},
                     {"status.storage.topic", "s"}});
}

TEST(WorkerConfigTest, DistributedRequiresGroupAndTopics) {
  ASSERT_TRUE(WorkerConfig::Parse(DistributedProps(), WorkerMode::kDistributed).ok());
  for (const char* key :
       {"group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic"}) {
    Properties props = DistributedProps();
    props.Erase(key);
    Result<WorkerConfig> w = WorkerConfig::Parse(props, WorkerMode::kDistributed);
    ASSERT_FALSE(w.ok()) << key;
    EXPECT_NE(w.status().message().find(std::string("\"") + key + "\""), std::string::npos)
        << w.status().message();
  }
}

TEST(WorkerConfigTest, ConfigProvidersPassThrough) {
  Properties props = DistributedProps();
  props.Set("config.providers", "file,env");
  props.Set("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
  props.Set("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
  Result<WorkerConfig> w = WorkerConfig::Parse(props, WorkerMode::kDistributed);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->config_providers.at(""), "file,env");
  EXPECT_EQ(w->config_providers.at("file.class"),
            "org.apache.kafka.common.config.provider.FileConfigProvider");
  EXPECT_TRUE(w->unknown_keys.empty());
  EXPECT_TRUE(ConfigProviders::Create(w->config_providers).ok());
}

}  // namespace
}  // namespace sluice::connect
