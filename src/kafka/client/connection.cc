// Blocking broker connection. Thread-safety: see connection.h.
#include "kafka/client/connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_registry.h"

namespace sluice::kafka::client {

namespace msg = messages;
using Clock = std::chrono::steady_clock;

namespace {

// Milliseconds left until `deadline` for poll(), at least 0.
int PollMillis(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

// Waits until `fd` is ready for `events`. OK, Timeout, or an errno Status.
Status WaitFor(int fd, short events, Clock::time_point deadline, const char* what) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, PollMillis(deadline));
    if (n > 0) return Status::OK();  // ready, or an error/hangup the next syscall reports
    if (n == 0) return Status::Timeout(std::string("timed out waiting to ") + what);
    if (errno != EINTR) return Status::FromErrno("poll", errno);
  }
}

Status SendAll(int fd, const uint8_t* data, size_t size, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Status::FromErrno("send", errno);
    RETURN_IF_ERROR(WaitFor(fd, POLLOUT, deadline, "send"));
  }
  return Status::OK();
}

// Appends exactly `n` bytes read from `fd` to *out.
Status RecvExactly(int fd, size_t n, std::vector<uint8_t>* out, Clock::time_point deadline) {
  // Received straight into place: one allocation, no staging copy (responses can be megabytes).
  size_t pos = out->size();
  out->resize(pos + n);
  while (n > 0) {
    const ssize_t r = recv(fd, out->data() + pos, n, 0);
    if (r > 0) {
      pos += static_cast<size_t>(r);
      n -= static_cast<size_t>(r);
      continue;
    }
    if (r == 0) return Status::Unavailable("connection closed by the broker");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Status::FromErrno("recv", errno);
    RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, "receive the response"));
  }
  return Status::OK();
}

// Non-blocking connect to one resolved address; returns the socket or an error.
Result<int> ConnectOne(const addrinfo* ai, Clock::time_point deadline) {
  const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return Status::FromErrno("socket", errno);
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
    const Status s = Status::Unavailable(Status::FromErrno("connect", errno).message());
    close(fd);
    return s;
  }
  Status s = WaitFor(fd, POLLOUT, deadline, "connect");
  int err = 0;
  socklen_t len = sizeof err;
  if (s.ok() && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (s.ok() && err != 0) s = Status::Unavailable(Status::FromErrno("connect", err).message());
  if (!s.ok()) {
    close(fd);
    return s;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Result<std::pair<std::string, int>> ParseHostPort(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("expected host:port, got '" + std::string(text) + "'");
  }
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return Status::InvalidArgument("bad IPv6 address in '" + std::string(text) + "'");
    }
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port_text = text.substr(colon + 1);
  int port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
    return Status::InvalidArgument("bad port in '" + std::string(text) + "'");
  }
  return std::make_pair(std::string(host), port);
}

Result<std::unique_ptr<Connection>> Connection::Open(std::string_view host, int port,
                                                     ConnectionOptions options) {
  const std::string where = std::string(host) + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string host_str(host);
  const std::string port_str = std::to_string(port);
  if (const int rc = getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &res); rc != 0) {
    return Status::Unavailable("cannot resolve " + where + ": " + gai_strerror(rc));
  }
  const Clock::time_point deadline = Clock::now() + options.connect_timeout;
  Status last = Status::Unavailable("no address");
  int fd = -1;
  for (const addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    Result<int> r = ConnectOne(ai, deadline);
    if (r.ok()) {
      fd = *r;
    } else {
      last = r.status();
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return last.WithContext("cannot connect to " + where);
  std::unique_ptr<Connection> conn(new Connection(host_str, port, fd, std::move(options)));
  RETURN_IF_ERROR(conn->NegotiateVersions().WithContext("ApiVersions"));
  return conn;
}

Connection::Connection(std::string host, int port, int fd, ConnectionOptions options)
    : host_(std::move(host)), port_(port), fd_(fd), options_(std::move(options)) {}

Connection::~Connection() { close(fd_); }

std::string Connection::address() const { return host_ + ":" + std::to_string(port_); }

void Connection::Interrupt() {
  interrupted_ = true;
  broken_ = true;
  shutdown(fd_, SHUT_RDWR);
}

Status Connection::Fail(Status s) {
  broken_ = true;
  if (interrupted_) return Status::Aborted("interrupted");
  return s.WithContext(address());
}

msg::RequestHeader Connection::NextHeader(int16_t api_key, int16_t version) {
  msg::RequestHeader header;
  header.request_api_key = api_key;
  header.request_api_version = version;
  header.correlation_id = next_correlation_id_++;
  if (next_correlation_id_ < 0) next_correlation_id_ = 1;
  header.client_id = options_.client_id;
  return header;
}

Result<Connection::ResponseFrame> Connection::Exchange(const msg::RequestHeader& header,
                                                       const std::vector<uint8_t>& frame,
                                                       std::chrono::milliseconds timeout) {
  if (broken_) {
    if (interrupted_) return Status::Aborted("interrupted");
    return Status::Unavailable("connection to " + address() + " is broken");
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  Status s = SendAll(fd_, frame.data(), frame.size(), deadline);
  if (!s.ok()) return Fail(s);
  std::vector<uint8_t> size_bytes;
  s = RecvExactly(fd_, 4, &size_bytes, deadline);
  if (!s.ok()) return Fail(s);
  int32_t size = 0;
  Reader size_reader(size_bytes.data(), size_bytes.size());
  (void)size_reader.ReadInt32(&size);
  if (size < 4 || size > options_.max_response_bytes) {
    return Fail(Status::Corruption("response size " + std::to_string(size) + " is out of range"));
  }
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  s = RecvExactly(fd_, static_cast<size_t>(size), bytes.get(), deadline);
  if (!s.ok()) return Fail(s);
  Reader r(bytes->data(), bytes->size());
  msg::ResponseHeader response_header;
  const int16_t hv = ResponseHeaderVersion(header.request_api_key, header.request_api_version);
  s = response_header.Decode(r, hv);
  if (!s.ok()) return Fail(s.WithContext("response header"));
  if (response_header.correlation_id != header.correlation_id) {
    return Fail(Status::Corruption("response has correlation id " +
                                   std::to_string(response_header.correlation_id) + ", expected " +
                                   std::to_string(header.correlation_id)));
  }
  return ResponseFrame{std::move(bytes), r.position()};
}

Status Connection::CheckBody(Status decoded, size_t remaining, int16_t api_key, int16_t version) {
  const ApiInfo* api = FindApi(api_key);
  const std::string what =
      std::string(api != nullptr ? api->name : "unknown") + " v" + std::to_string(version) + " response";
  if (!decoded.ok()) return Fail(decoded.WithContext(what));
  if (remaining != 0) {
    return Fail(Status::Corruption(what + " has " + std::to_string(remaining) + " bytes after the body"));
  }
  return Status::OK();
}

Status Connection::UnsupportedApi(int16_t api_key) const {
  const ApiInfo* api = FindApi(api_key);
  return Status::Unsupported("broker " + address() + " and this client share no version of " +
                             std::string(api != nullptr ? api->name : std::to_string(api_key)));
}

int16_t Connection::NegotiatedVersion(int16_t api_key) const {
  const ApiInfo* ours = FindApi(api_key);
  if (ours == nullptr) return -1;
  for (const auto& theirs : broker_apis_) {
    if (theirs.api_key != api_key) continue;
    const int16_t high = std::min(theirs.max_version, ours->max_version);
    const int16_t low = std::max(theirs.min_version, ours->min_version);
    return high >= low ? high : -1;
  }
  return -1;
}

Status Connection::NegotiateVersions() {
  msg::ApiVersionsRequest request;
  request.client_software_name = "sluice";
  request.client_software_version = "0.1.0";
  int16_t version = msg::ApiVersionsRequest::kHighestSupportedVersion;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const msg::RequestHeader header = NextHeader(msg::ApiVersionsRequest::kApiKey, version);
    std::vector<uint8_t> frame;
    RETURN_IF_ERROR(EncodeRequestFrame(header, request, &frame));
    ASSIGN_OR_RETURN(ResponseFrame rf, Exchange(header, frame, options_.connect_timeout));
    const uint8_t* body = rf.bytes->data() + rf.body_offset;
    const size_t body_size = rf.bytes->size() - rf.body_offset;
    // A broker that does not know `version` answers in v0 with UNSUPPORTED_VERSION (KIP-511).
    msg::ApiVersionsResponse response;
    Reader r(body, body_size);
    Status s = response.Decode(r, version);
    if (!s.ok() || r.remaining() != 0 || response.error_code == ErrorToInt(ErrorCode::kUnsupportedVersion)) {
      response = msg::ApiVersionsResponse();
      Reader r0(body, body_size);
      const Status decoded = response.Decode(r0, 0);
      RETURN_IF_ERROR(CheckBody(decoded, r0.remaining(), header.request_api_key, 0));
    }
    if (response.error_code == ErrorToInt(ErrorCode::kUnsupportedVersion) && attempt == 0) {
      int16_t their_max = -1;
      for (const auto& a : response.api_keys) {
        if (a.api_key == msg::ApiVersionsRequest::kApiKey) their_max = a.max_version;
      }
      if (their_max < 0) return Fail(Status::Unsupported("the broker advertises no ApiVersions version"));
      version = std::min(their_max, version);
      continue;
    }
    if (response.error_code != 0) {
      return Fail(Status::Unsupported("error " + DescribeErrorCode(response.error_code)));
    }
    broker_apis_ = std::move(response.api_keys);
    return Status::OK();
  }
  return Fail(Status::Unsupported("no ApiVersions version accepted"));
}

}  // namespace sluice::kafka::client
