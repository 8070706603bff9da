// Path-template routing with Jersey-style 404/405 answers. Thread-safety: see router.h.
#include "connect/rest/router.h"

#include <exception>

#include "base/logging.h"
#include "connect/rest/entities.h"

namespace sluice::connect::rest {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b%2Fc/" -> {"a", "b/c"}; one trailing slash is ignored ("/connectors/" is "/connectors").
std::vector<std::string> SplitPath(std::string_view raw) {
  std::vector<std::string> out;
  if (!raw.empty() && raw.front() == '/') raw.remove_prefix(1);
  if (!raw.empty() && raw.back() == '/') raw.remove_suffix(1);
  if (raw.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t slash = raw.find('/', start);
    out.push_back(PercentDecode(raw.substr(start, slash == std::string_view::npos ? slash : slash - start)));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

const std::string& RestRequest::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> RestRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> RestRequest::QueryAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

RestResponse RestResponse::Error(int status, std::string_view message) {
  return {status, Dump(ErrorJson(status, message)), ""};
}

std::string HttpStatusText(int status) {
  std::string_view reason;
  switch (status) {
    case 400:
      reason = "Bad Request";
      break;
    case 403:
      reason = "Forbidden";
      break;
    case 404:
      reason = "Not Found";
      break;
    case 405:
      reason = "Method Not Allowed";
      break;
    case 408:
      reason = "Request Timeout";
      break;
    case 409:
      reason = "Conflict";
      break;
    case 413:
      reason = "Request Entity Too Large";
      break;
    case 414:
      reason = "Request-URI Too Long";
      break;
    case 415:
      reason = "Unsupported Media Type";
      break;
    case 416:
      reason = "Requested Range Not Satisfiable";
      break;
    case 500:
      reason = "Internal Server Error";
      break;
    case 503:
      reason = "Service Unavailable";
      break;
    default:
      reason = "Error";
  }
  return "HTTP " + std::to_string(status) + " " + std::string(reason);
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

void Router::Add(std::string method, std::string_view pattern, RestHandler handler) {
  routes_.push_back({std::move(method), SplitPath(pattern), std::move(handler)});
}

bool Router::Match(const Route& route, const std::vector<std::string>& segments,
                   std::map<std::string, std::string>* params) {
  if (route.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      captured[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  *params = std::move(captured);
  return true;
}

RestResponse Router::Dispatch(RestRequest& request) const {
  std::vector<std::string> segments = SplitPath(request.raw_path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  bool path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!Match(route, segments, &params)) continue;
    path_known = true;
    if (route.method != method) continue;
    request.path_params = std::move(params);
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      LOG_ERROR("Uncaught exception in REST call to {}: {}", request.raw_path, e.what());
      return RestResponse::Error(500, e.what());
    }
  }
  int status = path_known ? 405 : 404;
  return RestResponse::Error(status, HttpStatusText(status));
}

}  // namespace sluice::connect::rest
