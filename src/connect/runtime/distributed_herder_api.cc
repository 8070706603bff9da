// DistributedHerder: the Herder API the REST layer calls (reads from the config snapshot; writes run on
// the herder thread through RunOnHerder, on the leader). See distributed_herder.h.
#include "connect/runtime/distributed_herder.h"
#include "connect/runtime/offsets_api.h"

namespace sluice::connect {

Status DistributedHerder::RequireLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!is_leader_) {
    return Status::Aborted(
        "Cannot complete request because of a conflicting operation (e.g. worker rebalance)");
  }
  return Status::OK();
}

std::optional<std::string> DistributedHerder::ForwardWritesTo() {
  // A write arriving during a rebalance waits for it (as Kafka queues it on its herder thread), so
  // that it goes to the leader of the new generation.
  std::unique_lock<std::mutex> lock(mu_);
  stable_cv_.wait_for(lock, kRequestTimeout, [&] { return stop_ || stable_; });
  if (is_leader_ || leader_url_.empty()) return std::nullopt;
  return leader_url_;
}

bool DistributedHerder::HasConnector(const std::string& name) {
  return config_store_->Snapshot().connectors.count(name) > 0;
}

int DistributedHerder::TaskCount(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  auto it = snap.tasks.find(name);
  return it == snap.tasks.end() ? 0 : static_cast<int>(it->second.size());
}

std::string DistributedHerder::ConnectorClassOf(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  auto it = snap.connectors.find(name);
  if (it == snap.connectors.end()) return "";
  auto c = it->second.find("connector.class");
  return c == it->second.end() ? "" : c->second;
}

Result<std::vector<std::string>> DistributedHerder::Connectors() {
  std::vector<std::string> out;
  for (const auto& [n, c] : config_store_->Snapshot().connectors) out.push_back(n);
  return out;
}

Result<ConnectorInfo> DistributedHerder::GetConnectorInfo(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  auto it = snap.connectors.find(name);
  if (it == snap.connectors.end()) return Status::NotFound("Connector " + name + " not found");
  ConnectorInfo info;
  info.name = name;
  info.config = it->second;
  info.type = TypeOf(it->second);
  auto t = snap.tasks.find(name);
  if (t != snap.tasks.end()) {
    for (size_t i = 0; i < t->second.size(); ++i)
      info.tasks.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
  }
  return info;
}

Result<ConfigMap> DistributedHerder::GetConnectorConfig(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  auto it = snap.connectors.find(name);
  if (it == snap.connectors.end()) return Status::NotFound("Connector " + name + " not found");
  return it->second;
}

Result<ConnectorInfo> DistributedHerder::PutConnectorConfig(const std::string& name,
                                                            const ConfigMap& config_in, bool allow_replace,
                                                            bool* created) {
  ConfigMap config = config_in;
  RETURN_IF_ERROR(CheckConfig(name, config));  // validation runs on the REST thread (it may be slow)
  bool was_created = false;
  Status written = RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
    bool exists = config_store_->Snapshot().connectors.count(name) > 0;
    if (exists && !allow_replace) return Status::AlreadyExists("Connector " + name + " already exists");
    was_created = !exists;
    return config_store_->PutConnectorConfig(name, config, std::nullopt);
  });
  if (!written.ok()) return written;
  if (created != nullptr) *created = was_created;
  ConnectorInfo info;
  info.name = name;
  info.config = config;
  info.type = TypeOf(config);
  if (!was_created) {
    ClusterConfigState snap = config_store_->Snapshot();
    auto t = snap.tasks.find(name);
    if (t != snap.tasks.end()) {
      for (size_t i = 0; i < t->second.size(); ++i)
        info.tasks.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
    }
  }
  return info;
}

Status DistributedHerder::DeleteConnector(const std::string& name) {
  return RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
    ClusterConfigState snap = config_store_->Snapshot();
    if (snap.connectors.count(name) == 0) return Status::NotFound("Connector " + name + " not found");
    RETURN_IF_ERROR(config_store_->RemoveConnector(name));
    auto t = snap.tasks.find(name);
    status_->DeleteConnector(name, t == snap.tasks.end() ? 0 : static_cast<int>(t->second.size()));
    return Status::OK();
  });
}

Result<std::vector<TaskInfo>> DistributedHerder::GetTaskConfigs(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  if (snap.connectors.count(name) == 0) return Status::NotFound("Connector " + name + " not found");
  std::vector<TaskInfo> out;
  auto t = snap.tasks.find(name);
  if (t != snap.tasks.end()) {
    for (size_t i = 0; i < t->second.size(); ++i)
      out.push_back(TaskInfo{ConnectorTaskId{name, static_cast<int32_t>(i)}, t->second[i]});
  }
  return out;
}

Result<std::optional<ConnectorStateInfo>> DistributedHerder::RestartConnector(const RestartRequest& req) {
  Status requested = RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    if (!HasConnector(req.connector)) return Status::NotFound("Unknown connector: " + req.connector);
    return config_store_->RequestRestart(req.connector, req.include_tasks, req.only_failed);
  });
  if (!requested.ok()) return requested;
  if (!req.include_tasks && !req.only_failed) return std::optional<ConnectorStateInfo>();
  ASSIGN_OR_RETURN(ConnectorStateInfo st, GetConnectorStatus(req.connector));
  return std::optional<ConnectorStateInfo>(std::move(st));
}

Status DistributedHerder::RestartTask(const ConnectorTaskId& id) {
  return RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    if (!HasConnector(id.connector)) return Status::NotFound("Unknown connector: " + id.connector);
    if (id.task < 0 || id.task >= TaskCount(id.connector)) {
      return Status::NotFound("Unknown task: " + id.connector + "-" + std::to_string(id.task));
    }
    return config_store_->RequestTaskRestart(id);
  });
}

Status DistributedHerder::PauseConnector(const std::string& name) {
  return RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
    return config_store_->PutTargetState(name, TargetState::kPaused);
  });
}

Status DistributedHerder::ResumeConnector(const std::string& name) {
  return RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
    return config_store_->PutTargetState(name, TargetState::kStarted);
  });
}

Status DistributedHerder::StopConnector(const std::string& name) {
  return RunOnHerder([&]() -> Status {
    RETURN_IF_ERROR(RequireLeader());
    if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
    RETURN_IF_ERROR(config_store_->PutTargetState(name, TargetState::kStopped));
    return config_store_->PutTaskConfigs(name, {});
  });
}

Result<std::vector<std::string>> DistributedHerder::GetActiveTopics(const std::string& name) {
  if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
  return ActiveTopics(name);
}

Status DistributedHerder::ResetActiveTopics(const std::string& name) {
  if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
  ClearActiveTopics(name);
  return Status::OK();
}

Status DistributedHerder::RequireStopped(const std::string& name) {
  RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
  ClusterConfigState snap = config_store_->Snapshot();
  if (snap.connectors.count(name) == 0) return Status::NotFound("Connector " + name + " not found");
  if (snap.StateOf(name) != TargetState::kStopped) {
    return Status::InvalidArgument(NotStoppedMessage(name));
  }
  return Status::OK();
}

Result<std::vector<ConnectorOffset>> DistributedHerder::GetOffsets(const std::string& name) {
  ASSIGN_OR_RETURN(ConfigMap config, GetConnectorConfig(name));
  return ReadConnectorOffsets(name, config, *offsets_, plugins_, config_);
}

Status DistributedHerder::AlterOffsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) {
  RETURN_IF_ERROR(RequireStopped(name));
  ASSIGN_OR_RETURN(ConfigMap config, GetConnectorConfig(name));
  return WriteConnectorOffsets(name, config, offsets, false, *offsets_, plugins_, config_);
}

Status DistributedHerder::ResetOffsets(const std::string& name) {
  RETURN_IF_ERROR(RequireStopped(name));
  ASSIGN_OR_RETURN(ConfigMap config, GetConnectorConfig(name));
  return WriteConnectorOffsets(name, config, {}, true, *offsets_, plugins_, config_);
}

}  // namespace sluice::connect
