// POSIX file helpers (see io.h).
#include "broker/storage/io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace sluice::broker::storage {

Result<File> File::Open(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("open " + path);
    return Status::FromErrno("open " + path, err);
  }
  return File(fd, path);
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

Status File::PWriteAll(const void* data, size_t n, uint64_t offset) const {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path_, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::OK();
}

Result<size_t> File::PReadUpTo(void* data, size_t n, uint64_t offset) const {
  auto* p = static_cast<uint8_t*>(data);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, p + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path_, errno);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

Status File::PReadExact(void* data, size_t n, uint64_t offset) const {
  ASSIGN_OR_RETURN(size_t got, PReadUpTo(data, n, offset));
  if (got != n) {
    return Status::Corruption("read " + path_ + ": short file at " + std::to_string(offset + got));
  }
  return Status::OK();
}

Status File::Truncate(uint64_t size) const {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Status::FromErrno("truncate " + path_, errno);
  return Status::OK();
}

Result<File> File::Dup() const {
  const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("dup " + path_, errno);
  return File(fd, path_);
}

Status File::DataSync() const {
  if (::fdatasync(fd_) != 0) return Status::FromErrno("fdatasync " + path_, errno);
  return Status::OK();
}

Result<uint64_t> File::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Status::FromErrno("stat " + path_, errno);
  return static_cast<uint64_t>(st.st_size);
}

Result<int64_t> File::MtimeMs() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Status::FromErrno("stat " + path_, errno);
  return int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000;
}

Status File::Close() {
  if (fd_ < 0) return Status::OK();
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && errno != EINTR) return Status::FromErrno("close " + path_, errno);
  return Status::OK();
}

void StartWriteback(const File& file, ByteRange range) {
  // Advisory: a failure only means the later fdatasync has more to do.
  (void)::sync_file_range(file.fd(), static_cast<off64_t>(range.offset), static_cast<off64_t>(range.length),
                          SYNC_FILE_RANGE_WRITE);
}

Status SyncDir(const std::string& dir) {
  ASSIGN_OR_RETURN(File f, File::Open(dir, O_RDONLY | O_DIRECTORY));
  if (::fsync(f.fd()) != 0) return Status::FromErrno("fsync " + dir, errno);
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> data) {
  std::string tmp = path + ".tmp";
  {
    ASSIGN_OR_RETURN(File f, File::Open(tmp, O_WRONLY | O_CREAT | O_TRUNC));
    RETURN_IF_ERROR(f.PWriteAll(data.data(), data.size(), 0));
    RETURN_IF_ERROR(f.DataSync());
    RETURN_IF_ERROR(f.Close());
  }
  RETURN_IF_ERROR(RenameFile(tmp, path));
  return SyncDir(DirName(path));
}

Result<std::vector<uint8_t>> ReadWholeFile(const std::string& path) {
  ASSIGN_OR_RETURN(File f, File::Open(path, O_RDONLY));
  ASSIGN_OR_RETURN(uint64_t size, f.Size());
  std::vector<uint8_t> out(size);
  ASSIGN_OR_RETURN(size_t got, f.PReadUpTo(out.data(), out.size(), 0));
  out.resize(got);
  return out;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Status::FromErrno("unlink " + path, errno);
  return Status::OK();
}

Status RenameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::FromErrno("rename " + from + " to " + to, errno);
  }
  return Status::OK();
}

Status RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return Status::IOError("remove " + dir + ": " + ec.message());
  return Status::OK();
}

Status CreateDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("mkdir " + dir + ": " + ec.message());
  return Status::OK();
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::NotFound("opendir " + dir);
    return Status::FromErrno("opendir " + dir, errno);
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  return names;
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace sluice::broker::storage
