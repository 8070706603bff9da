// Connector and task status (Kafka Connect's StatusBackingStore). In the status topic the keys are
// "status-connector-<name>" and "status-task-<name>-<id>" and the values
// {"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":3}, as Kafka Connect writes them.
//   MemoryStatusStore - standalone.
//   KafkaStatusStore  - distributed: every worker reads all statuses from the topic.
//
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/runtime/herder.h"
#include "connect/runtime/kafka_based_log.h"

namespace sluice::connect {

struct StatusRecord {
  std::string state;  // RUNNING, PAUSED, FAILED, UNASSIGNED, RESTARTING, STOPPED, DESTROYED
  std::string trace;
  std::string worker_id;
  int32_t generation = 0;
};

class StatusStore {
 public:
  virtual ~StatusStore() = default;
  virtual Status Start(int /*timeout_ms*/) { return Status::OK(); }
  virtual void Stop() {}
  virtual void PutConnector(const std::string& connector, const StatusRecord& status);
  virtual void PutTask(const ConnectorTaskId& id, const StatusRecord& status);
  // Forgets a connector and its tasks (written as tombstones in the topic).
  virtual void DeleteConnector(const std::string& connector, int task_count);
  std::optional<StatusRecord> GetConnector(const std::string& connector);
  std::optional<StatusRecord> GetTask(const ConnectorTaskId& id);
  std::map<int32_t, StatusRecord> GetTasks(const std::string& connector);
  virtual Status Flush(int /*timeout_ms*/) { return Status::OK(); }

  static std::string ConnectorKey(const std::string& connector) { return "status-connector-" + connector; }
  static std::string TaskKey(const ConnectorTaskId& id) {
    return "status-task-" + id.connector + "-" + std::to_string(id.task);
  }
  static std::string Encode(const StatusRecord& status);
  static std::optional<StatusRecord> Decode(const std::string& json);

 protected:
  void ApplyRecord(const std::string& key, const std::optional<std::string>& value);
  std::mutex mu_;
  std::map<std::string, StatusRecord> connectors_;
  std::map<ConnectorTaskId, StatusRecord> tasks_;
};

using MemoryStatusStore = StatusStore;

class KafkaStatusStore : public StatusStore {
 public:
  KafkaStatusStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic);
  Status Start(int timeout_ms) override { return log_.Start(timeout_ms); }
  void Stop() override { log_.Stop(); }
  void PutConnector(const std::string& connector, const StatusRecord& status) override;
  void PutTask(const ConnectorTaskId& id, const StatusRecord& status) override;
  void DeleteConnector(const std::string& connector, int task_count) override;
  Status Flush(int timeout_ms) override { return log_.Flush(timeout_ms); }
  Status Refresh(int timeout_ms) { return log_.ReadToEnd(timeout_ms); }

 private:
  void Write(const std::string& key, const std::optional<std::string>& value);
  KafkaBasedLog log_;
};

}  // namespace sluice::connect
