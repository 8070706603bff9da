// S3SinkConnector and S3SinkTask. See s3_sink.h.
#include "connectors/s3/s3_sink.h"

#include <algorithm>
#include <chrono>

#include "base/logging.h"
#include "connectors/s3/credentials.h"

namespace sluice::connectors::s3 {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status S3SinkConnector::Start(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(S3SinkConfig c, ParseS3SinkConfig(props));
  props_ = props;
  LOG_INFO("S3 sink connector writing to bucket {} ({} partitioner, flush.size={})", c.bucket,
           static_cast<int>(c.partitioner), c.flush_size);
  return Status::OK();
}

Result<std::vector<connect::ConfigMap>> S3SinkConnector::TaskConfigs(int max_tasks) {
  return std::vector<connect::ConfigMap>(static_cast<size_t>(std::max(max_tasks, 1)), props_);
}

S3SinkTask::~S3SinkTask() {
  writers_.clear();
  uploader_.reset();  // before the pool it gives buffers back to
}

Status S3SinkTask::Start(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(config_, ParseS3SinkConfig(props));
  ASSIGN_OR_RETURN(AwsCredentials creds,
                   ResolveCredentials(config_.access_key_id, config_.secret_access_key));
  LOG_INFO("S3 sink task: credentials from {}", creds.source);
  S3ClientOptions o;
  o.bucket = config_.bucket;
  o.region = config_.region;
  o.endpoint = config_.store_url;
  o.path_style = config_.path_style;
  o.part_retries = config_.part_retries;
  o.retry_backoff_ms = config_.retry_backoff_ms;
  o.sse = config_.sse;
  o.acl_canned = config_.acl_canned;
  // s3.parts.in.flight parts upload while the task fills the next, and one more thread lets a
  // completion (S3 assembling an object, which takes about as long as a part) run beside them; the pool
  // keeps no more buffers than can come back at once.
  const auto in_flight = static_cast<size_t>(config_.parts_in_flight);
  pool_ = std::make_unique<BufferPool>(in_flight);
  uploader_ = std::make_unique<Uploader>(o, creds, pool_.get(), in_flight, in_flight + 1);
  uploader_->set_stop_flag(&stopping_);
  client_ = std::make_unique<S3Client>(std::move(o), std::move(creds));
  client_->set_stop_flag(&stopping_);
  ASSIGN_OR_RETURN(partitioner_, MakePartitioner(config_));
  if (partitioner_->wallclock()) {
    LOG_WARN(
        "S3 sink: timestamp.extractor=Wallclock puts records in directories by arrival time; exactly-once "
        "delivery does not hold across restarts");
  }
  format_ = std::make_unique<RecordFormat>(config_);
  if (config_.store_keys)
    key_format_ = std::make_unique<RecordFormat>(config_, config_.keys_format, RecordView::kKey);
  if (config_.store_headers) {
    headers_format_ = std::make_unique<RecordFormat>(config_, config_.headers_format, RecordView::kHeaders);
  }
  if (!config_.timezone.empty()) {
    ASSIGN_OR_RETURN(timezone_, TimeZone::Load(config_.timezone));
  }
  // Fail fast on a missing bucket or bad credentials (4xx); an unreachable endpoint is retried later.
  // (A one-key listing rather than HEAD: its answer carries S3's error code; the task lists anyway.)
  Status s = client_->ListObjects(config_.topics_dir, "", "", 1).status();
  if (!s.ok() && s.code() != Status::Code::kUnavailable) return s;
  return Status::OK();
}

TopicPartitionWriter& S3SinkTask::WriterFor(const connect::TopicPartition& tp) {
  auto it = writers_.find(tp);
  if (it == writers_.end()) {
    WriterContext ctx;
    ctx.config = &config_;
    ctx.client = client_.get();
    ctx.uploader = uploader_.get();
    ctx.partitioner = partitioner_.get();
    ctx.format = format_.get();
    ctx.key_format = key_format_.get();
    ctx.headers_format = headers_format_.get();
    ctx.timezone = &timezone_;
    ctx.pool = pool_.get();
    ctx.open_files = &open_files_;
    it = writers_.emplace(tp, std::make_unique<TopicPartitionWriter>(tp, ctx)).first;
  }
  return *it->second;
}

Status S3SinkTask::DrainUploads(std::string_view why) {
  Status s = uploader_->Drain();
  if (!s.ok()) LOG_WARN("S3 sink: uploads pending at {}: {}", why, s.ToString());
  return s;
}

Status S3SinkTask::Open(const std::vector<connect::TopicPartition>& partitions) {
  // A writer's listing of its previous run must not race our own queued completions.
  (void)DrainUploads("open");
  for (const auto& tp : partitions) {
    auto it = writers_.find(tp);
    if (it != writers_.end()) {
      it->second->Abort();
      writers_.erase(it);
    }
    WriterFor(tp);
    if (retrying_) opened_while_retrying_.insert(tp);
  }
  return Status::OK();
}

Status S3SinkTask::Put(std::vector<connect::SinkRecord>& records) {
  const int64_t now = NowMs();
  uploader_->Resume();  // after a failed upload: the runtime calls again after its backoff
  std::map<connect::TopicPartition, bool> seen;
  connect::TopicPartition key;
  TopicPartitionWriter* writer = nullptr;  // of `key`; null: its records are skipped
  bool have_key = false;
  for (const auto& r : records) {
    const int32_t partition = r.kafka_partition.value_or(0);
    if (!have_key || partition != key.partition || r.topic != key.topic) {  // runs of one partition
      have_key = true;
      key.topic = r.topic;
      key.partition = partition;
      // Records of a partition closed meanwhile (a rebalance served while the runtime retried this
      // batch) belong to its new owner, which rebuilds from the committed offset: writing them here
      // would race it on the same object names.
      auto it = writers_.find(key);
      writer = it == writers_.end() || opened_while_retrying_.count(key) > 0 ? nullptr : it->second.get();
      if (writer != nullptr) seen[key] = true;
    }
    if (writer == nullptr) continue;
    Status s = writer->Write(r, now);
    if (!s.ok()) {
      retrying_ = connect::IsRetriable(s);
      return s;
    }
  }
  for (auto& [tp, w] : writers_) {
    Status s = w->Tick(now, seen.count(tp) > 0);
    if (!s.ok()) {
      retrying_ = connect::IsRetriable(s);
      return s;
    }
  }
  if (Status s = uploader_->error(); !s.ok()) {
    retrying_ = connect::IsRetriable(s);
    return s;
  }
  retrying_ = false;
  opened_while_retrying_.clear();
  return Status::OK();
}

Result<connect::OffsetMap> S3SinkTask::PreCommit(const connect::OffsetMap& current) {
  (void)uploader_->Drain();  // rotated files become committable once S3 has them
  connect::OffsetMap out;
  for (const auto& [tp, off] : current) {
    auto it = writers_.find(tp);
    if (it == writers_.end()) continue;
    std::optional<int64_t> c = it->second->CommittableOffset();
    if (c) out[tp] = std::min(*c, off);
  }
  return out;
}

Status S3SinkTask::Close(const std::vector<connect::TopicPartition>& partitions) {
  // Completions already queued finish first (the next owner must not race them); open files abort.
  (void)DrainUploads("close");
  for (const auto& tp : partitions) {
    opened_while_retrying_.erase(tp);
    auto it = writers_.find(tp);
    if (it == writers_.end()) continue;
    it->second->Abort();
    writers_.erase(it);
  }
  return Status::OK();
}

void S3SinkTask::Stop() { stopping_ = true; }

}  // namespace sluice::connectors::s3
