// Kafka Connect worker group protocol codec. Layout and rules: see connect_protocol.h.
// Thread-safety: free functions.
#include "connect/runtime/distributed/connect_protocol.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "kafka/protocol/wire.h"

namespace sluice::connect::distributed {

using kafka::Reader;
using kafka::Writer;

namespace {

constexpr size_t kMaxString = 32767;
// Smallest encodings, to bound array counts before allocating: string "" + int32 count 0; int32.
constexpr size_t kMinConnectorAssignmentBytes = 2 + 4;
constexpr size_t kInt32Bytes = 4;

Status CheckString(std::string_view s, const char* what) {
  if (s.size() > kMaxString) {
    return Status::InvalidArgument(std::string(what) + " is longer than 32767 bytes");
  }
  return Status::OK();
}

// One wire entry: a connector and its task ids (kConnectorTask for the connector itself).
using Grouped = std::vector<std::pair<std::string, std::vector<int32_t>>>;

Result<Grouped> Group(const std::vector<std::string>& connectors, const std::vector<ConnectorTaskId>& tasks) {
  Grouped out;
  std::map<std::string, size_t, std::less<>> index;
  auto entry = [&](const std::string& connector) -> std::vector<int32_t>& {
    auto [it, added] = index.try_emplace(connector, out.size());
    if (added) out.emplace_back(connector, std::vector<int32_t>{});
    return out[it->second].second;
  };
  for (const std::string& c : connectors) {
    RETURN_IF_ERROR(CheckString(c, "connector name"));
    std::vector<int32_t>& ids = entry(c);
    if (std::find(ids.begin(), ids.end(), kConnectorTask) == ids.end()) ids.push_back(kConnectorTask);
  }
  for (const ConnectorTaskId& t : tasks) {
    RETURN_IF_ERROR(CheckString(t.connector, "connector name"));
    if (t.task < 0) {
      return Status::InvalidArgument("task id " + std::to_string(t.task) + " of " + t.connector +
                                     " is negative");
    }
    entry(t.connector).push_back(t.task);
  }
  return out;
}

void WriteGrouped(Writer& w, const Grouped& grouped) {
  w.WriteArrayLength(false, static_cast<int32_t>(grouped.size()));
  for (const auto& [connector, ids] : grouped) {
    w.WriteString(false, connector);
    w.WriteArrayLength(false, static_cast<int32_t>(ids.size()));
    for (int32_t id : ids) w.WriteInt32(id);
  }
}

// Reads an array of ConnectorAssignment into connectors and tasks; null only if `nullable`.
Status ReadGrouped(Reader& r, bool nullable, const char* what, std::vector<std::string>* connectors,
                   std::vector<ConnectorTaskId>* tasks) {
  int32_t count = 0;
  RETURN_IF_ERROR(r.ReadArrayLength(false, kMinConnectorAssignmentBytes, &count));
  if (count < 0) {
    if (nullable) return Status::OK();
    return Status::Corruption(std::string("null ") + what + " array");
  }
  for (int32_t i = 0; i < count; ++i) {
    std::string connector;
    RETURN_IF_ERROR(r.ReadString(false, &connector));
    int32_t n = 0;
    RETURN_IF_ERROR(r.ReadArrayLength(false, kInt32Bytes, &n));
    if (n < 0) return Status::Corruption("null task array for connector " + connector);
    for (int32_t k = 0; k < n; ++k) {
      int32_t id = 0;
      RETURN_IF_ERROR(r.ReadInt32(&id));
      if (id == kConnectorTask) {
        connectors->push_back(connector);
      } else {
        tasks->push_back(ConnectorTaskId{connector, id});
      }
    }
  }
  return Status::OK();
}

Status EncodeAssignmentTo(const ConnectAssignment& a, int16_t version, Writer& w) {
  if (version < 0) return Status::InvalidArgument("negative Connect protocol version");
  RETURN_IF_ERROR(CheckString(a.leader, "leader"));
  RETURN_IF_ERROR(CheckString(a.leader_url, "leader URL"));
  ASSIGN_OR_RETURN(Grouped assigned, Group(a.connectors, a.tasks));
  ASSIGN_OR_RETURN(Grouped revoked, Group(a.revoked_connectors, a.revoked_tasks));
  if (version == kConnectProtocolV0 && (!revoked.empty() || a.delay != 0)) {
    return Status::InvalidArgument("Connect protocol version 0 cannot carry revocations or a delay");
  }
  w.WriteInt16(version);
  w.WriteInt16(a.error);
  w.WriteString(false, a.leader);
  w.WriteString(false, a.leader_url);
  w.WriteInt64(a.config_offset);
  WriteGrouped(w, assigned);
  if (version >= kConnectProtocolV1) {
    WriteGrouped(w, revoked);
    w.WriteInt32(a.delay);
  }
  return Status::OK();
}

Status DecodeAssignmentFrom(Reader& r, ConnectAssignment* a) {
  RETURN_IF_ERROR(r.ReadInt16(&a->version));
  if (a->version < 0) return Status::Corruption("negative Connect protocol version");
  RETURN_IF_ERROR(r.ReadInt16(&a->error));
  RETURN_IF_ERROR(r.ReadString(false, &a->leader));
  RETURN_IF_ERROR(r.ReadString(false, &a->leader_url));
  RETURN_IF_ERROR(r.ReadInt64(&a->config_offset));
  const bool v1 = a->version >= kConnectProtocolV1;
  // Version 1 tolerates missing trailing fields (Kafka: TOLERATE_MISSING_FIELDS_WITH_DEFAULTS).
  if (v1 && r.remaining() == 0) return Status::OK();
  RETURN_IF_ERROR(ReadGrouped(r, v1, "assignment", &a->connectors, &a->tasks));
  if (!v1 || r.remaining() == 0) return Status::OK();
  RETURN_IF_ERROR(ReadGrouped(r, true, "revoked", &a->revoked_connectors, &a->revoked_tasks));
  if (r.remaining() == 0) return Status::OK();
  return r.ReadInt32(&a->delay);
}

Status EncodeMetadataTo(const WorkerMetadata& m, Writer& w) {
  if (m.version < 0) return Status::InvalidArgument("negative Connect protocol version");
  RETURN_IF_ERROR(CheckString(m.url, "worker URL"));
  w.WriteInt16(m.version);
  w.WriteString(false, m.url);
  w.WriteInt64(m.config_offset);
  if (m.version < kConnectProtocolV1) return Status::OK();
  if (!m.allocation) {
    w.WriteInt32(-1);  // null bytes
    return Status::OK();
  }
  std::vector<uint8_t> allocation;
  Writer aw(&allocation);
  RETURN_IF_ERROR(EncodeAssignmentTo(*m.allocation, m.version, aw));
  w.WriteBytes(false, allocation);
  return Status::OK();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view ProtocolName(ConnectProtocolCompatibility mode) {
  switch (mode) {
    case ConnectProtocolCompatibility::kEager:
      return "default";
    case ConnectProtocolCompatibility::kCompatible:
      return "compatible";
    case ConnectProtocolCompatibility::kSessioned:
      return "sessioned";
  }
  return "default";
}

int16_t ProtocolVersion(ConnectProtocolCompatibility mode) {
  switch (mode) {
    case ConnectProtocolCompatibility::kEager:
      return kConnectProtocolV0;
    case ConnectProtocolCompatibility::kCompatible:
      return kConnectProtocolV1;
    case ConnectProtocolCompatibility::kSessioned:
      return kConnectProtocolV2;
  }
  return kConnectProtocolV0;
}

std::optional<ConnectProtocolCompatibility> CompatibilityFromProtocolName(std::string_view name) {
  const std::string lower = Lower(name);
  for (auto mode : {ConnectProtocolCompatibility::kEager, ConnectProtocolCompatibility::kCompatible,
                    ConnectProtocolCompatibility::kSessioned}) {
    if (ProtocolName(mode) == lower) return mode;
  }
  return std::nullopt;
}

Result<ConnectProtocolCompatibility> ParseConnectProtocolConfig(std::string_view value) {
  const std::string lower = Lower(value);
  if (lower == "eager") return ConnectProtocolCompatibility::kEager;
  if (lower == "compatible") return ConnectProtocolCompatibility::kCompatible;
  if (lower == "sessioned") return ConnectProtocolCompatibility::kSessioned;
  return Status::InvalidArgument("connect.protocol must be eager, compatible or sessioned, not '" +
                                 std::string(value) + "'");
}

Result<std::vector<uint8_t>> EncodeAssignment(const ConnectAssignment& assignment) {
  std::vector<uint8_t> out;
  out.reserve(64);
  Writer w(&out);
  RETURN_IF_ERROR(EncodeAssignmentTo(assignment, assignment.version, w));
  return out;
}

Result<ConnectAssignment> DecodeAssignment(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  ConnectAssignment a;
  RETURN_IF_ERROR(DecodeAssignmentFrom(r, &a).WithContext("Connect assignment"));
  return a;
}

Result<std::vector<uint8_t>> EncodeWorkerMetadata(const WorkerMetadata& m) {
  std::vector<uint8_t> out;
  out.reserve(64 + m.url.size());
  Writer w(&out);
  RETURN_IF_ERROR(EncodeMetadataTo(m, w));
  return out;
}

Result<WorkerMetadata> DecodeWorkerMetadata(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  WorkerMetadata m;
  auto decode = [&]() -> Status {
    RETURN_IF_ERROR(r.ReadInt16(&m.version));
    if (m.version < 0) return Status::Corruption("negative Connect protocol version");
    RETURN_IF_ERROR(r.ReadString(false, &m.url));
    RETURN_IF_ERROR(r.ReadInt64(&m.config_offset));
    if (m.version < kConnectProtocolV1 || r.remaining() == 0) return Status::OK();
    std::optional<kafka::SharedBytes> allocation;
    RETURN_IF_ERROR(r.ReadNullableBytes(false, &allocation));
    if (!allocation) return Status::OK();
    ASSIGN_OR_RETURN(m.allocation, DecodeAssignment(allocation->span()));
    return Status::OK();
  };
  RETURN_IF_ERROR(decode().WithContext("Connect worker metadata"));
  return m;
}

Result<std::vector<kafka::client::GroupProtocol>> WorkerProtocols(const WorkerMetadata& metadata,
                                                                  ConnectProtocolCompatibility mode) {
  std::vector<ConnectProtocolCompatibility> modes;
  switch (mode) {
    case ConnectProtocolCompatibility::kSessioned:
      modes.push_back(ConnectProtocolCompatibility::kSessioned);
      [[fallthrough]];
    case ConnectProtocolCompatibility::kCompatible:
      modes.push_back(ConnectProtocolCompatibility::kCompatible);
      [[fallthrough]];
    case ConnectProtocolCompatibility::kEager:
      modes.push_back(ConnectProtocolCompatibility::kEager);
  }
  std::vector<kafka::client::GroupProtocol> out;
  for (ConnectProtocolCompatibility m : modes) {
    WorkerMetadata versioned = metadata;
    versioned.version = ProtocolVersion(m);
    ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, EncodeWorkerMetadata(versioned));
    out.push_back(kafka::client::GroupProtocol{std::string(ProtocolName(m)), std::move(bytes)});
  }
  return out;
}

}  // namespace sluice::connect::distributed
