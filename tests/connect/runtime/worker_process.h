// Starts `sluice connect-distributed|connect-standalone` as a child process on a free loopback REST
// port with a throwaway directory, waits until its REST API answers, and stops it cleanly (SIGTERM) or
// with SIGKILL. Also a tiny HTTP helper for the tests.
// Thread-safety: one test thread per object.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

class WorkerProcess {
 public:
  // `props`: the worker properties (listeners is added); `standalone` picks the command.
  WorkerProcess(std::map<std::string, std::string> props, bool standalone = false,
                std::vector<std::string> connector_files = {});
  ~WorkerProcess();

  // An environment variable of the worker process (set before Start).
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }
  // Starts and waits (up to 30 s) until GET / answers 200. False if it exited or never answered.
  bool Start();
  void Stop();  // SIGTERM, wait
  void Kill();  // SIGKILL, wait
  bool Alive();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string worker_id() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }
  std::string Output() const;

 private:
  std::map<std::string, std::string> props_;
  bool standalone_;
  std::vector<std::string> connector_files_;
  std::map<std::string, std::string> env_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct HttpResponse {
  int status = 0;  // 0: no response
  std::string body;
  std::string location;
};

// One HTTP request to 127.0.0.1:port (Content-Type application/json when a body is given).
HttpResponse Http(int port, const std::string& method, const std::string& path, const std::string& body = "");

int FreeTcpPort();

}  // namespace sluice::testing
