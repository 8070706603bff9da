// `connect-distributed worker.properties` and `connect-standalone worker.properties
// [connector.properties|connector.json]...` (also `sluice connect-distributed ...`): a Kafka Connect
// worker with its REST API, until SIGINT/SIGTERM, then a clean shutdown (tasks stopped, offsets
// committed, the group left).
// Thread-safety: runs on the main thread; signals are blocked in every thread and taken by sigwait.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/properties.h"
#include "cli/commands.h"
#include "cli/serve.h"
#include "connect/rest/rest_server.h"
#include "connect/runtime/distributed_herder.h"
#include "connect/runtime/plugins.h"
#include "connect/runtime/standalone_herder.h"

namespace sluice::cli {

using connect::ConfigMap;

namespace {

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
  InitLoggingFromEnv();
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
  sigset_t signals = BlockShutdownSignals();
  return ServeWorker(std::move(config), distributed, connector_files, signals);
}

}  // namespace

int ServeWorker(connect::WorkerConfig config, bool distributed, const std::vector<ConfigMap>& connectors,
                const sigset_t& signals) {
  // glibc gives every thread that allocates its own 64 MiB arena; task threads allocate per record, so
  // without a cap RSS grows with the number of tasks rather than with the data in flight.
  mallopt(M_ARENA_MAX, 2);
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
  herder->LookupClusterId();  // before the REST server answers, as Kafka's worker
  connect::RestServer rest;
  std::string listener = "http://" + config.rest_host + ":" + std::to_string(config.rest_port);
  if (Status s = rest.Start(listener, *herder); !s.ok()) {
    std::fprintf(stderr, "REST server: %s\n", s.ToString().c_str());
    return 1;
  }
  if (config.rest_port == 0) config.rest_port = rest.port();
  herder->set_worker_id(config.AdvertisedHostPort());
  LOG_INFO("REST API on http://{}:{} (worker id {})", config.rest_host, config.rest_port,
           herder->worker_id());
  Status started = dist ? dist->Start() : standalone->Start();
  if (!started.ok()) {
    std::fprintf(stderr, "worker failed to start: %s\n", started.ToString().c_str());
    rest.Stop();
    return 1;
  }
  for (const ConfigMap& c : connectors) {
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

int RunConnectDistributed(std::span<char*> args) { return RunWorker(args, true); }
int RunConnectStandalone(std::span<char*> args) { return RunWorker(args, false); }

}  // namespace sluice::cli
