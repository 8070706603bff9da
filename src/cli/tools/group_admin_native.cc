// Listing consumer groups and reading committed offsets with our own client (see group_admin.h for why
// not librdkafka): ListGroups on every broker of the cluster, and FindCoordinator then OffsetFetch for
// a group's offsets. Thread-safety: see group_admin.h.
#include <thread>

#include "cli/tools/group_admin.h"
#include "cli/tools/tool_support.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/find_coordinator.h"
#include "kafka/protocol/generated/list_groups.h"
#include "kafka/protocol/generated/metadata.h"
#include "kafka/protocol/generated/offset_fetch.h"

namespace sluice::cli::tools {
namespace {

namespace msg = kafka::messages;
using kafka::client::Connection;

constexpr char kClientId[] = "kafka-consumer-groups";

Status KafkaStatus(int16_t code, const std::optional<std::string>& message = std::nullopt) {
  if (code == 0) return Status::OK();
  return Status::Unavailable(
      ErrorText(static_cast<rd_kafka_resp_err_t>(code), message ? message->c_str() : nullptr));
}

bool Retriable(int16_t code) { return code != 0 && kafka::IsRetriable(kafka::ErrorFromInt(code)); }

Result<std::unique_ptr<Connection>> Open(const std::string& host, int port,
                                         std::chrono::milliseconds timeout) {
  kafka::client::ConnectionOptions options;
  options.client_id = kClientId;
  options.connect_timeout = timeout;
  options.request_timeout = timeout;
  return Connection::Open(host, port, options);
}

// The group's coordinator, retrying while the broker says it is loading or not there yet.
Result<std::unique_ptr<Connection>> Coordinator(const std::string& bootstrap, const std::string& group,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ASSIGN_OR_RETURN(auto conn, ConnectAny(bootstrap, kClientId, timeout));
  const int16_t version = conn->NegotiatedVersion(msg::FindCoordinatorRequest::kApiKey);
  for (;;) {
    msg::FindCoordinatorRequest req;
    if (version >= 4) {
      req.coordinator_keys.push_back(group);
    } else {
      req.key = group;
    }
    ASSIGN_OR_RETURN(auto resp, conn->Call<msg::FindCoordinatorResponse>(req));
    msg::FindCoordinatorResponse::Coordinator found;
    if (version >= 4 && resp.coordinators.size() == 1) {
      found = resp.coordinators[0];
    } else {
      found.error_code = resp.error_code;
      found.error_message = resp.error_message;
      found.host = resp.host;
      found.port = resp.port;
    }
    if (found.error_code == 0) {
      if (found.host == conn->host() && found.port == conn->port()) return conn;
      return Open(found.host, found.port, timeout);
    }
    if (!Retriable(found.error_code) || std::chrono::steady_clock::now() > deadline) {
      return KafkaStatus(found.error_code, found.error_message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

Result<std::vector<GroupListing>> ListGroups(const std::string& bootstrap,
                                             std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(auto conn, ConnectAny(bootstrap, kClientId, timeout));
  msg::MetadataRequest md_req;  // no topics: just the brokers
  ASSIGN_OR_RETURN(auto md, conn->Call<msg::MetadataResponse>(md_req));
  std::vector<GroupListing> out;
  for (const auto& broker : md.brokers) {
    std::unique_ptr<Connection> other;
    Connection* c = conn.get();
    if (broker.host != conn->host() || broker.port != conn->port()) {
      ASSIGN_OR_RETURN(other, Open(broker.host, broker.port, timeout));
      c = other.get();
    }
    ASSIGN_OR_RETURN(auto resp, c->Call<msg::ListGroupsResponse>(msg::ListGroupsRequest{}));
    RETURN_IF_ERROR(KafkaStatus(resp.error_code));
    for (const auto& g : resp.groups) {
      if (!g.protocol_type.empty() && g.protocol_type != "consumer") continue;
      out.push_back({g.group_id, g.group_state.empty() ? "Unknown" : g.group_state});
    }
  }
  return out;
}

Result<std::map<TopicPartition, int64_t>> CommittedOffsets(const std::string& bootstrap,
                                                           const std::string& group,
                                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ASSIGN_OR_RETURN(auto conn, Coordinator(bootstrap, group, timeout));
  const int16_t version = conn->NegotiatedVersion(msg::OffsetFetchRequest::kApiKey);
  if (version < 2)
    return Status::Unsupported("the broker cannot list all offsets of a group (OffsetFetch < v2)");
  for (;;) {
    msg::OffsetFetchRequest req;
    if (version >= 8) {
      msg::OffsetFetchRequest::OffsetFetchRequestGroup g;
      g.group_id = group;
      g.topics = std::nullopt;  // all
      req.groups.push_back(std::move(g));
    } else {
      req.group_id = group;
      req.topics = std::nullopt;
    }
    ASSIGN_OR_RETURN(auto resp, conn->Call<msg::OffsetFetchResponse>(req));
    std::map<TopicPartition, int64_t> out;
    int16_t error = resp.error_code;
    if (version >= 8) {
      error = resp.groups.empty() ? int16_t{0} : resp.groups[0].error_code;
      for (const auto& g : resp.groups) {
        for (const auto& t : g.topics) {
          for (const auto& p : t.partitions) {
            if (p.error_code == 0 && p.committed_offset >= 0)
              out[{t.name, p.partition_index}] = p.committed_offset;
          }
        }
      }
    } else {
      for (const auto& t : resp.topics) {
        for (const auto& p : t.partitions) {
          if (p.error_code == 0 && p.committed_offset >= 0)
            out[{t.name, p.partition_index}] = p.committed_offset;
        }
      }
    }
    if (error == 0 || error == static_cast<int16_t>(kafka::ErrorCode::kGroupIdNotFound)) return out;
    if (!Retriable(error) || std::chrono::steady_clock::now() > deadline) return KafkaStatus(error);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace sluice::cli::tools
