// LogSegment and BatchScanner (see segment.h).
#include "broker/storage/segment.h"

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include "base/logging.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker::storage {

using kafka::RecordBatchHeader;
using kafka::RecordBatchView;

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kRecoveryChunk = 1 << 20;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string SegmentFileName(const std::string& dir, int64_t base_offset, std::string_view suffix) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld", static_cast<long long>(base_offset));
  return dir + "/" + name + std::string(suffix);
}

std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix) {
  if (name.size() != 20 + suffix.size() || name.substr(20) != suffix) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// ---- BatchScanner ----

Status BatchScanner::Ensure(uint64_t pos, size_t n) {
  if (pos >= buf_start_ && pos + n <= buf_start_ + buf_.size()) return Status::OK();
  size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(n, chunk_), end_ - pos));
  buf_.resize(want);
  ASSIGN_OR_RETURN(size_t got, file_.PReadUpTo(buf_.data(), want, pos));
  buf_.resize(got);
  buf_start_ = pos;
  if (got < n) return Status::Corruption(file_.path() + ": short read at " + std::to_string(pos));
  return Status::OK();
}

Result<BatchScanner::Outcome> BatchScanner::Next(RecordBatchHeader* header, uint64_t* position) {
  if (pos_ >= end_) return Outcome::kEnd;
  if (end_ - pos_ < kafka::kRecordBatchHeaderSize) return Outcome::kPartial;
  Status st = Ensure(pos_, kafka::kRecordBatchHeaderSize);
  if (!st.ok()) return st.code() == Status::Code::kCorruption ? Outcome::kPartial : Result<Outcome>(st);
  header_status_ = kafka::ParseRecordBatchHeader(
      std::span<const uint8_t>(buf_.data() + (pos_ - buf_start_), kafka::kRecordBatchHeaderSize), header);
  if (!header_status_.ok()) return Outcome::kBadHeader;
  if (header->size_bytes() > end_ - pos_) return Outcome::kPartial;
  cur_pos_ = pos_;
  cur_size_ = header->size_bytes();
  *position = pos_;
  pos_ += cur_size_;
  return Outcome::kBatch;
}

Result<std::span<const uint8_t>> BatchScanner::BatchBytes() {
  RETURN_IF_ERROR(Ensure(cur_pos_, cur_size_));
  return std::span<const uint8_t>(buf_.data() + (cur_pos_ - buf_start_), cur_size_);
}

// ---- LogSegment ----

LogSegment::LogSegment(std::string dir, int64_t base_offset, int32_t index_interval_bytes, std::string suffix)
    : dir_(std::move(dir)),
      base_offset_(base_offset),
      index_interval_bytes_(index_interval_bytes),
      suffix_(std::move(suffix)),
      index_(SegmentFileName(dir_, base_offset, std::string(kIndexSuffix) + suffix_)),
      time_index_(SegmentFileName(dir_, base_offset, std::string(kTimeIndexSuffix) + suffix_)),
      next_offset_(base_offset) {}

Result<std::unique_ptr<LogSegment>> LogSegment::Create(const std::string& dir, int64_t base_offset,
                                                       int32_t index_interval_bytes,
                                                       std::string_view suffix) {
  std::unique_ptr<LogSegment> seg(
      new LogSegment(dir, base_offset, index_interval_bytes, std::string(suffix)));
  int flags = O_RDWR | O_CREAT | (suffix.empty() ? O_EXCL : O_TRUNC);
  ASSIGN_OR_RETURN(
      seg->log_,
      File::Open(SegmentFileName(dir, base_offset, std::string(kLogSuffix) + seg->suffix_), flags));
  RETURN_IF_ERROR(seg->index_.file().Sync(false));  // creates (and empties) the index files
  RETURN_IF_ERROR(seg->time_index_.file().Sync(false));
  seg->last_modified_ms_ = WallClockMs();
  return seg;
}

Result<std::unique_ptr<LogSegment>> LogSegment::Open(const std::string& dir, int64_t base_offset,
                                                     int32_t index_interval_bytes, bool recover,
                                                     uint64_t* truncated_bytes) {
  std::unique_ptr<LogSegment> seg(new LogSegment(dir, base_offset, index_interval_bytes, ""));
  ASSIGN_OR_RETURN(seg->log_, File::Open(SegmentFileName(dir, base_offset, kLogSuffix), O_RDWR));
  ASSIGN_OR_RETURN(seg->last_modified_ms_, seg->log_.MtimeMs());
  if (truncated_bytes != nullptr) *truncated_bytes = 0;
  bool loaded = false;
  if (!recover) {
    ASSIGN_OR_RETURN(loaded, seg->LoadClean());
  }
  if (!loaded) RETURN_IF_ERROR(seg->Recover(truncated_bytes));
  if (seg->size_ > 0) {
    RecordBatchHeader first;
    uint8_t buf[kafka::kRecordBatchHeaderSize];
    Status st = seg->log_.PReadExact(buf, sizeof(buf), 0);
    if (st.ok()) st = kafka::ParseRecordBatchHeader(buf, &first);
    if (!st.ok() && loaded) {  // the indexes looked fine but the start of the file is damaged
      LOG_WARN("{}: segment {} starts with a bad batch: {}", dir, base_offset, st.ToString());
      RETURN_IF_ERROR(seg->Recover(truncated_bytes));
      st = Status::OK();
      if (seg->size_ > 0) st = seg->log_.PReadExact(buf, sizeof(buf), 0);
      if (st.ok() && seg->size_ > 0) st = kafka::ParseRecordBatchHeader(buf, &first);
    }
    RETURN_IF_ERROR(st);
    if (seg->size_ > 0) {
      seg->first_batch_time_ms_ = first.max_timestamp >= 0 ? first.max_timestamp : seg->last_modified_ms_;
    }
  }
  return seg;
}

void LogSegment::ResetState() {
  size_ = 0;
  next_offset_ = base_offset_;
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = -1;
  bytes_since_index_entry_ = 0;
  first_batch_time_ms_ = -1;
}

void LogSegment::OnBatch(const RecordBatchHeader& h, uint64_t position) {
  if (h.max_timestamp > max_timestamp_) {
    max_timestamp_ = h.max_timestamp;
    offset_of_max_timestamp_ = h.last_offset();
  }
  if (bytes_since_index_entry_ > index_interval_bytes_) {
    index_.Append(static_cast<int32_t>(h.last_offset() - base_offset_), static_cast<int32_t>(position));
    if (max_timestamp_ >= 0) {
      time_index_.MaybeAppend(max_timestamp_, static_cast<int32_t>(offset_of_max_timestamp_ - base_offset_));
    }
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += static_cast<int64_t>(h.size_bytes());
  next_offset_ = h.next_offset();
}

Result<bool> LogSegment::LoadClean() {
  ResetState();
  ASSIGN_OR_RETURN(uint64_t file_size, log_.Size());
  Status st = index_.file().Load();
  if (st.ok()) st = index_.Validate(file_size);
  if (st.ok()) st = time_index_.file().Load();
  if (st.ok()) st = time_index_.Validate(kInt32Max);
  if (!st.ok()) {
    LOG_WARN("{}: rebuilding indexes of segment {}: {}", dir_, base_offset_, st.ToString());
    return false;
  }
  uint64_t start = 0;
  if (auto last = index_.Last()) start = static_cast<uint64_t>(last->position);
  if (auto last = time_index_.Last()) {
    max_timestamp_ = last->timestamp;
    offset_of_max_timestamp_ = base_offset_ + last->relative_offset;
  }
  BatchScanner scanner(log_, start, file_size);
  RecordBatchHeader h;
  uint64_t pos = 0;
  bool first = true;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
    if (outcome == BatchScanner::Outcome::kEnd) break;
    if (outcome != BatchScanner::Outcome::kBatch || h.base_offset < next_offset_ || h.last_offset_delta < 0 ||
        h.last_offset() - base_offset_ > kInt32Max) {
      LOG_WARN("{}: segment {} has a bad batch at {} after a clean shutdown; recovering", dir_, base_offset_,
               pos);
      return false;
    }
    if (first && start > 0) {
      // The batch of the last index entry: already indexed.
      if (h.last_offset() != base_offset_ + index_.Last()->relative_offset) return false;
      if (h.max_timestamp > max_timestamp_) {
        max_timestamp_ = h.max_timestamp;
        offset_of_max_timestamp_ = h.last_offset();
      }
      bytes_since_index_entry_ = static_cast<int64_t>(h.size_bytes());
      next_offset_ = h.next_offset();
    } else {
      OnBatch(h, pos);
    }
    first = false;
  }
  size_ = file_size;
  if (auto last = index_.Last(); last && base_offset_ + last->relative_offset >= next_offset_) return false;
  return true;
}

Status LogSegment::Recover(uint64_t* truncated_bytes) {
  ResetState();
  index_.file().Clear();
  time_index_.file().Clear();
  ASSIGN_OR_RETURN(uint64_t file_size, log_.Size());
  BatchScanner scanner(log_, 0, file_size, kRecoveryChunk);
  RecordBatchHeader h;
  uint64_t pos = 0, valid_end = 0;
  std::string why;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
    if (outcome == BatchScanner::Outcome::kEnd) break;
    if (outcome == BatchScanner::Outcome::kPartial) {
      why = "partial batch";
      break;
    }
    if (outcome == BatchScanner::Outcome::kBadHeader) {
      why = scanner.header_status().ToString();
      break;
    }
    if (h.base_offset < next_offset_ || h.last_offset_delta < 0 ||
        h.last_offset() - base_offset_ > kInt32Max ||
        pos + h.size_bytes() > static_cast<uint64_t>(kInt32Max)) {
      why = "batch offsets out of order or out of range";
      break;
    }
    ASSIGN_OR_RETURN(std::span<const uint8_t> bytes, scanner.BatchBytes());
    Status crc = RecordBatchView{h, bytes}.VerifyCrc();
    if (!crc.ok()) {
      why = crc.ToString();
      break;
    }
    OnBatch(h, pos);
    valid_end = scanner.position();
  }
  size_ = valid_end;
  if (valid_end < file_size) {
    LOG_WARN("{}: truncating segment {} from {} to {} bytes: {}", dir_, base_offset_, file_size, valid_end,
             why.empty() ? "trailing bytes" : why);
    RETURN_IF_ERROR(log_.Truncate(valid_end));
    RETURN_IF_ERROR(log_.DataSync());
  }
  if (truncated_bytes != nullptr) *truncated_bytes = file_size - valid_end;
  RETURN_IF_ERROR(index_.file().Sync(true));
  return time_index_.file().Sync(true);
}

Status LogSegment::Append(std::span<const uint8_t> batch, const RecordBatchHeader& header, int64_t now_ms) {
  if (failed_) return Status::IOError(log_.path() + ": segment failed earlier");
  uint64_t pos = size_;
  Status st = log_.PWriteAll(batch.data(), batch.size(), pos);
  if (!st.ok()) {
    // Undo a partial write so that the file keeps ending at a batch boundary.
    if (!log_.Truncate(pos).ok()) failed_ = true;
    return st;
  }
  if (size_ == 0) first_batch_time_ms_ = now_ms;
  size_ += batch.size();
  last_modified_ms_ = now_ms;
  log_dirty_ = true;
  OnBatch(header, pos);
  // Start writeback of every kWritebackChunk written, so that the fdatasync of a roll or a flush finds
  // little left to write and stalls for milliseconds rather than for the whole segment (RocksDB's
  // bytes_per_sync). The Log starts it (TakeWritebackDue), inline or on the flusher thread.
  if (writeback_start_ > size_) writeback_start_ = 0;  // truncated since
  if (size_ - writeback_start_ >= kWritebackChunk) {
    writeback_due_ = ByteRange{writeback_start_, size_ - writeback_start_};
    writeback_start_ = size_;
  }
  return Status::OK();
}

std::optional<ByteRange> LogSegment::TakeWritebackDue() {
  std::optional<ByteRange> r = writeback_due_;
  writeback_due_.reset();
  return r;
}

Result<std::optional<LogSegment::Located>> LogSegment::FindBatch(int64_t offset) const {
  uint64_t start = 0;
  if (auto e = index_.LastBelow(offset - base_offset_)) start = static_cast<uint64_t>(e->position);
  BatchScanner scanner(log_, start, size_);
  Located loc;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&loc.header, &loc.position));
    if (outcome == BatchScanner::Outcome::kEnd) return std::optional<Located>();
    if (outcome != BatchScanner::Outcome::kBatch) {
      return Status::Corruption(log_.path() + ": bad batch at position " +
                                std::to_string(scanner.position()));
    }
    if (loc.header.last_offset() >= offset) return std::optional<Located>(loc);
  }
}

Result<ByteRange> LogSegment::LocateBatches(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive,
                                            bool min_one_batch) const {
  ASSIGN_OR_RETURN(std::optional<Located> loc, FindBatch(offset));
  if (!loc || loc->header.last_offset() >= max_offset_exclusive) return ByteRange{};
  const uint64_t first_size = loc->header.size_bytes();
  const uint64_t limit = static_cast<uint64_t>(std::max<int64_t>(max_bytes, 0));
  if (first_size > limit && !min_one_batch) return ByteRange{};
  if (first_size >= limit) return ByteRange{loc->position, first_size};
  const uint64_t target = loc->position + limit;  // the range may not end after this
  // The whole rest of the segment fits and is below the bound (a consumer at the tail): no walk.
  if (next_offset_ <= max_offset_exclusive && size_ <= target)
    return ByteRange{loc->position, size_ - loc->position};
  // Batches before the furthest indexed batch that starts within the limit and ends below the bound
  // qualify (offsets and positions ascend); walk on from there.
  uint64_t end = loc->position + first_size;
  if (auto e = index_.LastAtOrBelowPosition(static_cast<int64_t>(std::min<uint64_t>(target, kInt32Max)),
                                            max_offset_exclusive - base_offset_)) {
    end = std::max(end, static_cast<uint64_t>(e->position));
  }
  BatchScanner scanner(log_, end, size_, /*chunk=*/4 << 10);
  RecordBatchHeader h;
  uint64_t pos = 0;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
    // (A bad header ends the range there: the batches before it are returned.)
    if (outcome != BatchScanner::Outcome::kBatch) break;
    if (h.last_offset() >= max_offset_exclusive || pos + h.size_bytes() > target) break;
    end = pos + h.size_bytes();
  }
  return ByteRange{loc->position, end - loc->position};
}

Result<kafka::SharedBytes> LogSegment::ReadRange(const ByteRange& range) const {
  // Not zero-filled (pread overwrites it all); the Fetch response sends it from here (gather write).
  std::shared_ptr<uint8_t[]> buf(new uint8_t[range.length]);
  RETURN_IF_ERROR(log_.PReadExact(buf.get(), range.length, range.offset));
  const uint8_t* data = buf.get();
  return kafka::SharedBytes(std::shared_ptr<const void>(std::move(buf), data), data, range.length);
}

Result<kafka::SharedBytes> LogSegment::Read(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive,
                                            bool min_one_batch) const {
  ASSIGN_OR_RETURN(ByteRange range, LocateBatches(offset, max_bytes, max_offset_exclusive, min_one_batch));
  if (range.length == 0) return kafka::SharedBytes();
  return ReadRange(range);
}

Result<std::optional<int64_t>> LogSegment::OffsetForTimestamp(int64_t timestamp, int64_t min_offset) const {
  if (max_timestamp_ < timestamp || next_offset_ <= min_offset) return std::optional<int64_t>();
  int64_t from = std::max(min_offset, base_offset_);
  if (auto e = time_index_.LastBelow(timestamp)) from = std::max(from, base_offset_ + e->relative_offset);
  ASSIGN_OR_RETURN(std::optional<Located> loc, FindBatch(from));
  if (!loc) return std::optional<int64_t>();
  BatchScanner scanner(log_, loc->position, size_);
  RecordBatchHeader h;
  uint64_t pos;
  std::vector<uint8_t> scratch;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
    if (outcome == BatchScanner::Outcome::kEnd) return std::optional<int64_t>();
    if (outcome != BatchScanner::Outcome::kBatch) {
      return Status::Corruption(log_.path() + ": bad batch at position " + std::to_string(pos));
    }
    if (h.max_timestamp < timestamp || h.last_offset() < min_offset) continue;
    ASSIGN_OR_RETURN(std::span<const uint8_t> bytes, scanner.BatchBytes());
    ASSIGN_OR_RETURN(kafka::RecordReader reader,
                     kafka::RecordReader::Open(RecordBatchView{h, bytes}, &scratch));
    kafka::Record r;
    while (reader.Next(&r)) {
      if (r.offset >= min_offset && r.timestamp >= timestamp) return std::optional<int64_t>(r.offset);
    }
    RETURN_IF_ERROR(reader.status());
  }
}

Result<bool> LogSegment::ForEachBatch(
    int64_t from_offset, const std::function<bool(const RecordBatchHeader&, uint64_t)>& fn) const {
  ASSIGN_OR_RETURN(std::optional<Located> loc, FindBatch(from_offset));
  if (!loc) return true;
  BatchScanner scanner(log_, loc->position, size_);
  RecordBatchHeader h;
  uint64_t pos;
  while (true) {
    ASSIGN_OR_RETURN(BatchScanner::Outcome outcome, scanner.Next(&h, &pos));
    if (outcome == BatchScanner::Outcome::kEnd) return true;
    if (outcome != BatchScanner::Outcome::kBatch) {
      return Status::Corruption(log_.path() + ": bad batch at position " + std::to_string(pos));
    }
    if (!fn(h, pos)) return false;
  }
}

Status LogSegment::Sync(bool fsync) {
  if (fsync && log_dirty_) {
    RETURN_IF_ERROR(log_.DataSync());
    log_dirty_ = false;
  }
  RETURN_IF_ERROR(index_.file().Sync(fsync));
  return time_index_.file().Sync(fsync);
}

Result<std::vector<File>> LogSegment::PrepareSync() {
  RETURN_IF_ERROR(Sync(false));
  std::vector<File> files;
  ASSIGN_OR_RETURN(File log, log_.Dup());
  files.push_back(std::move(log));
  for (IndexFile* index : {&index_.file(), &time_index_.file()}) {
    ASSIGN_OR_RETURN(File f, index->DupFile());
    if (f.valid()) files.push_back(std::move(f));
  }
  return files;
}

Status LogSegment::OnRoll() {
  if (max_timestamp_ >= 0) {
    time_index_.MaybeAppend(max_timestamp_, static_cast<int32_t>(offset_of_max_timestamp_ - base_offset_));
  }
  return Sync(true);
}

Status LogSegment::Close() {
  Status st = Sync(false);
  if (Status s = index_.file().Close(); st.ok()) st = s;
  if (Status s = time_index_.file().Close(); st.ok()) st = s;
  if (Status s = log_.Close(); st.ok()) st = s;
  return st;
}

Status LogSegment::Delete() {
  // Indexes first: a leftover <base>.index.cleaned without its .log.cleaned would be taken for a
  // committed compaction by Log::Open.
  RETURN_IF_ERROR(index_.file().Remove());
  RETURN_IF_ERROR(time_index_.file().Remove());
  std::string log_path = log_.path();
  RETURN_IF_ERROR(log_.Close());
  return RemoveFile(log_path);
}

}  // namespace sluice::broker::storage
