// Helpers of the S3 integration tests: an s3rver child (scripts/services/s3rver) on a free port, an
// S3Client for it (access key S3RVER), producing lines (with keys and headers) with kcat, reading
// every object back, a process's RSS.
// Thread-safety: test-thread only.
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "connectors/s3/s3_client.h"
#include "worker_process.h"

namespace sluice::testing {

class S3rverProcess {
 public:
  S3rverProcess() {
    char tmpl[] = "/tmp/sluice-s3rver-XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = FreeTcpPort();
  }
  ~S3rverProcess() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool Start() {
    return std::system((Script() + " start " + dir_ + " " + std::to_string(port_)).c_str()) == 0;
  }
  void Stop() { std::system((Script() + " stop " + dir_).c_str()); }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::unique_ptr<connectors::s3::S3Client> Client(const std::string& bucket) const {
    connectors::s3::S3ClientOptions o;
    o.bucket = bucket;
    o.region = "ap-northeast-1";
    o.endpoint = endpoint();
    o.part_retries = 1;
    return std::make_unique<connectors::s3::S3Client>(
        o, connectors::s3::AwsCredentials{"S3RVER", "S3RVER", "", "test"});
  }

 private:
  static std::string Script() {
    const char* src = std::getenv("SLUICE_SOURCE_DIR");
    return std::string(src != nullptr ? src : ".") + "/scripts/services/s3rver";
  }
  std::string dir_;
  int port_ = 0;
};

// Produces `lines` (one record each) to topic/partition with kcat; true on success. With `key_delim`
// a line is key<delim>value (a line without the delimiter has a null key); `headers` ("name=value")
// go on every record.
inline bool Produce(const std::string& bootstrap, const std::string& topic,
                    const std::vector<std::string>& lines, int partition = -1,
                    const std::string& key_delim = "", const std::vector<std::string>& headers = {}) {
  char tmpl[] = "/tmp/sluice-kcat-XXXXXX";
  int fd = mkstemp(tmpl);
  std::string path = tmpl;
  {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    if (write(fd, all.data(), all.size()) != static_cast<ssize_t>(all.size())) return false;
    close(fd);
  }
  std::string hs;
  for (const auto& h : headers) hs += " -H '" + h + "'";
  std::string cmd = "kcat -P -b " + bootstrap + " -t " + topic + hs +
                    (partition >= 0 ? " -p " + std::to_string(partition) : "") +
                    (key_delim.empty() ? "" : " -K '" + key_delim + "'") + " -X linger.ms=5 -l " + path +
                    " 2>/dev/null";
  int rc = std::system(cmd.c_str());
  std::filesystem::remove(path);
  return rc == 0;
}

// Every object under `prefix`: key -> content.
inline std::map<std::string, std::string> ReadAll(connectors::s3::S3Client& c, const std::string& prefix) {
  std::map<std::string, std::string> out;
  auto list = c.ListAll(prefix);
  if (!list.ok()) return out;
  for (const auto& o : *list) {
    auto body = c.GetObject(o.key);
    out[o.key] = body.ok() ? *body : "<unreadable>";
  }
  return out;
}

// The pid of the running process whose command line has `arg` (e.g. a worker's properties file).
inline pid_t PidWithArg(const std::string& arg) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t at = 0;
    while (at < cmdline.size()) {
      size_t end = cmdline.find('\0', at);
      if (end == std::string::npos) end = cmdline.size();
      if (cmdline.compare(at, end - at, arg) == 0) return static_cast<pid_t>(std::stol(name));
      at = end + 1;
    }
  }
  return -1;
}

// VmRSS of a process in bytes (from /proc/<pid>/status); -1 if unknown.
inline int64_t RssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  1234 kB"
  }
  return -1;
}

inline std::vector<std::string> Keys(const std::map<std::string, std::string>& objects) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : objects) keys.push_back(k);
  return keys;
}

}  // namespace sluice::testing
