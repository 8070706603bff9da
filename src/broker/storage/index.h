// Sparse offset and time indexes of one log segment, kept in memory and mirrored to append-only files.
//
// On-disk layouts (Kafka's, big-endian, no header; the file is a plain array of entries):
//   <base>.index      8 bytes per entry:  int32 relativeOffset, int32 position
//     relativeOffset = (last offset of a batch) - base offset of the segment; position = byte position
//     of that batch in the .log. Entries ascend strictly in both fields.
//   <base>.timeindex 12 bytes per entry:  int64 timestamp, int32 relativeOffset
//     timestamp = largest record timestamp in the segment up to and including the batch indexed at the
//     same time; relativeOffset = last offset of the batch holding that timestamp, minus the base
//     offset. Timestamps ascend strictly, offsets do not descend.
// Unlike Kafka, files are not preallocated or memory-mapped: entries are appended to a vector and
// written out (pwrite at the end of the file) by Sync(), which the segment calls on flush, roll and
// close. A file shorter than the vector after a crash is harmless: recovery rebuilds the active
// segment's indexes, and rolled segments were synced when rolled.
//
// Thread-safety: not synchronised; owned by a LogSegment on the event-loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "broker/storage/io.h"

namespace sluice::broker::storage {

inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kTimeIndexEntrySize = 12;

// Entries as raw bytes + the file mirror. Shared by both index kinds.
class IndexFile {
 public:
  IndexFile(std::string path, size_t entry_size) : path_(std::move(path)), entry_size_(entry_size) {}

  // Reads the whole file into memory. NotFound if absent, Corruption if its size is not a multiple
  // of the entry size.
  Status Load();
  size_t count() const { return bytes_.size() / entry_size_; }
  const uint8_t* entry(size_t i) const { return bytes_.data() + i * entry_size_; }
  void AppendEntry(const uint8_t* entry) { bytes_.insert(bytes_.end(), entry, entry + entry_size_); }
  // Drops all entries; the next Sync rewrites the file from scratch.
  void Clear();
  // Writes entries not yet in the file; with `fsync` also fdatasyncs it.
  Status Sync(bool fsync);
  // A second descriptor of the file (invalid File if it was never opened).
  Result<File> DupFile() const;
  // Closes and unlinks the file.
  Status Remove();
  Status Close() { return file_.Close(); }
  const std::string& path() const { return path_; }

 private:
  Status EnsureOpen();

  std::string path_;
  size_t entry_size_;
  std::vector<uint8_t> bytes_;
  size_t persisted_ = 0;  // bytes_ prefix known to be in the file
  bool rewrite_ = true;   // file content must be truncated before writing
  bool dirty_sync_ = false;
  File file_;
};

struct OffsetIndexEntry {
  int32_t relative_offset;
  int32_t position;
};

class OffsetIndex {
 public:
  explicit OffsetIndex(std::string path) : file_(std::move(path), kOffsetIndexEntrySize) {}
  IndexFile& file() { return file_; }
  size_t count() const { return file_.count(); }
  OffsetIndexEntry Get(size_t i) const;
  void Append(int32_t relative_offset, int32_t position);
  // The last entry whose relative offset is < `relative_target`.
  std::optional<OffsetIndexEntry> LastBelow(int64_t relative_target) const;
  std::optional<OffsetIndexEntry> Last() const;
  // The last entry with position <= `position` and relative offset < `relative_below` (both ascend, so
  // the entries that qualify are a prefix).
  std::optional<OffsetIndexEntry> LastAtOrBelowPosition(int64_t position, int64_t relative_below) const;
  // Entries strictly ascending, positions < `log_size`. Corruption otherwise.
  Status Validate(uint64_t log_size) const;

 private:
  IndexFile file_;
};

struct TimeIndexEntry {
  int64_t timestamp;
  int32_t relative_offset;
};

class TimeIndex {
 public:
  explicit TimeIndex(std::string path) : file_(std::move(path), kTimeIndexEntrySize) {}
  IndexFile& file() { return file_; }
  size_t count() const { return file_.count(); }
  TimeIndexEntry Get(size_t i) const;
  // Appends unless `timestamp` is not larger than the last entry's.
  void MaybeAppend(int64_t timestamp, int32_t relative_offset);
  // The last entry whose timestamp is < `timestamp`.
  std::optional<TimeIndexEntry> LastBelow(int64_t timestamp) const;
  std::optional<TimeIndexEntry> Last() const;
  // Timestamps strictly ascending, offsets not descending and <= `max_relative_offset`.
  Status Validate(int64_t max_relative_offset) const;

 private:
  IndexFile file_;
};

}  // namespace sluice::broker::storage
