// FakeBroker: a scripted Kafka listener on a loopback port for client tests. Every accepted connection
// gets a thread that reads request frames, decodes them with our codec and sends whatever the handler
// returns: a response frame (see Respond), arbitrary bytes (garbage, for robustness tests), nothing
// (an empty vector: the request stays unanswered), or nullopt to close the connection.
// Thread-safety: the handler runs on connection threads, possibly concurrently; port() is immutable.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "kafka/protocol/frame.h"

namespace sluice::testing {

class FakeBroker {
 public:
  using Handler = std::function<std::optional<std::vector<uint8_t>>(const kafka::DecodedRequest&)>;

  explicit FakeBroker(Handler handler);
  ~FakeBroker();  // closes the listener and every connection, joins the threads

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // A response frame for `req` carrying `body`, at the request's version.
  template <typename Body>
  static std::vector<uint8_t> Respond(const kafka::DecodedRequest& req, const Body& body) {
    std::vector<uint8_t> out;
    (void)kafka::EncodeResponseFrame(req.header.request_api_key, req.header.request_api_version,
                                     req.header.correlation_id, body, &out);
    return out;
  }
  // The ApiVersions answer of our broker for the group APIs (ApiVersions 0-3, FindCoordinator 0-4,
  // JoinGroup 0-9, Heartbeat 0-4, LeaveGroup 0-5, SyncGroup 0-5, Metadata 0-12), with KIP-511's
  // UNSUPPORTED_VERSION v0 answer for newer ApiVersions versions.
  static std::vector<uint8_t> AnswerApiVersions(const kafka::DecodedRequest& req);

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
  std::vector<int> fds_;
};

// A loopback port nobody listens on (bound and released; a tiny race is acceptable in tests).
int UnusedPort();

}  // namespace sluice::testing
