// Broker TCP front end. Thread-safety: see server.h (single loop thread).
#include "broker/net/server.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/logging.h"

namespace sluice::broker::net {

namespace {
// Idle connections cost little (10k slow clients: ~80 MB); busy ones grow by doubling and give memory
// back above kShrinkAbove once drained.
constexpr size_t kInitialReadBuffer = 8 * 1024;
constexpr size_t kShrinkAbove = 1024 * 1024;
constexpr size_t kMinRequestBytes = 8;
constexpr size_t kMaxBufferedWhileBusy =
    4 * 1024 * 1024;  // int16 api_key, int16 api_version, int32 correlation_id

int32_t LoadInt32BE(const uint8_t* p) {
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Server* server, uint64_t id)
    : socket_(std::move(socket)), server_(server), id_(id) {
  asio::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  peer_ip_ = ec ? "unknown" : ep.address().to_string();
  peer_ = ec ? "unknown" : peer_ip_ + ":" + std::to_string(ep.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.native_non_blocking(true, ec);  // sendfile(2) on it must not block the loop
  read_buf_.resize(kInitialReadBuffer);
}

Connection::~Connection() = default;

void Connection::Start() { ReadMore(); }

void Connection::ReadMore() {
  if (closed_ || reading_) return;
  // Backpressure: while a request is in flight, buffer at most kMaxBufferedWhileBusy more bytes.
  if (in_flight_ && read_end_ - read_start_ >= kMaxBufferedWhileBusy) return;
  // Make room: compact, then grow if the buffer is full.
  if (read_start_ == read_end_) {
    read_start_ = read_end_ = 0;
    if (read_buf_.size() > kShrinkAbove) std::vector<uint8_t>(kInitialReadBuffer).swap(read_buf_);
  }
  if (read_start_ > 0 && (read_start_ == read_end_ || read_end_ == read_buf_.size())) {
    std::memmove(read_buf_.data(), read_buf_.data() + read_start_, read_end_ - read_start_);
    read_end_ -= read_start_;
    read_start_ = 0;
  }
  if (read_end_ == read_buf_.size()) read_buf_.resize(read_buf_.size() * 2);
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(read_buf_.data() + read_end_, read_buf_.size() - read_end_),
      [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close(ec == asio::error::eof ? "peer closed" : ec.message());
    return;
  }
  read_end_ += n;
  last_active_ = std::chrono::steady_clock::now();
  MaybeDispatch();
}

void Connection::MaybeDispatch() {
  while (!closed_ && !in_flight_) {
    const size_t avail = read_end_ - read_start_;
    if (avail < 4) break;
    const int32_t size = LoadInt32BE(read_buf_.data() + read_start_);
    if (size < static_cast<int32_t>(kMinRequestBytes) || size > server_->options_.max_request_bytes) {
      Close("invalid request size " + std::to_string(size) + " (limit socket.request.max.bytes = " +
            std::to_string(server_->options_.max_request_bytes) + ")");
      return;
    }
    const size_t frame_len = 4 + static_cast<size_t>(size);
    if (avail < frame_len) {
      // Move a partial frame that will not fit to the front. The buffer then grows with the bytes that
      // actually arrive (ReadMore doubles it when full), never up front to the announced size: a peer
      // announcing socket.request.max.bytes and sending nothing must not cost that much memory.
      if (read_start_ + frame_len > read_buf_.size()) {
        std::memmove(read_buf_.data(), read_buf_.data() + read_start_, avail);
        read_end_ = avail;
        read_start_ = 0;
      }
      break;
    }
    // Copy the payload into its own buffer: the request may keep slices of it (records) after the
    // read buffer has moved on.
    kafka::SharedBytes payload(
        std::vector<uint8_t>(read_buf_.data() + read_start_ + 4, read_buf_.data() + read_start_ + frame_len));
    read_start_ += frame_len;
    in_flight_ = true;
    server_->handler_->HandleRequest(shared_from_this(), std::move(payload));
  }
  ReadMore();
}

void Connection::Respond(std::vector<uint8_t> frame, std::vector<kafka::BytesRef> refs) {
  if (closed_) return;
  write_queue_.push_back(OutFrame{std::move(frame), std::move(refs)});
  WriteMore();
  Done();
}

void Connection::Done() {
  if (closed_) return;
  in_flight_ = false;
  // Continue with buffered requests asynchronously so deep pipelines don't recurse.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->MaybeDispatch(); });
}

void Connection::WriteMore() {
  if (writing_ || write_queue_.empty() || closed_) return;
  writing_ = true;
  SendFront();
}

// Sends what is left of the front frame: the encoded bytes and in-memory refs up to the next file ref
// by one gather write, then that ref by sendfile, and so on; pops the frame when it is all sent.
void Connection::SendFront() {
  OutFrame& f = write_queue_.front();
  std::vector<asio::const_buffer> buffers;
  while (f.next_ref < f.refs.size()) {
    const kafka::BytesRef& ref = f.refs[f.next_ref];
    if (ref.pos > f.sent_pos) buffers.emplace_back(f.bytes.data() + f.sent_pos, ref.pos - f.sent_pos);
    f.sent_pos = ref.pos;
    if (ref.fd >= 0) break;
    buffers.emplace_back(ref.bytes.data(), ref.bytes.size());
    ++f.next_ref;
  }
  if (f.next_ref == f.refs.size() && f.bytes.size() > f.sent_pos) {
    buffers.emplace_back(f.bytes.data() + f.sent_pos, f.bytes.size() - f.sent_pos);
    f.sent_pos = f.bytes.size();
  }
  if (!buffers.empty()) {
    asio::async_write(socket_, buffers, [self = shared_from_this()](const asio::error_code& ec, size_t) {
      if (self->AfterWrite(ec)) self->SendFront();
    });
    return;
  }
  if (f.next_ref < f.refs.size()) {
    SendFile();
    return;
  }
  write_queue_.pop_front();
  writing_ = false;
  last_active_ = std::chrono::steady_clock::now();
  WriteMore();
}

bool Connection::AfterWrite(const asio::error_code& ec) {
  if (closed_) {  // Close() kept the buffer alive for this write; drop it now
    writing_ = false;
    write_queue_.clear();
    return false;
  }
  if (ec) {
    writing_ = false;
    Close("write failed: " + ec.message());
    return false;
  }
  return true;
}

// sendfile(2) of the front frame's current file ref from where it stopped, until the socket's buffer
// is full (then again once it is writable) or the ref is sent.
void Connection::SendFile() {
  OutFrame& f = write_queue_.front();
  const kafka::BytesRef& ref = f.refs[f.next_ref];
  const int sock = socket_.native_handle();
  while (f.file_sent < ref.bytes.size()) {
    off_t off = static_cast<off_t>(ref.file_offset + f.file_sent);
    const ssize_t n = ::sendfile(sock, ref.fd, &off, ref.bytes.size() - f.file_sent);
    if (n > 0) {
      f.file_sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      socket_.async_wait(asio::ip::tcp::socket::wait_write,
                         [self = shared_from_this()](const asio::error_code& ec) {
                           if (self->AfterWrite(ec)) self->SendFile();
                         });
      return;
    }
    // n == 0: the file is shorter than the batches located in it (it never shrinks under a reader).
    const std::string why = n == 0 ? std::string("file ended early") : std::string(std::strerror(errno));
    writing_ = false;
    Close("sendfile failed: " + why);
    return;
  }
  f.file_sent = 0;
  ++f.next_ref;
  SendFront();
}

void Connection::Close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  LOG_DEBUG("connection {} from {} closed: {}", id_, peer_, reason);
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  // An async_write in progress still reads write_queue_.front(): its handler clears the queue.
  if (!writing_) write_queue_.clear();
  server_->connections_.erase(this);
  if (auto it = server_->connections_per_ip_.find(peer_ip_); it != server_->connections_per_ip_.end()) {
    if (--it->second <= 0) server_->connections_per_ip_.erase(it);
  }
  server_->handler_->ConnectionClosed(*this);
}

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler* handler)
    : io_(io), options_(std::move(options)), handler_(handler), acceptor_(io), idle_timer_(io) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  asio::error_code ec;
  auto addr = asio::ip::make_address(options_.host.empty() ? "0.0.0.0" : options_.host, ec);
  if (ec) {
    // A host name: resolve it.
    asio::ip::tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty())
      return Status::InvalidArgument("cannot resolve listener host " + options_.host);
    addr = results.begin()->endpoint().address();
  }
  asio::ip::tcp::endpoint ep(addr, options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                           ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  ScheduleIdleSweep();
  return Status::OK();
}

void Server::ScheduleIdleSweep() {
  if (options_.max_idle_ms <= 0) return;
  // A connection is closed between max_idle_ms and 1.1 x max_idle_ms (at most 1 s late) after its
  // last activity.
  const int64_t period = std::clamp<int64_t>(options_.max_idle_ms / 10, 10, 1000);
  idle_timer_.expires_after(std::chrono::milliseconds(period));
  idle_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || !acceptor_.is_open()) return;
    const auto cutoff = std::chrono::steady_clock::now() - std::chrono::milliseconds(options_.max_idle_ms);
    std::vector<Connection*> idle;
    for (Connection* c : connections_) {
      if (c->IdleSince(cutoff)) idle.push_back(c);
    }
    for (Connection* c : idle) {
      c->Close("idle for more than connections.max.idle.ms = " + std::to_string(options_.max_idle_ms));
    }
    ScheduleIdleSweep();
  });
}

void Server::Stop() {
  asio::error_code ec;
  idle_timer_.cancel();
  acceptor_.close(ec);
  auto conns = connections_;
  for (Connection* c : conns) c->Close("server stopping");
}

void Server::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      LOG_WARN("accept failed: {}", ec.message());
      // Out of file descriptors and the like: retry shortly instead of spinning.
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const asio::error_code&) { Accept(); });
      return;
    }
    auto conn = std::make_shared<Connection>(std::move(socket), this, next_id_++);
    int32_t& from_ip = connections_per_ip_[conn->peer_ip_];
    ++from_ip;
    connections_.insert(conn.get());
    if (connections_.size() > static_cast<size_t>(options_.max_connections)) {
      LOG_WARN("refusing a connection from {}: max.connections = {}", conn->peer_, options_.max_connections);
      conn->Close("max.connections reached");
    } else if (from_ip > options_.max_connections_per_ip) {
      LOG_WARN("refusing a connection from {}: max.connections.per.ip = {}", conn->peer_,
               options_.max_connections_per_ip);
      conn->Close("max.connections.per.ip reached");
    } else {
      conn->Start();
    }
    Accept();
  });
}

}  // namespace sluice::broker::net
