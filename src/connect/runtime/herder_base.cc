// HerderBase: see herder_base.h.
#include "connect/runtime/herder_base.h"

#include "base/logging.h"
#include "connect/runtime/connector_config.h"
#include "connect/runtime/kafka_clients.h"

namespace sluice::connect {

void HerderBase::LookupClusterId() {
  if (!kafka_cluster_id().empty()) return;
  ClientOptions o;
  o.bootstrap_servers = config_.bootstrap_servers;
  o.client_id = "connect-admin";
  o.overrides = config_.admin_props;
  Result<KafkaHandle> admin = NewProducer(o);
  Result<std::string> id = admin.ok() ? ClusterId(admin->get(), 10000) : Result<std::string>(admin.status());
  if (id.ok()) {
    set_cluster_id(*id);
  } else {
    LOG_WARN("cannot reach Kafka at {}: {}", config_.bootstrap_servers, id.status().ToString());
  }
}

HerderBase::HerderBase(const WorkerConfig& config, const PluginRegistry& plugins,
                       std::unique_ptr<OffsetStore> offsets, std::unique_ptr<StatusStore> status)
    : config_(config), plugins_(plugins), offsets_(std::move(offsets)), status_(std::move(status)) {
  worker_id_ = config.AdvertisedHostPort();
  worker_ = std::make_unique<Worker>(config_, plugins_, offsets_.get(), static_cast<StatusListener*>(this));
}

HerderBase::~HerderBase() = default;

void HerderBase::OnConnectorState(const std::string& connector, std::string_view state, const Status& error) {
  StatusRecord s{std::string(state), error.ok() ? "" : error.ToString(), worker_id(), generation_.load()};
  if (state == "UNASSIGNED") {
    // Only overwrite our own status: another worker may already run it.
    auto cur = status_->GetConnector(connector);
    if (cur && cur->worker_id != worker_id()) return;
  }
  status_->PutConnector(connector, s);
}

void HerderBase::OnTaskState(const ConnectorTaskId& id, std::string_view state, const Status& error) {
  StatusRecord s{std::string(state), error.ok() ? "" : error.ToString(), worker_id(), generation_.load()};
  if (state == "UNASSIGNED") {
    auto cur = status_->GetTask(id);
    if (cur && cur->worker_id != worker_id()) return;
    if (cur && cur->state == "FAILED") return;  // keep the failure visible
  }
  status_->PutTask(id, s);
}

std::string HerderBase::TypeOf(const ConfigMap& config) const {
  auto it = config.find("connector.class");
  if (it == config.end()) return "unknown";
  const PluginInfo* p = plugins_.Find(it->second, {PluginType::kSource, PluginType::kSink});
  if (p == nullptr) return "unknown";
  return std::string(PluginTypeName(p->type));
}

Result<ConnectorStateInfo> HerderBase::GetConnectorStatus(const std::string& name) {
  if (!HasConnector(name)) return Status::NotFound("No status found for connector " + name);
  ConnectorStateInfo info;
  info.name = name;
  auto c = status_->GetConnector(name);
  if (!c) {
    info.connector = StateInfo{"UNASSIGNED", worker_id(), ""};
  } else {
    info.connector = StateInfo{c->state, c->worker_id, c->trace};
  }
  int count = TaskCount(name);
  std::map<int32_t, StatusRecord> tasks = status_->GetTasks(name);
  for (int i = 0; i < count; ++i) {
    TaskStateInfo t;
    t.id = i;
    auto it = tasks.find(i);
    if (it == tasks.end()) {
      t.status = StateInfo{"UNASSIGNED", worker_id(), ""};
    } else {
      t.status = StateInfo{it->second.state, it->second.worker_id, it->second.trace};
    }
    info.tasks.push_back(std::move(t));
  }
  const PluginInfo* p = plugins_.Find(ConnectorClassOf(name), {PluginType::kSource, PluginType::kSink});
  info.type = p ? std::string(PluginTypeName(p->type)) : "unknown";
  return info;
}

Result<TaskStateInfo> HerderBase::GetTaskStatus(const ConnectorTaskId& id) {
  if (!HasConnector(id.connector) || id.task < 0 || id.task >= TaskCount(id.connector)) {
    return Status::NotFound("No status found for task " + id.connector + "-" + std::to_string(id.task));
  }
  TaskStateInfo t;
  t.id = id.task;
  auto s = status_->GetTask(id);
  t.status = s ? StateInfo{s->state, s->worker_id, s->trace} : StateInfo{"UNASSIGNED", worker_id(), ""};
  return t;
}

std::vector<PluginDesc> HerderBase::ConnectorPlugins(bool connectors_only) {
  std::vector<PluginDesc> out;
  for (const PluginInfo& p : plugins_.plugins()) {
    if (connectors_only && p.type != PluginType::kSource && p.type != PluginType::kSink) continue;
    out.push_back(PluginDesc{p.class_name, std::string(PluginTypeName(p.type)), p.version});
  }
  std::sort(out.begin(), out.end(),
            [](const PluginDesc& a, const PluginDesc& b) { return a.class_name < b.class_name; });
  return out;
}

Result<std::vector<const ConfigKey*>> HerderBase::PluginConfig(const std::string& plugin) {
  const PluginInfo* p = plugins_.Find(plugin);
  if (p == nullptr) return Status::NotFound("Unknown plugin " + plugin + ".");
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Connector>> keep;  // ConfigDefs live as long as the process
  std::vector<const ConfigKey*> out;
  const ConfigDef* def = nullptr;
  if (p->new_connector) {
    std::lock_guard<std::mutex> lock(mu);
    auto& c = keep[p->class_name];
    if (!c) c = p->new_connector();
    def = &c->config();
  } else {
    return Status::NotFound("Plugin " + plugin + " has no config definition to show.");
  }
  for (const ConfigKey& k : def->keys()) out.push_back(&k);
  return out;
}

Result<ConfigInfos> HerderBase::ValidateConnectorConfig(const ConfigMap& config) {
  if (config.find("connector.class") == config.end()) {
    return Status::InvalidArgument("Connector config " + std::string("{") + "} contains no connector type");
  }
  return connect::ValidateConnectorConfig(config, plugins_);
}

Result<ConnectorInfo> HerderBase::PatchConnectorConfig(
    const std::string& name, const std::vector<std::pair<std::string, std::optional<std::string>>>& patch) {
  ASSIGN_OR_RETURN(ConfigMap merged, GetConnectorConfig(name));
  for (const auto& [k, v] : patch) {
    if (v) {
      merged[k] = *v;
    } else {
      merged.erase(k);
    }
  }
  return PutConnectorConfig(name, merged, true, nullptr);
}

std::string HerderBase::NotStoppedMessage(const std::string& name) {
  return "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for "
         "the specified connector by issuing a 'PUT' request to the '/connectors/" +
         name + "/stop' endpoint";
}

Status HerderBase::CheckConfig(const std::string& name, ConfigMap& config) {
  auto n = config.find("name");
  if (n == config.end()) {
    config["name"] = name;
  } else if (n->second != name) {
    return Status::InvalidArgument("Connector name configuration (" + n->second +
                                   ") doesn't match connector name in the URL (" + name + ")");
  }
  if (config.find("connector.class") == config.end()) {
    return Status::InvalidArgument("Connector config {name=" + name + "} contains no connector type");
  }
  ConfigInfos infos = connect::ValidateConnectorConfig(config, plugins_);
  if (infos.error_count > 0) return Status::InvalidArgument(DescribeValidationErrors(infos));
  return Status::OK();
}

}  // namespace sluice::connect
