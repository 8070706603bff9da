// Starts build/bin/sluice broker as a child process on a free loopback port with a throwaway log
// directory, for integration tests with real clients; stops it cleanly (SIGTERM) or with SIGKILL.
// Thread-safety: one test thread per object.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace sluice::testing {

class BrokerProcess {
 public:
  // `extra` is added to server.properties (e.g. log.flush.interval.messages=1).
  explicit BrokerProcess(std::map<std::string, std::string> extra = {});
  ~BrokerProcess();

  // Starts the broker and waits until its port accepts connections. Restart keeps the log dir.
  bool Start();
  void Stop();  // SIGTERM, wait
  void Kill();  // SIGKILL, wait
  bool running() const { return pid_ > 0; }
  // Whether the process is still running (waitpid WNOHANG; reaps it if it ended).
  bool Alive();
  pid_t pid() const { return pid_; }

  int port() const { return port_; }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& log_dir() const { return dir_; }
  // What the broker printed (stdout + stderr) so far.
  std::string Output() const;

 private:
  std::map<std::string, std::string> extra_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The sluice binary under test.
std::string SluiceBinary();

// Child-process helpers shared by the process fixtures.
int FreeLoopbackPort();                   // a port free on 127.0.0.1 right now
void SignalAndReap(pid_t* pid, int sig);  // sends sig, waits, sets *pid = -1; no-op if *pid <= 0
bool ReapIfExited(pid_t* pid);            // true while running; reaps and sets *pid = -1 once it ended

}  // namespace sluice::testing
