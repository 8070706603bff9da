// Writes one Kafka topic-partition's records into S3 objects, Confluent-style: every record goes to the
// open file of its encoded partition, named
//   <topics.dir>/<topic>/<encoded partition>/<topic>+<kafka partition>+<zero-padded start offset><ext>
// A file is one object per stored record view: the values, and with store.kafka.keys/headers the
// keys (<...>.keys<ext>) and headers (<...>.headers<ext>) beside them, written, rotated and completed
// together; a record is encoded in every view before any is written, so a failing record (a null key)
// leaves the objects aligned.
// and all open files of the topic-partition are completed together when it rotates: flush.size
// records, rotate.interval.ms of record time (or a change of encoded partition then), an idle file
// after rotate.interval.ms of wall time without new records, or rotate.schedule.interval.ms on the
// wall clock. The committable offset is the start of the oldest open file (or the next offset when
// none is open), so Kafka offsets only cover completed objects.
//
// Exactly-once after a crash: the task restarts from the committed offset and rebuilds files under
// the same names (overwrite is idempotent). Rotations that depend on the wall clock (idle close,
// schedule) could fall elsewhere in the rebuild, so the first time an encoded partition is used after
// Open the writer lists the objects of this topic-partition in that directory whose start offset is at
// or after the first offset it was given (values, keys or headers objects alike: a crash may fall
// between their completions); when it later reaches such an offset it rotates there, so every object
// name of the previous run is rewritten and no record can survive in two objects.
//
// Uploads run on the task's Uploader: a rotation queues the completion of every object of every open
// file and goes on; until S3 has all of them, those files still bound the committable offset. Write() and
// Tick() are idempotent per record offset: after an error (e.g. S3 down; the uploads stay queued and resume),
// calling them again with the same records skips records already taken.
//
// Thread-safety: one task thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/record.h"
#include "connectors/s3/partitioner.h"
#include "connectors/s3/record_format.h"
#include "connectors/s3/s3_client.h"
#include "connectors/s3/s3_object.h"
#include "connectors/s3/s3_sink_config.h"
#include "connectors/s3/uploader.h"

namespace sluice::connectors::s3 {

// What a task's writers share.
struct WriterContext {
  const S3SinkConfig* config = nullptr;
  S3Client* client = nullptr;    // listings, on the task thread
  Uploader* uploader = nullptr;  // parts and completions
  const Partitioner* partitioner = nullptr;
  const RecordFormat* format = nullptr;          // values
  const RecordFormat* key_format = nullptr;      // store.kafka.keys, else null
  const RecordFormat* headers_format = nullptr;  // store.kafka.headers, else null
  const TimeZone* timezone = nullptr;            // for rotate.schedule.interval.ms
  BufferPool* pool = nullptr;
  int* open_files = nullptr;  // objects being written, across the task; capped by config->max_open_files
};

class TopicPartitionWriter {
 public:
  TopicPartitionWriter(connect::TopicPartition tp, WriterContext ctx);
  ~TopicPartitionWriter();

  Status Write(const connect::SinkRecord& record, int64_t now_ms);
  // Time-driven work without new records: pending uploads, idle rotation, scheduled rotation.
  // `had_records`: this Put() carried records of this partition.
  Status Tick(int64_t now_ms, bool had_records);
  // The offset safe to commit (next to read), if any record was handled.
  std::optional<int64_t> CommittableOffset() const;
  // Drops open files and aborts their multipart uploads (revocation/stop).
  void Abort();

  // The object key of a file's view (`format`: one of the context's formats).
  std::string KeyFor(const std::string& encoded, int64_t start_offset, const RecordFormat& format) const;
  int open_files() const { return static_cast<int>(files_.size()); }

 private:
  Status Rotate();
  Status LearnPreviousRun(const std::string& encoded);
  std::string Prefix(const std::string& encoded) const;

  connect::TopicPartition tp_;
  WriterContext ctx_;
  struct Completing {
    int64_t start_offset;
    std::shared_ptr<ObjectUpload> upload;
  };
  struct File {
    int64_t start_offset = 0;
    std::vector<std::unique_ptr<S3Object>> objects;  // by formats_
  };
  std::vector<const RecordFormat*> formats_;  // the views written: values, then keys, headers
  std::map<std::string, File> files_;         // by encoded partition
  std::vector<Completing> completing_;        // rotated objects, not yet visible in S3
  int64_t next_offset_ = -1;                  // after the last record taken
  int64_t first_offset_ = -1;                 // the first offset handled since Open
  int64_t record_count_ = 0;                  // records since the last rotation
  int64_t base_time_ = -1;                    // rotation time of the first record since the last rotation
  int64_t opened_wall_ = -1;                  // wall clock when that record came
  int64_t next_schedule_ = -1;                // wall clock of the next scheduled rotation
  std::string current_encoded_;
  // Object start offsets of a previous run, per encoded partition, at or after first_offset_.
  std::map<std::string, std::set<int64_t>> previous_starts_;
};

}  // namespace sluice::connectors::s3
