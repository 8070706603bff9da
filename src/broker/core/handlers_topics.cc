// CreateTopics and DeleteTopics, and CreateTopic used by auto-creation.
// Replication factors above 1 are accepted and kept as 1 (a single node has one replica; the seed's
// configs ask for 3 on internal topics), logged once per topic.
// Thread-safety: loop thread only.
#include "base/logging.h"
#include "broker/core/broker.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/create_topics.h"
#include "kafka/protocol/generated/delete_topics.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

Result<const TopicInfo*> Broker::CreateTopic(const std::string& name, int32_t partitions,
                                             std::map<std::string, std::string> configs) {
  RETURN_IF_ERROR(ValidateTopicName(name));
  if (topics_.Find(name) != nullptr) return Status::AlreadyExists("Topic '" + name + "' already exists.");
  if (partitions < 1) return Status::InvalidArgument("Number of partitions must be larger than 0.");
  TopicInfo info;
  info.name = name;
  info.partitions = partitions;
  info.id = kafka::Uuid::Random();
  info.configs = std::move(configs);
  info.internal = name == "__consumer_offsets";
  RETURN_IF_ERROR(CreatePartitionLogs(info, 0));
  LOG_INFO("created topic {} with {} partition(s)", name, partitions);
  return &topics_.Add(std::move(info));
}

void Broker::HandleCreateTopics(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::CreateTopicsRequest>();
  msg::CreateTopicsResponse resp;
  for (const auto& t : req.topics) {
    msg::CreateTopicsResponse::CreatableTopicResult r;
    r.name = t.name;
    r.error_message = std::nullopt;
    auto fail = [&](ErrorCode code, const std::string& message) {
      r.error_code = static_cast<int16_t>(code);
      r.error_message = message;
    };
    int32_t partitions = t.num_partitions == -1 ? config_.num_partitions : t.num_partitions;
    if (!t.assignments.empty()) partitions = static_cast<int32_t>(t.assignments.size());
    std::map<std::string, std::string> configs;
    for (const auto& c : t.configs) {
      if (c.value) configs[c.name] = *c.value;
    }
    Status name_ok = ValidateTopicName(t.name);
    if (!name_ok.ok()) {
      fail(ErrorCode::kInvalidTopicException, name_ok.message());
    } else if (topics_.Find(t.name) != nullptr) {
      fail(ErrorCode::kTopicAlreadyExists, "Topic '" + t.name + "' already exists.");
    } else if (partitions < 1) {
      fail(ErrorCode::kInvalidPartitions, "Number of partitions must be larger than 0.");
    } else if (t.replication_factor == 0 || t.replication_factor < -1) {
      fail(ErrorCode::kInvalidReplicationFactor,
           "Replication factor must be larger than 0, or -1 to use the default value.");
    } else if (Status cs = ValidateTopicConfigs(config_, configs); !cs.ok()) {
      fail(ErrorCode::kInvalidConfig, cs.message());
    } else if (!req.validate_only) {
      if (t.replication_factor > 1) {
        LOG_INFO("topic {}: replication factor {} requested; a single node keeps 1", t.name,
                 t.replication_factor);
      }
      auto created = CreateTopic(t.name, partitions, configs);
      if (!created.ok()) fail(ErrorCode::kUnknownServerError, created.status().message());
    }
    if (r.error_code == 0) {
      r.num_partitions = partitions;
      r.replication_factor = 1;
      r.configs.emplace();
      for (const auto& [k, v] : configs) {
        msg::CreateTopicsResponse::CreatableTopicConfigs c;
        c.name = k;
        c.value = v;
        c.config_source = 1;  // DYNAMIC_TOPIC_CONFIG
        r.configs->push_back(std::move(c));
      }
    }
    resp.topics.push_back(std::move(r));
  }
  Respond(ctx, resp);
}

void Broker::HandleDeleteTopics(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::DeleteTopicsRequest>();
  msg::DeleteTopicsResponse resp;
  auto remove = [&](const std::optional<std::string>& name, const kafka::Uuid& id) {
    msg::DeleteTopicsResponse::DeletableTopicResult r;
    r.name = name;
    r.topic_id = id;
    const TopicInfo* t = name ? topics_.Find(*name) : topics_.FindById(id);
    if (t == nullptr) {
      r.error_code =
          static_cast<int16_t>(name ? ErrorCode::kUnknownTopicOrPartition : ErrorCode::kUnknownTopicId);
    } else if (t->internal) {
      r.error_code = static_cast<int16_t>(ErrorCode::kTopicAuthorizationFailed);
      r.error_message = "Cannot delete internal topic " + t->name;
    } else {
      r.name = t->name;
      r.topic_id = t->id;
      Status s = DeletePartitionLogs(*t);
      if (!s.ok()) {
        r.error_code = static_cast<int16_t>(ErrorCode::kUnknownServerError);
        r.error_message = s.message();
      } else {
        LOG_INFO("deleted topic {}", t->name);
        topics_.Remove(t->name);
      }
    }
    resp.responses.push_back(std::move(r));
  };
  if (ctx.api_version >= 6) {
    for (const auto& t : req.topics) remove(t.name, t.topic_id);
  } else {
    for (const auto& n : req.topic_names) remove(n, kafka::Uuid{});
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
