// LineReader: complete lines of a growing file (or stdin) from a byte position, without blocking, as
// Kafka's FileStreamSourceTask splits them: a line ends at "\n", "\r\n" or a lone "\r" (a "\r" at the
// end of the available data waits for the next byte); a last line without its terminator is held back
// until it is complete. Each line carries the byte position just after its terminator.
//
// Thread-safety: not synchronised; one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::connectors {

struct Line {
  std::string text;      // without the terminator
  int64_t end_position;  // byte offset after the terminator
};

class LineReader {
 public:
  // An empty path reads stdin.
  explicit LineReader(std::string path) : path_(std::move(path)) {}
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  const std::string& path() const { return path_; }
  bool is_stdin() const { return path_.empty(); }
  bool is_open() const { return fd_ >= 0; }
  // The descriptor to wait on for more input when it is not a regular file (stdin, a FIFO) and has not
  // ended; -1 otherwise.
  int pollable_fd() const { return regular_ || ended_ ? -1 : fd_; }

  // Opens the file and starts at byte `position` (ignored for stdin). NotFound if the file does not
  // exist (yet).
  Status Open(int64_t position);
  // Appends up to `max` complete lines to `out`. `drained` is set when no more bytes are available
  // right now (end of file, or nothing ready on stdin/a FIFO).
  Status ReadLines(size_t max, std::vector<Line>& out, bool& drained);

 private:
  bool ExtractLine(Line& line);

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool regular_ = true;
  bool ended_ = false;  // a read returned end of file (for stdin/FIFOs: the writer is gone)
  std::string buffer_;  // bytes read; buffer_[start_..] not yet returned as lines
  size_t start_ = 0;
  int64_t position_ = 0;  // byte offset of buffer_[start_]
};

}  // namespace sluice::connectors
