// Runs a client program (kcat, python, node) as a child process with a wall-clock limit, feeding it
// stdin and collecting its stdout and stderr, so that a hanging client fails a test instead of
// blocking it.
//
// Thread-safety: RunProcess may be called from any thread; it only touches its own child and pipes
// (and, once, sets SIGPIPE to SIG_IGN for the whole process).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sluice::kafka::testing {

struct ProcessResult {
  bool started = false;
  bool timed_out = false;  // killed with SIGKILL after the limit
  int exit_code = -1;      // valid when the child exited normally
  int term_signal = 0;     // the signal that ended the child, 0 if it exited
  std::string output;      // stdout and stderr interleaved
  std::string error;       // why it did not start

  bool ok() const { return started && !timed_out && term_signal == 0 && exit_code == 0; }
  // "exit 0", "killed after timeout", "signal 11", "not started: ...".
  std::string Describe() const;
};

// Runs argv[0] (an absolute path) with argv, the current environment plus `extra_env`
// ("NAME=value" entries), and `stdin_data` on its standard input.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_data,
                         const std::vector<std::string>& extra_env, std::chrono::milliseconds limit);

// The absolute path of `name` in $PATH, or "" if absent.
std::string FindInPath(const std::string& name);

}  // namespace sluice::kafka::testing
