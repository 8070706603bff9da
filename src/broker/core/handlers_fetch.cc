// Fetch (v4-v16; v13+ address topics by id; sessionless: session id 0 / epoch -1 is what librdkafka 2.0,
// kafkajs and kafka-python send) and the long poll: a fetch that has fewer than min_bytes waits up to
// max_wait_ms and is answered as soon as an append to one of its partitions brings enough data. Data comes
// from the segment files as whole batches (no per-record work): record sets of 16 KiB or more go from the
// file to the socket by sendfile, smaller ones are read into the response; the first batch is returned
// even when larger than the limits so a consumer always progresses. Without transactions the last stable
// offset equals the high watermark (the log end offset on a single node), so both isolation levels read the
// same data. Thread-safety: loop thread only.
#include <algorithm>

#include "broker/core/broker.h"
#include "broker/storage/log.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/fetch.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

struct Broker::PendingFetch {
  RequestContext ctx;
  msg::FetchRequest request;
  asio::steady_timer timer;
  bool done = false;
  PendingFetch(asio::io_context& io, RequestContext c, msg::FetchRequest r)
      : ctx(std::move(c)), request(std::move(r)), timer(io) {}
};

size_t Broker::ReadForFetch(const msg::FetchRequest& req, int16_t version, msg::FetchResponse* resp,
                            std::vector<std::shared_ptr<const storage::FileSlice>>* slices) {
  size_t total = 0;
  int64_t budget = req.max_bytes <= 0 ? 0 : req.max_bytes;
  for (const auto& ft : req.topics) {
    msg::FetchResponse::FetchableTopicResponse tr;
    // v13+ names topics by id only.
    const bool by_id = version >= 13;
    const TopicInfo* info = by_id ? topics_.FindById(ft.topic_id) : topics_.Find(ft.topic);
    if (by_id) {
      tr.topic_id = ft.topic_id;
    } else {
      tr.topic = ft.topic;
    }
    for (const auto& fp : ft.partitions) {
      msg::FetchResponse::PartitionData pd;
      pd.partition_index = fp.partition;
      PartitionState* part = info != nullptr ? FindPartition(*info, fp.partition) : nullptr;
      if (part == nullptr) {
        pd.error_code = static_cast<int16_t>(by_id && info == nullptr ? ErrorCode::kUnknownTopicId
                                                                      : ErrorCode::kUnknownTopicOrPartition);
        pd.high_watermark = -1;
        tr.partitions.push_back(std::move(pd));
        continue;
      }
      const int64_t leo = part->log->log_end_offset();
      pd.high_watermark = leo;
      pd.last_stable_offset = leo;
      pd.log_start_offset = part->log->log_start_offset();
      if (fp.fetch_offset < pd.log_start_offset || fp.fetch_offset > leo) {
        pd.error_code = static_cast<int16_t>(ErrorCode::kOffsetOutOfRange);
      } else if (fp.fetch_offset < leo && (budget > 0 || total == 0)) {
        // The first partition with data always gets at least one batch.
        const int32_t limit = static_cast<int32_t>(
            std::min<int64_t>(fp.partition_max_bytes, total == 0 ? std::max<int64_t>(budget, 1) : budget));
        // (The Writer leaves values of kGatherThreshold bytes or more out of the frame as refs, so a
        // placeholder of that size is never read.)
        auto read = part->log->Read(fp.fetch_offset, std::max<int32_t>(limit, 1), leo,
                                    /*min_one_batch=*/total == 0, kafka::Writer::kGatherThreshold);
        if (!read.ok()) {
          pd.error_code = static_cast<int16_t>(read.status().code() == Status::Code::kOutOfRange
                                                   ? ErrorCode::kOffsetOutOfRange
                                                   : ErrorCode::kKafkaStorageError);
        } else if (read->file != nullptr) {
          const uint64_t n = read->file->range.length;
          total += n;
          budget -= static_cast<int64_t>(n);
          pd.records = kafka::SharedBytes(read->file, reinterpret_cast<const uint8_t*>(read->file.get()), n);
          slices->push_back(std::move(read->file));
        } else {
          total += read->records.size();
          budget -= static_cast<int64_t>(read->records.size());
          pd.records = std::move(read->records);
        }
      }
      tr.partitions.push_back(std::move(pd));
    }
    resp->responses.push_back(std::move(tr));
  }
  return total;
}

void Broker::RespondFetch(const RequestContext& ctx, const msg::FetchResponse& resp,
                          const std::vector<std::shared_ptr<const storage::FileSlice>>& slices) {
  std::vector<uint8_t> frame;
  std::vector<kafka::BytesRef> refs;
  Status s =
      kafka::EncodeResponseFrame(ctx.api_key, ctx.api_version, ctx.correlation_id, resp, &frame, &refs);
  if (!s.ok()) {
    ctx.conn->Close("cannot encode response: " + s.ToString());
    return;
  }
  for (kafka::BytesRef& ref : refs) {
    for (const auto& slice : slices) {
      if (ref.bytes.data() != reinterpret_cast<const uint8_t*>(slice.get())) continue;
      ref.fd = slice->file.fd();
      ref.file_offset = slice->range.offset;
      break;
    }
  }
  ctx.conn->Respond(std::move(frame), std::move(refs));
}

void Broker::HandleFetch(const RequestContext& ctx, kafka::AnyMessage& body) {
  auto& req = body.As<msg::FetchRequest>();
  msg::FetchResponse resp;
  std::vector<std::shared_ptr<const storage::FileSlice>> slices;
  const size_t bytes = ReadForFetch(req, ctx.api_version, &resp, &slices);
  bool any_error = false;
  for (const auto& t : resp.responses) {
    for (const auto& p : t.partitions) any_error |= p.error_code != 0;
  }
  if (req.max_wait_ms <= 0 || bytes >= static_cast<size_t>(std::max(req.min_bytes, 1)) || any_error) {
    RespondFetch(ctx, resp, slices);
    return;
  }
  // Park until data arrives or max_wait_ms passes.
  auto pending = std::make_shared<PendingFetch>(io_, ctx, std::move(req));
  pending_fetches_.push_back(pending);
  pending->timer.expires_after(std::chrono::milliseconds(pending->request.max_wait_ms));
  pending->timer.async_wait([this, weak = std::weak_ptr<PendingFetch>(pending)](const asio::error_code& ec) {
    auto p = weak.lock();
    if (ec || !p) return;
    CompleteFetch(p, /*force=*/true);
  });
}

void Broker::CompleteFetch(const std::shared_ptr<PendingFetch>& p, bool force) {
  if (p->done) return;
  if (p->ctx.conn->closed()) {
    p->done = true;
  } else {
    msg::FetchResponse resp;
    std::vector<std::shared_ptr<const storage::FileSlice>> slices;
    const size_t bytes = ReadForFetch(p->request, p->ctx.api_version, &resp, &slices);
    if (!force && bytes < static_cast<size_t>(std::max(p->request.min_bytes, 1))) return;
    p->done = true;
    RespondFetch(p->ctx, resp, slices);
  }
  p->timer.cancel();
  std::erase_if(pending_fetches_, [](const auto& q) { return q->done; });
}

void Broker::CancelPendingFetches() {
  for (auto& p : pending_fetches_) {
    p->done = true;
    p->timer.cancel();
  }
  pending_fetches_.clear();
}

void Broker::OnAppended(PartitionState& part) {
  if (pending_fetches_.empty()) return;
  // Re-check the parked fetches that read this partition (a copy: completing erases from the list).
  auto pending = pending_fetches_;
  const TopicInfo* info = topics_.Find(part.topic);
  const kafka::Uuid* topic_id = info != nullptr ? &info->id : nullptr;
  for (const auto& p : pending) {
    bool interested = false;
    for (const auto& t : p->request.topics) {
      const bool same =
          p->ctx.api_version >= 13 ? topic_id != nullptr && t.topic_id == *topic_id : t.topic == part.topic;
      if (!same) continue;
      for (const auto& fp : t.partitions) interested |= fp.partition == part.partition;
    }
    if (interested) CompleteFetch(p, /*force=*/false);
  }
}

}  // namespace sluice::broker
