// Kafka Connect's Task API. A SourceTask is polled for records and told which were acknowledged; a
// SinkTask is handed batches of records and asked, before each offset commit, what it has made durable.
//
// Errors: return a Status. A retriable one (IsRetriable: Unavailable or Timeout, Kafka's
// RetriableException) makes the runtime retry the same call after a backoff; any other fails the task.
//
// Thread-safety: the runtime calls Start/Poll/Put/... from the task's own thread. Stop() may be called
// from another thread while Poll() blocks and must make Poll() return soon.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/connector.h"
#include "connect/api/record.h"

namespace sluice::connect {

inline bool IsRetriable(const Status& s) {
  return s.code() == Status::Code::kUnavailable || s.code() == Status::Code::kTimeout;
}

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string version() const { return "1.0.0"; }
  virtual Status Start(const ConfigMap& props) = 0;
  virtual void Stop() = 0;
};

// Committed source offsets of this connector, read from the offset store.
class OffsetStorageReader {
 public:
  virtual ~OffsetStorageReader() = default;
  // The last committed offset (a MAP) of a source partition, or null if none.
  virtual Result<Value> Offset(const Value& partition) = 0;
};

class SourceTaskContext {
 public:
  virtual ~SourceTaskContext() = default;
  virtual const ConfigMap& configs() const = 0;
  virtual OffsetStorageReader& offset_storage_reader() = 0;
};

// What the producer reported for one record.
struct RecordMetadata {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
  int64_t timestamp = -1;
};

class SourceTask : public Task {
 public:
  void Initialize(SourceTaskContext* context) { context_ = context; }
  // Records available now; an empty vector when there are none (the task should block briefly,
  // e.g. until its poll interval, rather than spin). Appends to `out`.
  virtual Status Poll(std::vector<SourceRecord>& out) = 0;
  // The records of the last Poll once the runtime is done with them (sent or dropped; fields may have
  // been moved from or changed by transformations), before the next Poll: a task may take them (e.g.
  // swap the vector with one of its own) to reuse their storage for its next records, so that a record
  // costs no allocation. By default they are left to the runtime, which destroys them.
  virtual void Reclaim(std::vector<SourceRecord>& /*records*/) {}
  // Offsets up to the last acknowledged record were committed.
  virtual Status Commit() { return Status::OK(); }
  // One record was acknowledged by Kafka (metadata) or dropped by a transformation (nullptr).
  virtual Status CommitRecord(const SourceRecord& /*record*/, const RecordMetadata* /*metadata*/) {
    return Status::OK();
  }

 protected:
  SourceTaskContext* context() const { return context_; }

 private:
  SourceTaskContext* context_ = nullptr;
};

using OffsetMap = std::map<TopicPartition, int64_t>;  // next offset to read, per partition

class SinkTaskContext {
 public:
  virtual ~SinkTaskContext() = default;
  virtual const ConfigMap& configs() const = 0;
  // Rewind or skip: the next records of these partitions come from these offsets.
  virtual void Offset(const OffsetMap& offsets) = 0;
  // After a retriable Put() error, retry after this long (default: the runtime's backoff).
  virtual void Timeout(int64_t timeout_ms) = 0;
  virtual std::vector<TopicPartition> Assignment() const = 0;
  virtual void Pause(const std::vector<TopicPartition>& partitions) = 0;
  virtual void Resume(const std::vector<TopicPartition>& partitions) = 0;
  // Ask for an offset commit (PreCommit) soon.
  virtual void RequestCommit() = 0;
};

class SinkTask : public Task {
 public:
  void Initialize(SinkTaskContext* context) { context_ = context; }
  // New partitions are assigned to this task (before any of their records are put).
  virtual Status Open(const std::vector<TopicPartition>& /*partitions*/) { return Status::OK(); }
  // Records to write. They may be buffered; PreCommit says what is durable. May be empty (a chance to
  // act on time, e.g. rotate files).
  virtual Status Put(std::vector<SinkRecord>& records) = 0;
  // Flush what has been put, up to `current` (next offsets consumed).
  virtual Status Flush(const OffsetMap& /*current*/) { return Status::OK(); }
  // The offsets safe to commit (next offset to read per partition); the default flushes and commits
  // everything consumed. Partitions left out are not committed.
  virtual Result<OffsetMap> PreCommit(const OffsetMap& current) {
    RETURN_IF_ERROR(Flush(current));
    return current;
  }
  // Partitions are taken away (rebalance or stop); buffered data of them should be dropped or closed.
  virtual Status Close(const std::vector<TopicPartition>& /*partitions*/) { return Status::OK(); }

 protected:
  SinkTaskContext* context() const { return context_; }

 private:
  SinkTaskContext* context_ = nullptr;
};

}  // namespace sluice::connect
