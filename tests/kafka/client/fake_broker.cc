// Scripted loopback Kafka listener. Thread-safety: see fake_broker.h.
#include "fake_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_versions.h"

namespace sluice::testing {

namespace {

int Listen(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, 16);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Reads exactly n bytes, polling so that `stop` is noticed. False on EOF, error or stop.
bool ReadExactly(int fd, uint8_t* out, size_t n, const std::atomic<bool>& stop) {
  size_t got = 0;
  while (got < n) {
    if (stop) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t r = recv(fd, out + got, n - got, 0);
    if (r == 0) return false;
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

int UnusedPort() {
  int port = 0;
  const int fd = Listen(&port);
  close(fd);
  return port;
}

FakeBroker::FakeBroker(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = Listen(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FakeBroker::~FakeBroker() {
  stop_ = true;
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(connections_);
  }
  for (auto& t : threads) t.join();
  for (int fd : fds_) close(fd);
}

void FakeBroker::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    fds_.push_back(fd);
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FakeBroker::Serve(int fd) {
  while (!stop_) {
    uint8_t size_bytes[4];
    if (!ReadExactly(fd, size_bytes, 4, stop_)) break;
    const uint32_t size = (uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                          (uint32_t{size_bytes[2]} << 8) | uint32_t{size_bytes[3]};
    if (size > (1u << 24)) break;
    std::vector<uint8_t> payload(size);
    if (!ReadExactly(fd, payload.data(), size, stop_)) break;
    Result<kafka::DecodedRequest> req = kafka::DecodeRequest(kafka::SharedBytes(std::move(payload)));
    if (!req.ok()) break;
    std::optional<std::vector<uint8_t>> answer = handler_(*req);
    if (!answer) break;
    size_t sent = 0;
    while (sent < answer->size()) {
      const ssize_t n = send(fd, answer->data() + sent, answer->size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
  }
  shutdown(fd, SHUT_RDWR);  // closed by the destructor, so the number is not reused meanwhile
}

std::vector<uint8_t> FakeBroker::AnswerApiVersions(const kafka::DecodedRequest& req) {
  namespace msg = kafka::messages;
  msg::ApiVersionsResponse resp;
  const int16_t ranges[][3] = {{3, 0, 12}, {10, 0, 4}, {11, 0, 9}, {12, 0, 4},
                               {13, 0, 5}, {14, 0, 5}, {18, 0, 3}};
  for (const auto& r : ranges) {
    msg::ApiVersionsResponse::ApiVersion v;
    v.api_key = r[0];
    v.min_version = r[1];
    v.max_version = r[2];
    resp.api_keys.push_back(v);
  }
  int16_t version = req.header.request_api_version;
  if (version > 3) {
    resp.error_code = kafka::ErrorToInt(kafka::ErrorCode::kUnsupportedVersion);
    version = 0;
  }
  std::vector<uint8_t> out;
  (void)kafka::EncodeResponseFrame(req.header.request_api_key, version, req.header.correlation_id, resp,
                                   &out);
  return out;
}

}  // namespace sluice::testing
