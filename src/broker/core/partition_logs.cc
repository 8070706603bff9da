// Glue between the broker and its storage: start-up (meta.properties, opening and recovering the
// logs, rebuilding the topic catalog and idempotent-producer state, __consumer_offsets and the group
// coordinator replay), topic creation/deletion on disk, and the periodic storage tick.
// Thread-safety: loop thread only.
#include <chrono>

#include "base/logging.h"
#include "broker/core/broker.h"
#include "broker/core/meta_properties.h"
#include "broker/core/offsets_store.h"
#include "broker/group/group_coordinator.h"
#include "broker/storage/io.h"
#include "broker/storage/log_manager.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker {

namespace {
constexpr char kOffsetsTopic[] = "__consumer_offsets";
constexpr int64_t kTickIntervalMs = 1000;
// Each partition directory holds the topic id as Kafka writes it:
//   partition.metadata:  "version: 0\ntopic_id: <22-char URL-safe base64 uuid>\n"
constexpr char kPartitionMetadata[] = "partition.metadata";

Status WritePartitionMetadata(const storage::Log& log, const kafka::Uuid& id) {
  const std::string text = "version: 0\ntopic_id: " + id.ToBase64() + "\n";
  return storage::WriteFileAtomically(log.dir() + "/" + kPartitionMetadata,
                                      std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::optional<kafka::Uuid> ReadPartitionMetadata(const storage::Log& log) {
  auto bytes = storage::ReadWholeFile(log.dir() + "/" + kPartitionMetadata);
  if (!bytes.ok()) return std::nullopt;
  std::string text(bytes->begin(), bytes->end());
  const std::string key = "topic_id: ";
  auto at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  auto end = text.find('\n', at);
  return kafka::Uuid::FromBase64(std::string_view(text).substr(
      at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size()));
}
}  // namespace

int64_t Broker::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

PartitionState* Broker::FindPartition(const TopicInfo& info, int32_t partition) {
  auto it = partitions_.find({info.name, partition});
  return it == partitions_.end() ? nullptr : &it->second;
}

PartitionState& Broker::RegisterPartition(const std::string& topic, int32_t partition, storage::Log* log) {
  PartitionState& p = partitions_[{topic, partition}];
  p.topic = topic;
  p.partition = partition;
  p.log = log;
  p.max_message_bytes = log->config().max_message_bytes;
  p.compression = TopicCompression(log->config());
  return p;
}

Status Broker::CreatePartitionLogs(const TopicInfo& info, int32_t first_partition) {
  ASSIGN_OR_RETURN(storage::LogConfig cfg, TopicLogConfig(config_, info.configs));
  for (int32_t p = first_partition; p < info.partitions; ++p) {
    ASSIGN_OR_RETURN(storage::Log * log, logs_->CreatePartition(info.name, p, cfg));
    RETURN_IF_ERROR(WritePartitionMetadata(*log, info.id));
    RegisterPartition(info.name, p, log);
  }
  return Status::OK();
}

Status Broker::DeletePartitionLogs(const TopicInfo& info) {
  for (int32_t p = 0; p < info.partitions; ++p) {
    partitions_.erase({info.name, p});
    Status s = logs_->DeletePartition(info.name, p);
    if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
  }
  return logs_->SetTopicConfig(info.name, logs_->default_config());
}

Status Broker::ApplyTopicConfigs(const TopicInfo& info) {
  ASSIGN_OR_RETURN(storage::LogConfig cfg, TopicLogConfig(config_, info.configs));
  RETURN_IF_ERROR(logs_->SetTopicConfig(info.name, cfg));
  for (int32_t p = 0; p < info.partitions; ++p) {
    if (PartitionState* part = FindPartition(info, p)) {
      part->max_message_bytes = cfg.max_message_bytes;
      part->compression = TopicCompression(cfg);
    }
  }
  return Status::OK();
}

Status Broker::OpenStorage() {
  ASSIGN_OR_RETURN(cluster_id_,
                   LoadOrCreateMetaProperties(config_.log_dirs.front(), config_.node_id, config_.cluster_id));
  storage::LogManagerOptions options;
  options.log_dirs = config_.log_dirs;
  options.default_config = BrokerLogDefaults(config_);
  options.retention_check_interval_ms = config_.log_retention_check_interval_ms;
  // fdatasyncs on the flusher thread; their completions (e.g. a Produce's answer) come back here.
  options.post_flush_completion = [&io = io_](std::function<void()> fn) { asio::post(io, std::move(fn)); };
  ASSIGN_OR_RETURN(logs_, storage::LogManager::Open(std::move(options)));
  if (!logs_->clean_start()) LOG_WARN("log directories were not shut down cleanly: recovered the logs");

  // The catalog: partitions found on disk, with each topic's persisted overrides.
  std::map<std::string, int32_t> counts;
  for (const auto& tp : logs_->Partitions()) counts[tp.topic] = std::max(counts[tp.topic], tp.partition + 1);
  for (const auto& [topic, count] : counts) {
    TopicInfo info;
    info.name = topic;
    info.partitions = count;
    info.internal = topic == kOffsetsTopic;
    // The topic id from partition 0; written anew (to every partition) when missing or unreadable.
    storage::Log* first = logs_->GetLog(topic, 0);
    auto stored = first != nullptr ? ReadPartitionMetadata(*first) : std::nullopt;
    info.id = stored.value_or(kafka::Uuid::Random());
    for (const auto& [k, v] : logs_->TopicConfig(topic).OverridesFrom(logs_->default_config()))
      info.configs[k] = v;
    for (int32_t p = 0; p < count; ++p) {
      storage::Log* log = logs_->GetLog(topic, p);
      if (log == nullptr)
        return Status::Corruption("topic " + topic + " is missing partition " + std::to_string(p));
      if (!stored || ReadPartitionMetadata(*log) != info.id)
        RETURN_IF_ERROR(WritePartitionMetadata(*log, info.id));
      PartitionState& part = RegisterPartition(topic, p, log);
      // Idempotent-producer state and producer ids from the batch headers.
      RETURN_IF_ERROR(
          log->ForEachBatchHeader(log->log_start_offset(), [&](const kafka::RecordBatchHeader& h) {
            part.producers.Observe(h);
            next_producer_id_ = std::max(next_producer_id_, h.producer_id + 1);
            return true;
          }));
    }
    topics_.Add(std::move(info));
  }

  // __consumer_offsets, compacted, and the group coordinator replaying it.
  if (topics_.Find(kOffsetsTopic) == nullptr) {
    RETURN_IF_ERROR(CreateTopic(kOffsetsTopic, config_.offsets_topic_num_partitions,
                                {{"cleanup.policy", "compact"}, {"segment.bytes", "104857600"}})
                        .status());
  }
  const int32_t offsets_partitions = topics_.Find(kOffsetsTopic)->partitions;
  offsets_store_ = std::make_unique<OffsetsTopicStore>(
      io_,
      [this](int32_t p) {
        const TopicInfo* t = topics_.Find(kOffsetsTopic);
        return t ? FindPartition(*t, p) : nullptr;
      },
      [this](PartitionState& part) { OnAppended(part); },
      [this](storage::Log* log, std::function<void(const Status&)> done) {
        logs_->SubmitFlush(log, NowMs(), std::move(done));
      });
  group::GroupConfig gc;
  gc.initial_rebalance_delay_ms = config_.group_initial_rebalance_delay_ms;
  gc.min_session_timeout_ms = config_.group_min_session_timeout_ms;
  gc.max_session_timeout_ms = config_.group_max_session_timeout_ms;
  gc.offsets_topic_num_partitions = offsets_partitions;
  gc.offsets_retention_ms = config_.offsets_retention_ms;
  gc.offsets_retention_check_interval_ms = config_.offsets_retention_check_interval_ms;
  coordinator_ = std::make_unique<group::GroupCoordinator>(io_, gc, offsets_store_.get());
  return ReplayOffsetsTopic();
}

Status Broker::ReplayOffsetsTopic() {
  const TopicInfo* t = topics_.Find(kOffsetsTopic);
  int64_t records = 0;
  std::vector<uint8_t> scratch;
  for (int32_t p = 0; p < t->partitions; ++p) {
    PartitionState* part = FindPartition(*t, p);
    int64_t offset = part->log->log_start_offset();
    while (offset < part->log->log_end_offset()) {
      ASSIGN_OR_RETURN(storage::ReadResult read, part->log->Read(offset, 1 << 20));
      if (read.records.empty()) break;
      kafka::RecordBatchIterator it(read.records.span());
      kafka::RecordBatchView batch;
      while (it.Next(&batch)) {
        offset = batch.header.next_offset();
        if (batch.header.is_control()) continue;
        ASSIGN_OR_RETURN(kafka::RecordReader reader, kafka::RecordReader::Open(batch, &scratch));
        kafka::Record r;
        while (reader.Next(&r)) {
          if (!r.key) continue;
          Status s = coordinator_->Load(*r.key, r.value);
          if (!s.ok()) LOG_WARN("__consumer_offsets-{} offset {}: {}", p, r.offset, s.ToString());
          ++records;
        }
        RETURN_IF_ERROR(reader.status());
      }
      RETURN_IF_ERROR(it.status());
    }
  }
  if (records > 0) LOG_INFO("loaded {} group records from {}", records, kOffsetsTopic);
  return Status::OK();
}

void Broker::ScheduleTick() {
  tick_timer_.expires_after(std::chrono::milliseconds(kTickIntervalMs));
  tick_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || !logs_) return;
    Status s = logs_->Tick(NowMs());
    if (!s.ok()) LOG_WARN("storage tick: {}", s.ToString());
    ScheduleTick();
  });
}

void Broker::CloseStorage() {
  tick_timer_.cancel();
  coordinator_.reset();
  offsets_store_.reset();
  partitions_.clear();
  if (logs_) {
    Status s = logs_->Close();
    if (!s.ok()) LOG_ERROR("closing the logs: {}", s.ToString());
    logs_.reset();
  }
}

}  // namespace sluice::broker
