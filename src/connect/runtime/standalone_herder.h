// StandaloneHerder: one worker process owns every connector (connect-standalone). Connector configs
// come from the command line and the REST API and live in memory (as in Kafka); source offsets live in
// offset.storage.file.filename. Requests are served synchronously under one lock.
//
// Thread-safety: every Herder method may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "connect/runtime/herder_base.h"

namespace sluice::connect {

class StandaloneHerder : public HerderBase {
 public:
  StandaloneHerder(const WorkerConfig& config, const PluginRegistry& plugins);
  ~StandaloneHerder() override;

  Status Start();
  void Stop();

  std::optional<std::string> ForwardWritesTo() override { return std::nullopt; }
  Result<std::vector<std::string>> Connectors() override;
  Result<ConnectorInfo> GetConnectorInfo(const std::string& name) override;
  Result<ConfigMap> GetConnectorConfig(const std::string& name) override;
  Result<ConnectorInfo> PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                           bool allow_replace, bool* created) override;
  Status DeleteConnector(const std::string& name) override;
  Result<std::vector<TaskInfo>> GetTaskConfigs(const std::string& name) override;
  Result<std::optional<ConnectorStateInfo>> RestartConnector(const RestartRequest& request) override;
  Status RestartTask(const ConnectorTaskId& id) override;
  Status PauseConnector(const std::string& name) override;
  Status ResumeConnector(const std::string& name) override;
  Status StopConnector(const std::string& name) override;
  Result<std::vector<std::string>> GetActiveTopics(const std::string& name) override;
  Status ResetActiveTopics(const std::string& name) override;
  Result<std::vector<ConnectorOffset>> GetOffsets(const std::string& name) override;
  Status AlterOffsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) override;
  Status ResetOffsets(const std::string& name) override;

 protected:
  bool HasConnector(const std::string& name) override;
  int TaskCount(const std::string& name) override;
  std::string ConnectorClassOf(const std::string& name) override;

 private:
  struct Entry {
    ConfigMap config;
    std::vector<ConfigMap> task_configs;
    TargetState state = TargetState::kStarted;
  };
  class Context;

  ConnectorInfo InfoLocked(const std::string& name, const Entry& e) const;
  // (Re)starts the connector and its tasks from the entry.
  Status StartLocked(const std::string& name, Entry& e);
  void StopLocked(const std::string& name, const Entry& e);
  void Reconfigure(const std::string& name);
  Status SetTargetState(const std::string& name, TargetState state);
  Status WriteOffsetsWhenStopped(const std::string& name, const std::vector<ConnectorOffset>& offsets,
                                 bool reset);

  std::recursive_mutex mu_;
  std::map<std::string, Entry> connectors_;
  std::map<std::string, std::unique_ptr<Context>> contexts_;
};

}  // namespace sluice::connect
