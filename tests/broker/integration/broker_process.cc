// Broker child process for integration tests. Thread-safety: see broker_process.h.
#include "broker_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sluice::testing {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void SignalAndReap(pid_t* pid, int sig) {
  if (*pid <= 0) return;
  kill(*pid, sig);
  int status = 0;
  waitpid(*pid, &status, 0);
  *pid = -1;
}

bool ReapIfExited(pid_t* pid) {
  if (*pid <= 0) return false;
  int status = 0;
  if (waitpid(*pid, &status, WNOHANG) == 0) return true;
  *pid = -1;
  return false;
}

namespace {

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::string SluiceBinary() {
  if (const char* env = std::getenv("SLUICE_BINARY")) return env;
  return SLUICE_BINARY_PATH;
}

BrokerProcess::BrokerProcess(std::map<std::string, std::string> extra) : extra_(std::move(extra)) {
  char tmpl[] = "/tmp/sluice-broker-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = FreeLoopbackPort();
}

BrokerProcess::~BrokerProcess() {
  if (pid_ > 0) Kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool BrokerProcess::Start() {
  {
    std::ofstream props(dir_ + "/server.properties");
    props << "listeners=PLAINTEXT://127.0.0.1:" << port_ << "\n";
    props << "log.dirs=" << dir_ << "/data\n";
    props << "group.initial.rebalance.delay.ms=0\n";
    for (const auto& [k, v] : extra_) props << k << "=" << v << "\n";
  }
  pid_ = fork();
  if (pid_ == 0) {
    const std::string out = dir_ + "/broker.log";
    FILE* f = freopen(out.c_str(), "a", stdout);
    (void)f;
    dup2(fileno(stdout), STDERR_FILENO);
    const std::string bin = SluiceBinary();
    const std::string props = dir_ + "/server.properties";
    execl(bin.c_str(), bin.c_str(), "broker", props.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    if (CanConnect(port_)) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void BrokerProcess::Stop() { SignalAndReap(&pid_, SIGTERM); }

void BrokerProcess::Kill() { SignalAndReap(&pid_, SIGKILL); }

bool BrokerProcess::Alive() { return ReapIfExited(&pid_); }

std::string BrokerProcess::Output() const {
  std::ifstream in(dir_ + "/broker.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace sluice::testing
