// POSIX file helpers for the log storage: an owning file descriptor with positional I/O, directory
// fsync, atomic small-file replacement, big-endian field access.
//
// Thread-safety: a File may be used for concurrent pread calls; everything else is not synchronised.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace sluice::broker::storage {

class File {
 public:
  // open(2) with O_CLOEXEC added.
  static Result<File> Open(const std::string& path, int flags, mode_t mode = 0644);

  File() = default;
  File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // Writes all `n` bytes at `offset` (retrying short writes and EINTR).
  Status PWriteAll(const void* data, size_t n, uint64_t offset) const;
  // Reads up to `n` bytes at `offset`; fewer only at end of file.
  Result<size_t> PReadUpTo(void* data, size_t n, uint64_t offset) const;
  // Reads exactly `n` bytes or fails (Corruption on a short file).
  Status PReadExact(void* data, size_t n, uint64_t offset) const;
  Status Truncate(uint64_t size) const;
  Status DataSync() const;
  Result<uint64_t> Size() const;
  // Modification time in ms since the epoch.
  Result<int64_t> MtimeMs() const;
  Status Close();
  // A second descriptor for the same open file (dup(2)): it stays readable after the original is closed
  // or the file is unlinked.
  Result<File> Dup() const;

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// A byte range of a file.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};
// Starts the kernel's writeback of the range's dirty pages (sync_file_range SYNC_FILE_RANGE_WRITE):
// returns without waiting for the I/O, but may block while the device's request queue is full.
void StartWriteback(const File& file, ByteRange range);

// fsync of a directory, so that creates, renames and unlinks inside it are durable.
Status SyncDir(const std::string& dir);
// Replaces `path` with `data`: write `path.tmp`, fdatasync, rename over `path`, fsync the directory.
Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> data);
// NotFound when the file does not exist.
Result<std::vector<uint8_t>> ReadWholeFile(const std::string& path);
bool PathExists(const std::string& path);
// unlink(2); a missing file is OK.
Status RemoveFile(const std::string& path);
Status RenameFile(const std::string& from, const std::string& to);
// Removes a directory tree (missing is OK).
Status RemoveTree(const std::string& dir);
// mkdir -p.
Status CreateDirs(const std::string& dir);
// Names of the entries of `dir` (not "." and "..").
Result<std::vector<std::string>> ListDir(const std::string& dir);
// Parent directory of a path ("." if none).
std::string DirName(const std::string& path);

inline uint32_t LoadBE32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint64_t LoadBE64(const uint8_t* p) { return (uint64_t{LoadBE32(p)} << 32) | LoadBE32(p + 4); }
inline void StoreBE32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void StoreBE64(uint8_t* p, uint64_t v) {
  StoreBE32(p, static_cast<uint32_t>(v >> 32));
  StoreBE32(p + 4, static_cast<uint32_t>(v));
}

}  // namespace sluice::broker::storage
