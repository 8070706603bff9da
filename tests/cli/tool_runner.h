// Runs the Kafka tool links beside the sluice binary (build/bin/kafka-console-consumer, ...) as child
// processes for the CLI integration tests: stdin from a string, stdout and stderr captured separately
// (through files, so a chatty child never blocks), a wall-clock limit after which the child is killed,
// and tools left running in the background to be signalled later.
//
// Thread-safety: one test thread per object; the free functions keep no shared state.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace sluice::testing {

struct ToolResult {
  bool timed_out = false;  // killed with SIGKILL after the limit
  int exit_code = -1;      // valid when the child exited
  int term_signal = 0;     // the signal that ended the child, 0 if it exited
  std::string out;         // stdout
  std::string err;         // stderr

  // "exit 0", "signal 9", "killed after timeout", then stderr: for assertion messages.
  std::string Describe() const;
};

// The path of tool `name` (a link to the sluice binary under test).
std::string ToolPath(const std::string& name);

// A tool running in the background.
class BackgroundTool {
 public:
  BackgroundTool(const std::string& name, const std::vector<std::string>& args,
                 const std::string& stdin_data = "");
  ~BackgroundTool();  // SIGKILL if still running
  BackgroundTool(const BackgroundTool&) = delete;
  BackgroundTool& operator=(const BackgroundTool&) = delete;

  std::string Out() const;
  std::string Err() const;
  // Waits until stdout has at least `lines` complete lines, the child ended, or `limit` passed.
  bool WaitForLines(size_t lines, std::chrono::milliseconds limit) const;
  // Sends `sig` (unless 0) and waits up to `limit` for the child to end (then SIGKILL).
  ToolResult Stop(int sig, std::chrono::milliseconds limit);

 private:
  std::string dir_;
  pid_t pid_ = -1;
};

// Runs the tool to completion (or the limit).
ToolResult RunTool(const std::string& name, const std::vector<std::string>& args,
                   const std::string& stdin_data = "",
                   std::chrono::milliseconds limit = std::chrono::seconds(60));

// The lines of `text` (without their '\n').
std::vector<std::string> Lines(const std::string& text);

}  // namespace sluice::testing
