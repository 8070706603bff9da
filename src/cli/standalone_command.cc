// `sluice standalone [--data DIR] [--port 9092] [--rest-port 8083] [connector.properties|.json]...`:
// the smallest embedded default, the broker and a standalone Connect worker in one process sharing one
// data folder (DIR/kafka-logs, DIR/connect.offsets), until SIGINT/SIGTERM; then the worker stops first
// (tasks stopped, offsets committed) and the broker after it.
// Thread-safety: the broker's io_context runs on its own thread (every broker call is posted to it or
// made before it starts); the worker runs on the main thread, which takes the signals by sigwait.
#include <asio.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/logging.h"
#include "base/properties.h"
#include "broker/core/broker.h"
#include "cli/commands.h"
#include "cli/serve.h"

namespace sluice::cli {
namespace {

constexpr const char* kUsage =
    "usage: sluice standalone [--data DIR] [--port 9092] [--rest-port 8083] "
    "[connector.properties|connector.json]...\n"
    "  Runs the broker (PLAINTEXT://127.0.0.1:PORT, log dir DIR/kafka-logs) and a standalone Connect\n"
    "  worker (REST on http://127.0.0.1:REST-PORT, offsets in DIR/connect.offsets) in one process.\n"
    "  DIR defaults to ./sluice-data; port 0 picks a free port.\n";

struct Options {
  std::string data = "sluice-data";
  int port = 9092;
  int rest_port = 8083;
  std::vector<std::string> connector_files;
};

bool ParsePort(const std::string& s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0 && *out <= 65535;
}

// Returns -1 to go on, else the exit code.
int ParseOptions(std::span<char*> args, Options* o) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (a == "--data" || a == "--port" || a == "--rest-port") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "%s needs a value\n%s", a.c_str(), kUsage);
        return 2;
      }
      std::string v = args[++i];
      if (a == "--data") {
        o->data = v;
      } else if (!ParsePort(v, a == "--port" ? &o->port : &o->rest_port)) {
        std::fprintf(stderr, "%s: not a port: %s\n", a.c_str(), v.c_str());
        return 2;
      }
    } else if (a.starts_with("--")) {
      std::fprintf(stderr, "unknown option %s\n%s", a.c_str(), kUsage);
      return 2;
    } else {
      o->connector_files.push_back(a);
    }
  }
  return -1;
}

Properties BrokerProperties(const Options& o) {
  Properties p;
  p.Set("node.id", "1");
  p.Set("listeners", "PLAINTEXT://127.0.0.1:" + std::to_string(o.port));
  p.Set("log.dirs", (std::filesystem::path(o.data) / "kafka-logs").string());
  p.Set("num.partitions", "1");
  p.Set("offsets.topic.replication.factor", "1");
  p.Set("group.initial.rebalance.delay.ms", "0");
  return p;
}

// As Kafka's config/connect-standalone.properties, on the embedded broker.
Properties WorkerProperties(const Options& o, uint16_t broker_port) {
  Properties p;
  p.Set("bootstrap.servers", "127.0.0.1:" + std::to_string(broker_port));
  p.Set("offset.storage.file.filename", (std::filesystem::path(o.data) / "connect.offsets").string());
  p.Set("offset.flush.interval.ms", "10000");
  p.Set("listeners", "http://127.0.0.1:" + std::to_string(o.rest_port));
  return p;
}

}  // namespace

int RunStandalone(std::span<char*> args) {
  Options o;
  if (int rc = ParseOptions(args, &o); rc >= 0) return rc;
  InitLoggingFromEnv();
  std::vector<connect::ConfigMap> connectors;
  for (const auto& f : o.connector_files) {
    auto c = LoadConnectorFile(f);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
      return 1;
    }
    connectors.push_back(std::move(*c));
  }
  std::error_code ec;
  std::filesystem::create_directories(o.data, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", o.data.c_str(), ec.message().c_str());
    return 1;
  }
  RaiseOpenFilesLimit();
  // Before any thread starts, so that only the sigwait below takes the signals.
  sigset_t signals = BlockShutdownSignals();

  Properties broker_props = BrokerProperties(o);
  auto broker_config = broker::BrokerConfig::Parse(broker_props);
  if (!broker_config.ok()) {
    std::fprintf(stderr, "invalid broker configuration: %s\n", broker_config.status().message().c_str());
    return 1;
  }
  asio::io_context io(1);
  broker::Broker broker(io, std::move(*broker_config), broker_props);
  if (Status s = broker.Start(); !s.ok()) {
    std::fprintf(stderr, "broker failed to start: %s\n", s.ToString().c_str());
    return 1;
  }
  const uint16_t broker_port = broker.port();
  LOG_INFO("broker on 127.0.0.1:{}, data in {}", broker_port, o.data);
  auto work = asio::make_work_guard(io);
  std::thread broker_thread([&io] { io.run(); });

  int rc = 1;
  auto worker_config =
      connect::WorkerConfig::Parse(WorkerProperties(o, broker_port), connect::WorkerMode::kStandalone);
  if (!worker_config.ok()) {
    std::fprintf(stderr, "invalid worker configuration: %s\n", worker_config.status().message().c_str());
  } else {
    rc = ServeWorker(std::move(*worker_config), false, connectors, signals);
  }
  asio::post(io, [&] {
    broker.Stop();
    io.stop();
  });
  broker_thread.join();
  LOG_INFO("sluice standalone stopped");
  return rc;
}

}  // namespace sluice::cli
