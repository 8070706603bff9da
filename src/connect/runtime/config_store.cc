// KafkaConfigStore: see config_store.h.
#include "connect/runtime/config_store.h"

#include <nlohmann/json.hpp>

#include "base/logging.h"

namespace sluice::connect {
namespace {

bool StartsWith(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

std::optional<ConfigMap> PropertiesOf(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("properties") || !j["properties"].is_object()) return std::nullopt;
  ConfigMap out;
  for (const auto& [k, v] : j["properties"].items()) {
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::string PropertiesJson(const ConfigMap& config) {
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
  for (const auto& [k, v] : config) props[k] = v;
  nlohmann::ordered_json j;
  j["properties"] = std::move(props);
  return j.dump();
}

// "task-<name>-<n>" / "restart-task-<name>-<n>" after the prefix: name and n.
bool SplitTaskKey(const std::string& rest, std::string* name, int32_t* task) {
  auto dash = rest.rfind('-');
  if (dash == std::string::npos || dash == 0) return false;
  *name = rest.substr(0, dash);
  try {
    *task = std::stoi(rest.substr(dash + 1));
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

KafkaConfigStore::KafkaConfigStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic,
                                   Listener listener)
    : listener_(std::move(listener)),
      log_(std::move(producer), std::move(consumer), std::move(topic),
           [this](const LogRecord& rec) { Apply(rec); }) {}

ClusterConfigState KafkaConfigStore::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void KafkaConfigStore::Apply(const LogRecord& rec) {
  if (!rec.key) return;
  const std::string& key = *rec.key;
  nlohmann::json value;
  if (rec.value) {
    value = nlohmann::json::parse(*rec.value, nullptr, false);
    if (value.is_discarded()) {
      LOG_WARN("config topic: ignoring {} at offset {}: value is not JSON", key, rec.offset);
      return;
    }
  }
  std::optional<ConfigEvent> event;
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.offset = rec.offset;
    if (StartsWith(key, "connector-")) {
      std::string name = key.substr(10);
      if (!rec.value) {
        state_.connectors.erase(name);
        state_.tasks.erase(name);
        state_.target_states.erase(name);
        pending_tasks_.erase(name);
        event = ConfigEvent{ConfigEvent::Kind::kConnectorRemoved, name};
      } else if (auto props = PropertiesOf(value)) {
        state_.connectors[name] = std::move(*props);
        event = ConfigEvent{ConfigEvent::Kind::kConnectorConfig, name};
      }
    } else if (StartsWith(key, "task-")) {
      std::string name;
      int32_t task = 0;
      if (SplitTaskKey(key.substr(5), &name, &task) && rec.value) {
        if (auto props = PropertiesOf(value)) pending_tasks_[name][task] = std::move(*props);
      }
    } else if (StartsWith(key, "commit-")) {
      std::string name = key.substr(7);
      if (rec.value && value.is_object() && value.contains("tasks") && value["tasks"].is_number_integer()) {
        int n = value["tasks"].get<int>();
        std::vector<ConfigMap> tasks;
        auto& pending = pending_tasks_[name];
        bool complete = true;
        for (int i = 0; i < n; ++i) {
          auto it = pending.find(i);
          if (it == pending.end()) {
            complete = false;
            break;
          }
          tasks.push_back(it->second);
        }
        if (complete) {
          state_.tasks[name] = std::move(tasks);
          pending_tasks_.erase(name);
          event = ConfigEvent{ConfigEvent::Kind::kTasksCommitted, name};
        } else {
          LOG_WARN("config topic: commit of {} tasks for {} without all task configs; ignored", n, name);
        }
      }
    } else if (StartsWith(key, "target-state-")) {
      std::string name = key.substr(13);
      if (!rec.value) {
        state_.target_states.erase(name);
      } else if (value.is_object() && value.contains("state") && value["state"].is_string()) {
        // Kafka 3.5+ writes STOPPED as {"state":"PAUSED","state.v2":"STOPPED"} for older readers.
        std::string s = value.contains("state.v2") && value["state.v2"].is_string()
                            ? value["state.v2"].get<std::string>()
                            : value["state"].get<std::string>();
        state_.target_states[name] = s == "PAUSED"    ? TargetState::kPaused
                                     : s == "STOPPED" ? TargetState::kStopped
                                                      : TargetState::kStarted;
      }
      event = ConfigEvent{ConfigEvent::Kind::kTargetState, name};
    } else if (StartsWith(key, "restart-connector-")) {
      ConfigEvent e{ConfigEvent::Kind::kRestartConnector, key.substr(18)};
      if (value.is_object()) {
        e.include_tasks = value.value("include-tasks", false);
        e.only_failed = value.value("only-failed", false);
      }
      event = e;
    } else if (StartsWith(key, "restart-task-")) {
      std::string name;
      int32_t task = 0;
      if (SplitTaskKey(key.substr(13), &name, &task))
        event = ConfigEvent{ConfigEvent::Kind::kRestartTask, name, task};
    }
  }
  if (event && listener_) listener_(*event);
}

Status KafkaConfigStore::Write(const std::string& key, const std::optional<std::string>& value) {
  RETURN_IF_ERROR(log_.Send(key, value));
  return log_.Flush(30000);
}

Status KafkaConfigStore::PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                            std::optional<TargetState> initial) {
  if (initial) RETURN_IF_ERROR(PutTargetState(name, *initial));
  return Write("connector-" + name, PropertiesJson(config));
}

Status KafkaConfigStore::RemoveConnector(const std::string& name) {
  RETURN_IF_ERROR(log_.Send("connector-" + name, std::nullopt));
  RETURN_IF_ERROR(log_.Send("target-state-" + name, std::nullopt));
  return log_.Flush(30000);
}

Status KafkaConfigStore::PutTaskConfigs(const std::string& name, const std::vector<ConfigMap>& configs) {
  for (size_t i = 0; i < configs.size(); ++i) {
    RETURN_IF_ERROR(log_.Send("task-" + name + "-" + std::to_string(i), PropertiesJson(configs[i])));
  }
  nlohmann::ordered_json commit;
  commit["tasks"] = configs.size();
  return Write("commit-" + name, commit.dump());
}

Status KafkaConfigStore::PutTargetState(const std::string& name, TargetState state) {
  nlohmann::ordered_json j;
  j["state"] = state == TargetState::kStopped ? std::string("PAUSED") : std::string(TargetStateName(state));
  j["state.v2"] = std::string(TargetStateName(state));
  return Write("target-state-" + name, j.dump());
}

Status KafkaConfigStore::RequestRestart(const std::string& name, bool include_tasks, bool only_failed) {
  nlohmann::ordered_json j;
  j["include-tasks"] = include_tasks;
  j["only-failed"] = only_failed;
  return Write("restart-connector-" + name, j.dump());
}

Status KafkaConfigStore::RequestTaskRestart(const ConnectorTaskId& id) {
  return Write("restart-task-" + id.connector + "-" + std::to_string(id.task), "{}");
}

}  // namespace sluice::connect
