// RestServer: Kafka Connect's REST API (3.x) over a Herder (routes and error mapping in README.md).
//
//   RestServer server;
//   RETURN_IF_ERROR(server.Start("http://0.0.0.0:8083", herder));
//   ... server.port() ...
//   server.Stop();
//
// `listeners` is Kafka's `listeners` worker setting: a comma-separated list of http://host:port URLs
// (an empty host or 0.0.0.0 binds every interface, [::1] style IPv6 hosts are accepted, port 0 binds a
// free port). Every listener serves the same API on its own small thread pool. rest.advertised.* is the
// runtime's business (it tells the herder its worker id).
//
// Thread-safety: Start and Stop are called from one owning thread; requests are served concurrently
// and call the Herder from the pool threads (the Herder is thread-safe by contract). The Herder must
// outlive Stop().
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "connect/runtime/herder.h"

namespace sluice::connect {

struct RestServerOptions {
  // Threads per listener; a herder call blocks its thread until done.
  int threads = 8;
  // GET / "version" and "commit". The version is the Kafka Connect API level served (clients gate
  // features on it).
  std::string version = "3.9.0";
  std::string commit = "unknown";
  // Larger bodies are refused with 413.
  size_t max_body_bytes = 16 << 20;
  // How long a forwarded request may take (Kafka's REST request timeout).
  std::chrono::milliseconds forward_timeout{90'000};
};

class RestServer {
 public:
  explicit RestServer(RestServerOptions options = {});
  ~RestServer();  // Stop()
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Binds every listener and starts serving. InvalidArgument for a malformed listener, Unsupported
  // for https, IOError when a port cannot be bound (nothing stays bound then). Call once.
  Status Start(const std::string& listeners, Herder& herder);

  // The bound port of each listener, in the order given (useful with port 0); empty before Start.
  const std::vector<int>& ports() const { return ports_; }
  // The first listener's port, or 0 before Start.
  int port() const { return ports_.empty() ? 0 : ports_.front(); }

  // Stops accepting, finishes the requests in flight and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  RestServerOptions options_;
  std::unique_ptr<Impl> impl_;
  std::vector<int> ports_;
};

}  // namespace sluice::connect
