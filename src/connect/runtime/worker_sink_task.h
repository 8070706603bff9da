// WorkerSinkTask: runs a SinkTask. A librdkafka consumer in group "connect-<connector>" (or
// consumer.override.group.id) subscribes to topics / topics.regex; batches of records are converted,
// transformed and put; every offset.flush.interval.ms (or when the task asks) PreCommit() says which
// offsets are durable and only those are committed. Partition assignment changes call Open/Close.
// Records that fail conversion or transformation are skipped with errors.tolerance=all and, when
// errors.deadletterqueue.topic.name is set, sent as they were read to the dead letter queue.
//
// Thread-safety: see WorkerTask; the rebalance callback runs on the task thread inside poll.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connect/runtime/kafka_clients.h"
#include "connect/runtime/worker_task.h"

namespace sluice::connect {

class WorkerSinkTask : public WorkerTask, private SinkTaskContext {
 public:
  WorkerSinkTask(TaskSetup setup, std::unique_ptr<SinkTask> task);
  ~WorkerSinkTask() override;

 protected:
  Status Execute() override;

 private:
  // SinkTaskContext.
  const ConfigMap& configs() const override { return setup_.task_config; }
  void Offset(const OffsetMap& offsets) override;
  void Timeout(int64_t timeout_ms) override { retry_timeout_ms_ = timeout_ms; }
  std::vector<TopicPartition> Assignment() const override;
  void Pause(const std::vector<TopicPartition>& partitions) override;
  void Resume(const std::vector<TopicPartition>& partitions) override;
  void RequestCommit() override { commit_requested_ = true; }

  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                          void* opaque);
  Status ConvertMessage(const rd_kafka_message_t* msg, std::vector<SinkRecord>& out);
  static void OnDlqDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  Status DeadLetter(const rd_kafka_message_t* msg, std::string_view stage, std::string_view plugin_class,
                    const Status& error);
  Status PutWithRetry(std::vector<SinkRecord>& records);
  // Commits PreCommit's answer for the given partitions (all assigned when empty).
  Status Commit(const std::vector<TopicPartition>& only);
  void ApplyRewinds();
  // Wakes librdkafka's fetcher after the local queue drained (see the .cc).
  void KickFetcher();
  // The consumer's queued.min.messages / queued.max.messages.kbytes (where the fetcher parks).
  void ReadQueueLimits();
  // Notes whether the fetcher parked, given the number of messages queued.
  void NoteQueueFill(size_t queued);
  // Empties `records`, keeping their topic strings' storage for the next records (see spare_strings_).
  void RecycleRecords(std::vector<SinkRecord>& records);
  // A string with storage from a recycled record, else an empty one.
  std::string SpareString();

  std::unique_ptr<SinkTask> task_;
  KafkaHandle consumer_;
  KafkaHandle dlq_producer_;
  std::vector<TopicPartition> assignment_;
  OffsetMap consumed_;       // next offset per partition, as far as records were put
  OffsetMap rewinds_;        // requested through Offset()
  OffsetMap batch_offsets_;  // next offsets of the batch being put
  // The entry of batch_offsets_ for the last message's partition (null after the map changed).
  int64_t* batch_offset_ = nullptr;
  const rd_kafka_topic_t* batch_offset_rkt_ = nullptr;
  int32_t batch_offset_partition_ = -1;
  std::vector<TopicPartition> paused_by_task_;
  int64_t retry_timeout_ms_ = -1;
  bool commit_requested_ = false;
  Status rebalance_error_;
  std::string last_topic_;
  std::string dlq_failure_;                   // first failed dead letter write
  bool task_stopped_ = false;                 // the consumer's close may still revoke partitions
  bool in_retry_wait_ = false;                // PutWithRetry is waiting (polling with partitions paused)
  std::set<TopicPartition> revoked_in_wait_;  // partitions revoked meanwhile
  int64_t queue_max_messages_ = 100000;
  int64_t queue_max_bytes_ = 64 << 20;
  double avg_message_bytes_ = 0;  // moving average of payload + key
  // The topic and original_topic strings of records already put: a topic name longer than the
  // small-string buffer would otherwise cost two allocations per record.
  std::vector<std::string> spare_strings_;
  bool fetcher_parked_ = false;  // the queue was seen full since the last kick
};

}  // namespace sluice::connect
