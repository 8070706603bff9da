// Registers the built-in file connectors: org.apache.kafka.connect.file.FileStreamSourceConnector
// (aliases FileStreamSource, FileStreamSourceConnector) and FileStreamSinkConnector (FileStreamSink,
// FileStreamSinkConnector), with their connector and task factories.
//
// Thread-safety: call at start-up, before the registry is shared.
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connectors {

void RegisterFileConnectors(connect::PluginRegistry& registry);

}  // namespace sluice::connectors
