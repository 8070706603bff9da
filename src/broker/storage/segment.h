// LogSegment: one `<base>.log` file of record batches plus its `.index` and `.timeindex`
// (layouts in index.h), and BatchScanner, a buffered sequential reader of batch headers in a file.
//
// The .log holds record batches v2 exactly as on the wire (record_batch.h), back to back, with their
// final offsets; the file name is the segment's base offset, zero-padded to 20 digits. Appends write
// whole batches at the end (pwrite); reads find a position with the sparse offset index and a short
// scan of batch headers, never decoding records.
//
// Thread-safety: not synchronised; owned by a Log and used on the broker's event-loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "broker/storage/index.h"
#include "broker/storage/io.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::storage {

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";

// "<dir>/<20-digit base offset><suffix>".
std::string SegmentFileName(const std::string& dir, int64_t base_offset, std::string_view suffix);
// The base offset of "<20 digits><suffix>", or nullopt for other names.
std::optional<int64_t> ParseSegmentFileName(std::string_view name, std::string_view suffix);

// Reads the batches of [start, end) of a file in order, `chunk` bytes per pread.
class BatchScanner {
 public:
  enum class Outcome { kBatch, kEnd, kPartial, kBadHeader };

  BatchScanner(const File& file, uint64_t start, uint64_t end, size_t chunk = 16 << 10)
      : file_(file), pos_(start), end_(end), chunk_(chunk) {}

  // Moves to the next batch and decodes its header. kPartial: fewer bytes than the batch (or a header)
  // remain; kBadHeader: the header does not parse (header_status() says why).
  Result<Outcome> Next(kafka::RecordBatchHeader* header, uint64_t* position);
  // The whole batch last returned by Next (read now if needed); valid until the next call.
  Result<std::span<const uint8_t>> BatchBytes();
  // Position just after the last batch returned.
  uint64_t position() const { return pos_; }
  const Status& header_status() const { return header_status_; }

 private:
  Status Ensure(uint64_t pos, size_t n);

  const File& file_;
  uint64_t pos_;
  uint64_t end_;
  size_t chunk_;
  std::vector<uint8_t> buf_;
  uint64_t buf_start_ = 0;
  uint64_t cur_pos_ = 0;
  size_t cur_size_ = 0;
  Status header_status_;
};

class LogSegment {
 public:
  // A batch located in the segment.
  struct Located {
    uint64_t position;
    kafka::RecordBatchHeader header;
  };

  // Creates empty files for a new segment. `suffix` is appended to every file name (".cleaned" for a
  // segment being written by compaction).
  static Result<std::unique_ptr<LogSegment>> Create(const std::string& dir, int64_t base_offset,
                                                    int32_t index_interval_bytes,
                                                    std::string_view suffix = "");
  // Opens an existing segment. With `recover` the whole .log is scanned batch by batch (header sanity,
  // CRC), truncated at the first bad or partial batch, and both indexes are rebuilt. Without it the
  // indexes are loaded (and rebuilt the same way when missing or invalid) and only the batches after
  // the last index entry are scanned. *truncated_bytes (if non-null) is set to the bytes cut off.
  static Result<std::unique_ptr<LogSegment>> Open(const std::string& dir, int64_t base_offset,
                                                  int32_t index_interval_bytes, bool recover,
                                                  uint64_t* truncated_bytes = nullptr);

  int64_t base_offset() const { return base_offset_; }
  // Offset after the last batch; base_offset() when empty.
  int64_t next_offset() const { return next_offset_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Largest batch maxTimestamp, -1 if none.
  int64_t max_timestamp() const { return max_timestamp_; }
  // The time segment.ms counts from: the append time (or, after a restart, the max timestamp) of the
  // first batch; -1 when empty.
  int64_t first_batch_time_ms() const { return first_batch_time_ms_; }
  // When data was last appended (the file's mtime after a restart).
  int64_t last_modified_ms() const { return last_modified_ms_; }
  // Reference time for retention.ms: max_timestamp(), or last_modified_ms() without timestamps.
  int64_t retention_time_ms() const { return max_timestamp_ >= 0 ? max_timestamp_ : last_modified_ms_; }
  // True after a failed write could not be undone; the segment must not be written again.
  bool failed() const { return failed_; }
  const File& log_file() const { return log_; }

  // Appends one whole batch and indexes it.
  // REQUIRES: `header` is `batch`'s header; header.base_offset >= next_offset();
  //           header.last_offset() - base_offset() <= INT32_MAX; size() + batch.size() <= INT32_MAX.
  Status Append(std::span<const uint8_t> batch, const kafka::RecordBatchHeader& header, int64_t now_ms);

  // The first batch whose last offset is >= `offset`, nullopt if none.
  Result<std::optional<Located>> FindBatch(int64_t offset) const;
  // Where Read's batches lie in the .log, without reading them (the batch headers at the start of the
  // range and, when the range ends before the segment does, near its end): length 0 when none.
  Result<ByteRange> LocateBatches(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive,
                                  bool min_one_batch) const;
  // Whole batches from the first one with last offset >= `offset`: at most `max_bytes` bytes, but the
  // first batch even when larger if `min_one_batch`; only batches whose last offset is below
  // `max_offset_exclusive`. Empty when there are none.
  Result<kafka::SharedBytes> Read(int64_t offset, int64_t max_bytes, int64_t max_offset_exclusive,
                                  bool min_one_batch) const;
  // The bytes of a range LocateBatches returned. REQUIRES: range.length > 0.
  Result<kafka::SharedBytes> ReadRange(const ByteRange& range) const;
  // The first offset >= `min_offset` of a record whose timestamp is >= `timestamp`.
  Result<std::optional<int64_t>> OffsetForTimestamp(int64_t timestamp, int64_t min_offset) const;
  // Calls `fn(header, position)` for each batch with last offset >= `from_offset`, in order, until it
  // returns false. Returns false if `fn` stopped the walk.
  Result<bool> ForEachBatch(int64_t from_offset,
                            const std::function<bool(const kafka::RecordBatchHeader&, uint64_t)>& fn) const;

  // The range of the .log whose kernel writeback should start now (every kWritebackChunk appended);
  // cleared by the call.
  std::optional<ByteRange> TakeWritebackDue();
  // Writes pending index entries; with `fsync`, fdatasyncs the .log and the indexes too.
  Status Sync(bool fsync);
  // For a flush on another thread: writes pending index entries, returns dup'd descriptors of the
  // .log and both indexes (fdatasyncing them makes everything appended so far durable).
  Result<std::vector<File>> PrepareSync();
  // Marks the segment as no longer active: adds a final time index entry and syncs (fsync).
  Status OnRoll();
  Status Close();
  // Closes and unlinks the three files (the .log first).
  Status Delete();

 private:
  LogSegment(std::string dir, int64_t base_offset, int32_t index_interval_bytes, std::string suffix);
  // Updates indexes and in-memory state for a batch now at `position` (not the file).
  void OnBatch(const kafka::RecordBatchHeader& header, uint64_t position);
  void ResetState();
  // Full scan with CRC checks from position 0; truncates the file at the first bad batch.
  Status Recover(uint64_t* truncated_bytes);
  // Loads indexes and scans the tail; false (and no error) if recovery is needed instead.
  Result<bool> LoadClean();

  std::string dir_;
  int64_t base_offset_;
  int32_t index_interval_bytes_;
  std::string suffix_;
  File log_;
  OffsetIndex index_;
  TimeIndex time_index_;
  uint64_t size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = -1;
  int64_t offset_of_max_timestamp_ = -1;
  int64_t bytes_since_index_entry_ = 0;
  int64_t first_batch_time_ms_ = -1;
  int64_t last_modified_ms_ = 0;
  bool log_dirty_ = false;  // written since the last fdatasync
  // Appends start the kernel's writeback of each kWritebackChunk bytes (see Append).
  static constexpr uint64_t kWritebackChunk = 8 << 20;
  uint64_t writeback_start_ = 0;
  std::optional<ByteRange> writeback_due_;
  bool failed_ = false;
};

}  // namespace sluice::broker::storage
