// ListOffsets v0-v7: earliest (-2), latest (-1), max timestamp (-3, v7) and by timestamp through the
// time index. v0 answers in old_style_offsets.
// Thread-safety: loop thread only.
#include "broker/core/broker.h"
#include "broker/storage/log.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/list_offsets.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

namespace {
constexpr int64_t kLatest = -1;

// The (offset, timestamp) of the first record at or after `offset` in the batch containing it that
// satisfies `pred`.
std::optional<std::pair<int64_t, int64_t>> FindRecordInBatch(
    PartitionState& part, int64_t offset, const std::function<bool(const kafka::Record&)>& pred) {
  auto read = part.log->Read(offset, 1);
  if (!read.ok() || read->records.empty()) return std::nullopt;
  kafka::RecordBatchIterator it(read->records.span());
  kafka::RecordBatchView batch;
  std::vector<uint8_t> scratch;
  if (!it.Next(&batch)) return std::nullopt;
  auto reader = kafka::RecordReader::Open(batch, &scratch);
  if (!reader.ok()) return std::nullopt;
  kafka::Record r;
  while (reader->Next(&r)) {
    if (r.offset >= offset && pred(r)) return std::make_pair(r.offset, r.timestamp);
  }
  return std::nullopt;
}

constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;
}  // namespace

void Broker::HandleListOffsets(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::ListOffsetsRequest>();
  msg::ListOffsetsResponse resp;
  for (const auto& t : req.topics) {
    msg::ListOffsetsResponse::ListOffsetsTopicResponse tr;
    tr.name = t.name;
    const TopicInfo* info = topics_.Find(t.name);
    for (const auto& p : t.partitions) {
      msg::ListOffsetsResponse::ListOffsetsPartitionResponse pr;
      pr.partition_index = p.partition_index;
      PartitionState* part = info != nullptr ? FindPartition(*info, p.partition_index) : nullptr;
      if (part == nullptr) {
        pr.error_code = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
        tr.partitions.push_back(std::move(pr));
        continue;
      }
      int64_t offset = -1;
      int64_t timestamp = -1;
      if (p.timestamp == kLatest) {
        offset = part->log->log_end_offset();
      } else if (p.timestamp == kEarliest) {
        offset = part->log->log_start_offset();
      } else if (p.timestamp == kMaxTimestamp) {
        // The batch holding the largest timestamp, then the record in it that has it.
        int64_t best_ts = -1;
        int64_t best_base = -1;
        Status s = part->log->ForEachBatchHeader(part->log->log_start_offset(),
                                                 [&](const kafka::RecordBatchHeader& h) {
                                                   if (h.max_timestamp > best_ts) {
                                                     best_ts = h.max_timestamp;
                                                     best_base = h.base_offset;
                                                   }
                                                   return true;
                                                 });
        if (!s.ok()) {
          pr.error_code = static_cast<int16_t>(ErrorCode::kKafkaStorageError);
        } else if (best_base >= 0) {
          auto rec = FindRecordInBatch(*part, best_base,
                                       [&](const kafka::Record& r) { return r.timestamp == best_ts; });
          offset = rec ? rec->first : best_base;
          timestamp = best_ts;
        }
      } else if (p.timestamp < 0) {
        pr.error_code = static_cast<int16_t>(ErrorCode::kInvalidRequest);
      } else {
        auto found = part->log->OffsetForTimestamp(p.timestamp);
        if (!found.ok()) {
          pr.error_code = static_cast<int16_t>(ErrorCode::kKafkaStorageError);
        } else if (*found) {
          offset = **found;
          auto rec =
              FindRecordInBatch(*part, offset, [&](const kafka::Record& r) { return r.offset >= offset; });
          timestamp = rec ? rec->second : p.timestamp;
        }
      }
      if (ctx.api_version == 0) {
        if (pr.error_code == 0 && offset >= 0) pr.old_style_offsets.push_back(offset);
      } else {
        pr.offset = offset;
        pr.timestamp = timestamp;
        if (ctx.api_version >= 4) pr.leader_epoch = 0;
      }
      tr.partitions.push_back(std::move(pr));
    }
    resp.topics.push_back(std::move(tr));
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
