// Kafka Connect's Connector API: a Connector is configured once per connector instance, divides its
// work into task configurations, and is told when to stop; SourceConnector and SinkConnector mark the
// direction. The runtime creates plugins through the PluginRegistry (plugin.h).
//
// Thread-safety: the runtime calls one connector's methods from one thread at a time, except that
// ConnectorContext may be used from any thread the connector starts.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/status.h"

namespace sluice::connect {

// Connector and task configurations: string keys and values (Kafka's Map<String, String>).
using ConfigMap = std::map<std::string, std::string>;

enum class ConnectorType { kSource, kSink };
std::string_view ConnectorTypeName(ConnectorType type);  // "source" / "sink"

class OffsetStorageReader;  // task.h

// What a connector may ask of the runtime.
class ConnectorContext {
 public:
  virtual ~ConnectorContext() = default;
  // The committed offsets of this connector's source partitions, as its tasks see them (Kafka's
  // SourceConnectorContext.offsetStorageReader()); nullptr when the runtime keeps no offsets.
  virtual OffsetStorageReader* offset_storage_reader() { return nullptr; }
  // The connector's inputs changed (e.g. new tables): call TaskConfigs() again and restart tasks
  // whose configs differ.
  virtual void RequestTaskReconfiguration() = 0;
  // The connector cannot go on: it is marked FAILED with this error.
  virtual void RaiseError(const Status& error) = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual ConnectorType type() const = 0;
  virtual std::string version() const { return "1.0.0"; }
  // The connector's own config keys (not the runtime's name/connector.class/tasks.max/...).
  virtual const ConfigDef& config() const = 0;

  void Initialize(ConnectorContext* context) { context_ = context; }

  // Validates a whole connector config beyond per-key checks (e.g. reaching a database). The default
  // runs config().Validate(). One ConfigValidation per key, errors attached.
  virtual std::vector<ConfigValidation> Validate(const ConfigMap& props) { return config().Validate(props); }

  virtual Status Start(const ConfigMap& props) = 0;
  // At most max_tasks task configurations.
  virtual Result<std::vector<ConfigMap>> TaskConfigs(int max_tasks) = 0;
  virtual void Stop() = 0;

 protected:
  ConnectorContext* context() const { return context_; }

 private:
  ConnectorContext* context_ = nullptr;
};

class SourceConnector : public Connector {
 public:
  ConnectorType type() const override { return ConnectorType::kSource; }
};

class SinkConnector : public Connector {
 public:
  ConnectorType type() const override { return ConnectorType::kSink; }
};

}  // namespace sluice::connect
