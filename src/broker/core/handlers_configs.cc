// DescribeConfigs (topics and this broker), AlterConfigs (replaces a topic's overrides) and
// IncrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT on a topic's overrides). Topic overrides are
// validated like CreateTopics, persisted with the topic and applied to its partition logs at once.
// Broker configs are static (server.properties): altering them answers INVALID_REQUEST.
// Thread-safety: loop thread only.
#include <algorithm>

#include "base/config_def.h"
#include "broker/core/broker.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/alter_configs.h"
#include "kafka/protocol/generated/describe_configs.h"
#include "kafka/protocol/generated/incremental_alter_configs.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;
constexpr int8_t kDynamicTopicConfig = 1;
constexpr int8_t kStaticBrokerConfig = 4;
constexpr int8_t kDefaultConfig = 5;

// DescribeConfigs v3 config_type: Kafka's ConfigDef.Type ids (UNKNOWN 0, BOOLEAN 1 ... PASSWORD 9), which
// follow our ConfigType's order.
int8_t KafkaConfigType(ConfigType t) { return static_cast<int8_t>(static_cast<int>(t) + 1); }

// The server.properties keys behind a topic config, in Kafka's precedence order (the last one holds
// the default).
std::vector<std::string_view> BrokerSynonyms(std::string_view topic_key) {
  if (topic_key == "segment.bytes") return {"log.segment.bytes"};
  if (topic_key == "segment.ms") return {"log.roll.ms", "log.roll.hours"};
  if (topic_key == "retention.ms")
    return {"log.retention.ms", "log.retention.minutes", "log.retention.hours"};
  if (topic_key == "retention.bytes") return {"log.retention.bytes"};
  if (topic_key == "index.interval.bytes") return {"log.index.interval.bytes"};
  if (topic_key == "flush.messages") return {"log.flush.interval.messages"};
  if (topic_key == "flush.ms") return {"log.flush.interval.ms"};
  if (topic_key == "cleanup.policy") return {"log.cleanup.policy"};
  if (topic_key == "delete.retention.ms") return {"log.cleaner.delete.retention.ms"};
  if (topic_key == "min.compaction.lag.ms") return {"log.cleaner.min.compaction.lag.ms"};
  if (topic_key == "max.message.bytes") return {"message.max.bytes"};
  if (topic_key == "message.timestamp.type") return {"log.message.timestamp.type"};
  if (topic_key == "compression.type") return {"compression.type"};
  return {};
}

ConfigType TopicConfigType(std::string_view topic_key) {
  if (topic_key == "cleanup.policy") return ConfigType::kList;
  if (topic_key == "message.timestamp.type" || topic_key == "compression.type") return ConfigType::kString;
  if (topic_key == "index.interval.bytes" || topic_key == "max.message.bytes") return ConfigType::kInt;
  return ConfigType::kLong;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

void Broker::HandleDescribeConfigs(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::DescribeConfigsRequest>();
  msg::DescribeConfigsResponse resp;
  for (const auto& res : req.resources) {
    msg::DescribeConfigsResponse::DescribeConfigsResult r;
    r.resource_type = res.resource_type;
    r.resource_name = res.resource_name;
    r.error_message = std::nullopt;
    auto wanted = [&](const std::string& name) {
      return !res.configuration_keys || res.configuration_keys->empty() ||
             std::find(res.configuration_keys->begin(), res.configuration_keys->end(), name) !=
                 res.configuration_keys->end();
    };
    if (res.resource_type == kTopicResource) {
      const TopicInfo* t = topics_.Find(res.resource_name);
      if (t == nullptr) {
        r.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
        r.error_message = "Topic " + res.resource_name + " does not exist";
      } else {
        for (const auto& e : EffectiveTopicConfigs(config_, t->configs)) {
          if (!wanted(e.name)) continue;
          msg::DescribeConfigsResponse::DescribeConfigsResourceResult c;
          c.name = e.name;
          c.value = e.value;
          // Synonyms in precedence order: the topic override, the server.properties keys that are set,
          // then the broker default. The entry's source is the first of them.
          std::vector<msg::DescribeConfigsResponse::DescribeConfigsSynonym> synonyms;
          if (!e.is_default) synonyms.push_back({e.name, e.value, kDynamicTopicConfig, {}});
          const auto broker_keys = BrokerSynonyms(e.name);
          for (std::string_view bk : broker_keys) {
            if (const std::string* given = original_config_.Find(bk)) {
              synonyms.push_back({std::string(bk), *given, kStaticBrokerConfig, {}});
            }
          }
          if (!broker_keys.empty()) {
            const ConfigKey* def = BrokerConfig::Definition().FindKey(broker_keys.back());
            if (def != nullptr && def->default_text()) {
              synonyms.push_back({def->name(), def->default_text(), kDefaultConfig, {}});
            }
          }
          c.config_source = synonyms.empty() ? kDefaultConfig : synonyms.front().source;
          if (ctx.api_version == 0) c.is_default = c.config_source == kDefaultConfig;
          if (req.include_synonyms) c.synonyms = std::move(synonyms);
          c.config_type = KafkaConfigType(TopicConfigType(e.name));
          c.documentation = std::nullopt;
          if (req.include_documentation && !broker_keys.empty()) {
            if (const ConfigKey* def = BrokerConfig::Definition().FindKey(broker_keys.front())) {
              c.documentation = def->doc();
            }
          }
          r.configs.push_back(std::move(c));
        }
      }
    } else if (res.resource_type == kBrokerResource) {
      if (!res.resource_name.empty() && res.resource_name != std::to_string(config_.node_id)) {
        r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
        r.error_message = "Unexpected broker id " + res.resource_name;
      } else {
        for (const ConfigKey& k : BrokerConfig::Definition().keys()) {
          if (!wanted(k.name())) continue;
          msg::DescribeConfigsResponse::DescribeConfigsResourceResult c;
          c.name = k.name();
          const std::string* given = original_config_.Find(k.name());
          c.value = given ? std::optional<std::string>(*given) : k.default_text();
          if (ctx.api_version == 0) c.is_default = given == nullptr;
          c.read_only = true;
          c.config_source = given ? kStaticBrokerConfig : kDefaultConfig;
          if (req.include_synonyms) {
            if (given) c.synonyms.push_back({k.name(), *given, kStaticBrokerConfig, {}});
            if (k.default_text()) c.synonyms.push_back({k.name(), k.default_text(), kDefaultConfig, {}});
          }
          c.config_type = KafkaConfigType(k.type());
          c.is_sensitive = k.type() == ConfigType::kPassword;
          if (c.is_sensitive) c.value = std::nullopt;
          c.documentation = std::nullopt;
          if (req.include_documentation) c.documentation = k.doc();
          r.configs.push_back(std::move(c));
        }
      }
    } else {
      r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
      r.error_message = "Unsupported resource type " + std::to_string(res.resource_type);
    }
    resp.results.push_back(std::move(r));
  }
  Respond(ctx, resp);
}

// Validates and applies new overrides of a topic; returns the error to report.
std::pair<ErrorCode, std::string> Broker::SetTopicOverrides(const std::string& topic,
                                                            std::map<std::string, std::string> overrides,
                                                            bool validate_only) {
  TopicInfo* t = topics_.Mutable(topic);
  if (t == nullptr) return {ErrorCode::kUnknownTopicOrPartition, "Topic " + topic + " does not exist"};
  if (Status s = ValidateTopicConfigs(config_, overrides); !s.ok())
    return {ErrorCode::kInvalidConfig, s.message()};
  if (validate_only) return {ErrorCode::kNone, ""};
  auto previous = t->configs;
  t->configs = std::move(overrides);
  if (Status s = ApplyTopicConfigs(*t); !s.ok()) {
    t->configs = std::move(previous);
    return {ErrorCode::kKafkaStorageError, s.message()};
  }
  return {ErrorCode::kNone, ""};
}

void Broker::HandleAlterConfigs(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::AlterConfigsRequest>();
  msg::AlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    msg::AlterConfigsResponse::AlterConfigsResourceResponse r;
    r.resource_type = res.resource_type;
    r.resource_name = res.resource_name;
    r.error_message = std::nullopt;
    if (res.resource_type != kTopicResource) {
      r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
      r.error_message = "Only topic configs can be altered; broker configs come from server.properties";
    } else {
      std::map<std::string, std::string> overrides;
      for (const auto& c : res.configs) {
        if (c.value) overrides[c.name] = *c.value;
      }
      auto [code, message] = SetTopicOverrides(res.resource_name, std::move(overrides), req.validate_only);
      r.error_code = static_cast<int16_t>(code);
      if (!message.empty()) r.error_message = message;
    }
    resp.responses.push_back(std::move(r));
  }
  Respond(ctx, resp);
}

void Broker::HandleIncrementalAlterConfigs(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::IncrementalAlterConfigsRequest>();
  msg::IncrementalAlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    msg::IncrementalAlterConfigsResponse::AlterConfigsResourceResponse r;
    r.resource_type = res.resource_type;
    r.resource_name = res.resource_name;
    r.error_message = std::nullopt;
    const TopicInfo* t = res.resource_type == kTopicResource ? topics_.Find(res.resource_name) : nullptr;
    if (res.resource_type != kTopicResource) {
      r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
      r.error_message = "Only topic configs can be altered; broker configs come from server.properties";
    } else if (t == nullptr) {
      r.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
    } else {
      auto overrides = t->configs;
      std::string bad;
      for (const auto& c : res.configs) {
        const std::string value = c.value.value_or("");
        switch (c.config_operation) {
          case 0:  // SET
            overrides[c.name] = value;
            break;
          case 1:  // DELETE
            overrides.erase(c.name);
            break;
          case 2:    // APPEND (lists)
          case 3: {  // SUBTRACT (lists)
            auto current = overrides.find(c.name);
            auto items = SplitList(current != overrides.end() ? current->second
                                                              : BrokerLogDefaults(config_).Get(c.name));
            for (const auto& v : SplitList(value)) {
              auto it = std::find(items.begin(), items.end(), v);
              if (c.config_operation == 2 && it == items.end()) items.push_back(v);
              if (c.config_operation == 3 && it != items.end()) items.erase(it);
            }
            std::string joined;
            for (const auto& i : items) joined += (joined.empty() ? "" : ",") + i;
            overrides[c.name] = joined;
            break;
          }
          default:
            bad = "Unknown config operation " + std::to_string(c.config_operation);
        }
      }
      if (!bad.empty()) {
        r.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
        r.error_message = bad;
      } else {
        auto [code, message] = SetTopicOverrides(res.resource_name, std::move(overrides), req.validate_only);
        r.error_code = static_cast<int16_t>(code);
        if (!message.empty()) r.error_message = message;
      }
    }
    resp.responses.push_back(std::move(r));
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
