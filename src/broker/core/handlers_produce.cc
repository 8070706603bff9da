// Produce (v3+: record batches v2 only): validate each partition's single batch (magic, CRC, sizes,
// records), apply idempotent-producer checks, append (offsets assigned by rewriting the batch header
// in place; no re-encoding, except that a topic whose compression.type names a codec gets batches in
// other codecs recompressed), answer with the base offset. acks=0 gets no response; acks=1 and acks=-1
// are the same on a single node: the data is in the log before the answer, and fdatasynced when the
// flush policy says so: the answer then waits for the flusher thread (group commit; the event loop
// goes on serving other connections meanwhile).
// Thread-safety: loop thread only.
#include "broker/core/broker.h"
#include "broker/storage/log.h"
#include "broker/storage/log_manager.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/produce.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

namespace {

ErrorCode ErrorForInvalidBatch(const Status& s) {
  switch (s.code()) {
    case Status::Code::kUnsupported:      // magic 0/1 in Produce v3+
    case Status::Code::kInvalidArgument:  // control batch from a client
      return ErrorCode::kInvalidRecord;
    case Status::Code::kOutOfRange:  // decompression limit
      return ErrorCode::kRecordListTooLarge;
    default:
      return ErrorCode::kCorruptMessage;
  }
}

}  // namespace

void Broker::HandleProduce(const RequestContext& ctx, kafka::AnyMessage& body) {
  auto& req = body.As<msg::ProduceRequest>();
  const int64_t now = NowMs();
  msg::ProduceResponse resp;
  std::vector<std::pair<size_t, size_t>> to_flush;  // (topic, partition) indexes in resp
  std::vector<storage::Log*> flush_logs;
  for (auto& topic : req.topic_data) {
    msg::ProduceResponse::TopicProduceResponse tr;
    tr.name = topic.name;
    const TopicInfo* info = topics_.Find(topic.name);
    for (auto& pd : topic.partition_data) {
      msg::ProduceResponse::PartitionProduceResponse pr;
      pr.index = pd.index;
      auto fail = [&](ErrorCode code, std::string message) {
        pr.error_code = static_cast<int16_t>(code);
        pr.base_offset = -1;
        if (!message.empty()) pr.error_message = std::move(message);
      };
      PartitionState* part = info != nullptr ? FindPartition(*info, pd.index) : nullptr;
      kafka::RecordBatchView batch;
      if (part == nullptr) {
        fail(ErrorCode::kUnknownTopicOrPartition, "");
      } else if (!pd.records || pd.records->empty()) {
        fail(ErrorCode::kInvalidRecord, "empty records");
      } else if (pd.records->size() > static_cast<size_t>(part->max_message_bytes)) {
        fail(ErrorCode::kMessageTooLarge, "record batch of " + std::to_string(pd.records->size()) +
                                              " bytes exceeds max.message.bytes " +
                                              std::to_string(part->max_message_bytes));
      } else if (Status s = kafka::ValidateProduceRecords(pd.records->span(), &batch); !s.ok()) {
        fail(ErrorForInvalidBatch(s), s.message());
      } else if (auto check = part->producers.Validate(batch.header); check.error != ErrorCode::kNone) {
        fail(check.error, "");
      } else if (check.duplicate) {
        pr.base_offset = check.duplicate_base_offset;
        pr.log_start_offset = part->log->log_start_offset();
      } else {
        // The payload buffer belongs to this request alone, so the batch may be edited in place.
        std::span<uint8_t> mutable_batch(const_cast<uint8_t*>(batch.data.data()), batch.data.size());
        // A topic with a compression.type codec stores its batches in that codec.
        std::vector<uint8_t> recompressed;
        if (part->compression && *part->compression != batch.header.compression()) {
          auto r = kafka::RecompressBatch(batch, *part->compression);
          if (!r.ok()) {
            fail(ErrorForInvalidBatch(r.status()), r.status().message());
            tr.partition_responses.push_back(std::move(pr));
            continue;
          }
          recompressed = std::move(*r);
          mutable_batch = recompressed;
        }
        auto appended = part->log->Append(mutable_batch, now);
        if (!appended.ok()) {
          fail(ErrorCode::kKafkaStorageError, appended.status().ToString());
        } else {
          kafka::RecordBatchHeader h = batch.header;
          h.base_offset = appended->base_offset;
          part->producers.Observe(h);
          pr.base_offset = appended->base_offset;
          pr.log_append_time_ms = appended->log_append_time_ms;
          pr.log_start_offset = appended->log_start_offset;
          OnAppended(*part);
          if (appended->flush_due) {
            to_flush.emplace_back(resp.responses.size(), tr.partition_responses.size());
            flush_logs.push_back(part->log);
          }
        }
      }
      tr.partition_responses.push_back(std::move(pr));
    }
    resp.responses.push_back(std::move(tr));
  }
  if (req.acks == 0) {  // no answer to wait for: the flushes run on their own
    for (storage::Log* log : flush_logs) logs_->SubmitFlush(log, now, nullptr);
    ctx.conn->Done();
    return;
  }
  if (flush_logs.empty()) {
    Respond(ctx, resp);
    return;
  }
  // Answer once every flush it needs has completed; a failed fdatasync fails its partition.
  struct Pending {
    RequestContext ctx;
    msg::ProduceResponse resp;
    size_t remaining;
  };
  auto pending = std::make_shared<Pending>(Pending{ctx, std::move(resp), flush_logs.size() + 1});
  auto finish = [this, pending] {
    if (--pending->remaining == 0) Respond(pending->ctx, pending->resp);
  };
  for (size_t i = 0; i < flush_logs.size(); ++i) {
    logs_->SubmitFlush(flush_logs[i], now, [pending, finish, at = to_flush[i]](const Status& st) {
      if (!st.ok()) {
        auto& pr = pending->resp.responses[at.first].partition_responses[at.second];
        pr.error_code = static_cast<int16_t>(ErrorCode::kKafkaStorageError);
        pr.error_message = "flush: " + st.ToString();
        pr.base_offset = -1;
      }
      finish();
    });
  }
  finish();
}

}  // namespace sluice::broker
