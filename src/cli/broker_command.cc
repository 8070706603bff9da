// `sluice broker server.properties [--override key=value]...`, also installed as kafka-server-start:
// runs the broker until SIGINT/SIGTERM, then shuts down cleanly.
// Thread-safety: runs the broker's io_context on the calling thread.
#include <asio.hpp>
#include <cstdio>
#include <span>
#include <string>

#include "base/logging.h"
#include "base/properties.h"
#include "broker/core/broker.h"
#include "cli/commands.h"
#include "cli/serve.h"

namespace sluice::cli {

int RunBroker(std::span<char*> args) {
  Properties props;
  bool have_file = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: sluice broker server.properties [--override key=value]...\n");
      return 0;
    }
    if (a == "--override" && i + 1 < args.size()) {
      std::string kv = args[++i];
      auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--override expects key=value, got %s\n", kv.c_str());
        return 2;
      }
      props.Set(kv.substr(0, eq), kv.substr(eq + 1));
      continue;
    }
    if (have_file) {
      std::fprintf(stderr, "unexpected argument %s\n", a.c_str());
      return 2;
    }
    auto loaded = LoadPropertiesFile(a);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
    // Overrides given before the file still win.
    Properties merged = *loaded;
    for (const auto& k : props.keys()) merged.Set(k, *props.Find(k));
    props = std::move(merged);
    have_file = true;
  }
  InitLoggingFromEnv();
  RaiseOpenFilesLimit();
  auto config = broker::BrokerConfig::Parse(props);
  if (!config.ok()) {
    std::fprintf(stderr, "invalid configuration: %s\n", config.status().message().c_str());
    return 1;
  }
  asio::io_context io(1);
  broker::Broker b(io, std::move(*config), props);
  Status s = b.Start();
  if (!s.ok()) {
    std::fprintf(stderr, "broker failed to start: %s\n", s.ToString().c_str());
    return 1;
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int sig) {
    LOG_INFO("signal {}: shutting down", sig);
    b.Stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace sluice::cli
