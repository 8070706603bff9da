// Config providers (KIP-297): references like ${file:/etc/secrets.properties:db.password},
// ${env:DB_PASSWORD} and ${directory:/run/secrets:db_password} in connector configs are replaced when a
// connector or task starts, so that secrets need not sit in the config topic or the REST API. The
// worker enables them with config.providers=file,env,directory and
// config.providers.<name>.class=org.apache.kafka.common.config.provider.FileConfigProvider (or
// EnvVarConfigProvider, DirectoryConfigProvider; the simple names work too).
//
// Thread-safety: immutable after construction; Resolve reads files each time (no caching, so a changed
// secret is picked up at the next restart).
#pragma once

#include <map>
#include <string>

#include "base/status.h"
#include "connect/api/connector.h"

namespace sluice::connect {

class ConfigProviders {
 public:
  // `worker_props`: "" -> the config.providers list, "<name>.class" -> class, "<name>.param.*" params.
  static Result<ConfigProviders> Create(const ConfigMap& worker_props);
  // Replaces every ${provider:[path:]key} whose provider is configured; unknown providers are left as
  // written (as Kafka does). A missing file or key is an error naming the reference.
  Result<ConfigMap> Resolve(const ConfigMap& config) const;
  // Kafka's AbstractHerder.reverseTransform: a key of `task_config` whose value in `raw_connector_config`
  // holds a ${...} reference (any provider) gets that raw value back, so that resolved secrets do not
  // reach the task configs stored in the config topic and shown by the REST API. Unlike Kafka, only
  // when the task's value is the connector's resolved value unchanged (a connector that splits a value
  // between its tasks, e.g. FileStreamSource `files`, keeps each task's share).
  static ConfigMap Unresolve(const ConfigMap& raw_connector_config,
                             const ConfigMap& resolved_connector_config, ConfigMap task_config);

 private:
  enum class Kind { kFile, kEnv, kDirectory };
  Result<std::string> Lookup(Kind kind, const std::string& path, const std::string& key) const;
  std::map<std::string, Kind> providers_;
};

}  // namespace sluice::connect
