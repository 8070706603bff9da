// Log compaction (cleanup.policy=compact): Log::Compact.
//
// Simple and correct rather than fast: each run decodes the whole log once to find the latest offset
// of every key (active segment included), then rewrites each cleanable segment whose content changes.
//  - cleanable: the non-active segments, oldest first, up to the first one whose newest timestamp is
//    within min.compaction.lag.ms of now;
//  - a keyed record survives if it is the latest for its key, unless it is a tombstone (null value)
//    in a segment whose newest timestamp is older than delete.retention.ms; records without a key,
//    control batches and transactional batches are kept as they are;
//  - a batch keeps its baseOffset, lastOffsetDelta, timestamps, producer fields and codec; survivors
//    keep their offset and timestamp deltas, so no offset or timestamp changes. A batch that loses
//    every record is dropped (unlike Kafka, which keeps the last batch of an idempotent producer).
// Crash safety: the new segment is written as <base>.log.cleaned/.index.cleaned/.timeindex.cleaned and
// fsynced; renaming the .log over the old one is the commit point. Log::Open deletes .cleaned files
// while a .log.cleaned exists (not committed) and otherwise renames the remaining index files.
//
// Thread-safety: PrepareCompaction and CommitCompaction run on the Log's (event-loop) thread;
// CompactionJob::Run touches only its snapshot and its own files, so LogManager runs it on its cleaner
// thread (see log_manager.h).
#include <string>
#include <unordered_map>

#include "base/logging.h"
#include "broker/storage/log.h"
#include "kafka/protocol/compression.h"
#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker::storage {

using kafka::Record;
using kafka::RecordBatchHeader;
using kafka::RecordBatchView;

namespace {

constexpr size_t kScanChunk = 1 << 20;

bool OlderThan(int64_t t, int64_t now, int64_t age) {
  if (age < 0 || age == std::numeric_limits<int64_t>::max()) return false;
  return t < now - age;
}

void WriteNullable(kafka::Writer& w, const std::optional<std::span<const uint8_t>>& b) {
  if (!b) {
    w.WriteVarint(-1);
    return;
  }
  w.WriteVarint(static_cast<int32_t>(b->size()));
  w.WriteRaw(b->data(), b->size());
}

// Appends one record (layout in record_batch.h) with its original deltas.
void EncodeRecord(const Record& r, std::vector<uint8_t>* body, kafka::Writer& out) {
  body->clear();
  kafka::Writer w(body);
  w.WriteInt8(r.attributes);
  w.WriteVarlong(r.timestamp_delta);
  w.WriteVarint(r.offset_delta);
  WriteNullable(w, r.key);
  WriteNullable(w, r.value);
  w.WriteVarint(static_cast<int32_t>(r.headers.size()));
  for (const kafka::RecordHeader& h : r.headers) {
    w.WriteVarint(static_cast<int32_t>(h.key.size()));
    w.WriteRaw(h.key.data(), h.key.size());
    WriteNullable(w, h.value);
  }
  out.WriteVarint(static_cast<int32_t>(body->size()));
  out.WriteRaw(body->data(), body->size());
}

// A batch like `h` holding only `records` (encoded in `encoded`, uncompressed).
Result<std::vector<uint8_t>> BuildRetainedBatch(const RecordBatchHeader& h, int32_t count,
                                                const std::vector<uint8_t>& encoded) {
  std::vector<uint8_t> out(kafka::kRecordBatchHeaderSize);
  if (h.compression() == kafka::CompressionType::kNone) {
    out.insert(out.end(), encoded.begin(), encoded.end());
  } else {
    std::vector<uint8_t> compressed;
    RETURN_IF_ERROR(kafka::Compress(h.compression(), encoded, &compressed));
    out.insert(out.end(), compressed.begin(), compressed.end());
  }
  uint8_t* p = out.data();
  StoreBE64(p + kafka::kBaseOffsetPos, static_cast<uint64_t>(h.base_offset));
  StoreBE32(p + kafka::kBatchLengthPos, static_cast<uint32_t>(out.size() - kafka::kLogOverhead));
  StoreBE32(p + kafka::kPartitionLeaderEpochPos, static_cast<uint32_t>(h.partition_leader_epoch));
  p[kafka::kMagicPos] = static_cast<uint8_t>(kafka::kMagicV2);
  p[kafka::kAttributesPos] = static_cast<uint8_t>(static_cast<uint16_t>(h.attributes) >> 8);
  p[kafka::kAttributesPos + 1] = static_cast<uint8_t>(h.attributes);
  StoreBE32(p + kafka::kLastOffsetDeltaPos, static_cast<uint32_t>(h.last_offset_delta));
  StoreBE64(p + kafka::kBaseTimestampPos, static_cast<uint64_t>(h.base_timestamp));
  StoreBE64(p + kafka::kMaxTimestampPos, static_cast<uint64_t>(h.max_timestamp));
  StoreBE64(p + kafka::kProducerIdPos, static_cast<uint64_t>(h.producer_id));
  p[kafka::kProducerEpochPos] = static_cast<uint8_t>(static_cast<uint16_t>(h.producer_epoch) >> 8);
  p[kafka::kProducerEpochPos + 1] = static_cast<uint8_t>(h.producer_epoch);
  StoreBE32(p + kafka::kBaseSequencePos, static_cast<uint32_t>(h.base_sequence));
  StoreBE32(p + kafka::kRecordsCountPos, static_cast<uint32_t>(count));
  StoreBE32(p + kafka::kCrcPos, kafka::Crc32c(p + kafka::kAttributesPos, out.size() - kafka::kAttributesPos));
  return out;
}

bool Compactable(const RecordBatchHeader& h) { return !h.is_control() && !h.is_transactional(); }

}  // namespace

Result<std::unique_ptr<CompactionJob>> Log::PrepareCompaction(int64_t now_ms) {
  if (!config_.cleanup_compact || closed_ || segments_.size() < 2) return std::unique_ptr<CompactionJob>();
  auto job = std::unique_ptr<CompactionJob>(new CompactionJob());
  job->dir_ = dir_;
  job->config_ = config_;
  job->now_ms_ = now_ms;
  job->dirty_bytes_ = dirty_bytes_;
  // Cleanable: the non-active segments, oldest first, up to the first within min.compaction.lag.ms.
  bool lagging = false;
  for (const auto& [base, seg] : segments_) {
    CompactionJob::Segment s;
    s.base_offset = base;
    ASSIGN_OR_RETURN(s.log, seg->log_file().Dup());
    s.size = seg->size();
    s.retention_time_ms = seg->retention_time_ms();
    if (config_.min_compaction_lag_ms > 0 &&
        !OlderThan(seg->retention_time_ms(), now_ms, config_.min_compaction_lag_ms)) {
      lagging = true;
    }
    s.cleanable = seg.get() != active() && !lagging;
    job->segments_.push_back(std::move(s));
  }
  return job;
}

Status CompactionJob::Run(const std::atomic<bool>* cancel) {
  auto cancelled = [cancel] { return cancel != nullptr && cancel->load(std::memory_order_relaxed); };
  // 1. The latest offset of every key, over the whole snapshot.
  std::unordered_map<std::string, int64_t> latest;
  std::vector<uint8_t> scratch;
  for (const Segment& seg : segments_) {
    BatchScanner scanner(seg.log, 0, seg.size, kScanChunk);
    RecordBatchHeader h;
    uint64_t pos;
    while (true) {
      if (cancelled()) return Status::Aborted(dir_ + ": compaction cancelled");
      ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
      if (outcome == BatchScanner::Outcome::kEnd) break;
      if (outcome != BatchScanner::Outcome::kBatch)
        return Status::Corruption(dir_ + ": bad batch while compacting");
      if (!Compactable(h)) continue;
      ASSIGN_OR_RETURN(std::span<const uint8_t> bytes, scanner.BatchBytes());
      ASSIGN_OR_RETURN(kafka::RecordReader reader,
                       kafka::RecordReader::Open(RecordBatchView{h, bytes}, &scratch));
      Record r;
      while (reader.Next(&r)) {
        if (r.key) latest.insert_or_assign(std::string(kafka::AsStringView(*r.key)), r.offset);
      }
      RETURN_IF_ERROR(reader.status());
    }
  }

  // 2. Rewrite the cleanable segments that lose records, as fsynced .cleaned files.
  std::vector<uint8_t> encoded, body;
  for (const Segment& seg : segments_) {
    if (!seg.cleanable) continue;
    const bool drop_tombstones = OlderThan(seg.retention_time_ms, now_ms_, config_.delete_retention_ms);
    ASSIGN_OR_RETURN(std::unique_ptr<LogSegment> out,
                     LogSegment::Create(dir_, seg.base_offset, config_.index_interval_bytes, kCleanedSuffix));
    int64_t removed = 0;
    BatchScanner scanner(seg.log, 0, seg.size, kScanChunk);
    RecordBatchHeader h;
    uint64_t pos;
    Status st;
    while (st.ok()) {
      if (cancelled()) {
        st = Status::Aborted(dir_ + ": compaction cancelled");
        break;
      }
      auto outcome = scanner.Next(&h, &pos);
      if (!outcome.ok()) {
        st = outcome.status();
        break;
      }
      if (*outcome == BatchScanner::Outcome::kEnd) break;
      if (*outcome != BatchScanner::Outcome::kBatch) {
        st = Status::Corruption(dir_ + ": bad batch while compacting");
        break;
      }
      auto bytes = scanner.BatchBytes();
      if (!bytes.ok()) {
        st = bytes.status();
        break;
      }
      if (!Compactable(h)) {
        st = out->Append(*bytes, h, now_ms_);
        continue;
      }
      auto reader = kafka::RecordReader::Open(RecordBatchView{h, *bytes}, &scratch);
      if (!reader.ok()) {
        st = reader.status();
        break;
      }
      encoded.clear();
      kafka::Writer w(&encoded);
      int32_t kept = 0, total = 0;
      Record r;
      while (reader->Next(&r)) {
        ++total;
        bool keep = true;
        if (r.key) {
          auto it = latest.find(std::string(kafka::AsStringView(*r.key)));
          keep = it != latest.end() && it->second == r.offset && !(drop_tombstones && !r.value);
        }
        if (!keep) continue;
        ++kept;
        EncodeRecord(r, &body, w);
      }
      st = reader->status();
      if (!st.ok()) break;
      removed += total - kept;
      if (kept == total) {
        st = out->Append(*bytes, h, now_ms_);
      } else if (kept > 0) {
        auto batch = BuildRetainedBatch(h, kept, encoded);
        if (!batch.ok()) {
          st = batch.status();
          break;
        }
        RecordBatchHeader nh;
        st = kafka::ParseRecordBatchHeader(*batch, &nh);
        if (st.ok()) st = out->Append(*batch, nh, now_ms_);
      }
    }
    if (!st.ok() || removed == 0) {
      (void)out->Delete();
      if (!st.ok()) {
        Discard();
        return st;
      }
      continue;
    }
    // The new files are complete and durable; committing renames them in.
    Status done = out->OnRoll();
    const uint64_t new_size = out->size();
    if (done.ok()) done = out->Close();
    if (!done.ok()) {
      (void)out->Delete();
      Discard();
      return done;
    }
    rewritten_.push_back({seg.base_offset, seg.size, new_size, removed});
  }
  return Status::OK();
}

void CompactionJob::Discard() {
  const std::string cleaned(kCleanedSuffix);
  for (const Rewritten& r : rewritten_) {
    // Indexes before the .log (see LogSegment::Delete).
    for (std::string_view suffix : {kIndexSuffix, kTimeIndexSuffix, kLogSuffix}) {
      (void)RemoveFile(SegmentFileName(dir_, r.base_offset, std::string(suffix) + cleaned));
    }
  }
  rewritten_.clear();
}

Status Log::CommitCompaction(CompactionJob& job, CompactionStats* stats) {
  CompactionStats local;
  if (stats == nullptr) stats = &local;
  *stats = {};
  const std::string cleaned(kCleanedSuffix);
  for (const CompactionJob::Rewritten& r : job.rewritten_) {
    auto it = segments_.find(r.base_offset);
    // Gone (retention, DeleteRecords) or not what was read: drop the cleaned copy.
    if (closed_ || it == segments_.end() || it->second.get() == active() ||
        it->second->size() != r.size_before) {
      for (std::string_view suffix : {kIndexSuffix, kTimeIndexSuffix, kLogSuffix}) {
        (void)RemoveFile(SegmentFileName(dir_, r.base_offset, std::string(suffix) + cleaned));
      }
      continue;
    }
    // Commit: rename the .log (the commit point), then the indexes, and reopen the segment.
    RETURN_IF_ERROR(it->second->Close());
    RETURN_IF_ERROR(RenameFile(SegmentFileName(dir_, r.base_offset, std::string(kLogSuffix) + cleaned),
                               SegmentFileName(dir_, r.base_offset, kLogSuffix)));
    RETURN_IF_ERROR(SyncDir(dir_));
    for (std::string_view suffix : {kIndexSuffix, kTimeIndexSuffix}) {
      RETURN_IF_ERROR(RenameFile(SegmentFileName(dir_, r.base_offset, std::string(suffix) + cleaned),
                                 SegmentFileName(dir_, r.base_offset, suffix)));
    }
    RETURN_IF_ERROR(SyncDir(dir_));
    ASSIGN_OR_RETURN(it->second, LogSegment::Open(dir_, r.base_offset, config_.index_interval_bytes, false));
    stats->segments_rewritten++;
    stats->records_removed += r.records_removed;
    stats->bytes_before += static_cast<int64_t>(r.size_before);
    stats->bytes_after += static_cast<int64_t>(r.size_after);
    LOG_DEBUG("{}: compacted segment {}: {} records removed", dir_, r.base_offset, r.records_removed);
  }
  job.rewritten_.clear();
  dirty_bytes_ = dirty_bytes_ > job.dirty_bytes_ ? dirty_bytes_ - job.dirty_bytes_ : 0;
  return Status::OK();
}

Status Log::Compact(int64_t now_ms, CompactionStats* stats) {
  CompactionStats local;
  if (stats == nullptr) stats = &local;
  *stats = {};
  ASSIGN_OR_RETURN(std::unique_ptr<CompactionJob> job, PrepareCompaction(now_ms));
  if (!job) return Status::OK();
  RETURN_IF_ERROR(job->Run());
  return CommitCompaction(*job, stats);
}

}  // namespace sluice::broker::storage
