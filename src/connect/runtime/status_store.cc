// Status stores: see status_store.h.
#include "connect/runtime/status_store.h"

#include <nlohmann/json.hpp>

#include "base/logging.h"

namespace sluice::connect {

std::string StatusStore::Encode(const StatusRecord& s) {
  nlohmann::ordered_json j;
  j["state"] = s.state;
  j["trace"] = s.trace.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.trace);
  j["worker_id"] = s.worker_id;
  j["generation"] = s.generation;
  return j.dump();
}

std::optional<StatusRecord> StatusStore::Decode(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("state") || !j["state"].is_string())
    return std::nullopt;
  StatusRecord s;
  s.state = j["state"].get<std::string>();
  if (j.contains("trace") && j["trace"].is_string()) s.trace = j["trace"].get<std::string>();
  if (j.contains("worker_id") && j["worker_id"].is_string()) s.worker_id = j["worker_id"].get<std::string>();
  if (j.contains("generation") && j["generation"].is_number_integer())
    s.generation = j["generation"].get<int32_t>();
  return s;
}

void StatusStore::PutConnector(const std::string& connector, const StatusRecord& status) {
  std::lock_guard<std::mutex> lock(mu_);
  connectors_[connector] = status;
}

void StatusStore::PutTask(const ConnectorTaskId& id, const StatusRecord& status) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_[id] = status;
}

void StatusStore::DeleteConnector(const std::string& connector, int /*task_count*/) {
  std::lock_guard<std::mutex> lock(mu_);
  connectors_.erase(connector);
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    it = it->first.connector == connector ? tasks_.erase(it) : std::next(it);
  }
}

std::optional<StatusRecord> StatusStore::GetConnector(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second;
}

std::optional<StatusRecord> StatusStore::GetTask(const ConnectorTaskId& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::map<int32_t, StatusRecord> StatusStore::GetTasks(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<int32_t, StatusRecord> out;
  for (auto it = tasks_.lower_bound(ConnectorTaskId{connector, INT32_MIN});
       it != tasks_.end() && it->first.connector == connector; ++it) {
    out[it->first.task] = it->second;
  }
  return out;
}

void StatusStore::ApplyRecord(const std::string& key, const std::optional<std::string>& value) {
  constexpr std::string_view kConnector = "status-connector-";
  constexpr std::string_view kTask = "status-task-";
  std::optional<StatusRecord> status;
  if (value) {
    status = Decode(*value);
    if (!status) {
      LOG_WARN("status topic: ignoring {} with an unreadable value", key);
      return;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (key.compare(0, kConnector.size(), kConnector) == 0) {
    std::string name = key.substr(kConnector.size());
    if (status) {
      connectors_[name] = *status;
    } else {
      connectors_.erase(name);
    }
  } else if (key.compare(0, kTask.size(), kTask) == 0) {
    std::string rest = key.substr(kTask.size());
    auto dash = rest.rfind('-');
    if (dash == std::string::npos) return;
    ConnectorTaskId id{rest.substr(0, dash), 0};
    try {
      id.task = std::stoi(rest.substr(dash + 1));
    } catch (...) {
      return;
    }
    if (status) {
      tasks_[id] = *status;
    } else {
      tasks_.erase(id);
    }
  }
}

KafkaStatusStore::KafkaStatusStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic)
    : log_(std::move(producer), std::move(consumer), std::move(topic), [this](const LogRecord& rec) {
        if (rec.key) ApplyRecord(*rec.key, rec.value);
      }) {}

void KafkaStatusStore::Write(const std::string& key, const std::optional<std::string>& value) {
  Status s = log_.Send(key, value, [key](const Status& st) {
    if (!st.ok()) LOG_WARN("status update {} failed: {}", key, st.ToString());
  });
  if (!s.ok()) LOG_WARN("status update {} failed: {}", key, s.ToString());
}

void KafkaStatusStore::PutConnector(const std::string& connector, const StatusRecord& status) {
  StatusStore::PutConnector(connector, status);
  Write(ConnectorKey(connector), Encode(status));
}

void KafkaStatusStore::PutTask(const ConnectorTaskId& id, const StatusRecord& status) {
  StatusStore::PutTask(id, status);
  Write(TaskKey(id), Encode(status));
}

void KafkaStatusStore::DeleteConnector(const std::string& connector, int task_count) {
  std::map<int32_t, StatusRecord> tasks = GetTasks(connector);
  StatusStore::DeleteConnector(connector, task_count);
  Write(ConnectorKey(connector), std::nullopt);
  for (int i = 0; i < task_count; ++i) tasks.emplace(i, StatusRecord{});
  for (const auto& [id, unused] : tasks) Write(TaskKey(ConnectorTaskId{connector, id}), std::nullopt);
}

}  // namespace sluice::connect
