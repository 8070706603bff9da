// The consumer-group admin calls kafka-consumer-groups needs: list and describe groups, their committed
// offsets, partitions' log start/end offsets, committing (resetting) offsets and deleting groups. Errors
// carry Java Kafka's message for the broker's error code.
//
// Most go through librdkafka's admin API (group_admin.cc). Listing groups and reading committed offsets
// use our own client (group_admin_native.cc): librdkafka 2.0's ListGroups v4 and OffsetFetch v8 requests
// carry stray trailing bytes, which Kafka ignores but our broker refuses. Those two calls therefore
// need a PLAINTEXT listener.
//
// Thread-safety: functions over one client handle; call them from one thread at a time.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::cli::tools {

using TopicPartition = std::pair<std::string, int>;  // ordered by topic, then partition

struct GroupListing {
  std::string group_id;
  std::string state;  // Kafka's names: Stable, Empty, Dead, PreparingRebalance, ...
};

struct GroupMember {
  std::string consumer_id;
  std::string client_id;
  std::string host;
  std::string group_instance_id;
  std::vector<TopicPartition> assignment;
};

struct GroupDescription {
  std::string group_id;
  std::string state;  // "Dead" for a group the broker does not know
  std::string assignor;
  std::string coordinator_host;
  int coordinator_port = -1;
  int coordinator_id = -1;
  std::vector<GroupMember> members;
};

// The consumer groups (protocol type "consumer" or empty) of every broker of the cluster reached through
// `bootstrap` ("host:port,..."), in the brokers' order.
Result<std::vector<GroupListing>> ListGroups(const std::string& bootstrap, std::chrono::milliseconds timeout);

// One description per id, in the order asked.
Result<std::vector<GroupDescription>> DescribeGroups(rd_kafka_t* rk, const std::vector<std::string>& ids,
                                                     std::chrono::milliseconds timeout);

// Every committed offset of the group (partitions without one are absent), from its coordinator.
Result<std::map<TopicPartition, int64_t>> CommittedOffsets(const std::string& bootstrap,
                                                           const std::string& group,
                                                           std::chrono::milliseconds timeout);

// The log start (`earliest`) or end offset of each partition; partitions whose offset cannot be read
// are absent.
std::map<TopicPartition, int64_t> LogOffsets(rd_kafka_t* rk, const std::vector<TopicPartition>& partitions,
                                             bool earliest, std::chrono::milliseconds timeout);

// Commits `offsets` for the (inactive) group.
Status CommitOffsets(rd_kafka_t* rk, const std::string& group,
                     const std::map<TopicPartition, int64_t>& offsets, std::chrono::milliseconds timeout);

// Deletes the groups; the result maps each group to its error text (empty when deleted).
Result<std::vector<std::pair<std::string, std::string>>> DeleteGroups(rd_kafka_t* rk,
                                                                      const std::vector<std::string>& ids,
                                                                      std::chrono::milliseconds timeout);

}  // namespace sluice::cli::tools
