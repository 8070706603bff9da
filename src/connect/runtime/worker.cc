// Worker: see worker.h.
#include "connect/runtime/worker.h"

#include "base/logging.h"
#include "connect/runtime/worker_sink_task.h"
#include "connect/runtime/worker_source_task.h"

namespace sluice::connect {

Worker::Worker(const WorkerConfig& config, const PluginRegistry& plugins, OffsetStore* offsets,
               StatusListener* listener)
    : config_(config), plugins_(plugins), offsets_(offsets), listener_(listener) {
  Result<ConfigProviders> p = ConfigProviders::Create(config.config_providers);
  if (p.ok()) {
    providers_ = std::move(*p);
  } else {
    LOG_ERROR("config providers disabled: {}", p.status().ToString());
  }
}

Worker::~Worker() { StopAll(); }

Status Worker::StartConnector(const std::string& name, const ConfigMap& raw_config, TargetState state,
                              ConnectorContext* context) {
  auto fail = [&](const Status& s) {
    listener_->OnConnectorState(name, "FAILED", s);
    return s;
  };
  Result<ConfigMap> resolved = providers_.Resolve(raw_config);
  if (!resolved.ok()) return fail(resolved.status());
  Result<ConnectorConfig> parsed = ConnectorConfig::Parse(*resolved, plugins_);
  if (!parsed.ok()) return fail(parsed.status());
  std::unique_ptr<Connector> connector = parsed->plugin->new_connector();
  connector->Initialize(context);
  ConnectorEntry entry;
  entry.raw_config = raw_config;
  entry.config = *resolved;
  entry.state = state;
  if (state != TargetState::kStopped) {
    Status s = connector->Start(*resolved);
    if (!s.ok()) return fail(s.WithContext("connector start"));
    entry.started = true;
  }
  entry.connector = std::move(connector);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto old = connectors_.find(name);
    if (old != connectors_.end() && old->second.started) old->second.connector->Stop();
    connectors_[name] = std::move(entry);
  }
  LOG_INFO("connector {} started ({})", name, TargetStateName(state));
  listener_->OnConnectorState(name,
                              state == TargetState::kStarted  ? "RUNNING"
                              : state == TargetState::kPaused ? "PAUSED"
                                                              : "STOPPED",
                              Status::OK());
  return Status::OK();
}

Result<std::vector<ConfigMap>> Worker::ConnectorTaskConfigs(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end())
    return Status::NotFound("connector " + name + " is not running on this worker");
  if (!it->second.started) return std::vector<ConfigMap>{};
  int max_tasks = 1;
  try {
    auto tm = it->second.config.find("tasks.max");
    if (tm != it->second.config.end()) max_tasks = std::stoi(tm->second);
  } catch (...) {
  }
  ASSIGN_OR_RETURN(std::vector<ConfigMap> configs, it->second.connector->TaskConfigs(max_tasks));
  if (static_cast<int>(configs.size()) > max_tasks) configs.resize(static_cast<size_t>(max_tasks));
  for (ConfigMap& c : configs) {
    c = ConfigProviders::Unresolve(it->second.raw_config, it->second.config, std::move(c));
  }
  return configs;
}

void Worker::StopConnector(const std::string& name) {
  ConnectorEntry entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return;
    entry = std::move(it->second);
    connectors_.erase(it);
  }
  if (entry.started) entry.connector->Stop();
  listener_->OnConnectorState(name, "UNASSIGNED", Status::OK());
  LOG_INFO("connector {} stopped", name);
}

bool Worker::IsConnectorRunning(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return connectors_.count(name) > 0;
}

void Worker::SetTargetState(const std::string& name, TargetState state) {
  std::vector<std::shared_ptr<WorkerTask>> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = connectors_.find(name);
    if (it != connectors_.end() && it->second.state != state) {
      it->second.state = state;
      listener_->OnConnectorState(name, state == TargetState::kPaused ? "PAUSED" : "RUNNING", Status::OK());
    }
    for (auto& [id, t] : tasks_) {
      if (id.connector == name) tasks.push_back(t);
    }
  }
  for (auto& t : tasks) t->SetTargetState(state);
}

Status Worker::StartTask(const ConnectorTaskId& id, const ConfigMap& connector_config,
                         const ConfigMap& task_config, TargetState state) {
  auto fail = [&](const Status& s) {
    listener_->OnTaskState(id, "FAILED", s);
    return s;
  };
  Result<ConfigMap> conn = providers_.Resolve(connector_config);
  if (!conn.ok()) return fail(conn.status());
  Result<ConfigMap> task_cfg = providers_.Resolve(task_config);
  if (!task_cfg.ok()) return fail(task_cfg.status());
  Result<ConnectorConfig> parsed = ConnectorConfig::Parse(*conn, plugins_);
  if (!parsed.ok()) return fail(parsed.status());
  TaskSetup setup;
  setup.id = id;
  setup.worker = &config_;
  setup.plugins = &plugins_;
  setup.connector_config = std::move(*conn);
  setup.task_config = std::move(*task_cfg);
  setup.parsed = std::move(*parsed);
  setup.listener = listener_;
  setup.initial_state = state;
  const PluginInfo* plugin = setup.parsed.plugin;
  if (!plugin->new_task) return fail(Status::Internal("plugin " + plugin->class_name + " has no task class"));
  std::unique_ptr<Task> task = plugin->new_task();
  std::shared_ptr<WorkerTask> wt;
  if (plugin->type == PluginType::kSource) {
    std::unique_ptr<SourceTask> st(dynamic_cast<SourceTask*>(task.release()));
    if (!st) return fail(Status::Internal(plugin->class_name + ": task is not a SourceTask"));
    wt = std::make_shared<WorkerSourceTask>(std::move(setup), std::move(st), offsets_);
  } else {
    std::unique_ptr<SinkTask> st(dynamic_cast<SinkTask*>(task.release()));
    if (!st) return fail(Status::Internal(plugin->class_name + ": task is not a SinkTask"));
    wt = std::make_shared<WorkerSinkTask>(std::move(setup), std::move(st));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tasks_.count(id) > 0)
      return Status::AlreadyExists("task " + id.connector + "-" + std::to_string(id.task) +
                                   " is already running");
    tasks_[id] = wt;
  }
  LOG_INFO("starting task {}-{}", id.connector, id.task);
  wt->Start();
  return Status::OK();
}

void Worker::StopTasks(const std::vector<ConnectorTaskId>& ids) {
  std::vector<std::shared_ptr<WorkerTask>> stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      stopping.push_back(it->second);
      tasks_.erase(it);
    }
  }
  for (auto& t : stopping) t->RequestStop();
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.task_shutdown_graceful_timeout_ms);
  for (auto& t : stopping) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    t->AwaitStop(std::max<int64_t>(left, 0));
    LOG_INFO("stopped task {}-{}", t->id().connector, t->id().task);
  }
}

void Worker::StopAll() {
  std::vector<ConnectorTaskId> ids;
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, t] : tasks_) ids.push_back(id);
    for (const auto& [n, c] : connectors_) names.push_back(n);
  }
  StopTasks(ids);
  for (const auto& n : names) StopConnector(n);
}

std::set<std::string> Worker::Connectors() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> out;
  for (const auto& [n, c] : connectors_) out.insert(n);
  return out;
}

std::set<ConnectorTaskId> Worker::Tasks() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<ConnectorTaskId> out;
  for (const auto& [id, t] : tasks_) out.insert(id);
  return out;
}

}  // namespace sluice::connect
