// The REST server's request/response model and a small router over path templates
// ("/connectors/{connector}/tasks/{task}/status"). A path that no template fits is 404, a path that fits
// but not with this method is 405, both in Kafka's error shape ({"error_code":N,"message":"HTTP 404 Not
// Found"}). Path segments are percent-decoded one by one, so a connector name may contain '/' as %2F.
//
// Thread-safety: build the Router on one thread; Dispatch may then be called from many threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/rest/json_body.h"

namespace sluice::connect::rest {

struct RestRequest {
  std::string method;                              // "GET", "POST", ... (HEAD is routed as GET)
  std::string raw_path;                            // as received, percent-encoded, without the query
  std::multimap<std::string, std::string> query;   // decoded
  std::map<std::string, std::string> path_params;  // decoded, filled in by the router
  std::string body;
  std::string host;           // the Host header, for Location
  std::string authorization;  // passed on when forwarding

  const std::string& Param(const std::string& name) const;
  // The first value of a query parameter.
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
};

struct RestResponse {
  int status = 200;
  std::string body;      // JSON text; empty when there is no entity
  std::string location;  // the Location header, when set

  // Invalid UTF-8 in strings (e.g. a percent-decoded name) is written as U+FFFD, never thrown.
  static RestResponse Ok(int status, const Json& entity) { return {status, Dump(entity), ""}; }
  static RestResponse Empty(int status) { return {status, "", ""}; }
  static RestResponse Error(int status, std::string_view message);
  static std::string Dump(const Json& entity) {
    return entity.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
};

// "HTTP 404 Not Found" as Jersey words its own errors.
std::string HttpStatusText(int status);

// Percent-decoding of a path segment ('+' stays '+'); malformed escapes are kept as they are.
std::string PercentDecode(std::string_view s);
// Percent-encoding of a path segment or query value: everything but unreserved characters.
std::string PercentEncode(std::string_view s);

using RestHandler = std::function<RestResponse(const RestRequest&)>;

class Router {
 public:
  void Add(std::string method, std::string_view pattern, RestHandler handler);
  // Fills in request.path_params and runs the matching handler; exceptions become 500.
  RestResponse Dispatch(RestRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" segments capture
    RestHandler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string>& segments,
                    std::map<std::string, std::string>* params);

  std::vector<Route> routes_;
};

}  // namespace sluice::connect::rest
