// Encoding and decoding of __consumer_offsets keys and values; see group_records.h for the layout.
#include "broker/group/group_records.h"

#include <climits>

#include "kafka/protocol/wire.h"

namespace sluice::broker::group {

using kafka::Reader;
using kafka::SharedBytes;
using kafka::Writer;

namespace {

constexpr int16_t kOffsetKeyVersion = 1;
constexpr int16_t kGroupMetadataKeyVersion = 2;
constexpr int16_t kOffsetValueVersion = 3;
constexpr int16_t kGroupMetadataValueVersion = 3;

// A buffer holding the big-endian int16 version that starts every key and value.
std::vector<uint8_t> VersionPrefix(int16_t version) {
  return {static_cast<uint8_t>(static_cast<uint16_t>(version) >> 8), static_cast<uint8_t>(version & 0xFF)};
}

Status SkipTaggedFields(Reader& r) {
  uint32_t count = 0;
  RETURN_IF_ERROR(r.ReadUnsignedVarint(&count));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tag = 0;
    uint32_t size = 0;
    RETURN_IF_ERROR(r.ReadUnsignedVarint(&tag));
    RETURN_IF_ERROR(r.ReadUnsignedVarint(&size));
    RETURN_IF_ERROR(r.Skip(size));
  }
  return Status::OK();
}

Status ReadBytesVector(Reader& r, bool compact, std::vector<uint8_t>* out) {
  SharedBytes b;
  RETURN_IF_ERROR(r.ReadBytes(compact, &b));
  out->assign(b.data(), b.data() + b.size());
  return Status::OK();
}

Status DecodeMember(Reader& r, int16_t version, GroupMetadataRecordMember* m) {
  const bool flex = version >= 4;
  RETURN_IF_ERROR(r.ReadString(flex, &m->member_id));
  if (version >= 3) RETURN_IF_ERROR(r.ReadNullableString(flex, &m->group_instance_id));
  RETURN_IF_ERROR(r.ReadString(flex, &m->client_id));
  RETURN_IF_ERROR(r.ReadString(flex, &m->client_host));
  if (version >= 1) RETURN_IF_ERROR(r.ReadInt32(&m->rebalance_timeout_ms));
  RETURN_IF_ERROR(r.ReadInt32(&m->session_timeout_ms));
  RETURN_IF_ERROR(ReadBytesVector(r, flex, &m->subscription));
  RETURN_IF_ERROR(ReadBytesVector(r, flex, &m->assignment));
  if (flex) RETURN_IF_ERROR(SkipTaggedFields(r));
  return Status::OK();
}

}  // namespace

std::vector<uint8_t> EncodeOffsetKey(std::string_view group, std::string_view topic, int32_t partition) {
  std::vector<uint8_t> out = VersionPrefix(kOffsetKeyVersion);
  out.reserve(2 + 2 + group.size() + 2 + topic.size() + 4);
  Writer w(&out);
  w.WriteString(false, group);
  w.WriteString(false, topic);
  w.WriteInt32(partition);
  return out;
}

std::vector<uint8_t> EncodeOffsetValue(const OffsetRecordValue& v) {
  std::vector<uint8_t> out = VersionPrefix(kOffsetValueVersion);
  out.reserve(2 + 8 + 4 + 2 + v.metadata.size() + 8);
  Writer w(&out);
  w.WriteInt64(v.offset);
  w.WriteInt32(v.leader_epoch);
  w.WriteString(false, v.metadata);
  w.WriteInt64(v.commit_timestamp);
  return out;
}

std::vector<uint8_t> EncodeGroupMetadataKey(std::string_view group) {
  std::vector<uint8_t> out = VersionPrefix(kGroupMetadataKeyVersion);
  out.reserve(2 + 2 + group.size());
  Writer w(&out);
  w.WriteString(false, group);
  return out;
}

std::vector<uint8_t> EncodeGroupMetadataValue(const GroupMetadataRecordValue& v) {
  std::vector<uint8_t> out = VersionPrefix(kGroupMetadataValueVersion);
  out.reserve(64 + v.protocol_type.size() + v.members.size() * 128);
  Writer w(&out);
  w.WriteString(false, v.protocol_type);
  w.WriteInt32(v.generation);
  w.WriteNullableString(false, v.protocol);
  w.WriteNullableString(false, v.leader);
  w.WriteInt64(v.current_state_timestamp);
  w.WriteArrayLength(false, static_cast<int32_t>(v.members.size()));
  for (const GroupMetadataRecordMember& m : v.members) {
    w.WriteString(false, m.member_id);
    w.WriteNullableString(false, m.group_instance_id);
    w.WriteString(false, m.client_id);
    w.WriteString(false, m.client_host);
    w.WriteInt32(m.rebalance_timeout_ms);
    w.WriteInt32(m.session_timeout_ms);
    w.WriteBytes(false, m.subscription);
    w.WriteBytes(false, m.assignment);
  }
  return out;
}

Result<GroupRecordKey> DecodeGroupRecordKey(std::span<const uint8_t> key) {
  Reader r(key);
  GroupRecordKey k;
  RETURN_IF_ERROR(r.ReadInt16(&k.version).WithContext("__consumer_offsets key"));
  if (k.version < 0) return Status::Corruption("__consumer_offsets key: negative version");
  if (k.version > kGroupMetadataKeyVersion) return k;  // kOther
  RETURN_IF_ERROR(r.ReadString(false, &k.group).WithContext("__consumer_offsets key"));
  if (k.version == kGroupMetadataKeyVersion) {
    k.kind = GroupRecordKey::Kind::kGroupMetadata;
  } else {
    k.kind = GroupRecordKey::Kind::kOffset;
    RETURN_IF_ERROR(r.ReadString(false, &k.topic).WithContext("offset commit key"));
    RETURN_IF_ERROR(r.ReadInt32(&k.partition).WithContext("offset commit key"));
  }
  if (r.remaining() != 0) return Status::Corruption("__consumer_offsets key: trailing bytes");
  return k;
}

Result<OffsetRecordValue> DecodeOffsetValue(std::span<const uint8_t> value) {
  Reader r(value);
  int16_t version = 0;
  OffsetRecordValue v;
  RETURN_IF_ERROR(r.ReadInt16(&version).WithContext("offset commit value"));
  if (version < 0 || version > 4) {
    return Status::Unsupported("offset commit value: unknown version " + std::to_string(version));
  }
  const bool flex = version >= 4;
  Status s = r.ReadInt64(&v.offset);
  if (s.ok() && version >= 3) s = r.ReadInt32(&v.leader_epoch);
  if (s.ok()) s = r.ReadString(flex, &v.metadata);
  if (s.ok()) s = r.ReadInt64(&v.commit_timestamp);
  if (s.ok() && version == 1) s = r.ReadInt64(&v.expire_timestamp);
  if (s.ok() && flex) s = SkipTaggedFields(r);
  RETURN_IF_ERROR(s.WithContext("offset commit value v" + std::to_string(version)));
  return v;
}

Result<GroupMetadataRecordValue> DecodeGroupMetadataValue(std::span<const uint8_t> value) {
  Reader r(value);
  int16_t version = 0;
  GroupMetadataRecordValue v;
  RETURN_IF_ERROR(r.ReadInt16(&version).WithContext("group metadata value"));
  if (version < 0 || version > 4) {
    return Status::Unsupported("group metadata value: unknown version " + std::to_string(version));
  }
  const bool flex = version >= 4;
  const std::string context = "group metadata value v" + std::to_string(version);
  RETURN_IF_ERROR(r.ReadString(flex, &v.protocol_type).WithContext(context));
  RETURN_IF_ERROR(r.ReadInt32(&v.generation).WithContext(context));
  RETURN_IF_ERROR(r.ReadNullableString(flex, &v.protocol).WithContext(context));
  RETURN_IF_ERROR(r.ReadNullableString(flex, &v.leader).WithContext(context));
  if (version >= 2) RETURN_IF_ERROR(r.ReadInt64(&v.current_state_timestamp).WithContext(context));
  int32_t count = 0;
  RETURN_IF_ERROR(r.ReadArrayLength(flex, 4, &count).WithContext(context));
  if (count < 0) return Status::Corruption(context + ": null members");
  v.members.resize(static_cast<size_t>(count));
  for (GroupMetadataRecordMember& m : v.members)
    RETURN_IF_ERROR(DecodeMember(r, version, &m).WithContext(context));
  if (flex) RETURN_IF_ERROR(SkipTaggedFields(r).WithContext(context));
  return v;
}

int32_t JavaStringHashCode(std::string_view utf8) {
  uint32_t h = 0;  // unsigned: Java's int arithmetic wraps
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  size_t i = 0;
  const size_t n = utf8.size();
  auto byte = [&utf8](size_t k) { return static_cast<uint8_t>(utf8[k]); };
  auto cont = [&](size_t k) { return k < n && (byte(k) & 0xC0) == 0x80; };
  while (i < n) {
    const uint8_t b0 = byte(i);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xC2 && b0 < 0xE0 && cont(i + 1)) {
      cp = ((b0 & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
      len = 2;
    } else if (b0 >= 0xE0 && b0 < 0xF0 && cont(i + 1) && cont(i + 2)) {
      cp = ((b0 & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
      len = 3;
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    } else if (b0 >= 0xF0 && b0 < 0xF5 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      cp = ((b0 & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) | ((byte(i + 2) & 0x3Fu) << 6) |
           (byte(i + 3) & 0x3Fu);
      len = 4;
      if (cp < 0x10000 || cp > 0x10FFFF) cp = 0xFFFD;
    }
    if (cp >= 0x10000) {
      add(0xD800 + ((cp - 0x10000) >> 10));
      add(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

int32_t PartitionForGroup(std::string_view group, int32_t num_partitions) {
  const int32_t h = JavaStringHashCode(group);
  const int32_t abs = h == INT_MIN ? 0 : (h < 0 ? -h : h);
  return abs % num_partitions;
}

}  // namespace sluice::broker::group
