// The broker's TCP front end: accepts connections on the listeners, splits the byte stream into
// size-prefixed Kafka frames and hands each complete request to a RequestHandler.
//
// Like Kafka, a connection handles one request at a time: after a frame is handed over, no further
// frame of that connection is dispatched until the handler has answered it (Connection::Respond) or
// declared that no answer follows (Connection::Done, for Produce with acks=0). Bytes the client sends
// meanwhile are buffered, so pipelining clients (kafka-python, librdkafka) lose nothing and responses
// stay in request order.
//
// Frame: int32 size (big-endian, bytes that follow), then the request. A size below 8 (too short for a
// request header) or above socket.request.max.bytes closes that connection only.
//
// Thread-safety: everything runs on the io_context's single thread; Connection methods must be called
// on it.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <climits>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::net {

class Server;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, Server* server, uint64_t id);
  ~Connection();

  // Sends a complete response frame (size prefix included) for the request being handled and moves on
  // to the next request. With `refs` the frame is `frame` with each ref's bytes inserted at its
  // position, sent by gather writes straight from the refs' storage, and file refs (BytesRef::fd) by
  // sendfile(2). REQUIRES: a request is being handled.
  void Respond(std::vector<uint8_t> frame, std::vector<kafka::BytesRef> refs = {});
  // The request being handled gets no response (acks=0); moves on to the next request.
  void Done();
  // Closes the connection (after a protocol error); pending requests are dropped.
  void Close(const std::string& reason);

  bool closed() const { return closed_; }
  // True when the connection has been quiet (no bytes in, no request in flight, nothing being written;
  // a partly received request counts as quiet)
  // since `cutoff`.
  bool IdleSince(std::chrono::steady_clock::time_point cutoff) const {
    return !in_flight_ && !writing_ && write_queue_.empty() && last_active_ < cutoff;
  }
  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }

 private:
  friend class Server;
  void Start();
  void ReadMore();
  void OnRead(const asio::error_code& ec, size_t n);
  // Dispatches the next complete frame if none is in flight.
  void MaybeDispatch();
  void WriteMore();
  void SendFront();
  void SendFile();
  // After an async write step: false (and the queue dropped or the connection closed) if writing ends.
  bool AfterWrite(const asio::error_code& ec);

  asio::ip::tcp::socket socket_;
  Server* server_;
  uint64_t id_;
  std::string peer_;
  std::string peer_ip_;
  std::chrono::steady_clock::time_point last_active_ = std::chrono::steady_clock::now();
  bool closed_ = false;
  bool in_flight_ = false;  // a request was handed to the handler and not yet answered
  bool reading_ = false;
  // Received, not yet dispatched bytes: [read_start_, read_end_) of read_buf_.
  std::vector<uint8_t> read_buf_;
  size_t read_start_ = 0;
  size_t read_end_ = 0;
  struct OutFrame {
    std::vector<uint8_t> bytes;
    std::vector<kafka::BytesRef> refs;  // sorted by pos
    // Progress: bytes[0, sent_pos) and refs[0, next_ref) are sent, and file_sent bytes of refs[next_ref]
    // when it is a file ref.
    size_t sent_pos = 0;
    size_t next_ref = 0;
    size_t file_sent = 0;
  };
  std::deque<OutFrame> write_queue_;
  bool writing_ = false;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // A complete request payload (after the size prefix). `payload` owns its bytes; slices of it may be
  // kept (zero copy). Must lead to exactly one conn->Respond() or conn->Done() or conn->Close(), now or
  // later, on the loop thread.
  virtual void HandleRequest(const std::shared_ptr<Connection>& conn, kafka::SharedBytes payload) = 0;
  // The connection closed; requests it had in flight must not be answered (Respond is then a no-op).
  virtual void ConnectionClosed(const Connection& /*conn*/) {}
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9092;                           // 0: pick a free port
  int32_t max_request_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
  // connections.max.idle.ms: a connection with no request in flight, nothing to write and no bytes
  // received for this long is closed (clients reconnect on demand). <= 0: never.
  int64_t max_idle_ms = 600000;
  // max.connections / max.connections.per.ip: connections accepted beyond these are closed at once.
  int32_t max_connections = INT32_MAX;
  int32_t max_connections_per_ip = INT32_MAX;
};

class Server {
 public:
  Server(asio::io_context& io, ServerOptions options, RequestHandler* handler);
  ~Server();

  // Binds and starts accepting. The bound port is port() afterwards.
  Status Start();
  void Stop();
  uint16_t port() const { return port_; }
  size_t connection_count() const { return connections_.size(); }

 private:
  friend class Connection;
  void Accept();
  // Closes the connections idle for longer than max_idle_ms; re-arms itself.
  void ScheduleIdleSweep();

  asio::io_context& io_;
  ServerOptions options_;
  RequestHandler* handler_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  uint64_t next_id_ = 1;
  std::unordered_set<Connection*> connections_;
  std::unordered_map<std::string, int32_t> connections_per_ip_;
  asio::steady_timer idle_timer_;
};

}  // namespace sluice::broker::net
