// Connect worker child process for integration tests. Thread-safety: see worker_process.h.
#include "worker_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "broker_process.h"

namespace sluice::testing {

int FreeTcpPort() { return FreeLoopbackPort(); }

HttpResponse Http(int port, const std::string& method, const std::string& path, const std::string& body) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(5);
  cli.set_read_timeout(120);
  const char* type = "application/json";
  httplib::Result r = method == "GET"     ? cli.Get(path)
                      : method == "POST"  ? cli.Post(path, body, type)
                      : method == "PUT"   ? cli.Put(path, body, type)
                      : method == "PATCH" ? cli.Patch(path, body, type)
                                          : cli.Delete(path);
  HttpResponse out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.location = r->get_header_value("Location");
  return out;
}

WorkerProcess::WorkerProcess(std::map<std::string, std::string> props, bool standalone,
                             std::vector<std::string> connector_files)
    : props_(std::move(props)), standalone_(standalone), connector_files_(std::move(connector_files)) {
  char tmpl[] = "/tmp/sluice-worker-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = FreeTcpPort();
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) Kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool WorkerProcess::Start() {
  {
    std::ofstream props(dir_ + "/worker.properties");
    props << "listeners=http://127.0.0.1:" << port_ << "\n";
    props << "rest.advertised.host.name=127.0.0.1\n";
    for (const auto& [k, v] : props_) props << k << "=" << v << "\n";
  }
  pid_ = fork();
  if (pid_ == 0) {
    const std::string out = dir_ + "/worker.log";
    FILE* f = freopen(out.c_str(), "a", stdout);
    (void)f;
    dup2(fileno(stdout), STDERR_FILENO);
    for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), 1);
    const std::string bin = SluiceBinary();
    const std::string props = dir_ + "/worker.properties";
    std::vector<std::string> args = {bin, standalone_ ? "connect-standalone" : "connect-distributed", props};
    for (const auto& c : connector_files_) args.push_back(c);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 300; ++i) {
    if (Http(port_, "GET", "/").status == 200) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void WorkerProcess::Stop() { SignalAndReap(&pid_, SIGTERM); }

void WorkerProcess::Kill() { SignalAndReap(&pid_, SIGKILL); }

bool WorkerProcess::Alive() { return ReapIfExited(&pid_); }

std::string WorkerProcess::Output() const {
  std::ifstream in(dir_ + "/worker.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sluice::testing
