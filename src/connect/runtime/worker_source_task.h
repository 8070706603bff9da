// WorkerSourceTask: runs a SourceTask. Polls records, applies transformations, converts them and sends
// them through an idempotent librdkafka producer (acks=all). Source offsets are committed to the
// offset store every offset.flush.interval.ms and on stop, only up to the first record not yet
// acknowledged: a crash can repeat records but never skip one.
//
// Records without headers or an explicit timestamp are converted into one reused buffer and handed to
// librdkafka in batches (rd_kafka_produce_batch: one clock read and one topic lock per batch instead of
// per record; their timestamp is the batch's time); the others flush the batch and go one by one, so the
// order of records is kept.
//
// Thread-safety: see WorkerTask; the producer's delivery reports are served on the task thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connect/runtime/kafka_clients.h"
#include "connect/runtime/offset_store.h"
#include "connect/runtime/worker_task.h"

namespace sluice::connect {

class WorkerSourceTask : public WorkerTask {
 public:
  WorkerSourceTask(TaskSetup setup, std::unique_ptr<SourceTask> task, OffsetStore* offsets);
  ~WorkerSourceTask() override;
  void RequestStop() override;

  // One sent record waiting for its acknowledgement (stable address: kept in a deque).
  struct Submitted {
    std::shared_ptr<const std::string> partition;  // canonical JSON; null when the record has none
    Value offset;
    bool acked = false;
    bool failed = false;
  };

 protected:
  Status Execute() override;

 private:
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  Status SendRecord(SourceRecord& record);
  // Produces the pending batch (retrying while librdkafka's queue is full).
  Status FlushBatch();
  // Moves acknowledged records' offsets into the pending commit; true if any record failed.
  Status CollectAcked();
  Status CommitOffsets(bool final);
  // The producer's handle of a topic (kept, so that a record costs no lookup of the topic's name).
  rd_kafka_topic_t* TopicHandle(const std::string& topic);
  void ReleaseTopics();

  std::unique_ptr<SourceTask> task_;
  OffsetStore* offsets_;
  KafkaHandle producer_;
  std::deque<Submitted> submitted_;
  std::map<std::string, Value> to_commit_;  // canonical partition JSON -> latest acked offset
  std::string first_failure_;
  // Reuse of the last partition's JSON when consecutive records share it.
  Value last_partition_value_;
  std::shared_ptr<const std::string> last_partition_json_;
  std::string last_topic_;
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
  rd_kafka_topic_t* last_rkt_ = nullptr;
  // The pending batch: records for one topic and partition whose key and value bytes are in arena_
  // (payload pointers are set when the batch is produced, as the arena may grow until then).
  struct Pending {
    size_t key_at = 0, key_len = 0, value_at = 0, value_len = 0;
    bool has_key = false, has_value = false;
    Submitted* sub = nullptr;
  };
  std::vector<Pending> pending_;
  std::string arena_;
  std::string pending_topic_;
  rd_kafka_topic_t* pending_rkt_ = nullptr;
  int32_t pending_partition_ = RD_KAFKA_PARTITION_UA;
  std::vector<rd_kafka_message_t> messages_;
};

}  // namespace sluice::connect
