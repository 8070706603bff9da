// FileStreamSourceConnector and FileStreamSourceTask. See file_stream_source.h.
#include "connectors/file/file_stream_source.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "base/logging.h"

namespace sluice::connectors {
namespace {

using connect::ConfigMap;
using connect::Map;
using connect::MapEntry;
using connect::Schema;
using connect::SourceRecord;
using connect::Value;

constexpr std::string_view kFile = "file";
constexpr std::string_view kFiles = "files";
constexpr std::string_view kTopic = "topic";
constexpr std::string_view kBatchSize = "batch.size";

std::string Join(const std::vector<std::string>& items, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) out += (i > begin ? "," : "") + items[i];
  return out;
}

// Problems with `file`/`files` that per-key validation cannot see; empty if none.
std::string CheckPaths(const std::string& file, const std::vector<std::string>& files) {
  if (!file.empty() && !files.empty()) return "Only one of 'file' and 'files' may be set";
  std::set<std::string> seen;
  for (const std::string& f : files) {
    if (f.empty()) return "'files' has an empty path";
    if (!seen.insert(f).second) return "'files' lists " + f + " more than once";
  }
  return "";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const ConfigDef& FileStreamSourceConnector::Definition() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->Define(ConfigKey(std::string(kFile), ConfigType::kString)
                  .NullDefault()
                  .Importance(Importance::kHigh)
                  .Doc("Source filename. If not specified, the standard input will be used"));
    d->Define(ConfigKey(std::string(kFiles), ConfigType::kList)
                  .Default("")
                  .Importance(Importance::kHigh)
                  .Doc("Sluice extension: source filenames, spread over the tasks (instead of 'file'). The "
                       "record key is the filename."));
    d->Define(ConfigKey(std::string(kTopic), ConfigType::kString)
                  .Validate(NonEmptyString())
                  .Importance(Importance::kHigh)
                  .Doc("The topic to publish data to"));
    d->Define(ConfigKey(std::string(kBatchSize), ConfigType::kInt)
                  .Default("2000")
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kLow)
                  .Doc("The maximum number of records the source task can read from the file each time it is "
                       "polled"));
    return d;
  }();
  return *def;
}

std::vector<ConfigValidation> FileStreamSourceConnector::Validate(const ConfigMap& props) {
  std::vector<ConfigValidation> rows = config().Validate(props);
  Result<ParsedConfig> cfg = Definition().Parse(props);
  if (!cfg.ok()) return rows;
  std::string problem = CheckPaths(cfg->GetString(std::string(kFile)), cfg->GetList(std::string(kFiles)));
  if (problem.empty()) return rows;
  for (ConfigValidation& row : rows) {
    if (row.name == kFiles) row.errors.push_back(problem);
  }
  return rows;
}

Status FileStreamSourceConnector::Start(const ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig cfg, Definition().Parse(props));
  std::string file = cfg.GetString(std::string(kFile));
  files_ = cfg.GetList(std::string(kFiles));
  std::string problem = CheckPaths(file, files_);
  if (!problem.empty()) return Status::InvalidArgument(problem);
  props_.clear();
  if (!file.empty()) props_[std::string(kFile)] = file;
  props_[std::string(kTopic)] = cfg.GetString(std::string(kTopic));
  props_[std::string(kBatchSize)] = std::to_string(cfg.GetInt(std::string(kBatchSize)));
  return Status::OK();
}

Result<std::vector<ConfigMap>> FileStreamSourceConnector::TaskConfigs(int max_tasks) {
  if (files_.empty()) return std::vector<ConfigMap>{props_};
  // Contiguous groups, the first ones one larger (Kafka's ConnectorUtils.groupPartitions).
  size_t groups = std::min(files_.size(), static_cast<size_t>(std::max(max_tasks, 1)));
  std::vector<ConfigMap> configs;
  size_t begin = 0;
  for (size_t g = 0; g < groups; ++g) {
    size_t size = files_.size() / groups + (g < files_.size() % groups ? 1 : 0);
    ConfigMap task = props_;
    task[std::string(kFiles)] = Join(files_, begin, begin + size);
    configs.push_back(std::move(task));
    begin += size;
  }
  return configs;
}

FileStreamSourceTask::FileStreamSourceTask(std::chrono::milliseconds eof_wait) : eof_wait_(eof_wait) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    wake_read_ = fds[0];
    wake_write_ = fds[1];
  }
}

FileStreamSourceTask::~FileStreamSourceTask() {
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

Status FileStreamSourceTask::Start(const ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig cfg, FileStreamSourceConnector::Definition().Parse(props));
  std::vector<std::string> files = cfg.GetList(std::string(kFiles));
  std::string file = cfg.GetString(std::string(kFile));
  std::string problem = CheckPaths(file, files);
  if (!problem.empty()) return Status::InvalidArgument(problem);
  topic_ = cfg.GetString(std::string(kTopic));
  batch_size_ = static_cast<size_t>(cfg.GetInt(std::string(kBatchSize)));
  keyed_ = !files.empty();
  if (files.empty()) files.push_back(file);  // "" is stdin
  readers_.clear();
  for (std::string& f : files) readers_.push_back(std::make_unique<LineReader>(std::move(f)));
  warned_missing_.assign(readers_.size(), false);
  return Status::OK();
}

Status FileStreamSourceTask::OpenAtCommittedOffset(LineReader& reader) {
  int64_t position = 0;
  if (!reader.is_stdin() && context() != nullptr) {
    ASSIGN_OR_RETURN(Value offset, context()->offset_storage_reader().Offset(
                                       connect::StringMap({{"filename", reader.path()}})));
    if (const Value* p = connect::MapGet(offset, "position"); p != nullptr && !p->is_null()) {
      if (const auto* i64 = p->get_if<int64_t>()) {
        position = *i64;
      } else if (const auto* i32 = p->get_if<int32_t>()) {
        position = *i32;
      } else {
        return Status::InvalidArgument("Offset position is the incorrect type");
      }
      LOG_DEBUG("Found previous offset {} for {}, trying to skip to it", position, reader.path());
    }
  }
  return reader.Open(position);
}

Status FileStreamSourceTask::Poll(std::vector<SourceRecord>& out) {
  if (stopping_.load()) return Status::OK();
  size_t produced = 0;
  std::vector<Line> lines;
  for (size_t k = 0; k < readers_.size() && produced < batch_size_; ++k) {
    size_t index = (next_reader_ + k) % readers_.size();
    LineReader& reader = *readers_[index];
    if (!reader.is_open()) {
      Status opened = OpenAtCommittedOffset(reader);
      if (opened.code() == Status::Code::kNotFound) {
        if (!warned_missing_[index]) {
          LOG_WARN("Couldn't find file {} for FileStreamSourceTask, sleeping to wait for it to be created",
                   reader.path());
          warned_missing_[index] = true;
        }
        continue;
      }
      RETURN_IF_ERROR(opened);
    }
    lines.clear();
    bool drained = false;
    RETURN_IF_ERROR(reader.ReadLines(batch_size_ - produced, lines, drained));
    for (Line& line : lines) {
      SourceRecord r;
      r.topic = topic_;
      if (keyed_) {
        r.key_schema = Schema::String();
        r.key = Value(reader.path());
      }
      r.value_schema = Schema::String();
      r.value = Value(std::move(line.text));
      r.timestamp = NowMs();
      if (!reader.is_stdin()) {
        r.source_partition = connect::StringMap({{"filename", reader.path()}});
        r.source_offset = Value(Map{MapEntry{Value("position"), Value(line.end_position)}});
      }
      out.push_back(std::move(r));
    }
    produced += lines.size();
  }
  next_reader_ = readers_.empty() ? 0 : (next_reader_ + 1) % readers_.size();
  if (produced == 0) Wait();
  return Status::OK();
}

void FileStreamSourceTask::Wait() {
  pollfd fds[2];
  nfds_t n = 0;
  if (wake_read_ >= 0) fds[n++] = pollfd{wake_read_, POLLIN, 0};
  if (readers_.size() == 1 && readers_[0]->is_open() && readers_[0]->pollable_fd() >= 0) {
    fds[n++] = pollfd{readers_[0]->pollable_fd(), POLLIN, 0};
  }
  if (stopping_.load()) return;
  int rc = ::poll(fds, n, static_cast<int>(eof_wait_.count()));
  (void)rc;  // timeout, input or a wake-up: the next Poll looks again
}

void FileStreamSourceTask::Stop() {
  stopping_.store(true);
  if (wake_write_ >= 0) {
    char byte = 1;
    ssize_t rc = ::write(wake_write_, &byte, 1);
    (void)rc;  // a full pipe already wakes the poller
  }
}

}  // namespace sluice::connectors
