// Helpers for the REST tests: a RestServer on 127.0.0.1:0 over an InMemoryHerder, and an HTTP call that
// returns status, parsed body and Location. Thread-safety: test-thread only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "connect/rest/json_body.h"
#include "connect/rest/rest_server.h"
#include "in_memory_herder.h"

namespace sluice::connect::testing {

using rest::Json;

struct Reply {
  int status = 0;  // 0: no answer at all
  Json body;       // null when the body is empty
  std::string raw;
  std::string location;
  std::string content_type;
};

// `path` is sent as given (already percent-encoded).
inline Reply Call(int port, const std::string& method, const std::string& path,
                  const std::string& body = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_url_encode(false);
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.body = body;
  if (!body.empty()) req.set_header("Content-Type", "application/json");
  httplib::Result res = client.send(req);
  Reply reply;
  if (!res) return reply;
  reply.status = res->status;
  reply.raw = res->body;
  reply.location = res->get_header_value("Location");
  reply.content_type = res->get_header_value("Content-Type");
  if (!res->body.empty()) reply.body = Json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  return reply;
}

// Sends `request` as raw bytes and returns the raw response (status line, headers as sent, body).
// httplib's client decodes header values and always sends Content-Length; this does neither.
inline std::string RawCall(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

// The body of a create request for a FileStreamSource connector.
inline std::string CreateBody(const std::string& name, const std::string& extra_config = "") {
  return R"({"name": ")" + name +
         R"(", "config": {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",)" +
         extra_config + R"( "tasks.max": "2"}})";
}

// Expects Kafka's error shape with `status`, and returns the message.
inline std::string ErrorMessage(const Reply& reply, int status) {
  EXPECT_EQ(reply.status, status) << reply.raw;
  EXPECT_TRUE(reply.body.is_object()) << reply.raw;
  if (!reply.body.is_object()) return "";
  EXPECT_EQ(reply.body.size(), 2u) << reply.raw;
  EXPECT_EQ(reply.body.value("error_code", 0), status) << reply.raw;
  EXPECT_TRUE(reply.body.contains("message") && reply.body["message"].is_string()) << reply.raw;
  return reply.body.value("message", "");
}

class RestServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start("http://127.0.0.1:0", herder_).ok()); }

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "") {
    return Call(server_.port(), method, path, body);
  }
  // Creates a connector and asserts it worked.
  void Create(const std::string& name) {
    Reply r = Send("POST", "/connectors", CreateBody(name));
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  InMemoryHerder herder_;  // outlives server_
  RestServer server_;
};

}  // namespace sluice::connect::testing
