// LineReader. See line_reader.h.
#include "connectors/file/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace sluice::connectors {

LineReader::~LineReader() {
  if (owns_fd_) ::close(fd_);
}

Status LineReader::Open(int64_t position) {
  if (is_stdin()) {
    fd_ = STDIN_FILENO;
  } else {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound("Couldn't find file " + path_);
      return Status::FromErrno("open " + path_, errno);
    }
    if (position > 0 && ::lseek(fd, static_cast<off_t>(position), SEEK_SET) < 0) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno("seek " + path_, err);
    }
    fd_ = fd;
    owns_fd_ = true;
    position_ = position;
  }
  struct stat st {};
  regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  return Status::OK();
}

bool LineReader::ExtractLine(Line& line) {
  size_t end = buffer_.find_first_of("\r\n", start_);
  if (end == std::string::npos) return false;
  size_t next = end + 1;
  if (buffer_[end] == '\r') {
    if (next == buffer_.size()) return false;  // "\r\n" or a lone "\r"? Wait for the next byte.
    if (buffer_[next] == '\n') ++next;
  }
  line.text.assign(buffer_, start_, end - start_);
  position_ += static_cast<int64_t>(next - start_);
  line.end_position = position_;
  start_ = next;
  return true;
}

Status LineReader::ReadLines(size_t max, std::vector<Line>& out, bool& drained) {
  drained = false;
  size_t produced = 0;
  while (produced < max) {
    Line line;
    if (ExtractLine(line)) {
      out.push_back(std::move(line));
      ++produced;
      continue;
    }
    if (!regular_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 0) <= 0) {
        drained = true;
        break;
      }
    }
    if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
    char chunk[64 * 1024];
    ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        drained = true;
        break;
      }
      return Status::FromErrno("read " + (is_stdin() ? std::string("stdin") : path_), errno);
    }
    if (n == 0) {
      ended_ = true;
      drained = true;
      break;
    }
    ended_ = false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  return Status::OK();
}

}  // namespace sluice::connectors
