// `connect-distributed worker.properties` and `connect-standalone worker.properties
// [connector.properties|connector.json]...` (also `sluice connect-distributed ...`): a Kafka Connect
// worker with its REST API, until SIGINT/SIGTERM, then a clean shutdown (tasks stopped, offsets
// committed, the group left).
// Thread-safety: runs on the main thread; signals are blocked in every thread and taken by sigwait.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <string>

#include "base/logging.h"
#include "base/properties.h"
#include "cli/commands.h"
#include "connect/rest/rest_server.h"
#include "connect/runtime/distributed_herder.h"
#include "connect/runtime/plugins.h"
#include "connect/runtime/standalone_herder.h"

namespace sluice::cli {
namespace {

using connect::ConfigMap;

// A connector file for connect-standalone: .properties, or JSON ({"name":..,"config":{..}} or a flat
// object) as Kafka 3.x accepts.
Result<ConfigMap> LoadConnectorFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + ": not a JSON object");
    ConfigMap out;
    const nlohmann::json& cfg = j.contains("config") && j["config"].is_object() ? j["config"] : j;
    for (const auto& [k, v] : cfg.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    if (j.contains("name") && j["name"].is_string()) out["name"] = j["name"].get<std::string>();
    return out;
  }
  ASSIGN_OR_RETURN(Properties props, LoadPropertiesFile(path));
  return props.ToMap();
}

sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int Usage(bool distributed) {
  if (distributed) {
    std::printf("usage: connect-distributed worker.properties\n");
  } else {
    std::printf("usage: connect-standalone worker.properties [connector.properties|connector.json]...\n");
  }
  return 0;
}

int RunWorker(std::span<char*> args, bool distributed) {
  if (args.empty()) {
    Usage(distributed);
    return 2;
  }
  std::string first = args[0];
  if (first == "--help" || first == "-h") return Usage(distributed);
  const char* level = std::getenv("SLUICE_LOG_LEVEL");
  if (Status ls = InitLogging(level ? level : "info"); !ls.ok())
    std::fprintf(stderr, "%s\n", ls.ToString().c_str());
  auto props = LoadPropertiesFile(first);
  if (!props.ok()) {
    std::fprintf(stderr, "%s\n", props.status().ToString().c_str());
    return 1;
  }
  auto mode = distributed ? connect::WorkerMode::kDistributed : connect::WorkerMode::kStandalone;
  auto parsed = connect::WorkerConfig::Parse(*props, mode);
  if (!parsed.ok()) {
    std::fprintf(stderr, "invalid worker configuration: %s\n", parsed.status().message().c_str());
    return 1;
  }
  connect::WorkerConfig config = std::move(*parsed);
  for (const auto& k : config.unknown_keys) LOG_INFO("worker config {} is not known; ignored", k);
  std::vector<ConfigMap> connector_files;
  if (!distributed) {
    for (size_t i = 1; i < args.size(); ++i) {
      auto c = LoadConnectorFile(args[i]);
      if (!c.ok()) {
        std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
        return 1;
      }
      connector_files.push_back(std::move(*c));
    }
  } else if (args.size() > 1) {
    std::fprintf(stderr, "connect-distributed takes one worker properties file\n");
    return 2;
  }
  // glibc gives every thread that allocates its own 64 MiB arena; task threads allocate per record, so
  // without a cap RSS grows with the number of tasks rather than with the data in flight.
  mallopt(M_ARENA_MAX, 2);
  sigset_t signals = BlockShutdownSignals();
  const connect::PluginRegistry& plugins = connect::BuiltinPlugins();

  std::unique_ptr<connect::HerderBase> herder;
  connect::StandaloneHerder* standalone = nullptr;
  connect::DistributedHerder* dist = nullptr;
  if (distributed) {
    herder = std::make_unique<connect::DistributedHerder>(config, plugins);
    dist = static_cast<connect::DistributedHerder*>(herder.get());
  } else {
    herder = std::make_unique<connect::StandaloneHerder>(config, plugins);
    standalone = static_cast<connect::StandaloneHerder*>(herder.get());
  }
  connect::RestServer rest;
  std::string listener = "http://" + config.rest_host + ":" + std::to_string(config.rest_port);
  if (Status s = rest.Start(listener, *herder); !s.ok()) {
    std::fprintf(stderr, "REST server: %s\n", s.ToString().c_str());
    return 1;
  }
  if (config.rest_port == 0) config.rest_port = rest.port();
  herder->set_worker_id(config.AdvertisedHostPort());
  LOG_INFO("REST API on {} (worker id {})", listener, herder->worker_id());
  Status started = dist ? dist->Start() : standalone->Start();
  if (!started.ok()) {
    std::fprintf(stderr, "worker failed to start: %s\n", started.ToString().c_str());
    rest.Stop();
    return 1;
  }
  for (const ConfigMap& c : connector_files) {
    auto name = c.find("name");
    if (name == c.end()) {
      std::fprintf(stderr, "a connector file has no name\n");
      continue;
    }
    bool created = false;
    auto info = standalone->PutConnectorConfig(name->second, c, false, &created);
    if (!info.ok()) {
      std::fprintf(stderr, "connector %s: %s\n", name->second.c_str(), info.status().message().c_str());
      rest.Stop();
      standalone->Stop();
      return 1;
    }
  }
  LOG_INFO("Kafka Connect worker started ({})", distributed ? "distributed" : "standalone");
  int sig = 0;
  sigwait(&signals, &sig);
  LOG_INFO("signal {}: shutting down", sig);
  rest.Stop();
  if (dist) dist->Stop();
  if (standalone) standalone->Stop();
  LOG_INFO("Kafka Connect worker stopped");
  return 0;
}

}  // namespace

int RunConnectDistributed(std::span<char*> args) { return RunWorker(args, true); }
int RunConnectStandalone(std::span<char*> args) { return RunWorker(args, false); }

}  // namespace sluice::cli
