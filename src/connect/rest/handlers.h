// The route table of Kafka Connect's REST API (RootResource, ConnectorsResource,
// ConnectorPluginsResource, health) as thin handlers over the Herder: parse the body (entities.h),
// forward writes when needed (forwarding.h), call the herder, map the Status to an HTTP answer.
//
// Thread-safety: the handlers hold only pointers to the (thread-safe) Herder and the immutable
// Forwarder; they may run concurrently.
#pragma once

#include <string>

#include "base/status.h"
#include "connect/rest/forwarding.h"
#include "connect/rest/router.h"
#include "connect/runtime/herder.h"

namespace sluice::connect::rest {

struct RestContext {
  Herder* herder = nullptr;
  const Forwarder* forwarder = nullptr;
  std::string version;
  std::string commit;
};

// The error mapping of herder.h: kNotFound 404, kAlreadyExists 409, kInvalidArgument 400, kAborted
// 409, anything else 500.
int HttpStatusFor(Status::Code code);

// Adds every route; `context` is copied into the handlers (its pointees must outlive the router).
void AddConnectRoutes(const RestContext& context, Router* router);

}  // namespace sluice::connect::rest
