// The topic catalog: names, partition counts, topic ids and per-topic config overrides of every topic
// this broker holds. Persistence and the partition logs themselves live in the storage layer; this is
// the broker's view used by Metadata, CreateTopics, DeleteTopics and the configs APIs.
// Thread-safety: loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker {

struct TopicInfo {
  std::string name;
  int32_t partitions = 1;
  kafka::Uuid id;
  std::map<std::string, std::string> configs;  // overrides only
  bool internal = false;                       // __consumer_offsets
};

// Kafka's topic name rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
Status ValidateTopicName(const std::string& name);

class TopicCatalog {
 public:
  const TopicInfo* Find(const std::string& name) const;
  const TopicInfo* FindById(const kafka::Uuid& id) const;
  // REQUIRES: the name is valid and not present.
  const TopicInfo& Add(TopicInfo info);
  void Remove(const std::string& name);
  TopicInfo* Mutable(const std::string& name);
  // Sorted by name.
  std::vector<const TopicInfo*> All() const;

 private:
  std::map<std::string, TopicInfo> topics_;
};

}  // namespace sluice::broker
