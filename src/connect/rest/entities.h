// JSON shapes of Kafka Connect's REST entities (3.x), to and from the Herder's types: ConnectorInfo,
// ConnectorStateInfo, TaskInfo, PluginInfo, ConfigKeyInfo, ConfigInfos, ConnectorOffsets, ServerInfo,
// ErrorMessage, and the request bodies (CreateConnectorRequest, config maps, config patches, offsets).
// Fields are written in Kafka's order.
//
// Request bodies follow Kafka's leniency: a config value may be a string, number or boolean (numbers and
// booleans become their text); null is only meaningful in a PATCH (it removes the key). Shape errors are
// InvalidArgument naming the field.
//
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/rest/json_body.h"
#include "connect/runtime/herder.h"

namespace sluice::connect::rest {

// {"error_code":N,"message":"..."}
Json ErrorJson(int code, std::string_view message);
// {"message":"..."}
Json MessageJson(std::string_view message);
// GET /: {"version","commit","kafka_cluster_id"}
Json ServerInfoJson(std::string_view version, std::string_view commit, std::string_view kafka_cluster_id);

Json ToJson(const ConnectorTaskId& id);        // {"connector","task"}
Json ToJson(const ConnectorInfo& info);        // {"name","config","tasks","type"}
Json ToJson(const TaskStateInfo& task);        // {"id","state","worker_id","trace"?}
Json ToJson(const ConnectorStateInfo& state);  // {"name","connector","tasks","type"}
Json ToJson(const TaskInfo& task);             // {"id":{...},"config":{...}}
Json ToJson(const PluginDesc& plugin);         // {"class","type","version"}
Json ToJson(const ConfigKey& key);             // ConfigKeyInfo
Json ToJson(const ConfigInfos& infos);         // {"name","error_count","groups","configs"}
// GET /connectors/{name}/topics: {"<name>":{"topics":[...]}}
Json ActiveTopicsJson(const std::string& connector, const std::vector<std::string>& topics);
// {"offsets":[{"partition":{...},"offset":{...}}]}; Internal if the herder's JSON text does not parse.
Result<Json> OffsetsToJson(const std::vector<ConnectorOffset>& offsets);

// POST /connectors body.
struct CreateConnectorRequest {
  std::string name;  // trimmed, "" when absent (the herder's validation names the problem)
  ConfigMap config;
  std::optional<std::string> initial_state;  // "RUNNING", "PAUSED" or "STOPPED" (upper-cased)
};
Result<CreateConnectorRequest> ParseCreateConnectorRequest(const Json& body);

// A connector config (PUT config, validate): an object of string/number/boolean values.
Result<ConfigMap> ParseConfigMap(const Json& body);

using ConfigPatch = std::vector<std::pair<std::string, std::optional<std::string>>>;
// PATCH config: like ParseConfigMap but null values are kept (as nullopt: remove the key).
Result<ConfigPatch> ParseConfigPatch(const Json& body);

// PATCH offsets: {"offsets":[{"partition":{...},"offset":{...}|null}]}; an empty list is refused.
Result<std::vector<ConnectorOffset>> ParseConnectorOffsets(const Json& body);

}  // namespace sluice::connect::rest
