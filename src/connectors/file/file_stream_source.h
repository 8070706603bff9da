// org.apache.kafka.connect.file.FileStreamSourceConnector and its task, as Kafka ships them: each line of
// `file` (stdin when empty) becomes a record on `topic` with a STRING value and no key; the source
// partition is {"filename": path} and the offset {"position": byte offset after the line}, so a
// restarted task resumes after the last committed line. At the end of the file Poll waits (1 s by
// default, cut short by Stop) and then looks again, so lines appended later are picked up.
//
// Sluice extension: `files`, a comma-separated list of paths (instead of `file`), spread over
// min(#files, tasks.max) tasks, each path read by exactly one task; records then have the path as their
// key (STRING) so a multi-partition topic keeps each file's lines in order.
//
// Thread-safety: the runtime calls the connector from one thread at a time. A task is driven by its own
// thread; Stop() may be called from another thread and makes a waiting Poll() return at once.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "connect/api/connector.h"
#include "connect/api/task.h"
#include "connectors/file/line_reader.h"

namespace sluice::connectors {

class FileStreamSourceConnector final : public connect::SourceConnector {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.file.FileStreamSourceConnector";
  static const ConfigDef& Definition();

  const ConfigDef& config() const override { return Definition(); }
  // Per-key checks plus: `file` and `files` are exclusive; `files` has no empty or repeated path.
  std::vector<ConfigValidation> Validate(const connect::ConfigMap& props) override;
  Status Start(const connect::ConfigMap& props) override;
  // One task for `file`; min(#files, max_tasks) tasks for `files`, each with a contiguous share.
  Result<std::vector<connect::ConfigMap>> TaskConfigs(int max_tasks) override;
  void Stop() override {}

 private:
  connect::ConfigMap props_;
  std::vector<std::string> files_;
};

class FileStreamSourceTask final : public connect::SourceTask {
 public:
  // `eof_wait`: how long Poll waits when there is nothing new (Kafka: 1 s).
  explicit FileStreamSourceTask(std::chrono::milliseconds eof_wait = std::chrono::seconds(1));
  ~FileStreamSourceTask() override;

  Status Start(const connect::ConfigMap& props) override;
  // Up to batch.size lines over all of the task's files (opened, at their committed offsets, on first
  // use; a missing file is retried on later polls). Waits up to eof_wait when none is ready.
  Status Poll(std::vector<connect::SourceRecord>& out) override;
  void Stop() override;

 private:
  Status OpenAtCommittedOffset(LineReader& reader);
  void Wait();

  std::chrono::milliseconds eof_wait_;
  std::string topic_;
  size_t batch_size_ = 2000;
  bool keyed_ = false;  // `files` mode: the path is the record key
  std::vector<std::unique_ptr<LineReader>> readers_;
  std::vector<bool> warned_missing_;
  size_t next_reader_ = 0;  // where the next Poll starts, for fairness between files
  std::atomic<bool> stopping_{false};
  int wake_read_ = -1;  // self-pipe that Stop() writes to
  int wake_write_ = -1;
};

}  // namespace sluice::connectors
