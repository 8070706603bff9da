// Sparse offset and time indexes (see index.h).
#include "broker/storage/index.h"

#include <fcntl.h>

#include <limits>

namespace sluice::broker::storage {

Status IndexFile::Load() {
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadWholeFile(path_));
  if (bytes.size() % entry_size_ != 0) {
    return Status::Corruption(path_ + ": size " + std::to_string(bytes.size()) + " is not a multiple of " +
                              std::to_string(entry_size_));
  }
  bytes_ = std::move(bytes);
  persisted_ = bytes_.size();
  rewrite_ = false;
  return Status::OK();
}

void IndexFile::Clear() {
  bytes_.clear();
  persisted_ = 0;
  rewrite_ = true;
}

Status IndexFile::EnsureOpen() {
  if (file_.valid()) return Status::OK();
  ASSIGN_OR_RETURN(file_, File::Open(path_, O_RDWR | O_CREAT));
  return Status::OK();
}

Status IndexFile::Sync(bool fsync) {
  if (rewrite_ || persisted_ < bytes_.size()) {
    RETURN_IF_ERROR(EnsureOpen());
    if (rewrite_) {
      RETURN_IF_ERROR(file_.Truncate(0));
      persisted_ = 0;
      rewrite_ = false;
    }
    RETURN_IF_ERROR(file_.PWriteAll(bytes_.data() + persisted_, bytes_.size() - persisted_, persisted_));
    persisted_ = bytes_.size();
    dirty_sync_ = true;
  }
  if (fsync && dirty_sync_) {
    RETURN_IF_ERROR(file_.DataSync());
    dirty_sync_ = false;
  }
  return Status::OK();
}

Result<File> IndexFile::DupFile() const {
  if (!file_.valid()) return File();
  return file_.Dup();
}

Status IndexFile::Remove() {
  RETURN_IF_ERROR(file_.Close());
  return RemoveFile(path_);
}

OffsetIndexEntry OffsetIndex::Get(size_t i) const {
  const uint8_t* p = file_.entry(i);
  return {static_cast<int32_t>(LoadBE32(p)), static_cast<int32_t>(LoadBE32(p + 4))};
}

void OffsetIndex::Append(int32_t relative_offset, int32_t position) {
  uint8_t e[kOffsetIndexEntrySize];
  StoreBE32(e, static_cast<uint32_t>(relative_offset));
  StoreBE32(e + 4, static_cast<uint32_t>(position));
  file_.AppendEntry(e);
}

std::optional<OffsetIndexEntry> OffsetIndex::LastBelow(int64_t relative_target) const {
  // Binary search for the first entry >= target; the one before it is the answer.
  size_t lo = 0, hi = count();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (Get(mid).relative_offset < relative_target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return std::nullopt;
  return Get(lo - 1);
}

std::optional<OffsetIndexEntry> OffsetIndex::LastAtOrBelowPosition(int64_t position,
                                                                   int64_t relative_below) const {
  size_t lo = 0, hi = count();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const OffsetIndexEntry e = Get(mid);
    if (e.position <= position && e.relative_offset < relative_below) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return std::nullopt;
  return Get(lo - 1);
}

std::optional<OffsetIndexEntry> OffsetIndex::Last() const {
  if (count() == 0) return std::nullopt;
  return Get(count() - 1);
}

Status OffsetIndex::Validate(uint64_t log_size) const {
  int64_t prev_offset = -1, prev_pos = -1;
  for (size_t i = 0; i < count(); ++i) {
    OffsetIndexEntry e = Get(i);
    if (e.relative_offset <= prev_offset || e.position <= prev_pos ||
        static_cast<uint64_t>(e.position) >= log_size) {
      return Status::Corruption(file_.path() + ": bad entry " + std::to_string(i));
    }
    prev_offset = e.relative_offset;
    prev_pos = e.position;
  }
  return Status::OK();
}

TimeIndexEntry TimeIndex::Get(size_t i) const {
  const uint8_t* p = file_.entry(i);
  return {static_cast<int64_t>(LoadBE64(p)), static_cast<int32_t>(LoadBE32(p + 8))};
}

void TimeIndex::MaybeAppend(int64_t timestamp, int32_t relative_offset) {
  if (auto last = Last(); last && timestamp <= last->timestamp) return;
  uint8_t e[kTimeIndexEntrySize];
  StoreBE64(e, static_cast<uint64_t>(timestamp));
  StoreBE32(e + 8, static_cast<uint32_t>(relative_offset));
  file_.AppendEntry(e);
}

std::optional<TimeIndexEntry> TimeIndex::LastBelow(int64_t timestamp) const {
  size_t lo = 0, hi = count();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (Get(mid).timestamp < timestamp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return std::nullopt;
  return Get(lo - 1);
}

std::optional<TimeIndexEntry> TimeIndex::Last() const {
  if (count() == 0) return std::nullopt;
  return Get(count() - 1);
}

Status TimeIndex::Validate(int64_t max_relative_offset) const {
  int64_t prev_ts = std::numeric_limits<int64_t>::min();
  int64_t prev_offset = -1;
  for (size_t i = 0; i < count(); ++i) {
    TimeIndexEntry e = Get(i);
    if ((i > 0 && e.timestamp <= prev_ts) || e.relative_offset < prev_offset ||
        e.relative_offset > max_relative_offset) {
      return Status::Corruption(file_.path() + ": bad entry " + std::to_string(i));
    }
    prev_ts = e.timestamp;
    prev_offset = e.relative_offset;
  }
  return Status::OK();
}

}  // namespace sluice::broker::storage
