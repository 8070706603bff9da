// Forwarding of config writes from a worker that cannot do them (a distributed follower) to the leader,
// as Kafka Connect's completeOrForwardRequest: the first worker forwards with ?forward=true, a worker
// that receives forward=true and still cannot do the write forwards once more with ?forward=false, and
// one that receives forward=false answers 409 instead of forwarding again (a rebalance moved the
// leader). The leader's status and body are relayed; a Location header is not (the handler builds its
// own, as Kafka does). A leader that cannot be reached is 500 "IO Error trying to forward REST request: ...".
//
// Thread-safety: a Forwarder is immutable; MaybeForward may be called from many threads (each call
// opens its own connection).
#pragma once

#include <chrono>
#include <optional>

#include "connect/rest/router.h"
#include "connect/runtime/herder.h"

namespace sluice::connect::rest {

class Forwarder {
 public:
  explicit Forwarder(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  // nullopt when this worker does the write itself (herder.ForwardWritesTo() is nullopt); otherwise
  // the answer to give the client.
  std::optional<RestResponse> MaybeForward(Herder& herder, const RestRequest& request) const;

 private:
  RestResponse Forward(const std::string& leader_url, const RestRequest& request, bool recursive) const;

  std::chrono::milliseconds timeout_;
};

}  // namespace sluice::connect::rest
