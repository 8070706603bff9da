// LogManager: all partition logs of a broker, under one or more log.dirs.
//
// Layout of each log dir:
//   <topic>-<partition>/            a Log (log.h); the name splits at the last '-'
//   <topic>-<partition>.<n>-delete/ a partition being deleted (removed at the next start-up)
//   .sluice-clean-shutdown          written by Close() after every log was flushed and closed; deleted
//                                   at start-up. Absent at start-up = unclean shutdown: logs recover.
//   .topics/<topic>.properties      (first log dir only) the topic's config overrides, i.e. the keys
//                                   whose value differs from the broker defaults, Kafka key names,
//                                   Java .properties syntax. Effective config = defaults + overrides.
//
// Thread-safety: none. Used only from the broker's event-loop thread, like the Logs it hands out; the
// compactions it starts run on its own cleaner thread (BackgroundCleaner), on snapshots.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/properties.h"
#include "base/status.h"
#include "broker/storage/background_cleaner.h"
#include "broker/storage/log.h"
#include "broker/storage/log_config.h"

namespace sluice::broker::storage {

inline constexpr std::string_view kCleanShutdownFile = ".sluice-clean-shutdown";
inline constexpr std::string_view kTopicConfigDir = ".topics";

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  // "<topic>-<partition>", the directory name.
  std::string ToString() const { return topic + "-" + std::to_string(partition); }
};

struct LogManagerOptions {
  std::vector<std::string> log_dirs;
  LogConfig default_config;                      // broker-level log.* defaults
  int64_t retention_check_interval_ms = 300000;  // log.retention.check.interval.ms
  bool cleaner_enable = true;                    // log.cleaner.enable
  int64_t cleaner_backoff_ms = 15000;            // log.cleaner.backoff.ms
  double min_cleanable_dirty_ratio = 0.5;        // min.cleanable.dirty.ratio
  // Set: fdatasyncs for the flush policy run on a Flusher thread (SubmitFlush) and their completions
  // come back through this (e.g. posted onto the broker's io_context). Unset: Logs flush inline.
  Flusher::Post post_flush_completion;
};

// Kafka's legal topic names: 1-249 chars of [a-zA-Z0-9._-], not "." or "..".
bool IsValidTopicName(std::string_view topic);
// "<topic>-<partition>" split at the last '-'; nullopt if not a valid partition directory name.
std::optional<TopicPartition> ParsePartitionDirName(std::string_view name);

class LogManager {
 public:
  // Creates missing log dirs, loads topic configs, opens every partition (recovering them when the
  // clean-shutdown marker is absent) and deletes the marker.
  static Result<std::unique_ptr<LogManager>> Open(LogManagerOptions options);
  // Without Close() no marker is written: the next start recovers.
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // Creates an empty partition in the log dir holding the fewest partitions, and persists `config` as
  // the topic's overrides if they changed. AlreadyExists, InvalidArgument (bad name or partition).
  Result<Log*> CreatePartition(const std::string& topic, int32_t partition, const LogConfig& config);
  // Removes the partition's files (rename to *-delete, then delete). Once a topic has no partition
  // left, its config file is deleted too. NotFound if absent.
  Status DeletePartition(const std::string& topic, int32_t partition);
  // nullptr if absent. Valid until the partition is deleted or the manager closed.
  Log* GetLog(const std::string& topic, int32_t partition) const;
  std::vector<TopicPartition> Partitions() const;
  void ForEachLog(const std::function<void(const TopicPartition&, Log&)>& fn) const;

  // The effective config of a topic (defaults when it has no overrides).
  LogConfig TopicConfig(const std::string& topic) const;
  // Persists a topic's config (as overrides of the defaults) and applies it to its open partitions.
  Status SetTopicConfig(const std::string& topic, const LogConfig& config);
  const LogConfig& default_config() const { return options_.default_config; }
  // True if the last shutdown of every log dir was clean.
  bool clean_start() const { return clean_start_; }

  // Periodic work, called by the broker (e.g. every second): flush.ms flushes; every
  // retention_check_interval_ms, retention; compaction: a finished background job is committed, and
  // every cleaner_backoff_ms the compacted log with the highest dirty ratio at or above
  // min_cleanable_dirty_ratio gets a new job (one at a time, run on the cleaner thread). Keeps going
  // after a failing log and returns the first error.
  Status Tick(int64_t now_ms);
  // Deferred flushes (options.post_flush_completion set): fdatasyncs everything appended to `log` so
  // far on the flusher thread, then runs `done` (may be empty) through the post function, also when
  // the job cannot be prepared; `done` is dropped if the manager is gone by then. Without deferred
  // flushes: flushes inline and calls `done` before returning.
  void SubmitFlush(Log* log, int64_t now_ms, std::function<void(const Status&)> done);
  // Flusher rounds so far (tests).
  int64_t flush_rounds() const { return flusher_ ? flusher_->rounds() : 0; }
  // Compactions committed so far (tests, metrics).
  int64_t compactions_committed() const { return compactions_committed_; }
  // Closes every log and, if all closed cleanly, writes the clean-shutdown marker in each log dir.
  Status Close();

 private:
  struct Entry {
    std::unique_ptr<Log> log;
    std::string log_dir;
  };
  explicit LogManager(LogManagerOptions options) : options_(std::move(options)) {}
  Status LoadTopicConfigs();
  Status OpenDir(const std::string& dir);
  std::string TopicConfigPath(const std::string& topic) const;

  LogManagerOptions options_;
  std::map<TopicPartition, Entry> logs_;
  std::map<std::string, Properties> topic_overrides_;
  bool clean_start_ = true;
  bool closed_ = false;
  int64_t last_retention_check_ms_ = -1;
  int64_t last_clean_ms_ = -1;
  uint64_t delete_counter_ = 0;
  int64_t compactions_committed_ = 0;
  // Completions posted after the manager is gone are dropped (they hold a weak_ptr to this).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::unique_ptr<Flusher> flusher_;  // with deferred flushes
  // Last: destroyed (joined) first, while the logs it may be reading still exist.
  BackgroundCleaner cleaner_;
};

}  // namespace sluice::broker::storage
