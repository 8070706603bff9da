// Produce (v3+: record batches v2 only): validate each partition's single batch (magic, CRC, sizes,
// records), apply idempotent-producer checks, append (offsets assigned by rewriting the batch header
// in place; no re-encoding, except that a topic whose compression.type names a codec gets batches in
// other codecs recompressed), answer with the base offset. acks=0 gets no response; acks=1 and acks=-1
// are the same on a single node: the data is in the log (and fsynced when the flush policy says so)
// before the answer.
// Thread-safety: loop thread only.
#include "broker/core/broker.h"
#include "broker/storage/log.h"
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
        }
      }
      tr.partition_responses.push_back(std::move(pr));
    }
    resp.responses.push_back(std::move(tr));
  }
  if (req.acks == 0) {
    ctx.conn->Done();
    return;
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
