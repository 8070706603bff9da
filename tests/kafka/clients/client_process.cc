// Child processes with a time limit. Thread-safety: see client_process.h.
#include "client_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace sluice::kafka::testing {
namespace {

void CloseIfOpen(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

std::string ProcessResult::Describe() const {
  if (!started) return "not started: " + error;
  if (timed_out) return "killed after the time limit";
  if (term_signal != 0) return "killed by signal " + std::to_string(term_signal);
  return "exit " + std::to_string(exit_code);
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_data,
                         const std::vector<std::string>& extra_env, std::chrono::milliseconds limit) {
  // Writing stdin to a child that already exited must give EPIPE, not kill the test with SIGPIPE.
  static const bool kSigpipeIgnored = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)kSigpipeIgnored;
  ProcessResult result;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const std::string& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);

  // O_CLOEXEC so that children spawned concurrently by other threads do not inherit our pipe ends.
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    result.error = std::strerror(errno);
    return result;
  }
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.error = std::strerror(errno);
    close(in_pipe[0]);
    close(in_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  int in_fd = in_pipe[1];
  int out_fd = out_pipe[0];
  if (rc != 0) {
    result.error = argv[0] + ": " + std::strerror(rc);
    CloseIfOpen(&in_fd);
    CloseIfOpen(&out_fd);
    return result;
  }
  result.started = true;

  // Feed stdin and drain the output together so that neither side can block the other.
  fcntl(in_fd, F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (stdin_data.empty()) CloseIfOpen(&in_fd);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (out_fd >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    const int n = poll(fds, in_fd >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (in_fd >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t w = write(in_fd, stdin_data.data() + written, stdin_data.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = stdin_data.size();  // child closed stdin
      if (written == stdin_data.size()) CloseIfOpen(&in_fd);
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buf[4096];
      const ssize_t r = read(out_fd, buf, sizeof(buf));
      if (r > 0) {
        result.output.append(buf, static_cast<size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        CloseIfOpen(&out_fd);
      }
    }
  }
  CloseIfOpen(&in_fd);
  CloseIfOpen(&out_fd);
  // A child that closed its output may still be running: wait for it up to the same deadline.
  int status = 0;
  while (true) {
    const pid_t w = waitpid(pid, &status, result.timed_out ? 0 : WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (w == 0 && std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      result.timed_out = true;
    } else if (w == 0) {
      usleep(20 * 1000);
    }
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status) && !result.timed_out) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace sluice::kafka::testing
