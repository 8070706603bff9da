// meta.properties in the first log directory: the cluster id and node id this data belongs to, as
// Kafka keeps them (version=1, cluster.id=<22-char base64 uuid>, node.id=N). Created on first start;
// a later start with a different node id or cluster id fails rather than mixing data.
// Thread-safety: called once at start-up.
#pragma once

#include <string>

#include "base/status.h"

namespace sluice::broker {

// Returns the cluster id to use: the stored one, else `configured` (if non-empty), else a new one.
Result<std::string> LoadOrCreateMetaProperties(const std::string& dir, int32_t node_id,
                                               const std::string& configured);

}  // namespace sluice::broker
