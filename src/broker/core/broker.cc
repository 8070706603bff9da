// Broker: start/stop, request dispatch, ApiVersions. Thread-safety: see broker.h.
#include "broker/core/broker.h"

#include "base/logging.h"
#include "broker/core/offsets_store.h"
#include "broker/group/group_coordinator.h"
#include "broker/storage/log_manager.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_versions.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

const std::vector<SupportedApi>& Broker::SupportedApis() {
  // Exactly the APIs with a handler below; ApiVersions advertises this list and nothing else.
  static const std::vector<SupportedApi> kApis = {
      {0, 3, 9},   // Produce
      {1, 4, 16},  // Fetch
      {2, 0, 7},   // ListOffsets
      {3, 0, 12},  // Metadata
      {8, 0, 8},   // OffsetCommit
      {9, 0, 8},   // OffsetFetch
      {10, 0, 4},  // FindCoordinator
      {11, 0, 9},  // JoinGroup
      {12, 0, 4},  // Heartbeat
      {13, 0, 5},  // LeaveGroup
      {14, 0, 5},  // SyncGroup
      {15, 0, 5},  // DescribeGroups
      {16, 0, 4},  // ListGroups
      {18, 0, 3},  // ApiVersions
      {19, 0, 7},  // CreateTopics
      {20, 0, 6},  // DeleteTopics
      {21, 0, 2},  // DeleteRecords
      {22, 0, 4},  // InitProducerId
      {32, 0, 4},  // DescribeConfigs
      {33, 0, 2},  // AlterConfigs
      {37, 0, 3},  // CreatePartitions
      {42, 0, 2},  // DeleteGroups
      {44, 0, 1},  // IncrementalAlterConfigs
      {60, 0, 1},  // DescribeCluster
  };
  return kApis;
}

Broker::Broker(asio::io_context& io, BrokerConfig config, Properties originals)
    : io_(io), config_(std::move(config)), original_config_(std::move(originals)), tick_timer_(io) {}

Broker::~Broker() { Stop(); }

Status Broker::Start() {
  RETURN_IF_ERROR(OpenStorage());
  ScheduleTick();
  for (const Listener& l : config_.listeners) {
    net::ServerOptions opts;
    opts.host = l.host;
    opts.port = l.port;
    opts.max_request_bytes = config_.socket_request_max_bytes;
    opts.max_idle_ms = config_.connections_max_idle_ms;
    opts.max_connections = config_.max_connections;
    opts.max_connections_per_ip = config_.max_connections_per_ip;
    auto server = std::make_unique<net::Server>(io_, opts, this);
    RETURN_IF_ERROR(server->Start());
    LOG_INFO("broker {} listening on {}:{}", config_.node_id, l.host, server->port());
    servers_.push_back(std::move(server));
  }
  // A listener on port 0 advertises the port it got.
  for (size_t i = 0; i < servers_.size() && i < config_.advertised_listeners.size(); ++i) {
    if (config_.advertised_listeners[i].port == 0) config_.advertised_listeners[i].port = servers_[i]->port();
  }
  return Status::OK();
}

void Broker::Stop() {
  for (auto& s : servers_) s->Stop();
  servers_.clear();
  CancelPendingFetches();
  CloseStorage();
}

uint16_t Broker::port() const { return servers_.empty() ? 0 : servers_.front()->port(); }

void Broker::HandleRequest(const std::shared_ptr<net::Connection>& conn, kafka::SharedBytes payload) {
  RequestContext ctx;
  ctx.conn = conn;
  Status s = kafka::PeekRequestHeader(payload.span(), &ctx.api_key, &ctx.api_version, &ctx.correlation_id);
  if (!s.ok()) {
    conn->Close("malformed request header: " + s.ToString());
    return;
  }
  const SupportedApi* api = nullptr;
  for (const auto& a : SupportedApis()) {
    if (a.key == ctx.api_key) api = &a;
  }
  if (ctx.api_key == 18 && api != nullptr && ctx.api_version > api->max_version) {
    // A client newer than us: answer ApiVersions v0 with UNSUPPORTED_VERSION and our ranges, so it
    // can retry at a version we know (KIP-511).
    HandleApiVersions(ctx, nullptr);
    return;
  }
  if (api == nullptr || ctx.api_version < api->min_version || ctx.api_version > api->max_version) {
    conn->Close("unsupported request: api key " + std::to_string(ctx.api_key) + " version " +
                std::to_string(ctx.api_version));
    return;
  }
  auto decoded = kafka::DecodeRequest(payload);
  if (!decoded.ok()) {
    conn->Close("undecodable request: " + decoded.status().ToString());
    return;
  }
  if (decoded->header.client_id) ctx.client_id = *decoded->header.client_id;
  if (decoded->trailing_bytes > 0) {
    LOG_ONCE(::spdlog::level::debug,
             "trailing:" + std::to_string(ctx.api_key) + ":" + std::to_string(ctx.api_version),
             "api key {} v{} request from {} has {} byte(s) after the body; ignored as Kafka does",
             ctx.api_key, ctx.api_version, ctx.client_id, decoded->trailing_bytes);
  }
  Dispatch(ctx, *decoded->body);
}

void Broker::Dispatch(const RequestContext& ctx, kafka::AnyMessage& body) {
  switch (ctx.api_key) {
    case 0:
      return HandleProduce(ctx, body);
    case 1:
      return HandleFetch(ctx, body);
    case 2:
      return HandleListOffsets(ctx, body);
    case 3:
      return HandleMetadata(ctx, body);
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 15:
    case 16:
    case 42:
      return DispatchGroup(ctx, body);
    case 21:
      return HandleDeleteRecords(ctx, body);
    case 22:
      return HandleInitProducerId(ctx, body);
    case 37:
      return HandleCreatePartitions(ctx, body);
    case 60:
      return HandleDescribeCluster(ctx, body);
    case 32:
      return HandleDescribeConfigs(ctx, body);
    case 33:
      return HandleAlterConfigs(ctx, body);
    case 44:
      return HandleIncrementalAlterConfigs(ctx, body);
    case 18:
      return HandleApiVersions(ctx, &body);
    case 19:
      return HandleCreateTopics(ctx, body);
    case 20:
      return HandleDeleteTopics(ctx, body);
    default:
      ctx.conn->Close("no handler for api key " + std::to_string(ctx.api_key));
  }
}

void Broker::HandleApiVersions(const RequestContext& ctx, kafka::AnyMessage* /*body*/) {
  msg::ApiVersionsResponse resp;
  RequestContext reply = ctx;
  const SupportedApi* self = nullptr;
  for (const auto& a : SupportedApis()) {
    if (a.key == 18) self = &a;
  }
  if (ctx.api_version > self->max_version) {
    resp.error_code = static_cast<int16_t>(ErrorCode::kUnsupportedVersion);
    reply.api_version = 0;
  }
  for (const auto& a : SupportedApis()) {
    msg::ApiVersionsResponse::ApiVersion v;
    v.api_key = a.key;
    v.min_version = a.min_version;
    v.max_version = a.max_version;
    resp.api_keys.push_back(v);
  }
  Respond(reply, resp);
}

}  // namespace sluice::broker
