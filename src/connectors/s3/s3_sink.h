// io.confluent.connect.s3.S3SinkConnector and its task. The connector validates the config (per-field
// errors as Confluent's) and hands every task the same config; the runtime spreads topic-partitions
// over the tasks. A task keeps one TopicPartitionWriter per assigned partition, reports in PreCommit
// only offsets of records in completed objects, and aborts open files on Close (they are rebuilt from
// the committed offset). With store.kafka.keys/headers every file has keys/headers objects beside the
// values, and a record without key (resp. headers) fails the task, as Confluent's. S3 trouble that may pass
// (timeouts, 5xx, connection refused) is returned as a retriable error so the runtime backs off and calls Put
// again with the same records. Parts and completions upload on background threads (Uploader) while the task
// encodes the next records; PreCommit, Open and Close wait for them.
//
// Thread-safety: the runtime calls the connector from one thread at a time and a task from its own
// thread; Stop() may come from another thread and only sets a flag.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connect/api/connector.h"
#include "connect/api/task.h"
#include "connectors/s3/partitioner.h"
#include "connectors/s3/record_format.h"
#include "connectors/s3/s3_client.h"
#include "connectors/s3/s3_object.h"
#include "connectors/s3/s3_sink_config.h"
#include "connectors/s3/topic_partition_writer.h"
#include "connectors/s3/uploader.h"

namespace sluice::connectors::s3 {

class S3SinkConnector final : public connect::SinkConnector {
 public:
  static constexpr std::string_view kClassName = "io.confluent.connect.s3.S3SinkConnector";
  const ConfigDef& config() const override { return S3SinkConfigDef(); }
  std::vector<ConfigValidation> Validate(const connect::ConfigMap& props) override {
    return ValidateS3SinkConfig(props);
  }
  Status Start(const connect::ConfigMap& props) override;
  Result<std::vector<connect::ConfigMap>> TaskConfigs(int max_tasks) override;
  void Stop() override {}

 private:
  connect::ConfigMap props_;
};

class S3SinkTask final : public connect::SinkTask {
 public:
  S3SinkTask() = default;
  ~S3SinkTask() override;

  Status Start(const connect::ConfigMap& props) override;
  Status Open(const std::vector<connect::TopicPartition>& partitions) override;
  Status Put(std::vector<connect::SinkRecord>& records) override;
  Result<connect::OffsetMap> PreCommit(const connect::OffsetMap& current) override;
  Status Close(const std::vector<connect::TopicPartition>& partitions) override;
  void Stop() override;

 private:
  TopicPartitionWriter& WriterFor(const connect::TopicPartition& tp);
  // Waits for the queued uploads; logs and returns the error that stopped them, if any.
  Status DrainUploads(std::string_view why);

  S3SinkConfig config_;
  std::unique_ptr<S3Client> client_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<RecordFormat> format_;
  std::unique_ptr<RecordFormat> key_format_;      // store.kafka.keys
  std::unique_ptr<RecordFormat> headers_format_;  // store.kafka.headers
  TimeZone timezone_ = TimeZone::Utc();
  std::unique_ptr<BufferPool> pool_;
  std::unique_ptr<Uploader> uploader_;  // uploads in the background, in order
  int open_files_ = 0;
  std::map<connect::TopicPartition, std::unique_ptr<TopicPartitionWriter>> writers_;
  std::atomic<bool> stopping_{false};
  // The last Put failed retriably: the runtime's next Put repeats the same records.
  bool retrying_ = false;
  // Partitions (re)opened while retrying: the repeated batch holds records of their previous
  // assignment, from beyond the committed offset they restart at, so they are skipped there.
  std::set<connect::TopicPartition> opened_while_retrying_;
};

}  // namespace sluice::connectors::s3
