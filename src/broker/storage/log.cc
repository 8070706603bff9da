// Log: segments, offsets, appends, reads, retention (see log.h). Compaction is in log_cleaner.cc.
#include "broker/storage/log.h"

#include <algorithm>
#include <chrono>

#include "base/logging.h"
#include "kafka/protocol/crc32c.h"

namespace sluice::broker::storage {

using kafka::RecordBatchHeader;

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// True when `t` lies more than `age` ms before `now` (age INT64_MAX or negative: never).
bool OlderThan(int64_t t, int64_t now, int64_t age) {
  if (age < 0 || age == std::numeric_limits<int64_t>::max()) return false;
  return t < now - age;
}

}  // namespace

Result<std::unique_ptr<Log>> Log::Create(const std::string& dir, const LogConfig& config) {
  RETURN_IF_ERROR(CreateDirs(dir));
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  for (const std::string& name : names) {
    if (ParseSegmentFileName(name, kLogSuffix)) return Status::AlreadyExists("log already exists in " + dir);
  }
  RETURN_IF_ERROR(SyncDir(DirName(dir)));
  return Open(dir, config, /*recover=*/false);
}

Result<std::unique_ptr<Log>> Log::Open(const std::string& dir, const LogConfig& config, bool recover) {
  std::unique_ptr<Log> log(new Log(dir, config));
  RETURN_IF_ERROR(log->LoadSegments(recover));
  return log;
}

Status Log::LoadSegments(bool recover) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir_));
  std::vector<int64_t> bases;
  std::map<int64_t, int> cleaned_bits;  // base -> bit 1: .log.cleaned, bit 2: index files .cleaned
  std::vector<std::pair<int64_t, std::string>> index_files;
  const std::string cleaned(kCleanedSuffix);
  const std::string log_cleaned = std::string(kLogSuffix) + cleaned;
  const std::string index_cleaned = std::string(kIndexSuffix) + cleaned;
  const std::string time_cleaned = std::string(kTimeIndexSuffix) + cleaned;
  for (const std::string& name : names) {
    if (name.ends_with(".tmp")) {
      RETURN_IF_ERROR(RemoveFile(dir_ + "/" + name));
      continue;
    }
    std::optional<int64_t> b;
    if ((b = ParseSegmentFileName(name, kLogSuffix))) {
      bases.push_back(*b);
    } else if ((b = ParseSegmentFileName(name, log_cleaned))) {
      cleaned_bits[*b] |= 1;
    } else if ((b = ParseSegmentFileName(name, index_cleaned)) ||
               (b = ParseSegmentFileName(name, time_cleaned))) {
      cleaned_bits[*b] |= 2;
    } else if ((b = ParseSegmentFileName(name, kIndexSuffix)) ||
               (b = ParseSegmentFileName(name, kTimeIndexSuffix))) {
      index_files.emplace_back(*b, name);
    }
  }
  // Interrupted compaction: the rename of the .log is the commit point (log_cleaner.cc).
  for (const auto& [base, bits] : cleaned_bits) {
    for (std::string_view suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
      std::string cleaned_name = SegmentFileName(dir_, base, std::string(suffix) + cleaned);
      if (bits & 1) {
        RETURN_IF_ERROR(RemoveFile(cleaned_name));  // not committed: the old segment is intact
      } else if (PathExists(cleaned_name)) {
        RETURN_IF_ERROR(RenameFile(cleaned_name, SegmentFileName(dir_, base, suffix)));
      }
    }
  }
  std::sort(bases.begin(), bases.end());
  for (const auto& [base, name] : index_files) {
    if (!std::binary_search(bases.begin(), bases.end(), base)) RETURN_IF_ERROR(RemoveFile(dir_ + "/" + name));
  }

  // Log start offset checkpoint.
  std::optional<int64_t> checkpoint;
  if (auto bytes = ReadWholeFile(LogStartOffsetPath()); bytes.ok()) {
    const std::vector<uint8_t>& b = *bytes;
    if (b.size() == 16 && LoadBE32(b.data()) == kLogStartOffsetMagic &&
        LoadBE32(b.data() + 12) == kafka::Crc32c(b.data(), 12) &&
        static_cast<int64_t>(LoadBE64(b.data() + 4)) >= 0) {
      checkpoint = static_cast<int64_t>(LoadBE64(b.data() + 4));
    } else {
      LOG_WARN("{}: ignoring corrupt {}", dir_, kLogStartOffsetFile);
    }
  } else if (bytes.status().code() != Status::Code::kNotFound) {
    return bytes.status();
  }

  for (size_t i = 0; i < bases.size(); ++i) {
    bool last = i + 1 == bases.size();
    uint64_t truncated = 0;
    ASSIGN_OR_RETURN(
        std::unique_ptr<LogSegment> seg,
        LogSegment::Open(dir_, bases[i], config_.index_interval_bytes, recover && last, &truncated));
    if (!last && seg->next_offset() > bases[i + 1]) {
      return Status::Corruption(dir_ + ": segment " + std::to_string(bases[i]) +
                                " overlaps the next segment");
    }
    segments_.emplace(bases[i], std::move(seg));
  }
  if (segments_.empty()) {
    int64_t base = checkpoint.value_or(0);
    ASSIGN_OR_RETURN(std::unique_ptr<LogSegment> seg,
                     LogSegment::Create(dir_, base, config_.index_interval_bytes));
    segments_.emplace(base, std::move(seg));
    RETURN_IF_ERROR(SyncDir(dir_));
  }
  next_offset_ = active()->next_offset();
  log_start_offset_ = std::max(checkpoint.value_or(0), segments_.begin()->first);
  if (log_start_offset_ > next_offset_) {
    // Data above the persisted start offset was lost (e.g. power loss without flush): start afresh there.
    LOG_WARN("{}: log start offset {} is above the recovered log end {}; emptying the log", dir_,
             log_start_offset_, next_offset_);
    while (!segments_.empty()) {
      RETURN_IF_ERROR(segments_.begin()->second->Delete());
      segments_.erase(segments_.begin());
    }
    ASSIGN_OR_RETURN(std::unique_ptr<LogSegment> seg,
                     LogSegment::Create(dir_, log_start_offset_, config_.index_interval_bytes));
    segments_.emplace(log_start_offset_, std::move(seg));
    RETURN_IF_ERROR(SyncDir(dir_));
    next_offset_ = log_start_offset_;
  }
  RETURN_IF_ERROR(DeleteSegmentsBelowStart());
  dirty_bytes_ = size_bytes();
  return Status::OK();
}

uint64_t Log::size_bytes() const {
  uint64_t total = 0;
  for (const auto& [base, seg] : segments_) total += seg->size();
  return total;
}

std::vector<int64_t> Log::segment_base_offsets() const {
  std::vector<int64_t> out;
  for (const auto& [base, seg] : segments_) out.push_back(base);
  return out;
}

Status Log::Roll(int64_t now_ms) {
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(active()->OnRoll());
  ASSIGN_OR_RETURN(std::unique_ptr<LogSegment> seg,
                   LogSegment::Create(dir_, next_offset_, config_.index_interval_bytes));
  segments_.emplace(next_offset_, std::move(seg));
  (void)now_ms;
  RETURN_IF_ERROR(SyncDir(dir_));
  // As Kafka: "Rolled new log segment at offset N in M ms."
  LOG_INFO("{}: rolled new log segment at offset {} in {} ms", dir_, next_offset_,
           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
               .count());
  return Status::OK();
}

Result<AppendResult> Log::Append(std::span<uint8_t> batch, int64_t now_ms) {
  RecordBatchHeader h;
  Status st = kafka::ParseRecordBatchHeader(batch, &h);
  if (!st.ok()) return Status::InvalidArgument(st.message());
  if (h.size_bytes() != batch.size() || h.last_offset_delta < 0) {
    return Status::InvalidArgument("not exactly one non-empty record batch");
  }
  RETURN_IF_ERROR(kafka::SetBaseOffset(batch, next_offset_));
  h.base_offset = next_offset_;
  int64_t append_time = -1;
  if (config_.message_timestamp_type == TimestampType::kLogAppendTime) {
    append_time = now_ms;
    RETURN_IF_ERROR(kafka::SetLogAppendTime(batch, now_ms));
    h.attributes |= kafka::kTimestampTypeBit;
    h.max_timestamp = now_ms;
  }
  return AppendToActive(batch, h, now_ms, append_time);
}

Result<AppendResult> Log::AppendRaw(std::span<const uint8_t> batch, int64_t now_ms) {
  RecordBatchHeader h;
  Status st = kafka::ParseRecordBatchHeader(batch, &h);
  if (!st.ok()) return Status::InvalidArgument(st.message());
  if (h.size_bytes() != batch.size() || h.last_offset_delta < 0) {
    return Status::InvalidArgument("not exactly one non-empty record batch");
  }
  if (h.base_offset < next_offset_) {
    return Status::InvalidArgument("batch base offset " + std::to_string(h.base_offset) +
                                   " is below the log end offset " + std::to_string(next_offset_));
  }
  return AppendToActive(batch, h, now_ms, -1);
}

Result<AppendResult> Log::AppendToActive(std::span<const uint8_t> batch, const RecordBatchHeader& h,
                                         int64_t now_ms, int64_t log_append_time_ms) {
  if (closed_) return Status::Aborted(dir_ + ": log is closed");
  const uint64_t n = batch.size();
  if (n > static_cast<uint64_t>(config_.max_message_bytes)) {
    return Status::OutOfRange("record batch of " + std::to_string(n) + " bytes exceeds max.message.bytes " +
                              std::to_string(config_.max_message_bytes));
  }
  if (n > static_cast<uint64_t>(std::min(config_.segment_bytes, kInt32Max))) {
    return Status::OutOfRange("record batch of " + std::to_string(n) + " bytes exceeds segment.bytes");
  }
  LogSegment* seg = active();
  if (seg->failed()) return Status::IOError(dir_ + ": log is offline after a failed write");
  // Roll when the batch would not fit, the segment is too old, or offsets/positions would overflow int32.
  if (!seg->empty() && (seg->size() + n > static_cast<uint64_t>(std::min(config_.segment_bytes, kInt32Max)) ||
                        (config_.segment_ms != LogConfig::kNever &&
                         now_ms - seg->first_batch_time_ms() >= config_.segment_ms) ||
                        h.last_offset() - seg->base_offset() > kInt32Max)) {
    RETURN_IF_ERROR(Roll(now_ms));
    seg = active();
  } else if (seg->empty() && h.base_offset > seg->base_offset() &&
             h.last_offset() - seg->base_offset() > kInt32Max) {
    RETURN_IF_ERROR(Roll(now_ms));  // AppendRaw far past an empty segment's base
    seg = active();
  }
  RETURN_IF_ERROR(seg->Append(batch, h, now_ms));
  if (std::optional<ByteRange> wb = seg->TakeWritebackDue()) {
    Result<File> dup = flusher_ != nullptr ? seg->log_file().Dup() : Result<File>(File());
    if (dup.ok() && dup->valid()) {
      FlushJob job;
      job.key = this;
      job.files.push_back(std::move(*dup));
      job.writeback = wb;
      flusher_->Submit(std::move(job));
    } else {
      StartWriteback(seg->log_file(), *wb);
    }
  }
  next_offset_ = h.next_offset();
  dirty_bytes_ += n;
  unflushed_messages_ += int64_t{h.last_offset_delta} + 1;
  if (last_flush_ms_ < 0) last_flush_ms_ = now_ms;
  AppendResult result;
  result.base_offset = h.base_offset;
  result.last_offset = h.last_offset();
  result.log_append_time_ms = log_append_time_ms;
  result.log_start_offset = log_start_offset_;
  if (flusher_ != nullptr) {
    result.flush_due = FlushDue(now_ms);
  } else if (FlushDue(now_ms)) {
    RETURN_IF_ERROR(Flush());
    last_flush_ms_ = now_ms;
  }
  result.durable = unflushed_messages_ == 0;
  return result;
}

Result<ReadResult> Log::Read(int64_t offset, int32_t max_bytes, int64_t max_offset_exclusive,
                             bool min_one_batch, uint64_t file_min_bytes) const {
  ReadResult result;
  result.log_start_offset = log_start_offset_;
  result.log_end_offset = next_offset_;
  if (offset < log_start_offset_) {
    return Status::OutOfRange("offset " + std::to_string(offset) + " is below the log start offset " +
                              std::to_string(log_start_offset_));
  }
  if (offset > next_offset_) {
    return Status::OutOfRange("offset " + std::to_string(offset) + " is above the log end offset " +
                              std::to_string(next_offset_));
  }
  if (offset == next_offset_ || offset >= max_offset_exclusive) return result;
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const LogSegment& seg = *it->second;
    ASSIGN_OR_RETURN(ByteRange range,
                     seg.LocateBatches(offset, max_bytes, max_offset_exclusive, min_one_batch));
    if (range.length >= file_min_bytes) {
      // (Out of descriptors: read the bytes instead.)
      if (Result<File> file = seg.log_file().Dup(); file.ok()) {
        result.file = std::make_shared<const FileSlice>(FileSlice{std::move(file).value(), range});
        break;
      }
    }
    if (range.length > 0) {
      ASSIGN_OR_RETURN(result.records, seg.ReadRange(range));
      break;
    }
    // Nothing here: the next segment only if this one ends before `offset` (a gap left by compaction);
    // a batch at `offset` that the limit or the bound excludes ends the read.
    if ((!seg.empty() && offset < seg.next_offset()) || seg.next_offset() >= max_offset_exclusive) break;
  }
  return result;
}

Result<std::optional<int64_t>> Log::OffsetForTimestamp(int64_t timestamp) const {
  for (const auto& [base, seg] : segments_) {
    if (seg->next_offset() <= log_start_offset_) continue;
    ASSIGN_OR_RETURN(std::optional<int64_t> found, seg->OffsetForTimestamp(timestamp, log_start_offset_));
    if (found) return found;
  }
  return std::optional<int64_t>();
}

Status Log::ForEachBatchHeader(int64_t from_offset,
                               const std::function<bool(const RecordBatchHeader&)>& fn) const {
  auto it = segments_.upper_bound(from_offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    ASSIGN_OR_RETURN(bool more, it->second->ForEachBatch(from_offset, [&fn](const RecordBatchHeader& h,
                                                                            uint64_t) { return fn(h); }));
    if (!more) break;
  }
  return Status::OK();
}

Status Log::PersistLogStartOffset() {
  uint8_t b[16];
  StoreBE32(b, kLogStartOffsetMagic);
  StoreBE64(b + 4, static_cast<uint64_t>(log_start_offset_));
  StoreBE32(b + 12, kafka::Crc32c(b, 12));
  return WriteFileAtomically(LogStartOffsetPath(), b);
}

Status Log::DeleteRecordsBefore(int64_t offset) {
  if (offset > next_offset_) {
    return Status::OutOfRange("offset " + std::to_string(offset) + " is above the log end offset " +
                              std::to_string(next_offset_));
  }
  if (offset <= log_start_offset_) return Status::OK();
  log_start_offset_ = offset;
  RETURN_IF_ERROR(PersistLogStartOffset());
  return DeleteSegmentsBelowStart();
}

Status Log::DeleteOldestSegment() {
  auto first = segments_.begin();
  RETURN_IF_ERROR(first->second->Delete());
  segments_.erase(first);
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  return Status::OK();
}

Status Log::DeleteSegmentsBelowStart() {
  bool deleted = false;
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= log_start_offset_) {
    RETURN_IF_ERROR(DeleteOldestSegment());
    deleted = true;
  }
  return deleted ? SyncDir(dir_) : Status::OK();
}

Status Log::EnforceRetention(int64_t now_ms) {
  if (!config_.cleanup_delete) return Status::OK();
  bool deleted = false;
  // By time: oldest first, stop at the first segment still within retention.
  if (config_.retention_ms >= 0) {
    while (!segments_.empty() &&
           OlderThan(segments_.begin()->second->retention_time_ms(), now_ms, config_.retention_ms)) {
      if (segments_.size() == 1) {
        if (active()->empty()) break;
        RETURN_IF_ERROR(Roll(now_ms));  // the whole log expired: roll so the old active can go
      }
      RETURN_IF_ERROR(DeleteOldestSegment());
      deleted = true;
    }
  }
  // By size: delete the oldest segments while the rest still holds at least retention.bytes.
  if (config_.retention_bytes >= 0) {
    uint64_t total = size_bytes();
    while (segments_.size() > 1 &&
           total - segments_.begin()->second->size() >= static_cast<uint64_t>(config_.retention_bytes)) {
      total -= segments_.begin()->second->size();
      RETURN_IF_ERROR(DeleteOldestSegment());
      deleted = true;
    }
  }
  return deleted ? SyncDir(dir_) : Status::OK();
}

Status Log::Flush() {
  if (closed_) return Status::OK();
  RETURN_IF_ERROR(active()->Sync(true));
  unflushed_messages_ = 0;
  return Status::OK();
}

bool Log::FlushDue(int64_t now_ms) const {
  return !closed_ && unflushed_messages_ > 0 &&
         (unflushed_messages_ >= config_.flush_interval_messages ||
          (config_.flush_interval_ms != LogConfig::kNever && last_flush_ms_ >= 0 &&
           now_ms - last_flush_ms_ >= config_.flush_interval_ms));
}

Result<FlushJob> Log::PrepareFlush(int64_t now_ms) {
  if (closed_) return Status::Aborted(dir_ + ": log is closed");
  FlushJob job;
  job.key = this;
  ASSIGN_OR_RETURN(job.files, active()->PrepareSync());
  unflushed_messages_ = 0;
  last_flush_ms_ = now_ms;
  return job;
}

Status Log::MaybeFlush(int64_t now_ms) {
  if (unflushed_messages_ == 0) {
    last_flush_ms_ = now_ms;
    return Status::OK();
  }
  if (flusher_ == nullptr && FlushDue(now_ms)) {
    RETURN_IF_ERROR(Flush());
    last_flush_ms_ = now_ms;
  }
  return Status::OK();
}

Status Log::Close() {
  if (closed_) return Status::OK();
  Status st = Flush();
  for (auto& [base, seg] : segments_) {
    if (Status s = seg->Close(); st.ok()) st = s;
  }
  closed_ = true;
  return st;
}

Status Log::DeleteAll() {
  for (auto& [base, seg] : segments_) (void)seg->Close();
  segments_.clear();
  closed_ = true;
  RETURN_IF_ERROR(RemoveTree(dir_));
  return SyncDir(DirName(dir_));
}

}  // namespace sluice::broker::storage
