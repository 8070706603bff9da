// Connector offsets for the REST API (KIP-875) and active topics (KIP-558).
//   Source connectors: the offset store's entries, {"partition":{...},"offset":{...}}.
//   Sink connectors: the committed offsets of the consumer group connect-<name>, as
//   {"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":5}}; altered through
//   OffsetCommit and reset by deleting the group (librdkafka's admin API).
// Active topics are kept per process: the topics this worker's tasks of a connector produced to or
// consumed from since the last reset.
//
// Thread-safety: all functions are safe to call from any thread.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "connect/api/plugin.h"
#include "connect/runtime/herder.h"
#include "connect/runtime/offset_store.h"
#include "connect/runtime/worker_config.h"

namespace sluice::connect {

Result<std::vector<ConnectorOffset>> ReadConnectorOffsets(const std::string& name, const ConfigMap& config,
                                                          OffsetStore& store, const PluginRegistry& plugins,
                                                          const WorkerConfig& worker);
// reset: remove every offset; otherwise alter (a "null" offset removes that partition's).
Status WriteConnectorOffsets(const std::string& name, const ConfigMap& config,
                             const std::vector<ConnectorOffset>& offsets, bool reset, OffsetStore& store,
                             const PluginRegistry& plugins, const WorkerConfig& worker);

void NoteActiveTopic(const std::string& connector, const std::string& topic);
std::vector<std::string> ActiveTopics(const std::string& connector);
void ClearActiveTopics(const std::string& connector);

}  // namespace sluice::connect
