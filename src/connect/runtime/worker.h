// Worker: hosts connector instances and task threads on this process, as Kafka Connect's Worker. The
// herder decides what runs where; the worker starts and stops it, resolves config provider references
// and reports every state change to a StatusListener.
//
// Thread-safety: all public methods are safe to call from any thread (one mutex guards the maps;
// blocking work such as stopping tasks happens outside it).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/plugin.h"
#include "connect/runtime/config_provider.h"
#include "connect/runtime/offset_store.h"
#include "connect/runtime/worker_config.h"
#include "connect/runtime/worker_task.h"

namespace sluice::connect {

class StatusListener : public TaskStatusListener {
 public:
  // "RUNNING", "PAUSED", "STOPPED", "FAILED" (with the error), "UNASSIGNED" once shut down.
  virtual void OnConnectorState(const std::string& connector, std::string_view state,
                                const Status& error) = 0;
};

class Worker {
 public:
  Worker(const WorkerConfig& config, const PluginRegistry& plugins, OffsetStore* offsets,
         StatusListener* listener);
  ~Worker();

  const WorkerConfig& config() const { return config_; }
  const PluginRegistry& plugins() const { return plugins_; }
  OffsetStore* offsets() const { return offsets_; }

  // Starts a connector instance. `context` receives its reconfiguration requests and errors. A start
  // failure is reported as FAILED and returned.
  Status StartConnector(const std::string& name, const ConfigMap& config, TargetState state,
                        ConnectorContext* context);
  // The connector's task configs (at most tasks.max), with the raw ${...} reference in place of every
  // value the connector config has one for (secrets are resolved again when a task starts).
  Result<std::vector<ConfigMap>> ConnectorTaskConfigs(const std::string& name);
  void StopConnector(const std::string& name);
  bool IsConnectorRunning(const std::string& name);
  void SetTargetState(const std::string& name, TargetState state);

  Status StartTask(const ConnectorTaskId& id, const ConfigMap& connector_config, const ConfigMap& task_config,
                   TargetState state);
  // Stops the tasks and waits up to task.shutdown.graceful.timeout.ms for them (in parallel).
  void StopTasks(const std::vector<ConnectorTaskId>& ids);
  void StopAll();

  std::set<std::string> Connectors();
  std::set<ConnectorTaskId> Tasks();

 private:
  struct ConnectorEntry {
    std::unique_ptr<Connector> connector;
    ConfigMap raw_config;  // as given, ${...} references unresolved
    ConfigMap config;      // resolved
    TargetState state = TargetState::kStarted;
    bool started = false;
  };

  const WorkerConfig& config_;
  const PluginRegistry& plugins_;
  OffsetStore* offsets_;
  StatusListener* listener_;
  ConfigProviders providers_;

  std::mutex mu_;
  std::map<std::string, ConnectorEntry> connectors_;
  std::map<ConnectorTaskId, std::shared_ptr<WorkerTask>> tasks_;
};

}  // namespace sluice::connect
