// JSON (de)serialisation of Kafka Connect's REST entities. Thread-safety: stateless.
#include "connect/rest/entities.h"

#include <algorithm>
#include <cctype>

#include "base/config_value.h"

namespace sluice::connect::rest {
namespace {

Json StringOrNull(std::string_view s) { return s.empty() ? Json(nullptr) : Json(std::string(s)); }

void AddState(const StateInfo& state, Json& j) {
  j["state"] = state.state;
  j["worker_id"] = state.worker_id;
  if (!state.trace.empty()) j["trace"] = state.trace;
}

Json ConfigJson(const ConfigMap& config) {
  Json j = Json::object();
  for (const auto& [k, v] : config) j[k] = v;
  return j;
}

std::string_view JsonTypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

// Kafka (Jackson) reads a scalar into a String field as its text.
Result<std::optional<std::string>> ScalarText(const Json& j, std::string_view what) {
  if (j.is_string()) return std::optional<std::string>(j.get<std::string>());
  if (j.is_boolean() || j.is_number()) return std::optional<std::string>(j.dump());
  if (j.is_null()) return std::optional<std::string>();
  return Status::InvalidArgument("Invalid value for " + std::string(what) +
                                 ": expected a string, number or boolean, got " +
                                 std::string(JsonTypeName(j)));
}

Status ExpectObject(const Json& body, std::string_view what) {
  if (body.is_object()) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " must be a JSON object, got " +
                                 std::string(JsonTypeName(body)));
}

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Kafka prints a default as ConfigDef.convertToString of the parsed value ("a,b" lists, Java doubles,
// passwords as [hidden]).
Json DefaultValueJson(const ConfigKey& key) {
  if (key.required() || !key.default_text()) return nullptr;
  Result<ConfigValue> parsed = ParseConfigValue(key.name(), *key.default_text(), key.type());
  if (!parsed.ok()) return *key.default_text();  // a broken default: ConfigDef::status() reports it
  std::optional<std::string> text = ConfigValueToConfigString(*parsed);
  return text ? Json(*text) : Json(nullptr);
}

std::string_view WidthName(Width w) {
  switch (w) {
    case Width::kShort:
      return "SHORT";
    case Width::kMedium:
      return "MEDIUM";
    case Width::kLong:
      return "LONG";
    default:
      return "NONE";
  }
}

}  // namespace

Json ErrorJson(int code, std::string_view message) {
  Json j = Json::object();
  j["error_code"] = code;
  j["message"] = std::string(message);
  return j;
}

Json MessageJson(std::string_view message) {
  Json j = Json::object();
  j["message"] = std::string(message);
  return j;
}

Json ServerInfoJson(std::string_view version, std::string_view commit, std::string_view kafka_cluster_id) {
  Json j = Json::object();
  j["version"] = std::string(version);
  j["commit"] = std::string(commit);
  j["kafka_cluster_id"] = std::string(kafka_cluster_id);
  return j;
}

Json ToJson(const ConnectorTaskId& id) {
  Json j = Json::object();
  j["connector"] = id.connector;
  j["task"] = id.task;
  return j;
}

Json ToJson(const ConnectorInfo& info) {
  Json j = Json::object();
  j["name"] = info.name;
  j["config"] = ConfigJson(info.config);
  j["tasks"] = Json::array();
  for (const auto& t : info.tasks) j["tasks"].push_back(ToJson(t));
  j["type"] = StringOrNull(info.type);
  return j;
}

Json ToJson(const TaskStateInfo& task) {
  Json j = Json::object();
  j["id"] = task.id;
  AddState(task.status, j);
  return j;
}

Json ToJson(const ConnectorStateInfo& state) {
  Json j = Json::object();
  j["name"] = state.name;
  j["connector"] = Json::object();
  AddState(state.connector, j["connector"]);
  j["tasks"] = Json::array();
  for (const auto& t : state.tasks) j["tasks"].push_back(ToJson(t));
  j["type"] = StringOrNull(state.type);
  return j;
}

Json ToJson(const TaskInfo& task) {
  Json j = Json::object();
  j["id"] = ToJson(task.id);
  j["config"] = ConfigJson(task.config);
  return j;
}

Json ToJson(const PluginDesc& plugin) {
  Json j = Json::object();
  j["class"] = plugin.class_name;
  j["type"] = plugin.type;
  j["version"] = plugin.version;
  return j;
}

Json ToJson(const ConfigKey& key) {
  Json j = Json::object();
  j["name"] = key.name();
  j["type"] = std::string(TypeName(key.type()));
  j["required"] = key.required();
  j["default_value"] = DefaultValueJson(key);
  j["importance"] = std::string(ImportanceName(key.importance()));
  j["documentation"] = key.doc();
  j["group"] = StringOrNull(key.group());
  j["width"] = std::string(WidthName(key.width()));
  j["display_name"] = key.display_name();
  j["dependents"] = key.dependents();
  j["order"] = key.order_in_group();
  return j;
}

Json ToJson(const ConfigInfos& infos) {
  Json j = Json::object();
  j["name"] = infos.name;
  j["error_count"] = infos.error_count;
  j["groups"] = infos.groups;
  j["configs"] = Json::array();
  for (const auto& entry : infos.configs) {
    Json value = Json::object();
    value["name"] = entry.value.name;
    value["value"] = entry.value.value ? Json(*entry.value.value) : Json(nullptr);
    value["recommended_values"] = entry.recommended_values;
    value["errors"] = entry.value.errors;
    value["visible"] = entry.visible;
    Json config = Json::object();
    config["definition"] = entry.definition ? ToJson(*entry.definition) : Json(nullptr);
    config["value"] = std::move(value);
    j["configs"].push_back(std::move(config));
  }
  return j;
}

Json ActiveTopicsJson(const std::string& connector, const std::vector<std::string>& topics) {
  Json inner = Json::object();
  inner["topics"] = topics;
  Json j = Json::object();
  j[connector] = std::move(inner);
  return j;
}

Result<Json> OffsetsToJson(const std::vector<ConnectorOffset>& offsets) {
  Json list = Json::array();
  for (const auto& o : offsets) {
    Json entry = Json::object();
    try {
      entry["partition"] = Json::parse(o.partition_json);
      entry["offset"] = Json::parse(o.offset_json);
    } catch (const Json::exception& e) {
      return Status::Internal(std::string("Herder returned an offset that is not JSON: ") + e.what());
    }
    list.push_back(std::move(entry));
  }
  Json j = Json::object();
  j["offsets"] = std::move(list);
  return j;
}

Result<CreateConnectorRequest> ParseCreateConnectorRequest(const Json& body) {
  RETURN_IF_ERROR(ExpectObject(body, "The request body"));
  CreateConnectorRequest request;
  bool has_config = false;
  for (const auto& [field, value] : body.items()) {
    if (field == "name") {
      ASSIGN_OR_RETURN(std::optional<std::string> name, ScalarText(value, "\"name\""));
      request.name = Trim(name.value_or(""));
    } else if (field == "config") {
      if (value.is_null()) continue;
      ASSIGN_OR_RETURN(request.config, ParseConfigMap(value));
      has_config = true;
    } else if (field == "initial_state") {
      ASSIGN_OR_RETURN(std::optional<std::string> state, ScalarText(value, "\"initial_state\""));
      if (!state) continue;
      std::string upper = *state;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (upper != "RUNNING" && upper != "PAUSED" && upper != "STOPPED") {
        return Status::InvalidArgument("Invalid initial_state \"" + *state +
                                       "\": must be one of RUNNING, PAUSED, STOPPED");
      }
      request.initial_state = upper;
    } else {
      return Status::InvalidArgument("Unrecognized field \"" + field +
                                     "\" in the request body (known fields: \"name\", \"config\", "
                                     "\"initial_state\")");
    }
  }
  if (!has_config) {
    return Status::InvalidArgument(
        "The request body has no \"config\": it must be {\"name\": ..., \"config\": {...}}");
  }
  return request;
}

Result<ConfigMap> ParseConfigMap(const Json& body) {
  RETURN_IF_ERROR(ExpectObject(body, "The connector configuration"));
  ConfigMap config;
  for (const auto& [key, value] : body.items()) {
    std::string what = "connector configuration \"" + key + "\"";
    ASSIGN_OR_RETURN(std::optional<std::string> text, ScalarText(value, what));
    if (!text) {
      return Status::InvalidArgument("Invalid value for " + what +
                                     ": null is only allowed in a PATCH (it removes the key)");
    }
    config[key] = std::move(*text);
  }
  return config;
}

Result<ConfigPatch> ParseConfigPatch(const Json& body) {
  RETURN_IF_ERROR(ExpectObject(body, "The connector configuration patch"));
  ConfigPatch patch;
  for (const auto& [key, value] : body.items()) {
    ASSIGN_OR_RETURN(std::optional<std::string> text,
                     ScalarText(value, "connector configuration \"" + key + "\""));
    patch.emplace_back(key, std::move(text));
  }
  return patch;
}

Result<std::vector<ConnectorOffset>> ParseConnectorOffsets(const Json& body) {
  RETURN_IF_ERROR(ExpectObject(body, "The request body"));
  for (const auto& [field, value] : body.items()) {
    if (field != "offsets") {
      return Status::InvalidArgument("Unrecognized field \"" + field +
                                     "\" in the request body (known fields: \"offsets\")");
    }
  }
  auto it = body.find("offsets");
  if (it == body.end() || it->is_null() || (it->is_array() && it->empty())) {
    return Status::InvalidArgument("Partitions / offsets cannot be empty for an alter offsets request");
  }
  if (!it->is_array()) {
    return Status::InvalidArgument("\"offsets\" must be a JSON array, got " + std::string(JsonTypeName(*it)));
  }
  std::vector<ConnectorOffset> offsets;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& entry = (*it)[i];
    std::string where = "offsets[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(ExpectObject(entry, where));
    auto partition = entry.find("partition");
    if (partition == entry.end() || !partition->is_object()) {
      return Status::InvalidArgument("\"partition\" of " + where + " must be a JSON object");
    }
    auto offset = entry.find("offset");
    if (offset != entry.end() && !offset->is_object() && !offset->is_null()) {
      return Status::InvalidArgument("\"offset\" of " + where + " must be a JSON object or null");
    }
    offsets.push_back({partition->dump(), offset == entry.end() ? "null" : offset->dump()});
  }
  return offsets;
}

}  // namespace sluice::connect::rest
