// The helpers of cli/serve.h that are not the worker itself: logging, limits, signals, connector files.
// Thread-safety: see cli/serve.h.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "base/logging.h"
#include "base/properties.h"
#include "cli/serve.h"

namespace sluice::cli {

void InitLoggingFromEnv() {
  const char* level = std::getenv("SLUICE_LOG_LEVEL");
  if (Status ls = InitLogging(level ? level : "info"); !ls.ok())
    std::fprintf(stderr, "%s\n", ls.ToString().c_str());
}

// Use all the hard limit allows (as Kafka's scripts advise), not the often small default soft limit.
void RaiseOpenFilesLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max) return;
  const rlim_t old_soft = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    LOG_WARN("cannot raise the open files limit from {} to {}", old_soft, rl.rlim_max);
    return;
  }
  LOG_INFO("open files limit raised from {} to {}", old_soft, rl.rlim_max);
}

sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

Result<connect::ConfigMap> LoadConnectorFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + ": not a JSON object");
    connect::ConfigMap out;
    const nlohmann::json& cfg = j.contains("config") && j["config"].is_object() ? j["config"] : j;
    for (const auto& [k, v] : cfg.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    if (j.contains("name") && j["name"].is_string()) out["name"] = j["name"].get<std::string>();
    return out;
  }
  ASSIGN_OR_RETURN(Properties props, LoadPropertiesFile(path));
  return props.ToMap();
}

}  // namespace sluice::cli
