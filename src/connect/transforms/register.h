// Registers the built-in transformations and predicates with the plugin registry under Kafka's class
// names (org.apache.kafka.connect.transforms.Cast$Value, ...predicates.TopicNameMatches, ...) and
// their simple names ("Cast$Value", "TopicNameMatches") as aliases.
//
// Thread-safety: call RegisterTransforms at start-up, before the registry is shared.
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connect {

void RegisterTransforms(PluginRegistry& registry);

}  // namespace sluice::connect
