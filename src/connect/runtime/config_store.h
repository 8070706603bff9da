// KafkaConfigStore: connector configs, task configs and target states in the config topic, exactly as
// Kafka Connect's KafkaConfigBackingStore writes them (single partition, compacted):
//   connector-<name>     {"properties":{...}}          null deletes the connector
//   task-<name>-<n>      {"properties":{...}}          visible only after the commit record
//   commit-<name>        {"tasks":N}                   makes tasks 0..N-1 the connector's tasks
//   target-state-<name>  {"state":"STARTED"|"PAUSED"|"STOPPED"}
//   restart-connector-<name> {"include-tasks":b,"only-failed":b}   (KIP-745)
// Sluice adds restart-task-<name>-<n> {} (a task restart; Kafka's workers would ignore the key).
// Every worker reads the whole topic; changes are reported to a listener in topic order.
//
// Thread-safety: Snapshot() and the writes may be called from any thread; the listener runs on the
// log's thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connect/runtime/kafka_based_log.h"
#include "connect/runtime/worker_task.h"

namespace sluice::connect {

struct ClusterConfigState {
  int64_t offset = -1;  // offset of the last record applied
  std::map<std::string, ConfigMap> connectors;
  std::map<std::string, TargetState> target_states;  // absent: STARTED
  std::map<std::string, std::vector<ConfigMap>> tasks;

  TargetState StateOf(const std::string& name) const {
    auto it = target_states.find(name);
    return it == target_states.end() ? TargetState::kStarted : it->second;
  }
};

struct ConfigEvent {
  enum class Kind {
    kConnectorConfig,
    kConnectorRemoved,
    kTasksCommitted,
    kTargetState,
    kRestartConnector,
    kRestartTask
  };
  Kind kind;
  std::string connector;
  int32_t task = -1;
  bool include_tasks = false;
  bool only_failed = false;
};

class KafkaConfigStore {
 public:
  using Listener = std::function<void(const ConfigEvent&)>;
  KafkaConfigStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic, Listener listener);

  Status Start(int timeout_ms) { return log_.Start(timeout_ms); }
  void Stop() { log_.Stop(); }
  Status ReadToEnd(int timeout_ms) { return log_.ReadToEnd(timeout_ms); }
  ClusterConfigState Snapshot();

  // Each write waits for the broker's acknowledgement.
  Status PutConnectorConfig(const std::string& name, const ConfigMap& config,
                            std::optional<TargetState> initial);
  Status RemoveConnector(const std::string& name);
  Status PutTaskConfigs(const std::string& name, const std::vector<ConfigMap>& configs);
  Status PutTargetState(const std::string& name, TargetState state);
  Status RequestRestart(const std::string& name, bool include_tasks, bool only_failed);
  Status RequestTaskRestart(const ConnectorTaskId& id);

 private:
  void Apply(const LogRecord& rec);
  Status Write(const std::string& key, const std::optional<std::string>& value);

  Listener listener_;
  std::mutex mu_;
  ClusterConfigState state_;
  std::map<std::string, std::map<int32_t, ConfigMap>> pending_tasks_;  // before their commit record
  KafkaBasedLog log_;
};

}  // namespace sluice::connect
