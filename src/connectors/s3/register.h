// Registers the S3 sink: io.confluent.connect.s3.S3SinkConnector (aliases S3SinkConnector, S3Sink).
//
// Thread-safety: call at start-up, before the registry is shared.
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connectors {

void RegisterS3Connectors(connect::PluginRegistry& registry);

}  // namespace sluice::connectors
