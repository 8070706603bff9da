// LogManager (see log_manager.h).
#include "broker/storage/log_manager.h"

#include <charconv>
#include <chrono>

#include "base/logging.h"

namespace sluice::broker::storage {

namespace {

constexpr std::string_view kDeleteSuffix = "-delete";
constexpr std::string_view kPropertiesSuffix = ".properties";

std::string FormatOverrides(const Properties& overrides) {
  std::string text = "# Sluice topic config overrides (differences from the broker defaults)\n";
  for (const auto& [key, value] : overrides) text += key + "=" + value + "\n";
  return text;
}

Status WriteText(const std::string& path, const std::string& text) {
  return WriteFileAtomically(
      path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace

bool IsValidTopicName(std::string_view topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") return false;
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<TopicPartition> ParsePartitionDirName(std::string_view name) {
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view num = name.substr(dash + 1);
  int32_t partition = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), partition);
  if (ec != std::errc() || p != num.data() + num.size() || partition < 0 || num[0] == '+')
    return std::nullopt;
  if (std::to_string(partition) != num) return std::nullopt;  // no leading zeros
  std::string_view topic = name.substr(0, dash);
  if (!IsValidTopicName(topic)) return std::nullopt;
  return TopicPartition{std::string(topic), partition};
}

Result<std::unique_ptr<LogManager>> LogManager::Open(LogManagerOptions options) {
  if (options.log_dirs.empty()) return Status::InvalidArgument("no log dirs");
  std::unique_ptr<LogManager> m(new LogManager(std::move(options)));
  if (m->options_.post_flush_completion) {
    m->flusher_ = std::make_unique<Flusher>(m->options_.post_flush_completion);
  }
  for (const std::string& dir : m->options_.log_dirs) RETURN_IF_ERROR(CreateDirs(dir));
  RETURN_IF_ERROR(m->LoadTopicConfigs());
  for (const std::string& dir : m->options_.log_dirs) RETURN_IF_ERROR(m->OpenDir(dir));
  return m;
}

std::string LogManager::TopicConfigPath(const std::string& topic) const {
  return options_.log_dirs[0] + "/" + std::string(kTopicConfigDir) + "/" + topic +
         std::string(kPropertiesSuffix);
}

Status LogManager::LoadTopicConfigs() {
  std::string dir = options_.log_dirs[0] + "/" + std::string(kTopicConfigDir);
  auto names = ListDir(dir);
  if (!names.ok()) return names.status().code() == Status::Code::kNotFound ? Status::OK() : names.status();
  for (const std::string& name : *names) {
    if (name.ends_with(".tmp")) {
      RETURN_IF_ERROR(RemoveFile(dir + "/" + name));
      continue;
    }
    if (!name.ends_with(kPropertiesSuffix)) continue;
    std::string topic = name.substr(0, name.size() - kPropertiesSuffix.size());
    if (!IsValidTopicName(topic)) continue;
    ASSIGN_OR_RETURN(Properties props, LoadPropertiesFile(dir + "/" + name));
    // Refuse to start on a bad file rather than silently fall back (e.g. compact -> delete).
    Result<LogConfig> config = LogConfig::FromProperties(props, options_.default_config);
    if (!config.ok()) return Status::Corruption(dir + "/" + name + ": " + config.status().message());
    topic_overrides_[topic] = std::move(props);
  }
  return Status::OK();
}

Status LogManager::OpenDir(const std::string& dir) {
  std::string marker = dir + "/" + std::string(kCleanShutdownFile);
  bool clean = PathExists(marker);
  bool logged = false;
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    if (name.ends_with(kDeleteSuffix)) {
      RETURN_IF_ERROR(RemoveTree(path));
      continue;
    }
    std::optional<TopicPartition> tp = ParsePartitionDirName(name);
    if (!tp) continue;
    if (logs_.contains(*tp)) return Status::Corruption("partition " + name + " exists in two log dirs");
    if (!clean && !logged) {
      clean_start_ = false;
      logged = true;
      LOG_INFO("{}: no clean-shutdown marker; recovering logs", dir);
    }
    Result<std::unique_ptr<Log>> log = Log::Open(path, TopicConfig(tp->topic), !clean);
    if (!log.ok()) return log.status().WithContext("opening " + path);
    (*log)->set_flusher(flusher_.get());
    logs_.emplace(*tp, Entry{std::move(*log), dir});
  }
  if (clean) {
    RETURN_IF_ERROR(RemoveFile(marker));
    RETURN_IF_ERROR(SyncDir(dir));
  }
  return Status::OK();
}

LogConfig LogManager::TopicConfig(const std::string& topic) const {
  auto it = topic_overrides_.find(topic);
  if (it == topic_overrides_.end()) return options_.default_config;
  return LogConfig::FromProperties(it->second, options_.default_config).value_or(options_.default_config);
}

Status LogManager::SetTopicConfig(const std::string& topic, const LogConfig& config) {
  if (!IsValidTopicName(topic)) return Status::InvalidArgument("invalid topic name: " + topic);
  Properties overrides = config.OverridesFrom(options_.default_config);
  auto it = topic_overrides_.find(topic);
  bool changed = it == topic_overrides_.end() ? !overrides.empty() : !(it->second == overrides);
  if (changed) {
    std::string path = TopicConfigPath(topic);
    if (overrides.empty()) {
      RETURN_IF_ERROR(RemoveFile(path));
    } else {
      RETURN_IF_ERROR(CreateDirs(DirName(path)));
      RETURN_IF_ERROR(WriteText(path, FormatOverrides(overrides)));
    }
    topic_overrides_[topic] = std::move(overrides);
  }
  for (auto& [tp, entry] : logs_) {
    if (tp.topic == topic) entry.log->set_config(config);
  }
  return Status::OK();
}

Result<Log*> LogManager::CreatePartition(const std::string& topic, int32_t partition,
                                         const LogConfig& config) {
  if (closed_) return Status::Aborted("log manager is closed");
  if (!IsValidTopicName(topic)) return Status::InvalidArgument("invalid topic name: " + topic);
  if (partition < 0) return Status::InvalidArgument("invalid partition " + std::to_string(partition));
  TopicPartition tp{topic, partition};
  if (logs_.contains(tp)) return Status::AlreadyExists("partition " + tp.ToString() + " already exists");
  // The log dir with the fewest partitions.
  std::map<std::string, size_t> counts;
  for (const std::string& dir : options_.log_dirs) counts[dir] = 0;
  for (const auto& [key, entry] : logs_) counts[entry.log_dir]++;
  std::string dir = options_.log_dirs[0];
  for (const std::string& d : options_.log_dirs) {
    if (counts[d] < counts[dir]) dir = d;
  }
  RETURN_IF_ERROR(SetTopicConfig(topic, config));
  ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Create(dir + "/" + tp.ToString(), config));
  Log* raw = log.get();
  raw->set_flusher(flusher_.get());
  logs_.emplace(tp, Entry{std::move(log), dir});
  return raw;
}

LogManager::~LogManager() { cleaner_.CancelAndWait(nullptr); }

Status LogManager::DeletePartition(const std::string& topic, int32_t partition) {
  auto it = logs_.find(TopicPartition{topic, partition});
  if (it == logs_.end()) return Status::NotFound("partition " + topic + "-" + std::to_string(partition));
  cleaner_.CancelAndWait(it->second.log.get());  // its job must not write into the doomed directory
  std::string dir = it->second.log->dir();
  auto now_ns = std::chrono::steady_clock::now().time_since_epoch().count();
  std::string doomed = dir + "." + std::to_string(now_ns) + "." + std::to_string(++delete_counter_) +
                       std::string(kDeleteSuffix);
  RETURN_IF_ERROR(RenameFile(dir, doomed));
  RETURN_IF_ERROR(SyncDir(it->second.log_dir));
  logs_.erase(it);  // closes the files without flushing
  RETURN_IF_ERROR(RemoveTree(doomed));
  bool topic_left = false;
  for (const auto& [tp, entry] : logs_) topic_left = topic_left || tp.topic == topic;
  if (!topic_left && topic_overrides_.erase(topic) > 0) RETURN_IF_ERROR(RemoveFile(TopicConfigPath(topic)));
  return Status::OK();
}

Log* LogManager::GetLog(const std::string& topic, int32_t partition) const {
  auto it = logs_.find(TopicPartition{topic, partition});
  return it == logs_.end() ? nullptr : it->second.log.get();
}

std::vector<TopicPartition> LogManager::Partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, entry] : logs_) out.push_back(tp);
  return out;
}

void LogManager::ForEachLog(const std::function<void(const TopicPartition&, Log&)>& fn) const {
  for (const auto& [tp, entry] : logs_) fn(tp, *entry.log);
}

Status LogManager::Tick(int64_t now_ms) {
  if (closed_) return Status::OK();
  Status first;
  auto note = [&](const TopicPartition& tp, Status st) {
    if (st.ok()) return;
    LOG_ERROR("{}: {}", tp.ToString(), st.ToString());
    if (first.ok()) first = st.WithContext(tp.ToString());
  };
  for (auto& [tp, entry] : logs_) {
    note(tp, entry.log->MaybeFlush(now_ms));
    if (flusher_ && entry.log->FlushDue(now_ms)) {
      SubmitFlush(entry.log.get(), now_ms, [tp = tp](const Status& st) {
        if (!st.ok()) LOG_ERROR("{}: flush: {}", tp.ToString(), st.ToString());
      });
    }
  }
  if (last_retention_check_ms_ < 0 ||
      now_ms - last_retention_check_ms_ >= options_.retention_check_interval_ms) {
    last_retention_check_ms_ = now_ms;
    for (auto& [tp, entry] : logs_) note(tp, entry.log->EnforceRetention(now_ms));
  }
  if (auto finished = cleaner_.TakeFinished()) {
    for (auto& [tp, entry] : logs_) {
      if (entry.log.get() != finished->log) continue;
      if (finished->status.ok()) {
        CompactionStats stats;
        note(tp, entry.log->CommitCompaction(*finished->job, &stats));
        ++compactions_committed_;
      } else {
        note(tp, finished->status);
      }
      break;
    }
    finished->job->Discard();  // whatever was not committed
  }
  if (options_.cleaner_enable && !cleaner_.busy() &&
      (last_clean_ms_ < 0 || now_ms - last_clean_ms_ >= options_.cleaner_backoff_ms)) {
    last_clean_ms_ = now_ms;
    // The dirtiest compacted log first, as Kafka's cleaner picks.
    Log* dirtiest = nullptr;
    double best = 0;
    const TopicPartition* best_tp = nullptr;
    for (auto& [tp, entry] : logs_) {
      Log& log = *entry.log;
      if (!log.config().cleanup_compact || log.segment_count() < 2 || log.size_bytes() == 0) continue;
      double ratio =
          static_cast<double>(log.compaction_dirty_bytes()) / static_cast<double>(log.size_bytes());
      if (ratio >= options_.min_cleanable_dirty_ratio && ratio > best) {
        best = ratio;
        dirtiest = &log;
        best_tp = &tp;
      }
    }
    if (dirtiest != nullptr) {
      auto job = dirtiest->PrepareCompaction(now_ms);
      if (!job.ok()) {
        note(*best_tp, job.status());
      } else if (*job) {
        cleaner_.Submit(dirtiest, std::move(*job));
      }
    }
  }
  return first;
}

void LogManager::SubmitFlush(Log* log, int64_t now_ms, std::function<void(const Status&)> done) {
  if (!flusher_) {
    Status st = log->Flush();
    if (done) done(st);
    return;
  }
  Result<FlushJob> job = log->PrepareFlush(now_ms);
  if (!job.ok()) {
    if (done) options_.post_flush_completion([done = std::move(done), st = job.status()] { done(st); });
    return;
  }
  if (done) {
    job->done = [alive = std::weak_ptr<int>(alive_), done = std::move(done)](const Status& st) {
      if (alive.lock()) done(st);
    };
  }
  flusher_->Submit(std::move(*job));
}

Status LogManager::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  if (flusher_) flusher_->Stop();  // pending syncs finish; Log::Close below flushes the rest
  cleaner_.CancelAndWait(nullptr);
  Status first;
  for (auto& [tp, entry] : logs_) {
    Status st = entry.log->Close();
    if (!st.ok() && first.ok()) first = st.WithContext(tp.ToString());
  }
  if (!first.ok()) return first;  // no marker: the next start recovers
  for (const std::string& dir : options_.log_dirs) {
    RETURN_IF_ERROR(WriteText(dir + "/" + std::string(kCleanShutdownFile), ""));
  }
  return Status::OK();
}

}  // namespace sluice::broker::storage
