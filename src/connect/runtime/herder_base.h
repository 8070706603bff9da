// HerderBase: what the standalone and distributed herders share (Kafka's AbstractHerder): the worker,
// status reporting into the status store, status queries, plugin listing and config validation.
//
// Thread-safety: the shared methods are safe from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "connect/runtime/herder.h"
#include "connect/runtime/status_store.h"
#include "connect/runtime/worker.h"

namespace sluice::connect {

class HerderBase : public Herder, protected StatusListener {
 public:
  HerderBase(const WorkerConfig& config, const PluginRegistry& plugins, std::unique_ptr<OffsetStore> offsets,
             std::unique_ptr<StatusStore> status);
  ~HerderBase() override;

  // (The REST server starts before the herder, whose Start sets these: hence the lock.)
  std::string worker_id() override {
    std::lock_guard<std::mutex> lock(ids_mu_);
    return worker_id_;
  }
  void set_worker_id(std::string id) {
    std::lock_guard<std::mutex> lock(ids_mu_);
    worker_id_ = std::move(id);
  }
  std::string kafka_cluster_id() override {
    std::lock_guard<std::mutex> lock(ids_mu_);
    return cluster_id_;
  }
  // Asks Kafka for its cluster id (up to 10 s; a warning if it cannot be reached). Kafka's worker does
  // this before its REST server starts, so that GET / shows the id from the first answer on; Start()
  // does it again if it is still unknown.
  void LookupClusterId();

  Result<ConnectorStateInfo> GetConnectorStatus(const std::string& name) override;
  Result<TaskStateInfo> GetTaskStatus(const ConnectorTaskId& id) override;
  std::vector<PluginDesc> ConnectorPlugins(bool connectors_only) override;
  Result<std::vector<const ConfigKey*>> PluginConfig(const std::string& plugin) override;
  Result<ConfigInfos> ValidateConnectorConfig(const ConfigMap& config) override;
  // Merges the patch into the current config and puts it (both herders' way).
  Result<ConnectorInfo> PatchConnectorConfig(
      const std::string& name,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& patch) override;

 protected:
  // StatusListener.
  void OnConnectorState(const std::string& connector, std::string_view state, const Status& error) override;
  void OnTaskState(const ConnectorTaskId& id, std::string_view state, const Status& error) override;

  // The connector's type from its config ("source", "sink", "unknown").
  std::string TypeOf(const ConfigMap& config) const;
  // Whether the connector exists (the subclass's config view).
  virtual bool HasConnector(const std::string& name) = 0;
  virtual int TaskCount(const std::string& name) = 0;
  virtual std::string ConnectorClassOf(const std::string& name) = 0;
  // KIP-875's refusal to touch offsets of a connector that is not STOPPED.
  static std::string NotStoppedMessage(const std::string& name);
  // Validates and fails with kInvalidArgument naming every problem.
  Status CheckConfig(const std::string& name, ConfigMap& config);
  void set_cluster_id(std::string id) {
    std::lock_guard<std::mutex> lock(ids_mu_);
    cluster_id_ = std::move(id);
  }

  const WorkerConfig& config_;
  const PluginRegistry& plugins_;
  std::unique_ptr<OffsetStore> offsets_;
  std::unique_ptr<StatusStore> status_;
  std::unique_ptr<Worker> worker_;
  std::mutex ids_mu_;
  std::string worker_id_;   // guarded by ids_mu_ (read through worker_id())
  std::string cluster_id_;  // guarded by ids_mu_
  std::atomic<int32_t> generation_{0};
};

}  // namespace sluice::connect
