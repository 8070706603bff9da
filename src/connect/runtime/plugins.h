// The registry of every plugin built into Sluice: converters, transformations, predicates and the
// connectors (file, and those of later modules).
//
// Thread-safety: the registry is built once and then only read.
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connect {

// The process-wide registry, built on first use.
const PluginRegistry& BuiltinPlugins();

}  // namespace sluice::connect
