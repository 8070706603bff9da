// org.apache.kafka.connect.file.FileStreamSinkConnector and its task, as Kafka ships them: each record
// value is appended to `file` (stdout when empty) as its Java string form (String.valueOf: a STRING as
// is, "null" for null, see connect/converters/value_text.h) plus "\n". The topics to read
// (`topics` / `topics.regex`) are the runtime's business. Put buffers; Flush writes and fdatasyncs, so
// committed offsets imply durable lines. Every task appends to the same file (whole lines per write).
//
// Thread-safety: the runtime calls the connector from one thread at a time, and a task from its own
// thread (Stop included).
#pragma once

#include <string>
#include <vector>

#include "base/config_def.h"
#include "connect/api/connector.h"
#include "connect/api/task.h"

namespace sluice::connectors {

class FileStreamSinkConnector final : public connect::SinkConnector {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.file.FileStreamSinkConnector";
  static const ConfigDef& Definition();

  const ConfigDef& config() const override { return Definition(); }
  Status Start(const connect::ConfigMap& props) override;
  // max_tasks identical configs, as Kafka.
  Result<std::vector<connect::ConfigMap>> TaskConfigs(int max_tasks) override;
  void Stop() override {}

 private:
  connect::ConfigMap task_props_;
};

class FileStreamSinkTask final : public connect::SinkTask {
 public:
  FileStreamSinkTask() = default;
  ~FileStreamSinkTask() override;
  FileStreamSinkTask(const FileStreamSinkTask&) = delete;
  FileStreamSinkTask& operator=(const FileStreamSinkTask&) = delete;

  // Opens (creating) the file for appending.
  Status Start(const connect::ConfigMap& props) override;
  Status Put(std::vector<connect::SinkRecord>& records) override;
  // Writes what is buffered and fdatasyncs the file (stdout is only written).
  Status Flush(const connect::OffsetMap& current) override;
  // Writes what is buffered and closes the file.
  void Stop() override;

 private:
  Status WriteBuffered();

  std::string path_;
  int fd_ = -1;  // STDOUT_FILENO when writing to stdout
  bool owns_fd_ = false;
  std::string buffer_;
};

}  // namespace sluice::connectors
