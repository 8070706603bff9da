// InMemoryHerder: see in_memory_herder.h.
#include "in_memory_herder.h"

#include <charconv>

namespace sluice::connect::testing {
namespace {

constexpr std::string_view kFileSource = "org.apache.kafka.connect.file.FileStreamSourceConnector";

int32_t TasksMax(const ConfigMap& config) {
  auto it = config.find("tasks.max");
  int32_t n = 1;
  if (it != config.end()) std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
  return n;
}

std::string TypeOf(const ConfigMap& config) {
  auto it = config.find("connector.class");
  if (it == config.end()) return "unknown";
  return it->second.find("Sink") != std::string::npos ? "sink" : "source";
}

}  // namespace

InMemoryHerder::InMemoryHerder() {
  file_source_def_.Define(ConfigKey("file", ConfigType::kString)
                              .NullDefault()
                              .Importance(Importance::kHigh)
                              .Doc("Source filename.")
                              .Group("File", 1));
  file_source_def_.Define(ConfigKey("topic", ConfigType::kString)
                              .Importance(Importance::kHigh)
                              .Doc("The topic to publish data to")
                              .Group("File", 2)
                              .Width(Width::kLong)
                              .DisplayName("Topic")
                              .Dependents({"file"}));
  file_source_def_.Define(ConfigKey("batch.size", ConfigType::kInt)
                              .Default("2000")
                              .Validate(Range::AtLeast(1))
                              .Importance(Importance::kLow)
                              .Doc("Records per batch."));
  file_source_def_.Define(ConfigKey("tags", ConfigType::kList).Default("a, b").Doc("Tags."));
  file_source_def_.Define(ConfigKey("secret", ConfigType::kPassword).Default("s3cret").Doc("Secret."));
}

void InMemoryHerder::FailTask(const std::string& name, int32_t task, const std::string& trace) {
  std::lock_guard lock(mu_);
  connectors_[name].failed_tasks[task] = trace;
}

Status InMemoryHerder::CheckName(const std::string& name) const {
  if (name == "rebalancing")
    return Status::Aborted("Cannot complete request momentarily due to stale configuration");
  if (name == "explode") return Status::Internal("boom");
  return Status::OK();
}

Result<InMemoryHerder::Connector*> InMemoryHerder::Find(const std::string& name) {
  RETURN_IF_ERROR(CheckName(name));
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Status::NotFound("Connector " + name + " not found");
  return &it->second;
}

ConnectorInfo InMemoryHerder::InfoLocked(const std::string& name, const Connector& c) const {
  ConnectorInfo info{name, c.config, {}, TypeOf(c.config)};
  if (c.state != "STOPPED") {
    for (int32_t i = 0; i < TasksMax(c.config); ++i) info.tasks.push_back({name, i});
  }
  return info;
}

ConnectorStateInfo InMemoryHerder::StatusLocked(const std::string& name, const Connector& c) const {
  ConnectorStateInfo s{name, {c.state, "worker-1:8083", ""}, {}, TypeOf(c.config)};
  if (c.state != "STOPPED") {
    for (int32_t i = 0; i < TasksMax(c.config); ++i) {
      auto failed = c.failed_tasks.find(i);
      if (failed != c.failed_tasks.end()) {
        s.tasks.push_back({i, {"FAILED", "worker-1:8083", failed->second}});
      } else {
        s.tasks.push_back({i, {c.state, "worker-1:8083", ""}});
      }
    }
  }
  return s;
}

Result<std::vector<std::string>> InMemoryHerder::Connectors() {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, c] : connectors_) names.push_back(name);
  return names;
}

Result<ConnectorInfo> InMemoryHerder::GetConnectorInfo(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  return InfoLocked(name, *c);
}

Result<ConfigMap> InMemoryHerder::GetConnectorConfig(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  return c->config;
}

Result<ConnectorInfo> InMemoryHerder::PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                                         bool allow_replace, bool* created) {
  std::lock_guard lock(mu_);
  ++writes_;
  RETURN_IF_ERROR(CheckName(name));
  if (config.count("connector.class") == 0) {
    return Status::InvalidArgument("Connector config {...} contains no connector type");
  }
  bool exists = connectors_.count(name) > 0;
  if (exists && !allow_replace) return Status::AlreadyExists("Connector " + name + " already exists");
  *created = !exists;
  Connector& c = connectors_[name];
  c.config = config;
  c.topics = {"topic-of-" + name};
  return InfoLocked(name, c);
}

Result<ConnectorInfo> InMemoryHerder::PatchConnectorConfig(
    const std::string& name, const std::vector<std::pair<std::string, std::optional<std::string>>>& patch) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  for (const auto& [key, value] : patch) {
    if (value) {
      c->config[key] = *value;
    } else {
      c->config.erase(key);
    }
  }
  return InfoLocked(name, *c);
}

Status InMemoryHerder::DeleteConnector(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  RETURN_IF_ERROR(Find(name).status());
  connectors_.erase(name);
  return Status::OK();
}

Result<std::vector<TaskInfo>> InMemoryHerder::GetTaskConfigs(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  std::vector<TaskInfo> tasks;
  for (const ConnectorTaskId& id : InfoLocked(name, *c).tasks) {
    ConfigMap config = c->config;
    config["task.id"] = std::to_string(id.task);
    tasks.push_back({id, config});
  }
  return tasks;
}

Result<ConnectorStateInfo> InMemoryHerder::GetConnectorStatus(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  return StatusLocked(name, *c);
}

Result<TaskStateInfo> InMemoryHerder::GetTaskStatus(const ConnectorTaskId& id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(id.connector));
  for (const TaskStateInfo& t : StatusLocked(id.connector, *c).tasks) {
    if (t.id == id.task) return t;
  }
  return Status::NotFound("No status found for task " + id.connector + "-" + std::to_string(id.task));
}

Result<std::optional<ConnectorStateInfo>> InMemoryHerder::RestartConnector(const RestartRequest& request) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(request.connector));
  if (!request.include_tasks && !request.only_failed) return std::optional<ConnectorStateInfo>();
  ConnectorStateInfo s = StatusLocked(request.connector, *c);
  s.connector.state = "RESTARTING";
  for (TaskStateInfo& t : s.tasks) {
    if (request.include_tasks && (!request.only_failed || t.status.state == "FAILED")) {
      t.status = {"RESTARTING", "worker-1:8083", ""};
    }
  }
  c->failed_tasks.clear();
  return std::optional<ConnectorStateInfo>(s);
}

Status InMemoryHerder::RestartTask(const ConnectorTaskId& id) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(id.connector));
  if (id.task < 0 || id.task >= TasksMax(c->config)) {
    return Status::NotFound("Task " + id.connector + "-" + std::to_string(id.task) + " not found");
  }
  c->failed_tasks.erase(id.task);
  return Status::OK();
}

Status InMemoryHerder::PauseConnector(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  c->state = "PAUSED";
  return Status::OK();
}

Status InMemoryHerder::ResumeConnector(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  c->state = "RUNNING";
  return Status::OK();
}

Status InMemoryHerder::StopConnector(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  c->state = "STOPPED";
  return Status::OK();
}

Result<std::vector<std::string>> InMemoryHerder::GetActiveTopics(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  return c->topics;
}

Status InMemoryHerder::ResetActiveTopics(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  c->topics.clear();
  return Status::OK();
}

Result<std::vector<ConnectorOffset>> InMemoryHerder::GetOffsets(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  return c->offsets;
}

Status InMemoryHerder::AlterOffsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  if (c->state != "STOPPED") {
    return Status::InvalidArgument(
        "Connectors must be in the STOPPED state before their offsets can be modified");
  }
  for (const ConnectorOffset& o : offsets) {
    std::erase_if(c->offsets, [&](const ConnectorOffset& e) { return e.partition_json == o.partition_json; });
    if (o.offset_json != "null") c->offsets.push_back(o);
  }
  return Status::OK();
}

Status InMemoryHerder::ResetOffsets(const std::string& name) {
  std::lock_guard lock(mu_);
  ++writes_;
  ASSIGN_OR_RETURN(Connector * c, Find(name));
  if (c->state != "STOPPED") {
    return Status::InvalidArgument(
        "Connectors must be in the STOPPED state before their offsets can be modified");
  }
  c->offsets.clear();
  return Status::OK();
}

std::vector<PluginDesc> InMemoryHerder::ConnectorPlugins(bool connectors_only) {
  std::vector<PluginDesc> plugins = {
      {std::string(kFileSource), "source", "3.9.0"},
      {"org.apache.kafka.connect.file.FileStreamSinkConnector", "sink", "3.9.0"},
  };
  if (!connectors_only)
    plugins.push_back({"org.apache.kafka.connect.json.JsonConverter", "converter", "3.9.0"});
  return plugins;
}

Result<std::vector<const ConfigKey*>> InMemoryHerder::PluginConfig(const std::string& plugin) {
  if (plugin != kFileSource && plugin != "FileStreamSource") {
    return Status::NotFound("Unknown plugin " + plugin + ".");
  }
  std::vector<const ConfigKey*> keys;
  for (const ConfigKey& key : file_source_def_.keys()) keys.push_back(&key);
  return keys;
}

Result<ConfigInfos> InMemoryHerder::ValidateConnectorConfig(const ConfigMap& config) {
  auto cls = config.find("connector.class");
  if (cls == config.end())
    return Status::InvalidArgument("Connector config {...} contains no connector type");
  if (cls->second != kFileSource) return Status::InvalidArgument("Unknown connector class " + cls->second);
  ConfigInfos infos{cls->second, 0, {"File"}, {}};
  for (ConfigValidation& v : file_source_def_.Validate(config)) {
    infos.error_count += static_cast<int>(v.errors.size());
    infos.configs.push_back({file_source_def_.FindKey(v.name), std::move(v), {}, true});
  }
  infos.configs.push_back({nullptr, {"extra.key", "x", {}}, {}, true});
  return infos;
}

}  // namespace sluice::connect::testing
