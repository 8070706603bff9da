// InMemoryHerder: a test double of the Herder interface for the REST tests. Connectors live in a map;
// tasks.max tasks per connector, states follow pause/resume/stop, offsets only while STOPPED. A few
// magic names make the herder fail: "rebalancing" (kAborted), "explode" (kInternal). Counts calls so
// forwarding tests can check which herder did the write.
//
// Thread-safety: every method locks one mutex (the REST server calls from its pool threads).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "connect/runtime/herder.h"

namespace sluice::connect::testing {

class InMemoryHerder : public Herder {
 public:
  InMemoryHerder();

  void set_forward_to(std::optional<std::string> url) {
    std::lock_guard lock(mu_);
    forward_to_ = std::move(url);
  }
  // Marks task `task` of `name` FAILED with a trace.
  void FailTask(const std::string& name, int32_t task, const std::string& trace);
  int writes() const { return writes_.load(); }

  std::string kafka_cluster_id() override { return "test-cluster-id"; }
  std::string worker_id() override { return "worker-1:8083"; }
  std::optional<std::string> ForwardWritesTo() override {
    std::lock_guard lock(mu_);
    return forward_to_;
  }

  Result<std::vector<std::string>> Connectors() override;
  Result<ConnectorInfo> GetConnectorInfo(const std::string& name) override;
  Result<ConfigMap> GetConnectorConfig(const std::string& name) override;
  Result<ConnectorInfo> PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                           bool allow_replace, bool* created) override;
  Result<ConnectorInfo> PatchConnectorConfig(
      const std::string& name,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& patch) override;
  Status DeleteConnector(const std::string& name) override;
  Result<std::vector<TaskInfo>> GetTaskConfigs(const std::string& name) override;
  Result<ConnectorStateInfo> GetConnectorStatus(const std::string& name) override;
  Result<TaskStateInfo> GetTaskStatus(const ConnectorTaskId& id) override;
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
  std::vector<PluginDesc> ConnectorPlugins(bool connectors_only) override;
  Result<std::vector<const ConfigKey*>> PluginConfig(const std::string& plugin) override;
  Result<ConfigInfos> ValidateConnectorConfig(const ConfigMap& config) override;

 private:
  struct Connector {
    ConfigMap config;
    std::string state = "RUNNING";
    std::map<int32_t, std::string> failed_tasks;  // task -> trace
    std::vector<ConnectorOffset> offsets;
    std::vector<std::string> topics;
  };

  Status CheckName(const std::string& name) const;  // magic failures
  Result<Connector*> Find(const std::string& name);
  ConnectorInfo InfoLocked(const std::string& name, const Connector& c) const;
  ConnectorStateInfo StatusLocked(const std::string& name, const Connector& c) const;

  std::mutex mu_;
  std::map<std::string, Connector> connectors_;
  std::optional<std::string> forward_to_;
  std::atomic<int> writes_{0};
  ConfigDef file_source_def_;
};

}  // namespace sluice::connect::testing
