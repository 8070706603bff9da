// Confluent's partitioners (the directory part of an object key) and timestamp extractors:
// DefaultPartitioner "partition=<kafka partition>", FieldPartitioner "<f>=<v>" per field of the value
// (Struct or map), TimeBasedPartitioner path.format of the record's time bucket in `timezone`
// (DailyPartitioner and HourlyPartitioner are preset formats). Timestamps: Record (the Kafka record's
// timestamp), RecordField (timestamp.field of the value: INT64/Timestamp, or an ISO-8601 / number
// string) or Wallclock.
//
// Thread-safety: immutable after construction; Encode may be called from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "connect/api/record.h"
#include "connectors/s3/s3_sink_config.h"
#include "connectors/s3/time_zone.h"

namespace sluice::connectors::s3 {

class Partitioner {
 public:
  virtual ~Partitioner() = default;
  // The encoded partition, e.g. "partition=0" or "year=2018/month=10".
  virtual Result<std::string> Encode(const connect::SinkRecord& record, int64_t now_ms) const = 0;
  // The record's time for rotate.interval.ms: the extractor's for time-based partitioners, else the
  // Kafka record's timestamp (now_ms when it has none).
  virtual Result<int64_t> RotationTime(const connect::SinkRecord& record, int64_t now_ms) const;
  // Whether the encoded partition may depend on the wall clock (exactly-once does not hold then).
  virtual bool wallclock() const { return false; }
};

Result<std::unique_ptr<Partitioner>> MakePartitioner(const S3SinkConfig& config);

// The timestamp of a record per extractor.
Result<int64_t> ExtractTimestamp(ExtractorKind kind, const std::string& field,
                                 const connect::SinkRecord& record, int64_t now_ms);

// The start of the partition.duration.ms bucket holding `utc_ms`, aligned in local time (Confluent's
// TimeBasedPartitioner.getPartition).
int64_t TimeBucket(int64_t duration_ms, int64_t utc_ms, const TimeZone& tz);

}  // namespace sluice::connectors::s3
