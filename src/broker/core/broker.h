// The broker: Kafka's request handlers on top of the log storage and the group coordinator, behind
// the TCP front end (net/server.h). One io_context thread runs everything, so broker state needs no
// locks; long operations (fsync, compaction) are kept off the request path by the storage layer.
//
// Request flow: Server -> HandleRequest (decode header + body with the generated codec) -> the API's
// handler (one file per area: handlers_*.cc) -> Respond() (encode with the response header version
// for the API) -> Connection::Respond.
// Unknown API keys, unsupported versions (except ApiVersions, answered with v0 and
// UNSUPPORTED_VERSION as Kafka does) and undecodable requests close the connection, as Kafka does.
//
// Thread-safety: every method runs on the io_context thread.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/core/broker_config.h"
#include "broker/core/producer_state.h"
#include "broker/core/topic_config.h"
#include "broker/core/topics.h"
#include "broker/net/server.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/frame.h"

namespace sluice::kafka::messages {
struct FetchRequest;
struct FetchResponse;
}  // namespace sluice::kafka::messages

namespace sluice::broker {

namespace storage {
struct FileSlice;
class Log;
class LogManager;
}  // namespace storage
namespace group {
class GroupCoordinator;
}  // namespace group
class OffsetsTopicStore;

// What the broker keeps per partition besides the log itself.
struct PartitionState {
  std::string topic;
  int32_t partition = 0;
  storage::Log* log = nullptr;  // owned by the LogManager
  int32_t max_message_bytes = 1048588;
  // The topic's compression.type when it is a codec (batches in another codec are recompressed on
  // append); nullopt for "producer" (batches kept as sent).
  std::optional<kafka::CompressionType> compression;
  ProducerStateTable producers;
};

// The versions this broker implements; ApiVersions advertises exactly these.
struct SupportedApi {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
};

struct RequestContext {
  std::shared_ptr<net::Connection> conn;
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::string client_id;
};

class Broker : public net::RequestHandler {
 public:
  // `originals`: server.properties as given (DescribeConfigs reports them).
  Broker(asio::io_context& io, BrokerConfig config, Properties originals = {});
  ~Broker() override;

  // Opens the logs (recovering after an unclean stop) and starts the listeners.
  Status Start();
  // Clean shutdown: stops listening, flushes and closes the logs (marking them clean).
  void Stop();

  // The bound port of the first listener (useful with port 0 in tests).
  uint16_t port() const;
  const BrokerConfig& config() const { return config_; }

  void HandleRequest(const std::shared_ptr<net::Connection>& conn, kafka::SharedBytes payload) override;

  static const std::vector<SupportedApi>& SupportedApis();

 private:
  template <typename Body>
  void Respond(const RequestContext& ctx, const Body& body);

  void Dispatch(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleApiVersions(const RequestContext& ctx, kafka::AnyMessage* body);
  void HandleMetadata(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleCreateTopics(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleProduce(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleFetch(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleListOffsets(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleInitProducerId(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleDescribeConfigs(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleAlterConfigs(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleIncrementalAlterConfigs(const RequestContext& ctx, kafka::AnyMessage& body);
  void DispatchGroup(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleDescribeCluster(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleCreatePartitions(const RequestContext& ctx, kafka::AnyMessage& body);
  void HandleDeleteRecords(const RequestContext& ctx, kafka::AnyMessage& body);
  std::pair<kafka::ErrorCode, std::string> SetTopicOverrides(const std::string& topic,
                                                             std::map<std::string, std::string> overrides,
                                                             bool validate_only);
  // Persists a topic's overrides and applies them to its partition logs.
  Status ApplyTopicConfigs(const TopicInfo& info);
  Result<int64_t> NextProducerId();
  void HandleDeleteTopics(const RequestContext& ctx, kafka::AnyMessage& body);

  // Creates a topic and its partition logs. REQUIRES: configs validated.
  Result<const TopicInfo*> CreateTopic(const std::string& name, int32_t partitions,
                                       std::map<std::string, std::string> configs);
  // Partition logs [first_partition, info.partitions) of a topic.
  Status CreatePartitionLogs(const TopicInfo& info, int32_t first_partition);
  Status DeletePartitionLogs(const TopicInfo& info);
  Status OpenStorage();
  Status ReplayOffsetsTopic();
  void CloseStorage();
  void ScheduleTick();
  PartitionState& RegisterPartition(const std::string& topic, int32_t partition, storage::Log* log);
  // nullptr when the topic has no such partition.
  PartitionState* FindPartition(const TopicInfo& info, int32_t partition);
  // Wakes parked fetches that read this partition.
  void OnAppended(PartitionState& part);

  struct PendingFetch;
  // Fills *resp from the logs; returns the record bytes it holds. Record sets of
  // kafka::Writer::kGatherThreshold bytes or more stay in their segment files: their records hold a
  // placeholder (RespondFetch sends them by sendfile) and *slices the files.
  size_t ReadForFetch(const kafka::messages::FetchRequest& req, int16_t version,
                      kafka::messages::FetchResponse* resp,
                      std::vector<std::shared_ptr<const storage::FileSlice>>* slices);
  // Respond() for a response of ReadForFetch: the placeholders' refs become file refs.
  void RespondFetch(const RequestContext& ctx, const kafka::messages::FetchResponse& resp,
                    const std::vector<std::shared_ptr<const storage::FileSlice>>& slices);
  // Answers a parked fetch if it has min_bytes now, or regardless when `force`.
  void CompleteFetch(const std::shared_ptr<PendingFetch>& p, bool force);

  void CancelPendingFetches();
  static int64_t NowMs();

  asio::io_context& io_;
  BrokerConfig config_;
  Properties original_config_;  // server.properties as given, for DescribeConfigs
  std::vector<std::unique_ptr<net::Server>> servers_;
  TopicCatalog topics_;
  std::string cluster_id_;
  std::unique_ptr<storage::LogManager> logs_;
  std::map<std::pair<std::string, int32_t>, PartitionState> partitions_;
  std::vector<std::shared_ptr<PendingFetch>> pending_fetches_;
  std::unique_ptr<OffsetsTopicStore> offsets_store_;
  std::unique_ptr<group::GroupCoordinator> coordinator_;
  asio::steady_timer tick_timer_;
  int64_t next_producer_id_ = 0;
  int64_t producer_id_block_end_ = 0;
};

template <typename Body>
void Broker::Respond(const RequestContext& ctx, const Body& body) {
  std::vector<uint8_t> frame;
  std::vector<kafka::BytesRef> refs;  // large record sets go out from their own buffers (no copy)
  Status s =
      kafka::EncodeResponseFrame(ctx.api_key, ctx.api_version, ctx.correlation_id, body, &frame, &refs);
  if (!s.ok()) {
    ctx.conn->Close("cannot encode response: " + s.ToString());
    return;
  }
  ctx.conn->Respond(std::move(frame), std::move(refs));
}

}  // namespace sluice::broker
