// Herder: the owner of connectors and their configuration, as Kafka Connect's Herder. The REST API
// calls it; the standalone herder keeps everything in one process, the distributed herder shares it
// with the other workers of the group through the config/status/offset topics.
//
// Errors carry the HTTP meaning in their Status code (see rest/README.md): kNotFound 404,
// kAlreadyExists 409, kInvalidArgument 400, kAborted 409 (a rebalance is under way or the config is
// stale), kTimeout 500, anything else 500.
//
// Thread-safety: every method may be called from any thread (REST handler threads); calls block until
// the request is done or fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/connector.h"

namespace sluice::connect {

struct ConnectorTaskId {
  std::string connector;
  int32_t task = 0;
  friend auto operator<=>(const ConnectorTaskId&, const ConnectorTaskId&) = default;
};

// "RUNNING", "PAUSED", "FAILED", "UNASSIGNED", "RESTARTING", "STOPPED".
struct StateInfo {
  std::string state;
  std::string worker_id;
  std::string trace;  // empty unless FAILED
};

struct TaskStateInfo {
  int32_t id = 0;
  StateInfo status;
};

struct ConnectorStateInfo {
  std::string name;
  StateInfo connector;
  std::vector<TaskStateInfo> tasks;
  std::string type;  // "source", "sink" or "unknown"
};

struct ConnectorInfo {
  std::string name;
  ConfigMap config;
  std::vector<ConnectorTaskId> tasks;
  std::string type;  // "source", "sink" or "unknown"
};

struct TaskInfo {
  ConnectorTaskId id;
  ConfigMap config;
};

// PUT /connector-plugins/{plugin}/config/validate: Kafka's ConfigInfos.
struct ConfigInfoEntry {
  const ConfigKey* definition = nullptr;  // nullptr for keys no definition knows
  ConfigValidation value;
  std::vector<std::string> recommended_values;
  bool visible = true;
};
struct ConfigInfos {
  std::string name;  // the connector class
  int error_count = 0;
  std::vector<std::string> groups;
  std::vector<ConfigInfoEntry> configs;
};

struct PluginDesc {
  std::string class_name;
  std::string type;  // "source", "sink", "converter", ...
  std::string version;
};

struct RestartRequest {
  std::string connector;
  bool only_failed = false;
  bool include_tasks = false;
};

// One source partition's offset or one sink topic-partition's offset (KIP-875), as JSON text.
struct ConnectorOffset {
  std::string partition_json;  // {"kafka_topic":"t","kafka_partition":0} for sinks
  std::string offset_json;     // {"kafka_offset":5} for sinks; "null" to reset one partition
};

class Herder {
 public:
  virtual ~Herder() = default;

  virtual std::string kafka_cluster_id() = 0;
  // The worker's id ("host:port" of its REST listener).
  virtual std::string worker_id() = 0;
  // When this worker cannot do config writes itself (distributed follower), the REST URL of the
  // leader to forward them to; nullopt when it can (standalone, or the leader).
  virtual std::optional<std::string> ForwardWritesTo() = 0;

  virtual Result<std::vector<std::string>> Connectors() = 0;
  virtual Result<ConnectorInfo> GetConnectorInfo(const std::string& name) = 0;
  virtual Result<ConfigMap> GetConnectorConfig(const std::string& name) = 0;
  // Creates or replaces. `created` tells which (POST with allow_replace=false fails with
  // kAlreadyExists). Validates first: an invalid config is kInvalidArgument naming every problem.
  virtual Result<ConnectorInfo> PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                                   bool allow_replace, bool* created) = 0;
  // Merges `patch` (a null value removes the key) into the existing config.
  virtual Result<ConnectorInfo> PatchConnectorConfig(
      const std::string& name,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& patch) = 0;
  virtual Status DeleteConnector(const std::string& name) = 0;
  virtual Result<std::vector<TaskInfo>> GetTaskConfigs(const std::string& name) = 0;
  virtual Result<ConnectorStateInfo> GetConnectorStatus(const std::string& name) = 0;
  virtual Result<TaskStateInfo> GetTaskStatus(const ConnectorTaskId& id) = 0;

  // Returns the status after the restart was requested when tasks are included (202), or nullopt
  // when only the connector restarted (204).
  virtual Result<std::optional<ConnectorStateInfo>> RestartConnector(const RestartRequest& request) = 0;
  virtual Status RestartTask(const ConnectorTaskId& id) = 0;
  virtual Status PauseConnector(const std::string& name) = 0;
  virtual Status ResumeConnector(const std::string& name) = 0;
  virtual Status StopConnector(const std::string& name) = 0;

  virtual Result<std::vector<std::string>> GetActiveTopics(const std::string& name) = 0;
  virtual Status ResetActiveTopics(const std::string& name) = 0;

  // KIP-875: only while the connector is STOPPED (kInvalidArgument otherwise).
  virtual Result<std::vector<ConnectorOffset>> GetOffsets(const std::string& name) = 0;
  virtual Status AlterOffsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) = 0;
  virtual Status ResetOffsets(const std::string& name) = 0;

  virtual std::vector<PluginDesc> ConnectorPlugins(bool connectors_only) = 0;
  // The config definitions of a plugin (kNotFound for an unknown one).
  virtual Result<std::vector<const ConfigKey*>> PluginConfig(const std::string& plugin) = 0;
  // Validation of a whole connector config (200 with per-field errors; the caller reports them).
  virtual Result<ConfigInfos> ValidateConnectorConfig(const ConfigMap& config) = 0;
};

}  // namespace sluice::connect
