// Log: the storage of one partition, a directory `<log.dir>/<topic>-<partition>/` holding segments
// (segment.h; file formats in index.h and README.md) and the `log-start-offset.checkpoint` file.
//
// Append assigns offsets by rewriting a validated batch's baseOffset in place, rolls segments by size
// and age, and fdatasyncs according to flush.messages / flush.ms (by default never: the OS page cache
// decides, as in Kafka): itself, or with deferred flushes (the broker) by handing a FlushJob to the
// Flusher thread. Read returns whole batches as one buffer, or as a slice of the segment file (FileSlice).
// Retention, DeleteRecords and compaction remove data; offsets never change.
//
// Thread-safety: none. A Log is used only from the broker's event-loop thread (LogManager owns it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "broker/storage/flusher.h"
#include "broker/storage/log_config.h"
#include "broker/storage/segment.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::storage {

// Persisted log start offset, in the partition directory. Layout (16 bytes, big-endian):
//   uint32 magic 0x534C534F ("SLSO"), int64 logStartOffset, uint32 CRC-32C of the first 12 bytes.
// Replaced atomically (write .tmp, fdatasync, rename, fsync dir). A missing or corrupt file means
// "the base offset of the first segment".
inline constexpr std::string_view kLogStartOffsetFile = "log-start-offset.checkpoint";
inline constexpr uint32_t kLogStartOffsetMagic = 0x534C534F;
// Suffix of files written by compaction before they are swapped in.
inline constexpr std::string_view kCleanedSuffix = ".cleaned";

struct AppendResult {
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  int64_t log_append_time_ms = -1;  // -1 unless message.timestamp.type is LogAppendTime
  int64_t log_start_offset = 0;
  bool durable = false;  // the batch was fdatasynced before Append returned
  // With deferred flushes: the flush policy wants an fdatasync now (PrepareFlush + Flusher); the batch
  // is durable once that flush completes.
  bool flush_due = false;
};

// Whole batches left in their segment file, for a caller that sends them from there (sendfile). The
// descriptor is the slice's own: the bytes stay readable when the segment is deleted, compacted or
// rolled meanwhile (batches are never rewritten in place).
struct FileSlice {
  File file;
  ByteRange range;
};

struct ReadResult {
  kafka::SharedBytes records;  // whole batches; empty when there is nothing to return (or `file` is set)
  std::shared_ptr<const FileSlice> file;  // instead of `records`: see Read's `file_min_bytes`
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};

struct CompactionStats {
  int segments_rewritten = 0;
  int64_t records_removed = 0;
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
};

// A compaction in three steps, so that the work can leave the event-loop thread: Log::PrepareCompaction
// (loop thread) snapshots the segments (duplicated descriptors, sizes); Run() (any thread) finds the
// latest offset of every key and writes the cleaned segments as .cleaned files, fsynced, touching no Log
// state; Log::CommitCompaction (loop thread) renames them in, skipping segments that retention or
// DeleteRecords removed meanwhile. Records appended after the snapshot are not seen: the cleaner keeps
// slightly more, never less.
class CompactionJob {
 public:
  struct Segment {
    int64_t base_offset = 0;
    File log;  // a dup of the segment's .log
    uint64_t size = 0;
    int64_t retention_time_ms = 0;
    bool cleanable = false;  // rewritten if records go away (not the active one, past min.compaction.lag.ms)
  };
  struct Rewritten {
    int64_t base_offset = 0;
    uint64_t size_before = 0;
    uint64_t size_after = 0;
    int64_t records_removed = 0;
  };

  // Runs the compaction. Stops early with Aborted when `cancel` becomes true. Thread-safe with
  // respect to the Log and the event loop.
  Status Run(const std::atomic<bool>* cancel = nullptr);
  // Deletes the .cleaned files written (an abandoned job).
  void Discard();

  const std::string& dir() const { return dir_; }
  const std::vector<Rewritten>& rewritten() const { return rewritten_; }

 private:
  friend class Log;
  std::string dir_;
  LogConfig config_;
  int64_t now_ms_ = 0;
  uint64_t dirty_bytes_ = 0;  // the log's dirty bytes at the snapshot
  std::vector<Segment> segments_;
  std::vector<Rewritten> rewritten_;
};

class Log {
 public:
  // Creates the directory and an empty log starting at offset 0. AlreadyExists if it holds segments.
  static Result<std::unique_ptr<Log>> Create(const std::string& dir, const LogConfig& config);
  // Opens an existing log. With `recover` (no clean-shutdown marker) the last segment is scanned batch
  // by batch and truncated at the first bad or partial batch; segments with missing or invalid indexes
  // are rebuilt either way. Leftovers of an interrupted compaction are rolled back or completed.
  static Result<std::unique_ptr<Log>> Open(const std::string& dir, const LogConfig& config, bool recover);

  // Closes files without flushing; call Close() for a clean shutdown.
  ~Log() = default;
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  const std::string& dir() const { return dir_; }
  const LogConfig& config() const { return config_; }
  void set_config(const LogConfig& config) { config_ = config; }

  // Appends one batch. REQUIRES: `batch` passed kafka::ValidateProduceRecords (or was built by the
  // broker, e.g. a transaction marker). Sets its baseOffset to log_end_offset() (and LogAppendTime when
  // configured) in place, rolling the active segment first if needed. Errors: OutOfRange if the batch
  // exceeds max.message.bytes or segment.bytes (MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE),
  // InvalidArgument for a batch that does not parse, IOError.
  Result<AppendResult> Append(std::span<uint8_t> batch, int64_t now_ms);
  // Appends one batch keeping its offsets (replication, tests). REQUIRES: a well-formed batch.
  // InvalidArgument if its base offset is below log_end_offset().
  Result<AppendResult> AppendRaw(std::span<const uint8_t> batch, int64_t now_ms);

  // Whole batches starting with the one that contains `offset` (or the next one after it), at most
  // `max_bytes` in total except that the first batch is returned even when larger if `min_one_batch`;
  // only batches entirely below `max_offset_exclusive` (e.g. the high watermark). Reads one segment.
  // Errors: OutOfRange (OFFSET_OUT_OF_RANGE) when offset < log_start_offset() ("... below the log start
  // offset ...") or offset > log_end_offset() ("... above the log end offset ..."); IOError, Corruption.
  // With `file_min_bytes`, batches of at least that many bytes are returned as a FileSlice (one dup of
  // the segment's descriptor) instead of being read.
  Result<ReadResult> Read(int64_t offset, int32_t max_bytes,
                          int64_t max_offset_exclusive = std::numeric_limits<int64_t>::max(),
                          bool min_one_batch = true,
                          uint64_t file_min_bytes = std::numeric_limits<uint64_t>::max()) const;

  int64_t log_start_offset() const { return log_start_offset_; }
  // The next offset to assign.
  int64_t log_end_offset() const { return next_offset_; }
  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  std::vector<int64_t> segment_base_offsets() const;
  // Records appended since the last fdatasync.
  int64_t unflushed_messages() const { return unflushed_messages_; }
  // Bytes appended since the last compaction (all bytes after opening).
  uint64_t compaction_dirty_bytes() const { return dirty_bytes_; }

  // The first offset >= log_start_offset() whose record timestamp is >= `timestamp`; nullopt if none
  // (the caller answers with the log end offset, and handles the LATEST/EARLIEST sentinels).
  Result<std::optional<int64_t>> OffsetForTimestamp(int64_t timestamp) const;
  // Calls `fn` with the header of every batch whose last offset is >= `from_offset`, in offset order,
  // until it returns false. For rebuilding producer state (producerId, epoch, baseSequence,
  // lastOffsetDelta) after a restart.
  Status ForEachBatchHeader(int64_t from_offset,
                            const std::function<bool(const kafka::RecordBatchHeader&)>& fn) const;

  // DeleteRecords: raises the log start offset to `offset` (persisted before anything is deleted) and
  // deletes the segments entirely below it. OutOfRange if offset > log_end_offset().
  Status DeleteRecordsBefore(int64_t offset);
  // Deletes the oldest segments by retention.ms and retention.bytes (when cleanup.policy has delete).
  // The active segment is rolled first when it is itself past retention.ms, so idle partitions expire.
  Status EnforceRetention(int64_t now_ms);
  // Log compaction (cleanup.policy has compact); see log_cleaner.cc. Prepare, Run and Commit on the
  // calling thread.
  Status Compact(int64_t now_ms, CompactionStats* stats = nullptr);
  // The snapshot for a compaction; nullptr when there is nothing to do (not compacted, closed, no
  // segment besides the active one).
  Result<std::unique_ptr<CompactionJob>> PrepareCompaction(int64_t now_ms);
  // Swaps in the segments `job` rewrote (REQUIRES: job was prepared by this Log and ran successfully).
  Status CommitCompaction(CompactionJob& job, CompactionStats* stats = nullptr);

  // fdatasync of everything appended so far.
  Status Flush();
  // Deferred flushes (`flusher` not null): Append and MaybeFlush no longer fdatasync; Append reports
  // flush_due instead and the owner calls PrepareFlush and runs the job on the Flusher. Appends hand
  // their writeback starts to `flusher` too. REQUIRES: `flusher` outlives this Log's use of it.
  void set_flusher(Flusher* flusher) { flusher_ = flusher; }
  // Deferred flushes: data is pending and flush.messages or flush.ms says it is time.
  bool FlushDue(int64_t now_ms) const;
  // A job whose fdatasyncs make everything appended so far durable (resets the flush policy's
  // counters as a flush does).
  Result<FlushJob> PrepareFlush(int64_t now_ms);
  // Flushes if flush.ms has passed since the last flush and data is pending (with deferred flushes,
  // only keeps the flush.ms clock: the owner asks FlushDue).
  Status MaybeFlush(int64_t now_ms);
  // Flushes and closes all files (clean shutdown). The Log must not be used afterwards.
  Status Close();
  // Closes and removes the directory with everything in it (topic deletion).
  Status DeleteAll();

 private:
  Log(std::string dir, const LogConfig& config) : dir_(std::move(dir)), config_(config) {}
  LogSegment* active() const { return segments_.rbegin()->second.get(); }
  Status LoadSegments(bool recover);
  Status Roll(int64_t now_ms);
  Result<AppendResult> AppendToActive(std::span<const uint8_t> batch, const kafka::RecordBatchHeader& header,
                                      int64_t now_ms, int64_t log_append_time_ms);
  // Deletes segments whose records are all below log_start_offset_ (never the active one).
  Status DeleteSegmentsBelowStart();
  Status DeleteOldestSegment();
  Status PersistLogStartOffset();
  std::string LogStartOffsetPath() const { return dir_ + "/" + std::string(kLogStartOffsetFile); }

  std::string dir_;
  LogConfig config_;
  std::map<int64_t, std::unique_ptr<LogSegment>> segments_;  // by base offset; never empty when open
  int64_t log_start_offset_ = 0;
  int64_t next_offset_ = 0;
  int64_t unflushed_messages_ = 0;
  int64_t last_flush_ms_ = -1;
  uint64_t dirty_bytes_ = 0;
  bool closed_ = false;
  Flusher* flusher_ = nullptr;  // deferred flushes when set
};

}  // namespace sluice::broker::storage
