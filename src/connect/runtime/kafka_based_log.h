// KafkaBasedLog: a topic read from the beginning into memory and kept up to date, with writes through
// a producer: the backing of the distributed worker's config, offset and status stores (Kafka
// Connect's KafkaBasedLog). The topic is created (compacted) when missing.
//
// Thread-safety: Send/Flush/ReadToEnd may be called from any thread. The consume callback runs on the
// log's own thread, one record at a time, in offset order per partition.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "connect/runtime/kafka_clients.h"

namespace sluice::connect {

struct LogRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
  int32_t partition = 0;
  int64_t offset = 0;
};

class KafkaBasedLog {
 public:
  using ConsumeFn = std::function<void(const LogRecord&)>;

  KafkaBasedLog(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic, ConsumeFn consume);
  ~KafkaBasedLog();
  KafkaBasedLog(const KafkaBasedLog&) = delete;
  KafkaBasedLog& operator=(const KafkaBasedLog&) = delete;

  // Creates the topic if needed, starts reading from the beginning and returns once read to the end.
  Status Start(int timeout_ms);
  void Stop();

  // Asynchronous write. `done`, if given, runs on the log thread with the outcome.
  Status Send(const std::string& key, const std::optional<std::string>& value,
              std::function<void(const Status&)> done = {});
  // Waits until every Send so far is acknowledged.
  Status Flush(int timeout_ms);
  // Waits until the consume callback has seen every record written before the call.
  Status ReadToEnd(int timeout_ms);

  const std::string& topic() const { return spec_.name; }
  int32_t partitions() const { return partitions_; }

 private:
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  void Run();

  ClientOptions producer_options_;
  ClientOptions consumer_options_;
  NewTopicSpec spec_;
  ConsumeFn consume_;
  KafkaHandle producer_;
  KafkaHandle consumer_;
  int32_t partitions_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int64_t> positions_;  // next offset the callback will see, per partition
};

}  // namespace sluice::connect
