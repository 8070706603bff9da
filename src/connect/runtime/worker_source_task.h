// WorkerSourceTask: runs a SourceTask. Polls records, applies transformations, converts them and sends
// them through an idempotent librdkafka producer (acks=all). Source offsets are committed to the
// offset store every offset.flush.interval.ms and on stop, only up to the first record not yet
// acknowledged: a crash can repeat records but never skip one.
//
// Records without headers or an explicit timestamp are converted into one reused buffer and handed to
// librdkafka in batches (rd_kafka_produce_batch: one clock read and one topic lock per batch instead of
// per record; their timestamp is the batch's time); the others flush the batch and go one by one, so the
// order of records is kept. Records without a partition of their own go to partition 0 of a topic
// known (from metadata, refreshed every 30 s) to have only one, which is where the producer's
// partitioner would put them, without running it per record; otherwise the partitioner decides.
// Offsets given as an encoder and fields are built into a map only for a run's last record, once it is
// acknowledged; a poll's records go back to the task (SourceTask::Reclaim) once converted.
//
// Thread-safety: see WorkerTask; the producer's delivery reports are served on the task thread.
#pragma once

#include <chrono>
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

  // A run of consecutive records of one source partition sent in one batch (or one record sent on its
  // own, or dropped), waiting for their acknowledgements (stable address: kept in a deque). Its offset is
  // the last record's: it is committed once every record of the run is acknowledged.
  struct Submitted {
    std::shared_ptr<const std::string> partition;  // canonical JSON; null when the records have none
    Value offset;
    // Instead of offset (then null): offset_encoder->Encode(offset_fields), built once the run is acked.
    std::shared_ptr<const SourceOffsetEncoder> offset_encoder;
    SourceOffsetFields offset_fields{};
    uint32_t unacked = 0;  // records handed to the producer and not yet acknowledged
    bool open = true;      // still taking records (the pending batch's run)
    bool failed = false;
    bool done() const { return !open && unacked == 0; }
  };

 protected:
  Status Execute() override;

 private:
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  Status SendRecord(SourceRecord& record);
  // Produces the pending batch (retrying while librdkafka's queue is full).
  Status FlushBatch();
  // Ends the open run: later records start a new one.
  void CloseRun();
  // Moves acknowledged records' offsets into the pending commit; true if any record failed.
  Status CollectAcked();
  Status CommitOffsets(bool final);
  // A topic the task produces to: the producer's handle (kept, so that a record costs no lookup of the
  // topic's name) and its partition count, from metadata read now and then (0: not known).
  struct TopicState {
    rd_kafka_topic_t* rkt = nullptr;
    int32_t partitions = 0;
    std::chrono::steady_clock::time_point next_check{};
  };
  // nullptr if librdkafka refuses the name (produce then reports the error).
  TopicState* Topic(const std::string& topic);
  void ReleaseTopics();

  std::unique_ptr<SourceTask> task_;
  OffsetStore* offsets_;
  KafkaHandle producer_;
  std::deque<Submitted> submitted_;
  std::map<std::string, Value> to_commit_;  // canonical partition JSON -> latest acked offset
  std::string first_failure_;
  // Reuse of the last partition's JSON when consecutive records share it (the same shared object, or an
  // equal value).
  Value last_partition_value_;
  std::shared_ptr<const Value> last_shared_partition_;
  std::shared_ptr<const std::string> last_partition_json_;
  Submitted* open_run_ = nullptr;  // the run the next record of its partition joins (submitted_.back())
  std::string last_topic_;
  std::map<std::string, TopicState, std::less<>> topics_;  // (stable addresses)
  TopicState* last_ts_ = nullptr;                          // last_topic_'s
  std::chrono::steady_clock::time_point poll_time_;        // when the records being sent were polled
  bool delivered_any_ = false;                             // the producer has reached the cluster
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
  TopicState* pending_ts_ = nullptr;
  rd_kafka_topic_t* pending_rkt_ = nullptr;
  int32_t pending_partition_ = RD_KAFKA_PARTITION_UA;
  std::vector<rd_kafka_message_t> messages_;
};

}  // namespace sluice::connect
