// RestServer: listeners, httplib servers and their threads; requests go to the Router built by
// AddConnectRoutes. Thread-safety: see rest_server.h.
#include "connect/rest/rest_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <exception>

#include "base/logging.h"
#include "connect/rest/entities.h"
#include "connect/rest/forwarding.h"
#include "connect/rest/handlers.h"
#include "connect/rest/router.h"

namespace sluice::connect {
namespace {

struct Listener {
  std::string url;
  std::string host;
  int port = 0;
};

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Result<Listener> ParseListener(const std::string& url) {
  std::string lower = url;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("https://", 0) == 0) {
    return Status::Unsupported("REST listener " + url + ": https listeners are not supported");
  }
  if (lower.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("REST listener " + url + " must look like http://host:port");
  }
  std::string_view rest = std::string_view(url).substr(7);
  rest = rest.substr(0, rest.find('/'));
  Listener listener{url, "", 0};
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8083
    size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Status::InvalidArgument("REST listener " + url + " must look like http://[ipv6]:port");
    }
    listener.host = std::string(rest.substr(1, close - 1));
    port_text = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("REST listener " + url + " has no port");
    }
    listener.host = std::string(rest.substr(0, colon));
    port_text = rest.substr(colon + 1);
  }
  if (listener.host.empty()) listener.host = "0.0.0.0";
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), listener.port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      listener.port < 0 || listener.port > 65535) {
    return Status::InvalidArgument("REST listener " + url + " has an invalid port");
  }
  return listener;
}

Result<std::vector<Listener>> ParseListeners(const std::string& listeners) {
  std::vector<Listener> out;
  size_t start = 0;
  while (start <= listeners.size()) {
    size_t comma = listeners.find(',', start);
    if (comma == std::string::npos) comma = listeners.size();
    std::string url = Trim(std::string_view(listeners).substr(start, comma - start));
    if (!url.empty()) {
      ASSIGN_OR_RETURN(Listener l, ParseListener(url));
      out.push_back(std::move(l));
    }
    start = comma + 1;
  }
  if (out.empty()) return Status::InvalidArgument("no REST listener given");
  return out;
}

}  // namespace

struct RestServer::Impl {
  struct Running {
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  explicit Impl(const RestServerOptions& options) : forwarder(options.forward_timeout) {}

  void Serve(const httplib::Request& in, httplib::Response& out) const {
    rest::RestRequest req;
    req.method = in.method;
    const std::string& target = in.target.empty() ? in.path : in.target;
    req.raw_path = target.substr(0, target.find('?'));
    req.query.insert(in.params.begin(), in.params.end());
    req.body = in.body;
    req.host = in.get_header_value("Host");
    req.authorization = in.get_header_value("Authorization");
    rest::RestResponse res = router.Dispatch(req);
    out.status = res.status;
    if (!res.location.empty()) out.set_header("Location", res.location);
    if (!res.body.empty()) out.set_content(res.body, "application/json");
  }

  rest::Forwarder forwarder;
  rest::Router router;
  std::vector<std::unique_ptr<Running>> running;
};

RestServer::RestServer(RestServerOptions options) : options_(std::move(options)) {}

RestServer::~RestServer() { Stop(); }

Status RestServer::Start(const std::string& listeners, Herder& herder) {
  if (impl_) return Status::Internal("RestServer::Start called twice");
  ASSIGN_OR_RETURN(std::vector<Listener> parsed, ParseListeners(listeners));
  impl_ = std::make_unique<Impl>(options_);
  rest::AddConnectRoutes({&herder, &impl_->forwarder, options_.version, options_.commit}, &impl_->router);

  for (const Listener& listener : parsed) {
    auto run = std::make_unique<Impl::Running>();
    run->server = std::make_unique<httplib::Server>();
    httplib::Server& server = *run->server;
    int threads = std::max(1, options_.threads);
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    server.set_payload_max_length(options_.max_body_bytes);
    server.set_keep_alive_timeout(2);  // an idle keep-alive connection delays Stop() this long
    // httplib's default also sets SO_REUSEPORT, which would let two workers share a port silently.
    server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    Impl* impl = impl_.get();
    httplib::Server::Handler handler = [impl](const httplib::Request& in, httplib::Response& out) {
      impl->Serve(in, out);
    };
    // A request without Content-Length or chunked encoding has no body (RFC 9112 6.3), but httplib
    // would read a POST/PUT/PATCH/DELETE body until the client closes: `curl -X PUT .../pause` would
    // hang. Serve those right away.
    server.set_pre_routing_handler([impl](const httplib::Request& in, httplib::Response& out) {
      if (in.has_header("Content-Length") || in.has_header("Transfer-Encoding")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      impl->Serve(in, out);
      return httplib::Server::HandlerResponse::Handled;
    });
    const std::string kAnyPath = "[\\s\\S]*";
    server.Get(kAnyPath, handler).Post(kAnyPath, handler).Put(kAnyPath, handler);
    server.Patch(kAnyPath, handler).Delete(kAnyPath, handler).Options(kAnyPath, handler);
    // httplib's own errors (bad request line, payload too large, ...) in Kafka's error shape.
    httplib::Server::HandlerWithResponse on_error = [](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      res.set_content(rest::RestResponse::Dump(rest::ErrorJson(res.status, rest::HttpStatusText(res.status))),
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    };
    server.set_error_handler(on_error);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string message = "Unknown error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        message = e.what();
      } catch (...) {
      }
      res.status = 500;
      res.set_content(rest::RestResponse::Dump(rest::ErrorJson(500, message)), "application/json");
    });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      LOG_DEBUG("REST {} {} -> {}", req.method, req.target, res.status);
    });

    int port = listener.port;
    bool bound = port == 0 ? (port = server.bind_to_any_port(listener.host)) > 0
                           : server.bind_to_port(listener.host, port);
    if (!bound) {
      Stop();
      impl_.reset();
      ports_.clear();
      return Status::IOError("cannot bind REST listener " + listener.url);
    }
    Impl::Running* r = run.get();
    run->thread = std::thread([r] {
      r->server->listen_after_bind();
      r->done = true;
    });
    // The socket already accepts connections; wait until the accept loop runs so Stop() can end it.
    while (!server.is_running() && !r->done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    impl_->running.push_back(std::move(run));
    ports_.push_back(port);
    LOG_INFO("REST server listening on {} (port {})", listener.url, port);
  }
  return Status::OK();
}

void RestServer::Stop() {
  if (!impl_) return;
  for (auto& run : impl_->running) {
    while (!run->done) {
      run->server->stop();
      if (!run->done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (run->thread.joinable()) run->thread.join();
  }
  impl_->running.clear();
  // The routes point into impl_ and at the herder; keep impl_ so ports() and a second Stop() stay valid.
}

}  // namespace sluice::connect
