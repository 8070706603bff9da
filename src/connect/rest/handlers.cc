// Handlers of Kafka Connect's REST routes. Thread-safety: see handlers.h.
#include "connect/rest/handlers.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "connect/rest/entities.h"
#include "connect/rest/json_body.h"

// `lhs = value of expr (a Result<T>)`, or return its Status as an HTTP error.
#define REST_ASSIGN_OR_RESPOND(lhs, expr) \
  REST_ASSIGN_OR_RESPOND_IMPL_(SLUICE_CONCAT_(rest_result_, __LINE__), lhs, expr)
#define REST_ASSIGN_OR_RESPOND_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return FromStatus(tmp.status());    \
  lhs = std::move(tmp).value()
#define REST_RESPOND_IF_ERROR(expr)                          \
  do {                                                       \
    ::sluice::Status rest_status_ = (expr);                  \
    if (!rest_status_.ok()) return FromStatus(rest_status_); \
  } while (0)
// Answers with the leader's response when this worker cannot do the write itself.
#define REST_FORWARD_IF_NEEDED(ctx, req)                                                           \
  do {                                                                                             \
    if (auto forwarded_ = (ctx).forwarder->MaybeForward(*(ctx).herder, (req))) return *forwarded_; \
  } while (0)

namespace sluice::connect::rest {
namespace {

constexpr std::string_view kHealthy = "Worker has completed startup and is ready to handle requests.";

RestResponse FromStatus(const Status& status) {
  return RestResponse::Error(HttpStatusFor(status.code()), status.message());
}

// Jersey's Boolean query parameter: only "true" (any case) is true.
bool BoolParam(const RestRequest& req, const std::string& name, bool default_value) {
  std::optional<std::string> v = req.Query(name);
  if (!v) return default_value;
  if (v->size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (std::tolower(static_cast<unsigned char>((*v)[i])) != "true"[i]) return false;
  }
  return true;
}

// An Integer path parameter; Jersey answers 404 when it does not parse.
std::optional<int32_t> TaskParam(const RestRequest& req) {
  std::string_view s = req.Param("task");
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int32_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return id;
}

RestResponse NotFound() { return RestResponse::Error(404, HttpStatusText(404)); }

// Kafka's Location: this worker's URL of the connector.
std::string LocationFor(const RestRequest& req, const std::string& name) {
  std::string path = "/connectors/" + PercentEncode(name);
  return req.host.empty() ? path : "http://" + req.host + path;
}

// Kafka's checkAndPutConnectorConfigName.
Status CheckAndPutName(const std::string& name, ConfigMap& config) {
  auto it = config.find("name");
  if (it == config.end()) {
    config["name"] = name;
  } else if (it->second != name) {
    return Status::InvalidArgument("Connector name configuration (" + it->second +
                                   ") doesn't match connector name in the URL (" + name + ")");
  }
  return Status::OK();
}

// Forwards a write that may create `name`; a 201 gets this worker's Location, as in Kafka.
std::optional<RestResponse> ForwardCreate(const RestContext& c, const RestRequest& req,
                                          const std::string& name) {
  std::optional<RestResponse> forwarded = c.forwarder->MaybeForward(*c.herder, req);
  if (forwarded && forwarded->status == 201) forwarded->location = LocationFor(req, name);
  return forwarded;
}

RestResponse ListConnectors(const RestContext& c, const RestRequest& req) {
  REST_ASSIGN_OR_RESPOND(std::vector<std::string> names, c.herder->Connectors());
  if (req.query.count("expand") == 0) return RestResponse::Ok(200, Json(names));
  std::vector<std::string> expansions = req.QueryAll("expand");
  Json out = Json::object();
  for (const std::string& name : names) {
    Json entry = Json::object();
    bool gone = false;  // deleted while we looked: left out, as Kafka does
    for (const std::string& expansion : expansions) {
      if (expansion == "status") {
        Result<ConnectorStateInfo> status = c.herder->GetConnectorStatus(name);
        gone = status.status().code() == Status::Code::kNotFound;
        if (gone) break;
        REST_RESPOND_IF_ERROR(status.status());
        entry["status"] = ToJson(*status);
      } else if (expansion == "info") {
        Result<ConnectorInfo> info = c.herder->GetConnectorInfo(name);
        gone = info.status().code() == Status::Code::kNotFound;
        if (gone) break;
        REST_RESPOND_IF_ERROR(info.status());
        entry["info"] = ToJson(*info);
      }  // Kafka ignores unknown expansions.
    }
    if (!gone) out[name] = std::move(entry);
  }
  return RestResponse::Ok(200, out);
}

RestResponse CreateConnector(const RestContext& c, const RestRequest& req) {
  REST_ASSIGN_OR_RESPOND(Json body, ParseJsonBody(req.body));
  REST_ASSIGN_OR_RESPOND(CreateConnectorRequest create, ParseCreateConnectorRequest(body));
  REST_RESPOND_IF_ERROR(CheckAndPutName(create.name, create.config));
  if (create.initial_state && *create.initial_state != "RUNNING") {
    return RestResponse::Error(400, "initial_state " + *create.initial_state +
                                        " is not supported by this worker yet; create the connector "
                                        "and then stop or pause it");
  }
  if (std::optional<RestResponse> forwarded = ForwardCreate(c, req, create.name)) return *forwarded;
  bool created = false;
  REST_ASSIGN_OR_RESPOND(ConnectorInfo info,
                         c.herder->PutConnectorConfig(create.name, create.config, false, &created));
  RestResponse response = RestResponse::Ok(201, ToJson(info));
  response.location = LocationFor(req, create.name);
  return response;
}

RestResponse PutConnectorConfig(const RestContext& c, const RestRequest& req) {
  const std::string& name = req.Param("connector");
  REST_ASSIGN_OR_RESPOND(Json body, ParseJsonBody(req.body));
  REST_ASSIGN_OR_RESPOND(ConfigMap config, ParseConfigMap(body));
  REST_RESPOND_IF_ERROR(CheckAndPutName(name, config));
  if (std::optional<RestResponse> forwarded = ForwardCreate(c, req, name)) return *forwarded;
  bool created = false;
  REST_ASSIGN_OR_RESPOND(ConnectorInfo info, c.herder->PutConnectorConfig(name, config, true, &created));
  RestResponse response = RestResponse::Ok(created ? 201 : 200, ToJson(info));
  if (created) response.location = LocationFor(req, name);
  return response;
}

RestResponse PatchConnectorConfig(const RestContext& c, const RestRequest& req) {
  const std::string& name = req.Param("connector");
  REST_ASSIGN_OR_RESPOND(Json body, ParseJsonBody(req.body));
  REST_ASSIGN_OR_RESPOND(ConfigPatch patch, ParseConfigPatch(body));
  for (const auto& [key, value] : patch) {
    if (key == "name" && value && *value != name) {
      return RestResponse::Error(400, "Connector name configuration (" + *value +
                                          ") doesn't match connector name in the URL (" + name + ")");
    }
  }
  REST_FORWARD_IF_NEEDED(c, req);
  REST_ASSIGN_OR_RESPOND(ConnectorInfo info, c.herder->PatchConnectorConfig(name, patch));
  return RestResponse::Ok(200, ToJson(info));
}

RestResponse TaskConfigs(const RestContext& c, const RestRequest& req) {
  REST_ASSIGN_OR_RESPOND(std::vector<TaskInfo> tasks, c.herder->GetTaskConfigs(req.Param("connector")));
  Json out = Json::array();
  for (const TaskInfo& t : tasks) out.push_back(ToJson(t));
  return RestResponse::Ok(200, out);
}

RestResponse RestartConnector(const RestContext& c, const RestRequest& req) {
  RestartRequest restart{req.Param("connector"), BoolParam(req, "onlyFailed", false),
                         BoolParam(req, "includeTasks", false)};
  REST_FORWARD_IF_NEEDED(c, req);
  REST_ASSIGN_OR_RESPOND(std::optional<ConnectorStateInfo> state, c.herder->RestartConnector(restart));
  if (!state) return RestResponse::Empty(204);
  return RestResponse::Ok(202, ToJson(*state));
}

// A write that answers with no entity: forward when needed, call the herder, answer `status`.
RestResponse SimpleWrite(const RestContext& c, const RestRequest& req, int status,
                         Status (Herder::*call)(const std::string&)) {
  REST_FORWARD_IF_NEEDED(c, req);
  REST_RESPOND_IF_ERROR((c.herder->*call)(req.Param("connector")));
  return RestResponse::Empty(status);
}

RestResponse AlterOffsets(const RestContext& c, const RestRequest& req) {
  REST_ASSIGN_OR_RESPOND(Json body, ParseJsonBody(req.body));
  REST_ASSIGN_OR_RESPOND(std::vector<ConnectorOffset> offsets, ParseConnectorOffsets(body));
  REST_FORWARD_IF_NEEDED(c, req);
  REST_RESPOND_IF_ERROR(c.herder->AlterOffsets(req.Param("connector"), offsets));
  return RestResponse::Ok(200, MessageJson("The offsets for this connector have been altered successfully"));
}

RestResponse ValidateConfig(const RestContext& c, const RestRequest& req) {
  const std::string& plugin = req.Param("plugin");
  REST_ASSIGN_OR_RESPOND(Json body, ParseJsonBody(req.body));
  REST_ASSIGN_OR_RESPOND(ConfigMap config, ParseConfigMap(body));
  // Kafka compares the class names without a trailing "Connector", so aliases match.
  auto normalized = [](std::string_view s) {
    constexpr std::string_view kSuffix = "Connector";
    if (s.size() > kSuffix.size() && s.ends_with(kSuffix)) s.remove_suffix(kSuffix.size());
    return s;
  };
  auto included = config.find("connector.class");
  if (included != config.end() && !normalized(included->second).ends_with(normalized(plugin))) {
    return RestResponse::Error(
        400, "Included connector type " + included->second + " does not match request type " + plugin);
  }
  REST_ASSIGN_OR_RESPOND(ConfigInfos infos, c.herder->ValidateConnectorConfig(config));
  return RestResponse::Ok(200, ToJson(infos));
}

}  // namespace

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kAlreadyExists:
    case Status::Code::kAborted:
      return 409;
    case Status::Code::kInvalidArgument:
      return 400;
    default:
      return 500;
  }
}

void AddConnectRoutes(const RestContext& context, Router* router) {
  using Fn = RestResponse (*)(const RestContext&, const RestRequest&);
  auto add = [&](const char* method, std::string_view pattern, Fn fn) {
    router->Add(method, pattern, [context, fn](const RestRequest& req) { return fn(context, req); });
  };
  Herder* h = context.herder;
  auto simple = [&](const char* method, std::string_view pattern, int status,
                    Status (Herder::*call)(const std::string&)) {
    router->Add(method, pattern, [context, status, call](const RestRequest& req) {
      return SimpleWrite(context, req, status, call);
    });
  };

  router->Add("GET", "/", [context, h](const RestRequest&) {
    return RestResponse::Ok(200, ServerInfoJson(context.version, context.commit, h->kafka_cluster_id()));
  });
  router->Add("GET", "/health", [](const RestRequest&) {
    Json j = Json::object();
    j["status"] = "healthy";
    j["message"] = std::string(kHealthy);
    return RestResponse::Ok(200, j);
  });

  add("GET", "/connectors", ListConnectors);
  add("POST", "/connectors", CreateConnector);
  router->Add("GET", "/connectors/{connector}", [h](const RestRequest& req) {
    REST_ASSIGN_OR_RESPOND(ConnectorInfo info, h->GetConnectorInfo(req.Param("connector")));
    return RestResponse::Ok(200, ToJson(info));
  });
  simple("DELETE", "/connectors/{connector}", 204, &Herder::DeleteConnector);
  router->Add("GET", "/connectors/{connector}/config", [h](const RestRequest& req) {
    REST_ASSIGN_OR_RESPOND(ConfigMap config, h->GetConnectorConfig(req.Param("connector")));
    return RestResponse::Ok(200, Json(config));
  });
  add("PUT", "/connectors/{connector}/config", PutConnectorConfig);
  add("PATCH", "/connectors/{connector}/config", PatchConnectorConfig);
  router->Add("GET", "/connectors/{connector}/status", [h](const RestRequest& req) {
    REST_ASSIGN_OR_RESPOND(ConnectorStateInfo state, h->GetConnectorStatus(req.Param("connector")));
    return RestResponse::Ok(200, ToJson(state));
  });
  add("GET", "/connectors/{connector}/tasks", TaskConfigs);
  router->Add("GET", "/connectors/{connector}/tasks/{task}/status", [h](const RestRequest& req) {
    std::optional<int32_t> task = TaskParam(req);
    if (!task) return NotFound();
    REST_ASSIGN_OR_RESPOND(TaskStateInfo state, h->GetTaskStatus({req.Param("connector"), *task}));
    return RestResponse::Ok(200, ToJson(state));
  });
  router->Add("POST", "/connectors/{connector}/tasks/{task}/restart", [context, h](const RestRequest& req) {
    std::optional<int32_t> task = TaskParam(req);
    if (!task) return NotFound();
    REST_FORWARD_IF_NEEDED(context, req);
    REST_RESPOND_IF_ERROR(h->RestartTask({req.Param("connector"), *task}));
    return RestResponse::Empty(204);
  });
  add("POST", "/connectors/{connector}/restart", RestartConnector);
  simple("PUT", "/connectors/{connector}/pause", 202, &Herder::PauseConnector);
  simple("PUT", "/connectors/{connector}/resume", 202, &Herder::ResumeConnector);
  simple("PUT", "/connectors/{connector}/stop", 204, &Herder::StopConnector);
  router->Add("GET", "/connectors/{connector}/topics", [h](const RestRequest& req) {
    const std::string& name = req.Param("connector");
    REST_ASSIGN_OR_RESPOND(std::vector<std::string> topics, h->GetActiveTopics(name));
    return RestResponse::Ok(200, ActiveTopicsJson(name, topics));
  });
  simple("PUT", "/connectors/{connector}/topics/reset", 202, &Herder::ResetActiveTopics);
  router->Add("GET", "/connectors/{connector}/offsets", [h](const RestRequest& req) {
    REST_ASSIGN_OR_RESPOND(std::vector<ConnectorOffset> offsets, h->GetOffsets(req.Param("connector")));
    REST_ASSIGN_OR_RESPOND(Json out, OffsetsToJson(offsets));
    return RestResponse::Ok(200, out);
  });
  add("PATCH", "/connectors/{connector}/offsets", AlterOffsets);
  router->Add("DELETE", "/connectors/{connector}/offsets", [context, h](const RestRequest& req) {
    REST_FORWARD_IF_NEEDED(context, req);
    REST_RESPOND_IF_ERROR(h->ResetOffsets(req.Param("connector")));
    return RestResponse::Ok(200, MessageJson("The offsets for this connector have been reset successfully"));
  });

  router->Add("GET", "/connector-plugins", [h](const RestRequest& req) {
    Json out = Json::array();
    for (const PluginDesc& p : h->ConnectorPlugins(BoolParam(req, "connectorsOnly", true))) {
      out.push_back(ToJson(p));
    }
    return RestResponse::Ok(200, out);
  });
  router->Add("GET", "/connector-plugins/{plugin}/config", [h](const RestRequest& req) {
    REST_ASSIGN_OR_RESPOND(std::vector<const ConfigKey*> keys, h->PluginConfig(req.Param("plugin")));
    Json out = Json::array();
    for (const ConfigKey* key : keys) out.push_back(ToJson(*key));
    return RestResponse::Ok(200, out);
  });
  add("PUT", "/connector-plugins/{plugin}/config/validate", ValidateConfig);
}

}  // namespace sluice::connect::rest
