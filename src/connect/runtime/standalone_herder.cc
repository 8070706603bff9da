// StandaloneHerder: see standalone_herder.h.
#include "connect/runtime/standalone_herder.h"

#include <thread>

#include "base/logging.h"
#include "connect/runtime/offset_reader.h"
#include "connect/runtime/offsets_api.h"

namespace sluice::connect {

class StandaloneHerder::Context : public ConnectorContext {
 public:
  Context(StandaloneHerder* herder, std::string name)
      : herder_(herder), name_(std::move(name)), reader_(herder->offsets_.get(), name_) {}
  OffsetStorageReader* offset_storage_reader() override { return &reader_; }
  void RequestTaskReconfiguration() override {
    // Off the connector's thread: the herder may be inside a call into the connector.
    std::thread([h = herder_, n = name_] { h->Reconfigure(n); }).detach();
  }
  void RaiseError(const Status& error) override { herder_->OnConnectorState(name_, "FAILED", error); }

 private:
  StandaloneHerder* herder_;
  std::string name_;
  StoreOffsetReader reader_;
};

StandaloneHerder::StandaloneHerder(const WorkerConfig& config, const PluginRegistry& plugins)
    : HerderBase(config, plugins,
                 config.offset_storage_file.empty()
                     ? std::unique_ptr<OffsetStore>(new MemoryOffsetStore())
                     : std::unique_ptr<OffsetStore>(new FileOffsetStore(config.offset_storage_file)),
                 std::make_unique<MemoryStatusStore>()) {}

StandaloneHerder::~StandaloneHerder() { Stop(); }

Status StandaloneHerder::Start() {
  RETURN_IF_ERROR(offsets_->Start(30000));
  LookupClusterId();
  return Status::OK();
}

void StandaloneHerder::Stop() {
  if (worker_) worker_->StopAll();
  offsets_->Stop();
}

bool StandaloneHerder::HasConnector(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return connectors_.count(name) > 0;
}

int StandaloneHerder::TaskCount(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  return it == connectors_.end() ? 0 : static_cast<int>(it->second.task_configs.size());
}

std::string StandaloneHerder::ConnectorClassOf(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return "";
  auto c = it->second.config.find("connector.class");
  return c == it->second.config.end() ? "" : c->second;
}

ConnectorInfo StandaloneHerder::InfoLocked(const std::string& name, const Entry& e) const {
  ConnectorInfo info;
  info.name = name;
  info.config = e.config;
  for (size_t i = 0; i < e.task_configs.size(); ++i)
    info.tasks.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
  info.type = TypeOf(e.config);
  return info;
}

Result<std::vector<std::string>> StandaloneHerder::Connectors() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [n, e] : connectors_) out.push_back(n);
  return out;
}

Result<ConnectorInfo> StandaloneHerder::GetConnectorInfo(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  return InfoLocked(name, it->second);
}

Result<ConfigMap> StandaloneHerder::GetConnectorConfig(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  return it->second.config;
}

void StandaloneHerder::StopLocked(const std::string& name, const Entry& e) {
  std::vector<ConnectorTaskId> ids;
  for (size_t i = 0; i < e.task_configs.size(); ++i)
    ids.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
  worker_->StopTasks(ids);
  worker_->StopConnector(name);
}

Status StandaloneHerder::StartLocked(const std::string& name, Entry& e) {
  auto& ctx = contexts_[name];
  if (!ctx) ctx = std::make_unique<Context>(this, name);
  RETURN_IF_ERROR(worker_->StartConnector(name, e.config, e.state, ctx.get()));
  if (e.state == TargetState::kStopped) {
    e.task_configs.clear();
    return Status::OK();
  }
  Result<std::vector<ConfigMap>> tasks = worker_->ConnectorTaskConfigs(name);
  if (!tasks.ok()) {
    OnConnectorState(name, "FAILED", tasks.status());
    return tasks.status();
  }
  e.task_configs = std::move(*tasks);
  for (size_t i = 0; i < e.task_configs.size(); ++i) {
    ConnectorTaskId id{name, static_cast<int32_t>(i)};
    Status s = worker_->StartTask(id, e.config, e.task_configs[i], e.state);
    if (!s.ok()) LOG_WARN("task {}-{} failed to start: {}", name, i, s.ToString());
  }
  return Status::OK();
}

Result<ConnectorInfo> StandaloneHerder::PutConnectorConfig(const std::string& name,
                                                           const ConfigMap& config_in, bool allow_replace,
                                                           bool* created) {
  ConfigMap config = config_in;
  RETURN_IF_ERROR(CheckConfig(name, config));
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it != connectors_.end() && !allow_replace)
    return Status::AlreadyExists("Connector " + name + " already exists");
  if (created != nullptr) *created = it == connectors_.end();
  Entry e;
  if (it != connectors_.end()) {
    StopLocked(name, it->second);
    e.state = it->second.state;
  }
  e.config = std::move(config);
  Status s = StartLocked(name, e);
  connectors_[name] = std::move(e);
  if (!s.ok()) LOG_WARN("connector {} failed to start: {}", name, s.ToString());
  return InfoLocked(name, connectors_[name]);
}

Status StandaloneHerder::DeleteConnector(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  StopLocked(name, it->second);
  status_->DeleteConnector(name, static_cast<int>(it->second.task_configs.size()));
  connectors_.erase(it);
  return Status::OK();
}

Result<std::vector<TaskInfo>> StandaloneHerder::GetTaskConfigs(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  std::vector<TaskInfo> out;
  for (size_t i = 0; i < it->second.task_configs.size(); ++i) {
    out.push_back(TaskInfo{ConnectorTaskId{name, static_cast<int32_t>(i)}, it->second.task_configs[i]});
  }
  return out;
}

void StandaloneHerder::Reconfigure(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end() || it->second.state == TargetState::kStopped) return;
  Result<std::vector<ConfigMap>> tasks = worker_->ConnectorTaskConfigs(name);
  if (!tasks.ok() || *tasks == it->second.task_configs) return;
  LOG_INFO("connector {}: task configs changed; restarting its tasks", name);
  std::vector<ConnectorTaskId> ids;
  for (size_t i = 0; i < it->second.task_configs.size(); ++i)
    ids.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
  worker_->StopTasks(ids);
  it->second.task_configs = std::move(*tasks);
  for (size_t i = 0; i < it->second.task_configs.size(); ++i) {
    (void)worker_->StartTask(ConnectorTaskId{name, static_cast<int32_t>(i)}, it->second.config,
                             it->second.task_configs[i], it->second.state);
  }
}

Result<std::optional<ConnectorStateInfo>> StandaloneHerder::RestartConnector(const RestartRequest& req) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(req.connector);
  if (it == connectors_.end()) return Status::NotFound("Unknown connector: " + req.connector);
  Entry& e = it->second;
  auto cs = status_->GetConnector(req.connector);
  bool connector_failed = cs && cs->state == "FAILED";
  bool restart_connector = !req.only_failed || connector_failed;
  std::vector<ConnectorTaskId> restart_tasks;
  if (req.include_tasks) {
    for (size_t i = 0; i < e.task_configs.size(); ++i) {
      ConnectorTaskId id{req.connector, static_cast<int32_t>(i)};
      auto ts = status_->GetTask(id);
      if (!req.only_failed || (ts && ts->state == "FAILED")) restart_tasks.push_back(id);
    }
  }
  if (restart_connector) {
    OnConnectorState(req.connector, "RESTARTING", Status::OK());
    worker_->StopConnector(req.connector);
    auto& ctx = contexts_[req.connector];
    if (!ctx) ctx = std::make_unique<Context>(this, req.connector);
    (void)worker_->StartConnector(req.connector, e.config, e.state, ctx.get());
  }
  for (const auto& id : restart_tasks) OnTaskState(id, "RESTARTING", Status::OK());
  worker_->StopTasks(restart_tasks);
  for (const auto& id : restart_tasks) {
    (void)worker_->StartTask(id, e.config, e.task_configs[static_cast<size_t>(id.task)], e.state);
  }
  if (!req.include_tasks && !req.only_failed) return std::optional<ConnectorStateInfo>();
  ASSIGN_OR_RETURN(ConnectorStateInfo st, GetConnectorStatus(req.connector));
  return std::optional<ConnectorStateInfo>(std::move(st));
}

Status StandaloneHerder::RestartTask(const ConnectorTaskId& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return Status::NotFound("Unknown connector: " + id.connector);
  if (id.task < 0 || id.task >= static_cast<int>(it->second.task_configs.size())) {
    return Status::NotFound("Unknown task: " + id.connector + "-" + std::to_string(id.task));
  }
  worker_->StopTasks({id});
  return worker_->StartTask(id, it->second.config, it->second.task_configs[static_cast<size_t>(id.task)],
                            it->second.state);
}

Status StandaloneHerder::PauseConnector(const std::string& name) {
  return SetTargetState(name, TargetState::kPaused);
}

Status StandaloneHerder::ResumeConnector(const std::string& name) {
  return SetTargetState(name, TargetState::kStarted);
}

Status StandaloneHerder::SetTargetState(const std::string& name, TargetState state) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  if (it->second.state == TargetState::kStopped) {  // from STOPPED: start it again in the new state
    it->second.state = state;
    worker_->StopConnector(name);
    return StartLocked(name, it->second);
  }
  it->second.state = state;
  worker_->SetTargetState(name, state);
  return Status::OK();
}

Status StandaloneHerder::StopConnector(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  StopLocked(name, it->second);
  status_->DeleteConnector(name, static_cast<int>(it->second.task_configs.size()));
  it->second.state = TargetState::kStopped;
  it->second.task_configs.clear();
  OnConnectorState(name, "STOPPED", Status::OK());
  return Status::OK();
}

Result<std::vector<std::string>> StandaloneHerder::GetActiveTopics(const std::string& name) {
  if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
  return ActiveTopics(name);
}

Status StandaloneHerder::ResetActiveTopics(const std::string& name) {
  if (!HasConnector(name)) return Status::NotFound("Connector " + name + " not found");
  ClearActiveTopics(name);
  return Status::OK();
}

Result<std::vector<ConnectorOffset>> StandaloneHerder::GetOffsets(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  return ReadConnectorOffsets(name, it->second.config, *offsets_, plugins_, config_);
}

Status StandaloneHerder::AlterOffsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) {
  return WriteOffsetsWhenStopped(name, offsets, false);
}

Status StandaloneHerder::ResetOffsets(const std::string& name) {
  return WriteOffsetsWhenStopped(name, {}, true);
}

Status StandaloneHerder::WriteOffsetsWhenStopped(const std::string& name,
                                                 const std::vector<ConnectorOffset>& offsets, bool reset) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  if (it->second.state != TargetState::kStopped) return Status::InvalidArgument(NotStoppedMessage(name));
  return WriteConnectorOffsets(name, it->second.config, offsets, reset, *offsets_, plugins_, config_);
}

}  // namespace sluice::connect
