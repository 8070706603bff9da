// Connection: a blocking TCP connection to one Kafka broker that sends requests and reads responses with
// our generated codec (kafka/protocol). Opening it connects (with a timeout) and negotiates API versions
// (ApiVersions, KIP-511 fallback when the broker does not know our ApiVersions version); Call() then sends
// a request at the highest version both sides support and waits for its response, matching correlation
// ids. Every wait is a poll() with a deadline; bad bytes from the peer give a Corruption Status, never a
// crash. After an I/O error, a timeout or a mismatched response the connection is broken: the byte stream
// can no longer be trusted, so every later call fails with Unavailable and the owner opens a new one.
//
// Thread-safety: one thread at a time calls Call(); Interrupt() may be called from any thread while the
// Connection is alive (it wakes a blocked call). The accessors are const and safe once Open() returned.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/generated/api_versions.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka::client {

struct ConnectionOptions {
  // Sent in every request header (Kafka's client.id).
  std::string client_id = "sluice";
  // Bound on TCP connect (per resolved address) and, separately, on the ApiVersions exchange.
  std::chrono::milliseconds connect_timeout{10000};
  // Default bound on one request/response exchange; Call() can override it.
  std::chrono::milliseconds request_timeout{30000};
  // Responses announcing more bytes than this are refused (Corruption) before reading them.
  int32_t max_response_bytes = 100 * 1024 * 1024;
};

// Splits "host:port" ("[v6addr]:port" for IPv6). InvalidArgument for anything else.
Result<std::pair<std::string, int>> ParseHostPort(std::string_view text);

class Connection {
 public:
  // Resolves `host`, connects to the first address that accepts within the connect timeout and
  // negotiates API versions. Errors: Unavailable (cannot connect, connection closed), Timeout,
  // Corruption (undecodable answer), Unsupported (the broker answers no usable ApiVersions version).
  static Result<std::unique_ptr<Connection>> Open(std::string_view host, int port, ConnectionOptions options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // "host:port", for messages.
  std::string address() const;
  const ConnectionOptions& options() const { return options_; }
  // False once an exchange failed or Interrupt() was called.
  bool healthy() const { return !broken_.load(); }

  // The version Call() uses for `api_key`: the highest that both the broker and our codec support,
  // or -1 when there is none (the broker does not advertise the API, or the ranges do not overlap).
  int16_t NegotiatedVersion(int16_t api_key) const;
  // What the broker advertised (ApiVersions response `api_keys`).
  const std::vector<messages::ApiVersionsResponse::ApiVersion>& broker_apis() const { return broker_apis_; }

  // Sends `request` at the negotiated version and returns the decoded response. The Kafka error codes
  // inside the response are the caller's business; the Status is about transport and decoding only.
  // `timeout` defaults to options().request_timeout. Unsupported if the API has no negotiated version.
  template <typename Response, typename Request>
  Result<Response> Call(const Request& request, std::optional<std::chrono::milliseconds> timeout = {}) {
    const int16_t version = NegotiatedVersion(Request::kApiKey);
    if (version < 0) return UnsupportedApi(Request::kApiKey);
    return CallAt<Response>(version, request, timeout);
  }

  // As Call() at an explicit version. REQUIRES: Request::kApiKey == Response::kApiKey.
  template <typename Response, typename Request>
  Result<Response> CallAt(int16_t version, const Request& request,
                          std::optional<std::chrono::milliseconds> timeout = {}) {
    static_assert(Request::kApiKey == Response::kApiKey, "request and response of different APIs");
    if (version < Request::kLowestSupportedVersion || version > Request::kHighestSupportedVersion) {
      return UnsupportedApi(Request::kApiKey);
    }
    const messages::RequestHeader header = NextHeader(Request::kApiKey, version);
    std::vector<uint8_t> frame;
    RETURN_IF_ERROR(EncodeRequestFrame(header, request, &frame));
    ASSIGN_OR_RETURN(ResponseFrame rf, Exchange(header, frame, timeout.value_or(options_.request_timeout)));
    Response response;
    Reader r(rf.bytes->data() + rf.body_offset, rf.bytes->size() - rf.body_offset, rf.bytes);
    const Status decoded = response.Decode(r, version);
    RETURN_IF_ERROR(CheckBody(decoded, r.remaining(), Request::kApiKey, version));
    return response;
  }

  // Wakes a call blocked in this connection (it fails with Aborted) and breaks the connection.
  // Safe from any thread while the object is alive.
  void Interrupt();

 private:
  // A response payload and where its body starts (after the response header).
  struct ResponseFrame {
    std::shared_ptr<std::vector<uint8_t>> bytes;
    size_t body_offset = 0;
  };

  Connection(std::string host, int port, int fd, ConnectionOptions options);

  messages::RequestHeader NextHeader(int16_t api_key, int16_t version);
  // Sends `frame` and reads the matching response; decodes and checks its header.
  Result<ResponseFrame> Exchange(const messages::RequestHeader& header, const std::vector<uint8_t>& frame,
                                 std::chrono::milliseconds timeout);
  Status NegotiateVersions();
  // Maps a body decode status and leftover byte count to the call's Status (breaking on failure).
  Status CheckBody(Status decoded, size_t remaining, int16_t api_key, int16_t version);
  Status UnsupportedApi(int16_t api_key) const;
  Status Fail(Status s);  // marks the connection broken and returns s

  const std::string host_;
  const int port_;
  const int fd_;  // closed only by the destructor, so Interrupt() never races with a close
  const ConnectionOptions options_;
  std::atomic<bool> broken_{false};
  std::atomic<bool> interrupted_{false};
  int32_t next_correlation_id_ = 1;
  std::vector<messages::ApiVersionsResponse::ApiVersion> broker_apis_;
};

}  // namespace sluice::kafka::client
