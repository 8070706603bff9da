// Kafka Connect's worker group protocol (group protocol type "connect"): the JoinGroup metadata a worker
// sends and the SyncGroup assignment the leader hands out, byte-compatible with Apache Kafka's
// ConnectProtocol (eager, protocol "default", version 0) and IncrementalCooperativeConnectProtocol
// ("compatible" version 1, "sessioned" version 2, KIP-415/KIP-507).
//
// Layout (Kafka's protocol types: int16/int32/int64 big-endian; string = int16 length + UTF-8, never
// null; bytes = int32 length + bytes, -1 = null; array = int32 count + items, -1 = null):
//
//   WorkerMetadata   int16 version | string url | int64 config_offset
//                    | v1+: nullable bytes allocation (the worker's current ConnectAssignment, encoded
//                           as below with the metadata's version; null when it has none)
//   ConnectAssignment int16 version | int16 error | string leader | string leader_url | int64 config_offset
//                    | array assignment of ConnectorAssignment
//                    | v1+: nullable array revoked of ConnectorAssignment | int32 delay
//   ConnectorAssignment  string connector | array of int32 tasks, where task -1 (kConnectorTask) stands
//                        for the connector itself
//
// Version 2 has version 1's layout; it only says the worker verifies internal requests with session
// keys. As Kafka, decoding accepts any version >= 0: version 0 is read with the v0 layout, higher ones
// with the v1 layout, where fields missing at the end take their defaults (revoked empty, delay 0,
// allocation null) and bytes after the known fields are ignored (newer versions may append fields).
// Encoding groups an assignment per connector in order of first appearance: the connectors first (each
// with -1), then the tasks appended to their connector's entry, which is how Kafka lays it out.
//
// Thread-safety: free functions over plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "connect/runtime/herder.h"
#include "kafka/client/group_member.h"

namespace sluice::connect::distributed {

inline constexpr std::string_view kConnectProtocolType = "connect";
inline constexpr int16_t kConnectProtocolV0 = 0;  // eager
inline constexpr int16_t kConnectProtocolV1 = 1;  // incremental cooperative
inline constexpr int16_t kConnectProtocolV2 = 2;  // incremental cooperative with session keys
inline constexpr int32_t kConnectorTask = -1;     // task id that marks the connector in an assignment

// Assignment error codes (Kafka's ConnectProtocol.Assignment).
inline constexpr int16_t kAssignmentNoError = 0;
// The leader could not resolve the config offsets: read the config topic to the end and rejoin.
inline constexpr int16_t kAssignmentConfigMismatch = 1;

// The worker's connect.protocol setting.
enum class ConnectProtocolCompatibility { kEager, kCompatible, kSessioned };

// "default", "compatible", "sessioned": the JoinGroup protocol names.
std::string_view ProtocolName(ConnectProtocolCompatibility mode);
// 0, 1, 2.
int16_t ProtocolVersion(ConnectProtocolCompatibility mode);
// From a JoinGroup protocol name, case-insensitively as Kafka; nullopt if unknown.
std::optional<ConnectProtocolCompatibility> CompatibilityFromProtocolName(std::string_view name);
// From the connect.protocol config value ("eager", "compatible", "sessioned", any case).
Result<ConnectProtocolCompatibility> ParseConnectProtocolConfig(std::string_view value);

struct ConnectAssignment {
  int16_t version = kConnectProtocolV0;
  int16_t error = kAssignmentNoError;
  std::string leader;      // the leader's member id
  std::string leader_url;  // the leader's REST URL
  int64_t config_offset = -1;
  std::vector<std::string> connectors;  // connectors this worker runs
  std::vector<ConnectorTaskId> tasks;   // tasks this worker runs
  // Version 1+ only: what the worker must stop, and the delay before the scheduled rebalance.
  std::vector<std::string> revoked_connectors;
  std::vector<ConnectorTaskId> revoked_tasks;
  int32_t delay = 0;

  bool operator==(const ConnectAssignment&) const = default;
};

struct WorkerMetadata {
  int16_t version = kConnectProtocolV0;
  std::string url;  // the worker's REST URL
  int64_t config_offset = -1;
  // Version 1+ only: the assignment the worker holds now (nullopt: none, encoded as null).
  std::optional<ConnectAssignment> allocation;

  bool operator==(const WorkerMetadata&) const = default;
};

// InvalidArgument for values Kafka's encoding cannot carry: a negative version, a string longer than
// 32767 bytes, a negative task id, and in version 0 revocations or a delay (version 0 has no field for
// them). In version 0 the metadata's allocation is not encoded (as Kafka's "default" protocol).
Result<std::vector<uint8_t>> EncodeWorkerMetadata(const WorkerMetadata& metadata);
Result<std::vector<uint8_t>> EncodeAssignment(const ConnectAssignment& assignment);

// Corruption for bytes that do not parse (truncated fields, negative lengths, null where not allowed,
// counts larger than the bytes left) and for a negative version.
Result<WorkerMetadata> DecodeWorkerMetadata(std::span<const uint8_t> bytes);
Result<ConnectAssignment> DecodeAssignment(std::span<const uint8_t> bytes);

// The JoinGroup protocols a worker offers for `mode`, most preferred first, as Kafka's metadataRequest:
// eager: [default v0]; compatible: [compatible v1, default v0]; sessioned: [sessioned v2,
// compatible v1, default v0]. `metadata.version` is ignored (each entry gets its protocol's version).
Result<std::vector<kafka::client::GroupProtocol>> WorkerProtocols(const WorkerMetadata& metadata,
                                                                  ConnectProtocolCompatibility mode);

}  // namespace sluice::connect::distributed
