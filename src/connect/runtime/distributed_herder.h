// DistributedHerder: a worker of a Connect cluster (connect-distributed). Workers with one group.id
// form a group through the broker's coordinator (protocol type "connect", Kafka's eager "default"
// protocol); the leader spreads connectors and tasks round-robin over the members. Connector configs,
// task configs and target states live in the config topic, source offsets in the offset topic,
// status in the status topic, all in Kafka Connect's formats.
//
// One herder thread does all membership and lifecycle work: rebalances (stop everything, join, start
// what was assigned), reacting to config topic changes, and running write requests. REST threads read
// the config snapshot directly; writes are forwarded to the leader by the REST layer (ForwardWritesTo)
// and run on the leader's herder thread. Deviation from Kafka: the worker that runs a connector writes
// that connector's task configs itself instead of sending them to the leader (the config topic has one
// partition, so the writes stay ordered).
//
// Thread-safety: every Herder method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "connect/runtime/config_store.h"
#include "connect/runtime/distributed/connect_protocol.h"
#include "connect/runtime/herder_base.h"
#include "kafka/client/group_member.h"

namespace sluice::connect {

class DistributedHerder : public HerderBase {
 public:
  DistributedHerder(const WorkerConfig& config, const PluginRegistry& plugins);
  ~DistributedHerder() override;

  // Starts the stores (creating the topics) and the herder thread, which joins the group.
  Status Start();
  void Stop();

  std::optional<std::string> ForwardWritesTo() override;
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
  // Bound on reading a Kafka-based store to its end, and on a request waiting for the herder thread.
  static constexpr int kStoreTimeoutMs = 30000;
  static constexpr std::chrono::seconds kRequestTimeout{90};

  class Context;

  void Run();
  // Stops all local work, joins a new generation and starts what it assigns. Herder thread.
  Status Rebalance();
  Result<std::map<std::string, std::vector<uint8_t>>> Assign(
      const std::string& protocol, const std::vector<kafka::client::GroupMemberMetadata>& members);
  void StartAssigned();
  // Connector owner: regenerates its task configs and writes them when they changed. Herder thread.
  void ReconfigureTasks(const std::string& name);
  void HandleEvent(const ConfigEvent& e);
  bool OwnsConnector(const std::string& name) const;
  bool OwnsTask(const ConnectorTaskId& id) const;
  // Runs fn on the herder thread and waits for its result.
  Status RunOnHerder(std::function<Status()> fn);
  Status RequireLeader() const;
  Status RequireStopped(const std::string& name);

  std::unique_ptr<KafkaConfigStore> config_store_;
  std::unique_ptr<kafka::client::GroupMember> member_;
  std::map<std::string, std::unique_ptr<Context>> contexts_;  // herder thread

  // Herder-thread state.
  distributed::ConnectAssignment assignment_;
  ClusterConfigState assigned_snapshot_;
  bool need_rejoin_ = true;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ConfigEvent> events_;
  std::deque<std::function<void()>> requests_;
  bool ready_ = false;   // the first generation has started
  bool stable_ = false;  // a generation is current (no rebalance under way)
  std::condition_variable stable_cv_;
  bool stop_ = false;
  bool is_leader_ = false;
  std::string leader_url_;
  std::thread thread_;
};

}  // namespace sluice::connect
