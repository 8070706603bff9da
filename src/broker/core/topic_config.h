// Per-topic configuration on top of storage::LogConfig (the one definition of Kafka's topic-level
// names): the broker-wide defaults derived from server.properties' log.* keys, validation of a topic's
// overrides, and the effective value of each key as DescribeConfigs reports it.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "broker/core/broker_config.h"
#include "broker/storage/log_config.h"
#include "kafka/protocol/compression.h"

namespace sluice::broker {

struct TopicConfigEntry {
  std::string name;
  std::string value;
  bool is_default;  // no topic override: the broker's value
};

// The log.* defaults of server.properties as a LogConfig.
storage::LogConfig BrokerLogDefaults(const BrokerConfig& broker);

// The effective LogConfig of a topic with these overrides; InvalidArgument naming the key for unknown
// names or bad values (Kafka's wording).
Result<storage::LogConfig> TopicLogConfig(const BrokerConfig& broker,
                                          const std::map<std::string, std::string>& overrides);

inline Status ValidateTopicConfigs(const BrokerConfig& broker,
                                   const std::map<std::string, std::string>& overrides) {
  auto c = TopicLogConfig(broker, overrides);
  return c.ok() ? Status::OK() : c.status();
}

// Every topic-level key with its effective value.
// compression.type as a codec to recompress to; nullopt for "producer".
std::optional<kafka::CompressionType> TopicCompression(const storage::LogConfig& c);

std::vector<TopicConfigEntry> EffectiveTopicConfigs(const BrokerConfig& broker,
                                                    const std::map<std::string, std::string>& overrides);

}  // namespace sluice::broker
