// Tool child processes for the CLI tests. Thread-safety: see tool_runner.h.
#include "tool_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "broker_process.h"

namespace sluice::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// waitpid with a deadline; fills `r` and returns true when the child ended.
bool WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline, ToolResult* r) {
  for (;;) {
    int status = 0;
    const pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) {
      if (WIFEXITED(status)) r->exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) r->term_signal = WTERMSIG(status);
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string ToolResult::Describe() const {
  std::string s = timed_out     ? "killed after timeout"
                  : term_signal ? "signal " + std::to_string(term_signal)
                                : "exit " + std::to_string(exit_code);
  return s + "\nstdout:\n" + out + "\nstderr:\n" + err;
}

std::string ToolPath(const std::string& name) {
  return (std::filesystem::path(SluiceBinary()).parent_path() / name).string();
}

BackgroundTool::BackgroundTool(const std::string& name, const std::vector<std::string>& args,
                               const std::string& stdin_data) {
  char tmpl[] = "/tmp/sluice-cli-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  {
    std::ofstream in(dir_ + "/stdin");
    in << stdin_data;
  }
  const std::string path = ToolPath(name);
  std::vector<std::string> argv_storage = {path};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    const int in = open((dir_ + "/stdin").c_str(), O_RDONLY);
    const int out = open((dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open((dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
}

BackgroundTool::~BackgroundTool() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string BackgroundTool::Out() const { return ReadFile(dir_ + "/stdout"); }
std::string BackgroundTool::Err() const { return ReadFile(dir_ + "/stderr"); }

bool BackgroundTool::WaitForLines(size_t lines, std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const std::string out = Out();
    if (static_cast<size_t>(std::count(out.begin(), out.end(), '\n')) >= lines) return true;
    if (pid_ <= 0 || kill(pid_, 0) != 0 || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ToolResult BackgroundTool::Stop(int sig, std::chrono::milliseconds limit) {
  ToolResult r;
  if (pid_ > 0) {
    if (sig != 0) kill(pid_, sig);
    if (!WaitUntil(pid_, std::chrono::steady_clock::now() + limit, &r)) {
      r.timed_out = true;
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  r.out = Out();
  r.err = Err();
  return r;
}

ToolResult RunTool(const std::string& name, const std::vector<std::string>& args,
                   const std::string& stdin_data, std::chrono::milliseconds limit) {
  BackgroundTool tool(name, args, stdin_data);
  return tool.Stop(0, limit);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace sluice::testing
