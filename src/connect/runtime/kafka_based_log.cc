// KafkaBasedLog: see kafka_based_log.h.
#include "connect/runtime/kafka_based_log.h"

#include <chrono>

#include "base/logging.h"

namespace sluice::connect {
namespace {

struct DeliveryContext {
  std::function<void(const Status&)> done;
};

}  // namespace

KafkaBasedLog::KafkaBasedLog(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic,
                             ConsumeFn consume)
    : producer_options_(std::move(producer)),
      consumer_options_(std::move(consumer)),
      spec_(std::move(topic)),
      consume_(std::move(consume)) {}

KafkaBasedLog::~KafkaBasedLog() { Stop(); }

void KafkaBasedLog::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* /*opaque*/) {
  auto* ctx = static_cast<DeliveryContext*>(msg->_private);
  if (ctx == nullptr) return;
  if (ctx->done) {
    ctx->done(msg->err == RD_KAFKA_RESP_ERR_NO_ERROR ? Status::OK()
                                                     : KafkaError(msg->err, "write to config log"));
  }
  delete ctx;
}

Status KafkaBasedLog::Start(int timeout_ms) {
  producer_options_.base["acks"] = "all";
  producer_options_.base["enable.idempotence"] = "true";
  producer_options_.base["linger.ms"] = "0";
  producer_options_.dr_msg_cb = &KafkaBasedLog::OnDelivery;
  ASSIGN_OR_RETURN(producer_, NewProducer(producer_options_));
  consumer_options_.base["enable.partition.eof"] = "true";
  consumer_options_.base["enable.auto.commit"] = "false";
  consumer_options_.base["auto.offset.reset"] = "earliest";
  consumer_options_.base["group.id"] = "sluice-kafka-based-log";  // never joined: partitions are assigned
  consumer_options_.base["fetch.wait.max.ms"] = "50";
  ASSIGN_OR_RETURN(consumer_, NewConsumer(consumer_options_));

  RETURN_IF_ERROR(EnsureTopics(producer_.get(), {spec_}, timeout_ms));
  ASSIGN_OR_RETURN(partitions_, PartitionCount(producer_.get(), spec_.name, timeout_ms));
  {
    std::lock_guard<std::mutex> lock(mu_);
    positions_.assign(static_cast<size_t>(partitions_), 0);
  }
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions_);
  for (int32_t p = 0; p < partitions_; ++p) {
    rd_kafka_topic_partition_list_add(parts, spec_.name.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "assign " + spec_.name);
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  return ReadToEnd(timeout_ms);
}

void KafkaBasedLog::Stop() {
  if (!thread_.joinable()) return;
  if (producer_) rd_kafka_flush(producer_.get(), 5000);
  stop_ = true;
  thread_.join();
  if (consumer_) rd_kafka_consumer_close(consumer_.get());
  consumer_.reset();
  producer_.reset();
}

void KafkaBasedLog::Run() {
  while (!stop_) {
    rd_kafka_poll(producer_.get(), 0);
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(consumer_.get(), 50);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      std::lock_guard<std::mutex> lock(mu_);
      if (msg->partition >= 0 && msg->partition < partitions_) {
        auto& pos = positions_[static_cast<size_t>(msg->partition)];
        pos = std::max(pos, msg->offset);
      }
      cv_.notify_all();
    } else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      LOG_ONCE(::spdlog::level::warn, "kbl:" + spec_.name + std::to_string(msg->err), "reading {}: {}",
               spec_.name, rd_kafka_message_errstr(msg));
    } else {
      LogRecord rec;
      if (msg->key != nullptr) rec.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload != nullptr) rec.value.emplace(static_cast<const char*>(msg->payload), msg->len);
      rec.partition = msg->partition;
      rec.offset = msg->offset;
      consume_(rec);
      std::lock_guard<std::mutex> lock(mu_);
      if (msg->partition >= 0 && msg->partition < partitions_) {
        auto& pos = positions_[static_cast<size_t>(msg->partition)];
        pos = std::max(pos, msg->offset + 1);
      }
      cv_.notify_all();
    }
    rd_kafka_message_destroy(msg);
  }
}

Status KafkaBasedLog::Send(const std::string& key, const std::optional<std::string>& value,
                           std::function<void(const Status&)> done) {
  auto* ctx = new DeliveryContext{std::move(done)};
  ProduceArgs args;
  args.topic = spec_.name.c_str();
  args.key = key.data();
  args.key_len = key.size();
  if (value) {
    args.value = value->data();
    args.value_len = value->size();
  }
  args.opaque = ctx;
  rd_kafka_resp_err_t err = Produce(producer_.get(), args);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delete ctx;
    return KafkaError(err, "write to " + spec_.name);
  }
  return Status::OK();
}

Status KafkaBasedLog::Flush(int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(producer_.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "flush " + spec_.name);
  return Status::OK();
}

Status KafkaBasedLog::ReadToEnd(int timeout_ms) {
  std::vector<int64_t> ends(static_cast<size_t>(partitions_), 0);
  for (int32_t p = 0; p < partitions_; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(consumer_.get(), spec_.name.c_str(), p, &low, &high, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "end offsets of " + spec_.name);
    ends[static_cast<size_t>(p)] = high;
  }
  std::unique_lock<std::mutex> lock(mu_);
  bool done = cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    for (size_t p = 0; p < ends.size(); ++p) {
      if (positions_[p] < ends[p]) return false;
    }
    return true;
  });
  if (!done) return Status::Timeout("timed out reading " + spec_.name + " to its end");
  return Status::OK();
}

}  // namespace sluice::connect
