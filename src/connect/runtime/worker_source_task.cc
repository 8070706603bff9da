// WorkerSourceTask: see worker_source_task.h.
#include "connect/runtime/worker_source_task.h"

#include <chrono>

#include "base/logging.h"
#include "connect/api/json_converter.h"
#include "connect/runtime/offset_reader.h"
#include "connect/runtime/offsets_api.h"

namespace sluice::connect {
namespace {

struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* h) const { rd_kafka_headers_destroy(h); }
};
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

const JsonConverter& SchemalessJson() {
  static const JsonConverter conv(JsonConverterConfig{.schemas_enable = false});
  return conv;
}

class SourceContextImpl : public SourceTaskContext {
 public:
  SourceContextImpl(const ConfigMap* configs, OffsetStore* store, std::string connector)
      : configs_(configs), reader_(store, std::move(connector)) {}
  const ConfigMap& configs() const override { return *configs_; }
  OffsetStorageReader& offset_storage_reader() override { return reader_; }

 private:
  const ConfigMap* configs_;
  StoreOffsetReader reader_;
};

}  // namespace

WorkerSourceTask::WorkerSourceTask(TaskSetup setup, std::unique_ptr<SourceTask> task, OffsetStore* offsets)
    : WorkerTask(std::move(setup)), task_(std::move(task)), offsets_(offsets) {}

WorkerSourceTask::~WorkerSourceTask() { ReleaseTopics(); }

WorkerSourceTask::TopicState* WorkerSourceTask::Topic(const std::string& topic) {
  TopicState* ts = last_ts_;
  if (ts == nullptr || topic != last_topic_) {
    auto it = topics_.find(topic);
    if (it == topics_.end()) {
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer_.get(), topic.c_str(), nullptr);
      if (rkt == nullptr) return nullptr;  // the name is then passed to produce, which reports the error
      it = topics_.emplace(topic, TopicState{.rkt = rkt}).first;
    }
    ts = &it->second;
  }
  // The partition count: once the producer has reached the cluster (so the lookup is one quick round
  // trip), then every 30 s; after a failed lookup (the partitioner decides meanwhile) again in 5 s.
  if (poll_time_ >= ts->next_check && delivered_any_) {
    Result<int32_t> n = PartitionCount(producer_.get(), topic, 500);
    ts->partitions = n.ok() ? *n : 0;
    ts->next_check = poll_time_ + (n.ok() ? std::chrono::seconds(30) : std::chrono::seconds(5));
  }
  return ts;
}

void WorkerSourceTask::ReleaseTopics() {
  for (auto& [name, ts] : topics_) rd_kafka_topic_destroy(ts.rkt);
  topics_.clear();
  last_ts_ = nullptr;
  pending_ts_ = nullptr;
}

void WorkerSourceTask::RequestStop() {
  WorkerTask::RequestStop();
  task_->Stop();  // may be called from another thread: it makes a blocking Poll return
}

void WorkerSourceTask::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<WorkerSourceTask*>(opaque);
  auto* sub = static_cast<Submitted*>(msg->_private);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) self->delivered_any_ = true;
  if (sub == nullptr) return;
  --sub->unacked;
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    sub->failed = true;
    if (self->first_failure_.empty()) {
      self->first_failure_ = std::string("producing to ") + rd_kafka_topic_name(msg->rkt) +
                             " failed: " + rd_kafka_err2str(msg->err);
    }
  }
}

Status WorkerSourceTask::Execute() {
  const WorkerConfig& w = *setup_.worker;
  RETURN_IF_ERROR(InitConverters());
  RETURN_IF_ERROR(InitTransforms());
  ClientOptions po;
  po.bootstrap_servers = w.bootstrap_servers;
  po.client_id = "connector-producer-" + setup_.id.connector + "-" + std::to_string(setup_.id.task);
  po.base = {{"acks", "all"},
             {"enable.idempotence", "true"},
             {"linger.ms", "5"},
             {"batch.num.messages", "10000"},
             // librdkafka keeps ~200 bytes per queued message beside its payload: 30,000 small records
             // (~20 ms at full speed) bound what a slow broker makes the worker hold to ~10 MB.
             {"queue.buffering.max.messages", "30000"},
             {"queue.buffering.max.kbytes", "16384"},  // half Kafka's buffer.memory: plenty at 5 ms linger
             {"compression.type", "none"}};
  po.overrides = w.producer_props;
  for (const auto& [k, v] : setup_.connector_config) {
    constexpr std::string_view kPrefix = "producer.override.";
    if (k.compare(0, kPrefix.size(), kPrefix) == 0) po.overrides[k.substr(kPrefix.size())] = v;
  }
  po.dr_msg_cb = &WorkerSourceTask::OnDelivery;
  po.opaque = this;
  ASSIGN_OR_RETURN(producer_, NewProducer(po));

  SourceContextImpl ctx(&setup_.task_config, offsets_, setup_.id.connector);
  task_->Initialize(&ctx);
  RETURN_IF_ERROR(task_->Start(setup_.task_config).WithContext("task start"));
  Report(target_state() == TargetState::kStarted ? "RUNNING" : "PAUSED");

  using Clock = std::chrono::steady_clock;
  auto next_commit = Clock::now() + std::chrono::milliseconds(w.offset_flush_interval_ms);
  std::vector<SourceRecord> batch;
  Status result;
  bool retrying = false;
  int64_t retry_backoff_ms = 1000;
  while (!stopping()) {
    if (!AwaitUnpaused([&] { rd_kafka_poll(producer_.get(), 100); })) {
      break;
    }
    batch.clear();
    Status s = task_->Poll(batch);
    if (!s.ok()) {
      if (IsRetriable(s)) {
        // Still RUNNING, but the status carries the trouble until a poll succeeds again.
        LOG_WARN("task {}-{}: poll failed, retrying in {} ms: {}", setup_.id.connector, setup_.id.task,
                 retry_backoff_ms, s.ToString());
        if (!retrying) Report("RUNNING", s.WithContext("retrying after a retriable error"));
        retrying = true;
        WaitFor(std::chrono::milliseconds(retry_backoff_ms));
        retry_backoff_ms = std::min<int64_t>(retry_backoff_ms * 2, 30000);
        continue;
      }
      result = s.WithContext("poll");
      break;
    }
    if (retrying) {
      retrying = false;
      retry_backoff_ms = 1000;
      Report("RUNNING");
    }
    poll_time_ = Clock::now();
    for (SourceRecord& r : batch) {
      s = SendRecord(r);
      if (!s.ok()) break;
    }
    // What was taken before a failure still goes out, as it would have one by one.
    Status flushed = FlushBatch();
    if (s.ok()) s = flushed;
    if (s.ok()) task_->Reclaim(batch);  // (the records were converted: the task may reuse them)
    batch.clear();
    if (!s.ok()) {
      result = s;
      break;
    }
    rd_kafka_poll(producer_.get(), 0);
    // Fold acknowledged records into the pending commit now, so memory holds one offset per source
    // partition plus what is in flight, whatever the commit interval.
    (void)CollectAcked();
    if (!first_failure_.empty()) {
      result = Status::IOError(first_failure_);
      break;
    }
    if (Clock::now() >= next_commit) {
      Status c = CommitOffsets(false);
      if (!c.ok())
        LOG_WARN("task {}-{}: offset commit failed: {}", setup_.id.connector, setup_.id.task, c.ToString());
      next_commit = Clock::now() + std::chrono::milliseconds(w.offset_flush_interval_ms);
    }
  }
  // Flush what was sent and commit its offsets, also after a failure (acknowledged records count).
  Status c = CommitOffsets(true);
  if (!c.ok())
    LOG_WARN("task {}-{}: final offset commit failed: {}", setup_.id.connector, setup_.id.task, c.ToString());
  if (!result.ok()) task_->Stop();
  ReleaseTopics();
  producer_.reset();
  if (result.ok() && !first_failure_.empty()) result = Status::IOError(first_failure_);
  return result;
}

Status WorkerSourceTask::SendRecord(SourceRecord& record) {
  // Transformations see only the ConnectRecord part: the source partition and offset stay as polled.
  // (The shared partition and the offset encoder stay in the record, which a task may reuse: no reference
  // count changes per record when they are the same as last time.)
  Value own_partition = std::move(record.source_partition);
  const std::shared_ptr<const Value>& shared_partition = record.shared_partition;
  const Value& partition = shared_partition ? *shared_partition : own_partition;
  Value offset = std::move(record.source_offset);
  const std::shared_ptr<const SourceOffsetEncoder>& offset_encoder = record.offset_encoder;
  auto where = [&] { return "topic '" + record.topic + "'"; };
  Tolerated t;
  bool keep = true;
  RETURN_IF_ERROR(WithTolerance(
      "TRANSFORMATION",
      [&]() -> Status {
        ASSIGN_OR_RETURN(keep, transforms_->Apply(record));
        return Status::OK();
      },
      &t, where));
  bool skipped = t.skipped;
  // A record that cannot join the pending batch (other topic or partition, headers, its own timestamp)
  // sends the batch first, so that records go out in order.
  TopicState* ts = keep && !skipped ? Topic(record.topic) : nullptr;
  rd_kafka_topic_t* rkt = ts != nullptr ? ts->rkt : nullptr;
  const int32_t kafka_partition = record.kafka_partition                 ? *record.kafka_partition
                                  : ts != nullptr && ts->partitions == 1 ? 0
                                                                         : RD_KAFKA_PARTITION_UA;
  bool batchable = false;
  if (keep && !skipped) {
    batchable = rkt != nullptr && record.headers.empty() && !record.timestamp;
    constexpr size_t kMaxBatch = 10000;
    constexpr size_t kMaxBatchBytes = 4 << 20;
    if (!pending_.empty() && (!batchable || rkt != pending_rkt_ || kafka_partition != pending_partition_ ||
                              pending_.size() >= kMaxBatch || arena_.size() >= kMaxBatchBytes)) {
      RETURN_IF_ERROR(FlushBatch());
    }
  }
  // Key and value bytes go to the end of the arena (after the pending batch's).
  const size_t record_at = arena_.size();
  Pending p;
  HeadersPtr headers;
  if (keep && !skipped) {
    RETURN_IF_ERROR(WithTolerance(
        "KEY_CONVERTER",
        [&]() -> Status {
          p.key_at = arena_.size();
          ASSIGN_OR_RETURN(p.has_key, key_converter_->AppendFromConnectData(
                                          record.topic, record.key_schema.get(), record.key, arena_));
          p.key_len = arena_.size() - p.key_at;
          return Status::OK();
        },
        &t, where));
    skipped = t.skipped;
  }
  if (keep && !skipped) {
    RETURN_IF_ERROR(WithTolerance(
        "VALUE_CONVERTER",
        [&]() -> Status {
          p.value_at = arena_.size();
          ASSIGN_OR_RETURN(p.has_value, value_converter_->AppendFromConnectData(
                                            record.topic, record.value_schema.get(), record.value, arena_));
          p.value_len = arena_.size() - p.value_at;
          return Status::OK();
        },
        &t, where));
    skipped = t.skipped;
  }
  if (keep && !skipped && !record.headers.empty()) {
    RETURN_IF_ERROR(WithTolerance(
        "HEADER_CONVERTER",
        [&]() -> Status {
          headers.reset(rd_kafka_headers_new(record.headers.size()));  // a retry starts afresh
          for (const Header& h : record.headers) {
            ASSIGN_OR_RETURN(
                std::optional<std::string> hv,
                header_converter_->FromConnectHeader(record.topic, h.key, h.schema.get(), h.value));
            rd_kafka_header_add(headers.get(), h.key.data(), static_cast<ssize_t>(h.key.size()),
                                hv ? hv->data() : nullptr, hv ? static_cast<ssize_t>(hv->size()) : 0);
          }
          return Status::OK();
        },
        &t, where));
    skipped = t.skipped;
  }
  // Track the source offset even for dropped/skipped records, so that it gets committed.
  const std::string* partition_json = nullptr;  // (no reference taken unless a run starts)
  if (!partition.is_null()) {
    const bool same = shared_partition ? shared_partition == last_shared_partition_
                                       : !last_shared_partition_ && partition == last_partition_value_;
    if (!last_partition_json_ || !same) {
      Result<std::string> json = SchemalessJson().FromConnectData(nullptr, partition);
      if (!json.ok()) {
        arena_.resize(record_at);
        return json.status();
      }
      last_partition_json_ = std::make_shared<const std::string>(OffsetStore::Canonical(*json));
      last_shared_partition_ = shared_partition;
      last_partition_value_ = shared_partition ? Value() : std::move(own_partition);
    }
    partition_json = last_partition_json_.get();
  }
  // A batched or dropped record joins the open run of its partition; a record sent on its own has an
  // entry of its own.
  const bool joins = (batchable || !keep || skipped) && open_run_ != nullptr &&
                     open_run_ == &submitted_.back() && open_run_->partition.get() == partition_json;
  if (!joins) CloseRun();  // (its records were counted in unacked when taken: closing is safe)
  Submitted& sub = joins ? *open_run_ : submitted_.emplace_back();
  if (!joins) {
    if (partition_json != nullptr) sub.partition = last_partition_json_;
    open_run_ = &sub;
  }
  if (sub.partition) {
    sub.offset = std::move(offset);
    if (sub.offset_encoder != offset_encoder) sub.offset_encoder = offset_encoder;
    sub.offset_fields = record.offset_fields;
  }
  if (!keep || skipped) {
    arena_.resize(record_at);  // a key converted before the value failed
    return Status::OK();
  }
  if (batchable) {
    if (pending_.empty()) {
      pending_ts_ = ts;
      pending_rkt_ = rkt;
      pending_partition_ = kafka_partition;
      if (pending_topic_ != record.topic) pending_topic_ = record.topic;
    }
    ++sub.unacked;
    p.sub = &sub;
    pending_.push_back(p);
    return Status::OK();
  }
  ++sub.unacked;
  CloseRun();
  // One by one (the batch before it was sent above, so the arena holds only this record).
  while (true) {
    ProduceArgs args;
    args.topic = record.topic.c_str();
    args.rkt = rkt;
    args.partition = kafka_partition;
    if (p.has_key) {
      args.key = arena_.data() + p.key_at;
      args.key_len = p.key_len;
    }
    if (p.has_value) {
      args.value = arena_.data() + p.value_at;
      args.value_len = p.value_len;
    }
    args.timestamp = record.timestamp.value_or(0);
    args.headers = headers.get();
    args.opaque = &sub;
    rd_kafka_resp_err_t err = Produce(producer_.get(), args);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)headers.release();  // now owned by librdkafka
      arena_.resize(record_at);
      if (record.topic != last_topic_) {
        NoteActiveTopic(setup_.id.connector, record.topic);
        last_topic_ = record.topic;
      }
      last_ts_ = ts;
      return Status::OK();
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !stopping()) {
      rd_kafka_poll(producer_.get(), 10);
      continue;
    }
    arena_.resize(record_at);
    submitted_.pop_back();  // (its own entry)
    return KafkaError(err, "produce to " + record.topic);
  }
}

void WorkerSourceTask::CloseRun() {
  if (open_run_ != nullptr) open_run_->open = false;
  open_run_ = nullptr;
}

Status WorkerSourceTask::FlushBatch() {
  CloseRun();
  if (pending_.empty()) return Status::OK();
  size_t n = pending_.size();
  messages_.assign(n, rd_kafka_message_t{});
  for (size_t i = 0; i < n; ++i) {
    const Pending& p = pending_[i];
    rd_kafka_message_t& m = messages_[i];
    m.partition = pending_partition_;
    if (p.has_value) {
      m.payload = arena_.data() + p.value_at;
      m.len = p.value_len;
    }
    if (p.has_key) {
      m.key = arena_.data() + p.key_at;
      m.key_len = p.key_len;
    }
    m._private = p.sub;
  }
  Status result;
  size_t start = 0;
  while (start < n) {
    const int count = static_cast<int>(n - start);
    // Payloads are copied; each message's err tells whether it was taken.
    if (ProduceBatch(pending_rkt_, pending_partition_, messages_.data() + start, count) == count) break;
    size_t i = start;
    while (i < n && messages_[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) ++i;
    if (i == n) break;
    rd_kafka_resp_err_t err = messages_[i].err;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !stopping()) {
      // The queue is full from message i on: wait for deliveries and submit the rest again (only those
      // not taken, in order).
      size_t w = i;
      for (size_t j = i; j < n; ++j) {
        if (messages_[j].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          messages_[w] = messages_[j];
          messages_[w++].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        }
      }
      n = w;
      start = i;
      rd_kafka_poll(producer_.get(), 10);
      continue;
    }
    // Not sent: never commit past it (later records may have gone out; they are repeated after a
    // restart, as after a crash).
    // Its run never completes (no report comes for what was not taken).
    static_cast<Submitted*>(messages_[i]._private)->failed = true;
    result = KafkaError(err, "produce to " + pending_topic_);
    break;
  }
  if (pending_topic_ != last_topic_) {
    NoteActiveTopic(setup_.id.connector, pending_topic_);
    last_topic_ = pending_topic_;
  }
  last_ts_ = pending_ts_;
  pending_.clear();
  arena_.clear();
  return result;
}

Status WorkerSourceTask::CollectAcked() {
  // Consecutive runs mostly share their partition's JSON (one shared string): one map lookup per stretch.
  const std::string* last = nullptr;
  Value* slot = nullptr;
  while (!submitted_.empty() && submitted_.front().done()) {
    Submitted& s = submitted_.front();
    if (s.failed) break;  // never commit past a record that was not written
    if (s.partition) {
      if (s.partition.get() != last) {
        last = s.partition.get();
        slot = &to_commit_[*s.partition];
      }
      *slot = s.offset_encoder ? s.offset_encoder->Encode(s.offset_fields) : std::move(s.offset);
    }
    submitted_.pop_front();
  }
  return Status::OK();
}

Status WorkerSourceTask::CommitOffsets(bool final) {
  const WorkerConfig& w = *setup_.worker;
  if (final) {
    rd_kafka_flush(producer_.get(), static_cast<int>(std::max<int64_t>(w.offset_flush_timeout_ms, 1000)));
  } else {
    rd_kafka_poll(producer_.get(), 0);
  }
  RETURN_IF_ERROR(CollectAcked());
  if (to_commit_.empty()) return Status::OK();
  std::vector<OffsetEntry> entries;
  entries.reserve(to_commit_.size());
  for (const auto& [p, off] : to_commit_) {
    ASSIGN_OR_RETURN(std::string json, SchemalessJson().FromConnectData(nullptr, off));
    entries.push_back(OffsetEntry{p, off.is_null() ? std::nullopt : std::optional<std::string>(json)});
  }
  RETURN_IF_ERROR(offsets_->Put(setup_.id.connector, entries, static_cast<int>(w.offset_flush_timeout_ms)));
  to_commit_.clear();
  return task_->Commit();
}

}  // namespace sluice::connect
