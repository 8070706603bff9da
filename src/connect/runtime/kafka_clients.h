// librdkafka handles for the Connect runtime: producers, consumers and admin operations configured
// from the worker config (bootstrap.servers, producer.* / consumer.* / admin.* overrides, per-connector
// *.override.* keys). Java client keys that librdkafka does not know are logged once and skipped.
//
// Thread-safety: librdkafka handles are thread-safe; these helpers keep no state.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/connector.h"

namespace sluice::connect {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

struct ClientOptions {
  std::string bootstrap_servers;
  std::string client_id;
  ConfigMap base;       // Sluice's defaults for this client kind
  ConfigMap overrides;  // user's keys, applied last
  // Producer: delivery report callback (rd_kafka_conf_set_dr_msg_cb) and the opaque it receives.
  void (*dr_msg_cb)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr;
  // Consumer: rebalance callback.
  void (*rebalance_cb)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*, void*) = nullptr;
  void* opaque = nullptr;
};

Result<KafkaHandle> NewProducer(const ClientOptions& options);
Result<KafkaHandle> NewConsumer(const ClientOptions& options);

struct NewTopicSpec {
  std::string name;
  int32_t partitions = 1;          // -1: broker default
  int16_t replication_factor = 1;  // capped at the number of brokers; -1: broker default
  ConfigMap configs;               // e.g. cleanup.policy=compact
};

// Creates topics that do not exist yet (TOPIC_ALREADY_EXISTS is success).
Status EnsureTopics(rd_kafka_t* rk, const std::vector<NewTopicSpec>& topics, int timeout_ms);
// Partition count of a topic; kNotFound when it does not exist.
Result<int32_t> PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms);
// The cluster id from Metadata (empty if the cluster has none).
Result<std::string> ClusterId(rd_kafka_t* rk, int timeout_ms);

// One message for rd_kafka_produceva (payloads are copied; headers, if any, are taken over on success).
struct ProduceArgs {
  const char* topic = nullptr;
  rd_kafka_topic_t* rkt = nullptr;  // if set, used instead of `topic` (no lookup of the name)
  int32_t partition = RD_KAFKA_PARTITION_UA;
  const void* key = nullptr;  // nullptr: null key
  size_t key_len = 0;
  const void* value = nullptr;  // nullptr: null value (tombstone)
  size_t value_len = 0;
  int64_t timestamp = 0;  // 0: now
  rd_kafka_headers_t* headers = nullptr;
  void* opaque = nullptr;  // the message's _private, seen by the delivery report
};
rd_kafka_resp_err_t Produce(rd_kafka_t* rk, const ProduceArgs& args);
// Messages (payload, len, key, key_len, _private as the delivery report's opaque) to one topic and
// partition (RD_KAFKA_PARTITION_UA: the partitioner's choice) with rd_kafka_produce_batch: payloads are
// copied and every message gets the current time as its timestamp. Returns how many were taken; each
// message's err says why one was not (after __QUEUE_FULL every later one fails too).
int ProduceBatch(rd_kafka_topic_t* rkt, int32_t partition, rd_kafka_message_t* messages, int count);

// "Local: Broker transport failure" etc. as a Status (kUnavailable for retriable errors).
Status KafkaError(rd_kafka_resp_err_t err, std::string_view context);

}  // namespace sluice::connect
