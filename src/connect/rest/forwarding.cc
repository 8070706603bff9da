// Forwarding of REST writes to the leader with httplib::Client. Thread-safety: see forwarding.h.
#include "connect/rest/forwarding.h"

#include <httplib.h>

#include <string>

#include "base/logging.h"

namespace sluice::connect::rest {
namespace {

constexpr std::string_view kConflict =
    "Cannot complete request because of a conflicting operation (e.g. worker rebalance)";

// "http://host:8083/base/" -> {"http://host:8083", "/base"}.
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  size_t scheme = url.find("://");
  size_t authority_start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t path_start = url.find('/', authority_start);
  if (path_start == std::string::npos) return {url, ""};
  std::string base = url.substr(path_start);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return {url.substr(0, path_start), base};
}

}  // namespace

std::optional<RestResponse> Forwarder::MaybeForward(Herder& herder, const RestRequest& request) const {
  std::optional<std::string> leader = herder.ForwardWritesTo();
  if (!leader) return std::nullopt;
  // Kafka's Boolean query parameter: absent (a client's request), true (one hop done) or anything else.
  std::optional<std::string> forward = request.Query("forward");
  if (forward && *forward != "true") return RestResponse::Error(409, kConflict);
  if (leader->empty()) {
    return RestResponse::Error(409,
                               "Cannot complete request momentarily due to no known leader URL, likely "
                               "because a rebalance was underway.");
  }
  return Forward(*leader, request, /*recursive=*/!forward.has_value());
}

RestResponse Forwarder::Forward(const std::string& leader_url, const RestRequest& request,
                                bool recursive) const {
  auto [origin, base] = SplitUrl(leader_url);
  std::string target = base + request.raw_path + "?";
  for (const auto& [key, value] : request.query) {
    if (key == "forward") continue;
    target += PercentEncode(key) + "=" + PercentEncode(value) + "&";
  }
  target += recursive ? "forward=true" : "forward=false";

  httplib::Client client(origin);
  if (!client.is_valid()) {
    return RestResponse::Error(500,
                               "IO Error trying to forward REST request: invalid leader URL " + leader_url);
  }
  client.set_url_encode(false);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout_);
  client.set_connection_timeout(secs.count() > 10 ? std::chrono::seconds(10) : secs);
  client.set_read_timeout(timeout_);
  client.set_write_timeout(timeout_);

  httplib::Request out;
  out.method = request.method;
  out.path = target;
  out.body = request.body;
  out.set_header("Accept", "application/json");
  if (!request.body.empty()) out.set_header("Content-Type", "application/json");
  if (!request.authorization.empty()) out.set_header("Authorization", request.authorization);

  LOG_DEBUG("Forwarding request {} {}{}", request.method, origin, target);
  httplib::Result result = client.send(out);
  if (!result) {
    return RestResponse::Error(500, "IO Error trying to forward REST request: " +
                                        httplib::to_string(result.error()) + " (" + origin + target + ")");
  }
  // Location is left to the handler: Kafka builds it on the worker that answers the client.
  return RestResponse{result->status, result->body, ""};
}

}  // namespace sluice::connect::rest
