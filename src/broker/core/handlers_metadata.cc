// Metadata v0-v12: brokers (this node), cluster id, controller (this node) and topics (by name, or by
// topic id from v10; ids persist in each partition's partition.metadata), auto-creating missing
// topics when allowed. Auto-creation rules per version as Kafka applies them: v0 has no flag (creates
// when auto.create.topics.enable), v1-v3 always allow, v4+ obey allow_auto_topic_creation; an empty
// topic list means "all topics" in v0 and "none" from v1 on, where null means all.
// Thread-safety: loop thread only.
#include "broker/core/broker.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/metadata.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

void Broker::HandleMetadata(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::MetadataRequest>();
  msg::MetadataResponse resp;
  for (const Listener& l : config_.advertised_listeners) {
    msg::MetadataResponse::MetadataResponseBroker b;
    b.node_id = config_.node_id;
    b.host = l.host;
    b.port = l.port;
    resp.brokers.push_back(b);
    break;  // one endpoint per node in Metadata (the first advertised listener)
  }
  resp.cluster_id = cluster_id_;
  resp.controller_id = config_.node_id;

  auto describe = [&](const TopicInfo& t) {
    msg::MetadataResponse::MetadataResponseTopic out;
    out.name = t.name;
    out.topic_id = t.id;
    out.is_internal = t.internal;
    for (int32_t p = 0; p < t.partitions; ++p) {
      msg::MetadataResponse::MetadataResponsePartition part;
      part.partition_index = p;
      part.leader_id = config_.node_id;
      part.leader_epoch = 0;
      part.replica_nodes = {config_.node_id};
      part.isr_nodes = {config_.node_id};
      out.partitions.push_back(std::move(part));
    }
    return out;
  };

  const bool all = !req.topics.has_value() || (ctx.api_version == 0 && req.topics->empty());
  if (all) {
    for (const TopicInfo* t : topics_.All()) resp.topics.push_back(describe(*t));
  } else {
    const bool allow_create =
        config_.auto_create_topics && (ctx.api_version < 4 || req.allow_auto_topic_creation);
    for (const auto& rt : *req.topics) {
      // v10+ may name a topic by id instead (name null).
      if ((!rt.name || rt.name->empty()) && !rt.topic_id.IsZero()) {
        if (const TopicInfo* by_id = topics_.FindById(rt.topic_id)) {
          resp.topics.push_back(describe(*by_id));
        } else {
          msg::MetadataResponse::MetadataResponseTopic missing;
          missing.name = std::nullopt;
          missing.topic_id = rt.topic_id;
          missing.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicId);
          resp.topics.push_back(std::move(missing));
        }
        continue;
      }
      const std::string name = rt.name.value_or("");
      const TopicInfo* t = topics_.Find(name);
      if (t == nullptr && allow_create && ValidateTopicName(name).ok() && name.rfind("__", 0) != 0) {
        auto created = CreateTopic(name, config_.num_partitions, {});
        if (created.ok()) t = *created;
      }
      if (t != nullptr) {
        resp.topics.push_back(describe(*t));
        continue;
      }
      msg::MetadataResponse::MetadataResponseTopic missing;
      missing.name = name;
      missing.error_code =
          static_cast<int16_t>(ValidateTopicName(name).ok() ? ErrorCode::kUnknownTopicOrPartition
                                                            : ErrorCode::kInvalidTopicException);
      resp.topics.push_back(std::move(missing));
    }
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
