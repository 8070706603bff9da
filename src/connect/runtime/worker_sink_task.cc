// WorkerSinkTask: see worker_sink_task.h.
#include "connect/runtime/worker_sink_task.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "base/logging.h"
#include "connect/runtime/offsets_api.h"

namespace sluice::connect {
namespace {

constexpr size_t kMaxPollRecords = 500;
// The last records of a full queue, taken at once before the fetcher is restarted.
constexpr size_t kMaxDrainRecords = 2000;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

PartitionList ToList(const std::vector<TopicPartition>& parts) {
  PartitionList l(rd_kafka_topic_partition_list_new(static_cast<int>(parts.size())));
  for (const auto& tp : parts) rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition);
  return l;
}

std::vector<TopicPartition> FromList(const rd_kafka_topic_partition_list_t* l) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < l->cnt; ++i) out.push_back(TopicPartition{l->elems[i].topic, l->elems[i].partition});
  return out;
}

}  // namespace

WorkerSinkTask::WorkerSinkTask(TaskSetup setup, std::unique_ptr<SinkTask> task)
    : WorkerTask(std::move(setup)), task_(std::move(task)) {}

WorkerSinkTask::~WorkerSinkTask() = default;

void WorkerSinkTask::Offset(const OffsetMap& offsets) {
  for (const auto& [tp, off] : offsets) rewinds_[tp] = off;
}

std::vector<TopicPartition> WorkerSinkTask::Assignment() const { return assignment_; }

void WorkerSinkTask::Pause(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    if (std::find(paused_by_task_.begin(), paused_by_task_.end(), tp) == paused_by_task_.end())
      paused_by_task_.push_back(tp);
  }
  PartitionList l = ToList(partitions);
  rd_kafka_pause_partitions(consumer_.get(), l.get());
}

void WorkerSinkTask::KickFetcher() {
  // librdkafka 2.0 stops fetching a partition whose local queue is over queued.min.messages /
  // queued.max.messages.kbytes and looks again only when its broker thread next wakes, up to a second
  // later (fetch.queue.backoff.ms came in 2.1): a sink that drains its queue quickly then idles for a
  // second per 100k records. Once the queue is drained, seeking each partition to its current
  // position restarts its fetcher at once (nothing is lost: the position is the next record to read).
  PartitionList l = ToList(assignment_);
  if (rd_kafka_position(consumer_.get(), l.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionList seek(rd_kafka_topic_partition_list_new(l->cnt));
  for (int i = 0; i < l->cnt; ++i) {
    if (l->elems[i].offset < 0) continue;  // nothing consumed yet: the fetcher is starting anyway
    rd_kafka_topic_partition_list_add(seek.get(), l->elems[i].topic, l->elems[i].partition)->offset =
        l->elems[i].offset;
  }
  if (seek->cnt == 0) return;
  rd_kafka_error_t* e = rd_kafka_seek_partitions(consumer_.get(), seek.get(), 0);  // async
  if (e != nullptr) rd_kafka_error_destroy(e);
}

void WorkerSinkTask::ReadQueueLimits() {
  const rd_kafka_conf_t* conf = rd_kafka_conf(consumer_.get());
  auto get = [&](const char* name, int64_t fallback) {
    char buf[32];
    size_t size = sizeof(buf);
    if (rd_kafka_conf_get(conf, name, buf, &size) != RD_KAFKA_CONF_OK) return fallback;
    return static_cast<int64_t>(std::strtoll(buf, nullptr, 10));
  };
  queue_max_messages_ = get("queued.min.messages", 100000);
  queue_max_bytes_ = get("queued.max.messages.kbytes", 65536) * 1024;
}

void WorkerSinkTask::NoteQueueFill(size_t queued) {
  // librdkafka stops fetching a partition once the queue holds queued.min.messages or
  // queued.max.messages.kbytes (the bytes are estimated from the messages seen; a wrong guess only
  // costs one fetch, discarded by the seek). It decides right after a fetch lands, and the task looks
  // only between batches, so the count it sees may be up to a batch below the one that parked it.
  if (queued == 0) return;
  auto count = static_cast<int64_t>(queued);
  if (count + static_cast<int64_t>(kMaxPollRecords) >= queue_max_messages_ ||
      static_cast<double>(count) * avg_message_bytes_ >= 0.75 * static_cast<double>(queue_max_bytes_)) {
    fetcher_parked_ = true;
  }
}

void WorkerSinkTask::Resume(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) std::erase(paused_by_task_, tp);
  if (target_state() != TargetState::kStarted) return;
  PartitionList l = ToList(partitions);
  rd_kafka_resume_partitions(consumer_.get(), l.get());
}

void WorkerSinkTask::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* self = static_cast<WorkerSinkTask*>(opaque);
  std::vector<TopicPartition> tps = FromList(parts);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, parts);
    for (const auto& tp : tps) {
      if (std::find(self->assignment_.begin(), self->assignment_.end(), tp) == self->assignment_.end()) {
        self->assignment_.push_back(tp);
      }
    }
    Status s = self->task_->Open(tps);
    if (!s.ok() && self->rebalance_error_.ok()) self->rebalance_error_ = s.WithContext("open partitions");
    self->ApplyRewinds();
    // Paused while a put is being retried (the retry loop resumes them) or while the task is paused.
    if (self->in_retry_wait_ || self->target_state() != TargetState::kStarted)
      rd_kafka_pause_partitions(rk, parts);
  } else if (self->task_stopped_) {
    rd_kafka_assign(rk, nullptr);  // consumer close after the task stopped: already committed and closed
  } else {
    // Revoked: commit what is durable, then let the task close its writers.
    Status s = self->Commit(tps);
    if (!s.ok())
      LOG_WARN("task {}-{}: commit on revoke failed: {}", self->setup_.id.connector, self->setup_.id.task,
               s.ToString());
    s = self->task_->Close(tps);
    if (!s.ok() && self->rebalance_error_.ok()) self->rebalance_error_ = s.WithContext("close partitions");
    for (const auto& tp : tps) {
      std::erase(self->assignment_, tp);
      self->consumed_.erase(tp);
      if (self->in_retry_wait_) self->revoked_in_wait_.insert(tp);
    }
    rd_kafka_assign(rk, nullptr);
  }
}

void WorkerSinkTask::ApplyRewinds() {
  if (rewinds_.empty()) return;
  PartitionList l(rd_kafka_topic_partition_list_new(static_cast<int>(rewinds_.size())));
  for (const auto& [tp, off] : rewinds_) {
    if (std::find(assignment_.begin(), assignment_.end(), tp) == assignment_.end()) continue;
    rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition)->offset = off;
    consumed_[tp] = off;
  }
  rewinds_.clear();
  if (l->cnt == 0) return;
  rd_kafka_error_t* e = rd_kafka_seek_partitions(consumer_.get(), l.get(), 5000);
  if (e != nullptr) {
    LOG_WARN("task {}-{}: seek failed: {}", setup_.id.connector, setup_.id.task, rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  }
}

Status WorkerSinkTask::Execute() {
  const WorkerConfig& w = *setup_.worker;
  const ConnectorConfig& c = setup_.parsed;
  RETURN_IF_ERROR(InitConverters());
  RETURN_IF_ERROR(InitTransforms());
  ClientOptions co;
  co.bootstrap_servers = w.bootstrap_servers;
  co.client_id = "connector-consumer-" + setup_.id.connector + "-" + std::to_string(setup_.id.task);
  co.base = {{"group.id", "connect-" + setup_.id.connector},
             {"enable.auto.commit", "false"},
             {"enable.auto.offset.store", "false"},
             {"auto.offset.reset", "earliest"},
             {"fetch.wait.max.ms", "100"},
             // A dead worker's partitions move after this long (librdkafka's default is 45 s).
             {"session.timeout.ms", "10000"},
             {"heartbeat.interval.ms", "3000"},
             // Bounded prefetch: whichever comes first. For messages up to ~800 bytes the count
             // binds, which the task sees exactly (see NoteQueueFill).
             {"queued.min.messages", "20000"},
             {"queued.max.messages.kbytes", "16384"}};
  co.overrides = w.consumer_props;
  for (const auto& [k, v] : setup_.connector_config) {
    constexpr std::string_view kPrefix = "consumer.override.";
    if (k.compare(0, kPrefix.size(), kPrefix) == 0) co.overrides[k.substr(kPrefix.size())] = v;
  }
  co.rebalance_cb = &WorkerSinkTask::OnRebalance;
  co.opaque = this;
  ASSIGN_OR_RETURN(consumer_, NewConsumer(co));
  rd_kafka_poll_set_consumer(consumer_.get());
  ReadQueueLimits();
  if (!c.dlq_topic.empty()) {
    ClientOptions po;
    po.bootstrap_servers = w.bootstrap_servers;
    po.client_id = "connector-dlq-producer-" + setup_.id.connector + "-" + std::to_string(setup_.id.task);
    po.base = {{"acks", "all"}, {"enable.idempotence", "true"}};
    po.overrides = w.producer_props;
    po.dr_msg_cb = &WorkerSinkTask::OnDlqDelivery;
    po.opaque = this;
    ASSIGN_OR_RETURN(dlq_producer_, NewProducer(po));
    RETURN_IF_ERROR(EnsureTopics(dlq_producer_.get(),
                                 {NewTopicSpec{c.dlq_topic, 1, c.dlq_replication_factor, {}}}, 30000));
  }
  {
    std::vector<std::string> subs = c.topics;
    if (!c.topics_regex.empty()) subs = {"^" + c.topics_regex};
    PartitionList l(rd_kafka_topic_partition_list_new(static_cast<int>(subs.size())));
    for (const auto& t : subs) rd_kafka_topic_partition_list_add(l.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), l.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "subscribe");
  }
  task_->Initialize(this);
  RETURN_IF_ERROR(task_->Start(setup_.task_config).WithContext("task start"));
  Report(target_state() == TargetState::kStarted ? "RUNNING" : "PAUSED");

  using Clock = std::chrono::steady_clock;
  auto next_commit = Clock::now() + std::chrono::milliseconds(w.offset_flush_interval_ms);
  std::vector<SinkRecord> records;
  std::vector<rd_kafka_message_t*> msgs(kMaxDrainRecords);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(consumer_.get());
  Status result;
  bool paused = false;
  while (!stopping()) {
    if (target_state() != TargetState::kStarted && !paused) {
      PartitionList l = ToList(assignment_);
      rd_kafka_pause_partitions(consumer_.get(), l.get());
      paused = true;
      Report("PAUSED");
    } else if (target_state() == TargetState::kStarted && paused) {
      std::vector<TopicPartition> resume;
      for (const auto& tp : assignment_) {
        if (std::find(paused_by_task_.begin(), paused_by_task_.end(), tp) == paused_by_task_.end())
          resume.push_back(tp);
      }
      PartitionList l = ToList(resume);
      rd_kafka_resume_partitions(consumer_.get(), l.get());
      paused = false;
      Report("RUNNING");
    }
    RecycleRecords(records);
    // A batch at once: far cheaper than one rd_kafka_consumer_poll per message. Rebalance callbacks
    // are served inside this call (the consumer queue is the main queue).
    const size_t queued = rd_kafka_queue_length(queue);
    NoteQueueFill(queued);
    // A parked fetcher brings nothing more until kicked, and the kick (a seek) drops what is still
    // queued: near the end of the queue take all of it at once, without waiting, then kick, so the
    // next fetches arrive while this batch is handled.
    size_t want = kMaxPollRecords;
    int wait_ms = queued > 0 ? 0 : 200;
    if (fetcher_parked_ && queued <= kMaxDrainRecords) {
      want = kMaxDrainRecords;
      wait_ms = 0;
    }
    // As Kafka's poll(): the records already there at once, else the first that comes within the
    // wait and those queued with it (a batch call with a wait holds out for a full batch: the last
    // records of a burst would wait for the whole of it).
    ssize_t got = rd_kafka_consume_batch_queue(queue, wait_ms, msgs.data(), wait_ms > 0 ? 1 : want);
    if (wait_ms > 0 && got == 1 && want > 1) {
      ssize_t more = rd_kafka_consume_batch_queue(queue, 0, msgs.data() + 1, want - 1);
      if (more > 0) got += more;
    }
    size_t n = got > 0 ? static_cast<size_t>(got) : 0;
    if (!paused && !assignment_.empty()) {
      // Kicked too after a wait that brought nothing: the fetcher may be idle for another reason.
      bool drained = fetcher_parked_ && rd_kafka_queue_length(queue) == 0;
      if (drained || (wait_ms > 0 && n == 0)) {
        KickFetcher();
        fetcher_parked_ = false;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = msgs[i];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Moving average of the bytes a message takes in the queue (payload and key).
        avg_message_bytes_ += (static_cast<double>(m->len + m->key_len) - avg_message_bytes_) / 64;
      }
    }
    if (!rebalance_error_.ok()) {
      for (size_t i = 0; i < n; ++i) rd_kafka_message_destroy(msgs[i]);
      result = rebalance_error_;
      break;
    }
    Status s;
    for (size_t i = 0; i < n && s.ok(); ++i) {
      rd_kafka_message_t* m = msgs[i];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        s = ConvertMessage(m, records);
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        LOG_ONCE(::spdlog::level::warn, "sink-consume:" + setup_.id.connector + std::to_string(m->err),
                 "task {}-{}: consumer: {}", setup_.id.connector, setup_.id.task, rd_kafka_message_errstr(m));
      }
    }
    for (size_t i = 0; i < n; ++i) rd_kafka_message_destroy(msgs[i]);
    if (!s.ok()) {
      result = s;
      break;
    }
    if (n > 0 || records.empty()) {
      s = PutWithRetry(records);
      if (!s.ok()) {
        result = s;
        break;
      }
      for (const auto& [tp, off] : batch_offsets_) {
        if (std::find(assignment_.begin(), assignment_.end(), tp) != assignment_.end()) consumed_[tp] = off;
      }
      batch_offsets_.clear();
      batch_offset_ = nullptr;
    }
    ApplyRewinds();
    if (dlq_producer_) rd_kafka_poll(dlq_producer_.get(), 0);
    if (!dlq_failure_.empty()) {
      result = Status::IOError(dlq_failure_);
      break;
    }
    if (commit_requested_ || Clock::now() >= next_commit) {
      commit_requested_ = false;
      Status cs = Commit({});
      if (!cs.ok())
        LOG_WARN("task {}-{}: offset commit failed: {}", setup_.id.connector, setup_.id.task, cs.ToString());
      next_commit = Clock::now() + std::chrono::milliseconds(w.offset_flush_interval_ms);
    }
  }
  if (result.ok()) {
    Status cs = Commit({});
    if (!cs.ok())
      LOG_WARN("task {}-{}: final offset commit failed: {}", setup_.id.connector, setup_.id.task,
               cs.ToString());
  }
  rd_kafka_queue_destroy(queue);
  Status cl = task_->Close(assignment_);
  if (!cl.ok()) LOG_WARN("task {}-{}: close failed: {}", setup_.id.connector, setup_.id.task, cl.ToString());
  task_->Stop();
  task_stopped_ = true;
  rd_kafka_consumer_close(consumer_.get());
  consumer_.reset();
  if (dlq_producer_) rd_kafka_flush(dlq_producer_.get(), 5000);
  dlq_producer_.reset();
  return result;
}

void WorkerSinkTask::RecycleRecords(std::vector<SinkRecord>& records) {
  for (SinkRecord& r : records) {
    if (spare_strings_.size() + 2 > 2 * kMaxDrainRecords) break;
    spare_strings_.push_back(std::move(r.topic));
    spare_strings_.push_back(std::move(r.original_topic));
  }
  records.clear();
}

std::string WorkerSinkTask::SpareString() {
  if (spare_strings_.empty()) return {};
  std::string s = std::move(spare_strings_.back());
  spare_strings_.pop_back();
  return s;
}

Status WorkerSinkTask::ConvertMessage(const rd_kafka_message_t* m, std::vector<SinkRecord>& out) {
  SinkRecord r;
  r.topic = SpareString();
  r.topic.assign(rd_kafka_topic_name(m->rkt));
  r.kafka_partition = m->partition;
  r.kafka_offset = m->offset;
  r.original_topic = SpareString();
  r.original_topic.assign(r.topic);
  r.original_partition = m->partition;
  r.original_offset = m->offset;
  rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  int64_t ts = rd_kafka_message_timestamp(m, &tstype);
  if (tstype != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
    r.timestamp = ts;
    r.timestamp_type =
        tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME ? TimestampType::kCreateTime : TimestampType::kLogAppendTime;
  }
  if (r.topic != last_topic_) {
    NoteActiveTopic(setup_.id.connector, r.topic);
    last_topic_ = r.topic;
  }
  // consumed_ once the batch is put (as Kafka's currentOffsets). Records come in runs of one partition;
  // within a batch the messages keep their topic handles alive, so a handle's address names its topic.
  if (batch_offset_ == nullptr || m->rkt != batch_offset_rkt_ || m->partition != batch_offset_partition_) {
    batch_offset_ = &batch_offsets_[TopicPartition{r.topic, m->partition}];
    batch_offset_rkt_ = m->rkt;
    batch_offset_partition_ = m->partition;
  }
  *batch_offset_ = m->offset + 1;
  std::string_view topic = r.topic;
  auto bytes = [](const void* p, size_t len) -> std::optional<std::string_view> {
    if (p == nullptr) return std::nullopt;
    return std::string_view(static_cast<const char*>(p), len);
  };
  auto where = [&] {
    return "topic '" + r.original_topic + "', partition " + std::to_string(r.original_partition) +
           ", offset " + std::to_string(r.original_offset);
  };
  Tolerated t;
  Status s = WithTolerance(
      "KEY_CONVERTER",
      [&]() -> Status {
        ASSIGN_OR_RETURN(SchemaAndValue k, key_converter_->ToConnectData(topic, bytes(m->key, m->key_len)));
        r.key_schema = std::move(k.schema);
        r.key = std::move(k.value);
        return Status::OK();
      },
      &t, where);
  if (!s.ok()) return s;
  if (t.skipped) return DeadLetter(m, "KEY_CONVERTER", key_converter_class_, t.error);
  s = WithTolerance(
      "VALUE_CONVERTER",
      [&]() -> Status {
        ASSIGN_OR_RETURN(SchemaAndValue v, value_converter_->ToConnectData(topic, bytes(m->payload, m->len)));
        r.value_schema = std::move(v.schema);
        r.value = std::move(v.value);
        return Status::OK();
      },
      &t, where);
  if (!s.ok()) return s;
  if (t.skipped) return DeadLetter(m, "VALUE_CONVERTER", value_converter_class_, t.error);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
    s = WithTolerance(
        "HEADER_CONVERTER",
        [&]() -> Status {
          r.headers.clear();
          const char* name = nullptr;
          const void* val = nullptr;
          size_t size = 0;
          for (size_t i = 0;
               rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
            ASSIGN_OR_RETURN(SchemaAndValue hv,
                             header_converter_->ToConnectHeader(topic, name, bytes(val, size)));
            r.headers.push_back(Header{name, std::move(hv.schema), std::move(hv.value)});
          }
          return Status::OK();
        },
        &t, where);
    if (!s.ok()) return s;
    if (t.skipped) return DeadLetter(m, "HEADER_CONVERTER", header_converter_class_, t.error);
  }
  bool keep = true;
  s = WithTolerance(
      "TRANSFORMATION",
      [&]() -> Status {
        ASSIGN_OR_RETURN(keep, transforms_->Apply(r));
        return Status::OK();
      },
      &t, where);
  if (!s.ok()) return s;
  if (t.skipped) {
    auto tr = setup_.connector_config.find("transforms");
    return DeadLetter(m, "TRANSFORMATION", tr == setup_.connector_config.end() ? "" : tr->second, t.error);
  }
  if (keep) out.push_back(std::move(r));
  return Status::OK();
}

void WorkerSinkTask::OnDlqDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<WorkerSinkTask*>(opaque);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR && self->dlq_failure_.empty()) {
    self->dlq_failure_ =
        std::string("writing to the dead letter queue failed: ") + rd_kafka_err2str(msg->err);
  }
}

Status WorkerSinkTask::DeadLetter(const rd_kafka_message_t* m, std::string_view stage,
                                  std::string_view plugin_class, const Status& error) {
  if (!dlq_producer_) return Status::OK();
  const ConnectorConfig& c = setup_.parsed;
  rd_kafka_headers_t* hdrs = nullptr;
  rd_kafka_headers_t* orig = nullptr;
  if (rd_kafka_message_headers(m, &orig) == RD_KAFKA_RESP_ERR_NO_ERROR && orig != nullptr) {
    hdrs = rd_kafka_headers_copy(orig);
  } else {
    hdrs = rd_kafka_headers_new(8);
  }
  if (c.dlq_context_headers) {
    auto add = [&](const char* k, const std::string& v) {
      rd_kafka_header_add(hdrs, k, -1, v.data(), static_cast<ssize_t>(v.size()));
    };
    add("__connect.errors.topic", rd_kafka_topic_name(m->rkt));
    add("__connect.errors.partition", std::to_string(m->partition));
    add("__connect.errors.offset", std::to_string(m->offset));
    add("__connect.errors.connector.name", setup_.id.connector);
    add("__connect.errors.task.id", std::to_string(setup_.id.task));
    add("__connect.errors.stage", std::string(stage));
    add("__connect.errors.class.name", std::string(plugin_class));
    add("__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException");
    add("__connect.errors.exception.message", error.message());
    add("__connect.errors.exception.stacktrace",
        "org.apache.kafka.connect.errors.DataException: " + error.ToString());
  }
  ProduceArgs args;
  args.topic = c.dlq_topic.c_str();
  args.key = m->key;
  args.key_len = m->key_len;
  args.value = m->payload;
  args.value_len = m->len;
  args.headers = hdrs;
  rd_kafka_resp_err_t err = Produce(dlq_producer_.get(), args);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(hdrs);
    return KafkaError(err, "dead letter queue " + c.dlq_topic);
  }
  rd_kafka_poll(dlq_producer_.get(), 0);
  return Status::OK();
}

Status WorkerSinkTask::PutWithRetry(std::vector<SinkRecord>& records) {
  int64_t backoff = 1000;
  bool retrying = false;
  while (true) {
    Status s = task_->Put(records);
    if (s.ok()) {
      if (retrying) Report("RUNNING");
      return s;
    }
    if (!IsRetriable(s)) return s.WithContext("put");
    LOG_WARN("task {}-{}: retriable error in put, retrying: {}", setup_.id.connector, setup_.id.task,
             s.ToString());
    if (!retrying) Report("RUNNING", s.WithContext("retrying after a retriable error"));
    retrying = true;
    int64_t wait = retry_timeout_ms_ > 0 ? retry_timeout_ms_ : backoff;
    backoff = std::min<int64_t>(backoff * 2, 30000);
    // Keep the group membership alive while waiting: poll with everything paused.
    PartitionList l = ToList(assignment_);
    rd_kafka_pause_partitions(consumer_.get(), l.get());
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
    in_retry_wait_ = true;
    while (std::chrono::steady_clock::now() < until && !stopping()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Everything is paused, but a message fetched just before could still come: read it again later.
        TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
        if (rewinds_.count(tp) == 0) rewinds_[tp] = m->offset;
      }
      rd_kafka_message_destroy(m);
    }
    in_retry_wait_ = false;
    if (target_state() == TargetState::kStarted) {
      PartitionList now = ToList(assignment_);
      rd_kafka_resume_partitions(consumer_.get(), now.get());
    }
    if (stopping()) return Status::OK();
    if (!revoked_in_wait_.empty()) {
      // A rebalance took partitions away during the wait: their records are read again from the
      // committed offset by whoever owns them now, so they leave this batch.
      std::erase_if(records, [&](const SinkRecord& r) {
        return revoked_in_wait_.count(TopicPartition{r.original_topic, r.original_partition}) > 0;
      });
      for (const auto& tp : revoked_in_wait_) batch_offsets_.erase(tp);
      batch_offset_ = nullptr;
      revoked_in_wait_.clear();
    }
  }
}

Status WorkerSinkTask::Commit(const std::vector<TopicPartition>& only) {
  OffsetMap current;
  for (const auto& [tp, off] : consumed_) {
    if (only.empty() || std::find(only.begin(), only.end(), tp) != only.end()) current[tp] = off;
  }
  if (current.empty()) return Status::OK();
  if (dlq_producer_) {
    // Dead-lettered records count as handled only once the DLQ has them.
    rd_kafka_flush(dlq_producer_.get(), static_cast<int>(setup_.worker->offset_flush_timeout_ms));
    if (!dlq_failure_.empty()) return Status::IOError(dlq_failure_);
  }
  ASSIGN_OR_RETURN(OffsetMap committable, task_->PreCommit(current));
  if (committable.empty()) return Status::OK();
  PartitionList l(rd_kafka_topic_partition_list_new(static_cast<int>(committable.size())));
  for (const auto& [tp, off] : committable) {
    rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition)->offset = off;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), l.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    return KafkaError(err, "commit offsets");
  return Status::OK();
}

}  // namespace sluice::connect
