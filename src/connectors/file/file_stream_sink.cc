// FileStreamSinkConnector and FileStreamSinkTask. See file_stream_sink.h.
#include "connectors/file/file_stream_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/logging.h"
#include "connect/converters/value_text.h"

namespace sluice::connectors {
namespace {

constexpr std::string_view kFile = "file";
constexpr size_t kWriteThreshold = 64 * 1024;

}  // namespace

const ConfigDef& FileStreamSinkConnector::Definition() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->Define(ConfigKey(std::string(kFile), ConfigType::kString)
                  .NullDefault()
                  .Importance(Importance::kHigh)
                  .Doc("Destination filename. If not specified, the standard output will be used"));
    return d;
  }();
  return *def;
}

Status FileStreamSinkConnector::Start(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig cfg, Definition().Parse(props));
  task_props_.clear();
  if (!cfg.IsNull(std::string(kFile))) task_props_[std::string(kFile)] = cfg.GetString(std::string(kFile));
  return Status::OK();
}

Result<std::vector<connect::ConfigMap>> FileStreamSinkConnector::TaskConfigs(int max_tasks) {
  return std::vector<connect::ConfigMap>(static_cast<size_t>(std::max(max_tasks, 1)), task_props_);
}

FileStreamSinkTask::~FileStreamSinkTask() {
  if (owns_fd_) ::close(fd_);
}

Status FileStreamSinkTask::Start(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig cfg, FileStreamSinkConnector::Definition().Parse(props));
  path_ = cfg.GetString(std::string(kFile));
  if (path_.empty()) {
    fd_ = STDOUT_FILENO;
    return Status::OK();
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Status::FromErrno("Couldn't find or create file '" + path_ + "' for FileStreamSinkTask", errno);
  }
  owns_fd_ = true;
  return Status::OK();
}

Status FileStreamSinkTask::Put(std::vector<connect::SinkRecord>& records) {
  for (const connect::SinkRecord& r : records) {
    ASSIGN_OR_RETURN(std::string text, connect::JavaString(r.value_schema.get(), r.value));
    buffer_ += text;
    buffer_ += '\n';
  }
  if (buffer_.size() >= kWriteThreshold) return WriteBuffered();
  return Status::OK();
}

Status FileStreamSinkTask::WriteBuffered() {
  if (fd_ < 0) return Status::Aborted("FileStreamSinkTask is not started");
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      buffer_.erase(0, done);
      return Status::FromErrno("write " + (path_.empty() ? std::string("stdout") : path_), err);
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::OK();
}

Status FileStreamSinkTask::Flush(const connect::OffsetMap& /*current*/) {
  RETURN_IF_ERROR(WriteBuffered());
  if (!path_.empty() && ::fdatasync(fd_) != 0) return Status::FromErrno("fdatasync " + path_, errno);
  return Status::OK();
}

void FileStreamSinkTask::Stop() {
  if (fd_ < 0) return;
  Status s = WriteBuffered();
  if (!s.ok()) LOG_ERROR("FileStreamSinkTask: {}", s.ToString());
  if (owns_fd_) ::close(fd_);
  owns_fd_ = false;
  fd_ = -1;
}

}  // namespace sluice::connectors
