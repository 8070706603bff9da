// DescribeCluster (this node as the whole cluster and its controller), CreatePartitions (grow a topic;
// new partitions get their logs at once) and DeleteRecords (advance a partition's log start offset).
// Thread-safety: loop thread only.
#include "base/logging.h"
#include "broker/core/broker.h"
#include "broker/storage/log.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/create_partitions.h"
#include "kafka/protocol/generated/delete_records.h"
#include "kafka/protocol/generated/describe_cluster.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

void Broker::HandleDescribeCluster(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::DescribeClusterRequest>();
  msg::DescribeClusterResponse resp;
  resp.error_message = std::nullopt;
  if (ctx.api_version >= 1 && req.endpoint_type != 1) {  // 1 = brokers; 2 = controllers (KRaft only)
    resp.error_code = static_cast<int16_t>(ErrorCode::kUnsupportedEndpointType);
    resp.error_message = "Only broker endpoints (endpoint type 1) are described";
  } else {
    msg::DescribeClusterResponse::DescribeClusterBroker b;
    b.broker_id = config_.node_id;
    b.host = config_.advertised_listeners.front().host;
    b.port = config_.advertised_listeners.front().port;
    resp.brokers.push_back(std::move(b));
    resp.cluster_id = cluster_id_;
    resp.controller_id = config_.node_id;
  }
  Respond(ctx, resp);
}

void Broker::HandleCreatePartitions(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::CreatePartitionsRequest>();
  msg::CreatePartitionsResponse resp;
  for (const auto& t : req.topics) {
    msg::CreatePartitionsResponse::CreatePartitionsTopicResult r;
    r.name = t.name;
    TopicInfo* info = topics_.Mutable(t.name);
    if (info == nullptr) {
      r.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
      r.error_message = "Topic " + t.name + " does not exist";
    } else if (info->internal) {
      r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
      r.error_message = "Cannot add partitions to internal topic " + t.name;
    } else if (t.count <= info->partitions) {
      r.error_code = static_cast<int16_t>(ErrorCode::kInvalidPartitions);
      r.error_message = "Topic currently has " + std::to_string(info->partitions) + " partitions, which is " +
                        (t.count == info->partitions ? "the same as" : "higher than") + " the requested " +
                        std::to_string(t.count) + ".";
    } else if (!req.validate_only) {
      const int32_t first_new = info->partitions;
      info->partitions = t.count;
      Status s = CreatePartitionLogs(*info, first_new);
      if (!s.ok()) {
        r.error_code = static_cast<int16_t>(ErrorCode::kKafkaStorageError);
        r.error_message = s.ToString();
      } else {
        LOG_INFO("topic {} now has {} partitions", t.name, t.count);
      }
    }
    resp.results.push_back(std::move(r));
  }
  Respond(ctx, resp);
}

void Broker::HandleDeleteRecords(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::DeleteRecordsRequest>();
  msg::DeleteRecordsResponse resp;
  for (const auto& t : req.topics) {
    msg::DeleteRecordsResponse::DeleteRecordsTopicResult tr;
    tr.name = t.name;
    const TopicInfo* info = topics_.Find(t.name);
    for (const auto& p : t.partitions) {
      msg::DeleteRecordsResponse::DeleteRecordsPartitionResult pr;
      pr.partition_index = p.partition_index;
      PartitionState* part = info != nullptr ? FindPartition(*info, p.partition_index) : nullptr;
      if (part == nullptr) {
        pr.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
        pr.low_watermark = -1;
      } else {
        // -1 means "up to the high watermark".
        const int64_t target = p.offset == -1 ? part->log->log_end_offset() : p.offset;
        Status s =
            target < 0 ? Status::OutOfRange("negative offset") : part->log->DeleteRecordsBefore(target);
        if (!s.ok()) {
          pr.error_code =
              static_cast<int16_t>(s.code() == Status::Code::kOutOfRange ? ErrorCode::kOffsetOutOfRange
                                                                         : ErrorCode::kKafkaStorageError);
        }
        pr.low_watermark = part->log->log_start_offset();
      }
      tr.partitions.push_back(std::move(pr));
    }
    resp.topics.push_back(std::move(tr));
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
