// Connect records: what source tasks produce and sink tasks receive (Kafka's ConnectRecord,
// SourceRecord, SinkRecord), with headers and the topic-partition pair.
//
// Source partitions and offsets are Connect values holding a MAP with string keys (Kafka's
// Map<String, ?>), e.g. {"protocol":"1","table":"ec.ec_uriage"} and {"incrementing":6}; the runtime
// stores them as schemaless JSON. Use StringMap() to build them. A source that makes an offset per
// record may instead give a few integers and a shared SourceOffsetEncoder that builds the MAP from them
// only when the runtime needs it (the last record of a run it commits), not a map per record.
//
// Thread-safety: plain data; one record is not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

struct Header {
  std::string key;
  SchemaPtr schema;  // nullptr: schemaless
  Value value;
};
using Headers = std::vector<Header>;

enum class TimestampType : signed char { kNoTimestamp = -1, kCreateTime = 0, kLogAppendTime = 1 };

// The fields every record has. Transformations work on this part, in place.
struct ConnectRecord {
  std::string topic;
  std::optional<int32_t> kafka_partition;  // nullopt: the producer's partitioner decides
  SchemaPtr key_schema;                    // nullptr: schemaless (or no key)
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::optional<int64_t> timestamp;  // ms since the epoch
  Headers headers;
};

// The integers of a source offset kept compactly (their meaning is the encoder's).
using SourceOffsetFields = std::array<int64_t, 3>;

// Builds a source offset (a MAP with string keys) from its fields; shared by the records of a source
// partition. The runtime calls Encode on the task's thread, possibly after the task has made later
// records (or has been stopped): the result must depend on the fields and on immutable state only.
class SourceOffsetEncoder {
 public:
  virtual ~SourceOffsetEncoder() = default;
  virtual Value Encode(const SourceOffsetFields& fields) const = 0;
};

struct SourceRecord : ConnectRecord {
  Value source_partition;  // MAP with string keys, or null
  Value source_offset;     // MAP with string keys, or null
  // Instead of source_partition (then left null): a partition shared by many records, e.g. every record
  // of one table, so that it is neither copied per record nor compared by value (the runtime sees the
  // same object again).
  std::shared_ptr<const Value> shared_partition;
  // Instead of source_offset (then left null): the offset is offset_encoder->Encode(offset_fields).
  std::shared_ptr<const SourceOffsetEncoder> offset_encoder;
  SourceOffsetFields offset_fields{};
};

// The record's source partition (shared_partition when set).
inline const Value& SourcePartitionOf(const SourceRecord& r) {
  return r.shared_partition ? *r.shared_partition : r.source_partition;
}
// The record's source offset (built by its encoder when it has one).
inline Value SourceOffsetOf(const SourceRecord& r) {
  return r.offset_encoder ? r.offset_encoder->Encode(r.offset_fields) : r.source_offset;
}

struct SinkRecord : ConnectRecord {
  int64_t kafka_offset = -1;
  TimestampType timestamp_type = TimestampType::kNoTimestamp;
  // Where the record was read, unchanged by transformations (KIP-793).
  std::string original_topic;
  int32_t original_partition = 0;
  int64_t original_offset = -1;
};

// A MAP value with string keys and string values, in the given order: the usual source partition.
Value StringMap(std::initializer_list<std::pair<std::string, std::string>> entries);
// The entry of a MAP value with string keys; nullptr if absent or `map` is not a map.
const Value* MapGet(const Value& map, std::string_view key);

}  // namespace sluice::connect
