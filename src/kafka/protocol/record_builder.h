// Encoding record batches v2 (layout in record_batch.h) with any compression codec.
//
//   RecordBatchBuilder b({.compression = CompressionType::kLz4, .producer_id = 7, .producer_epoch = 0,
//                         .base_sequence = 0});
//   b.Append(ts_ms, AsBytes("key"), AsBytes("value"));
//   b.Append(ts_ms, std::nullopt, std::nullopt, headers);   // null key and value
//   ASSIGN_OR_RETURN(std::vector<uint8_t> batch, b.Build());
//
// Records are written once, directly after the header space of the output buffer when uncompressed;
// compressed batches are compressed straight behind the header of the result.
// Thread-safety: a builder object is not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/compression.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::kafka {

struct RecordBatchOptions {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  CompressionType compression = CompressionType::kNone;
  int compression_level = kDefaultCompressionLevel;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  // maxTimestamp of a LogAppendTime batch (ignored for CreateTime).
  int64_t log_append_time_ms = kNoTimestamp;
  bool transactional = false;
  bool control = false;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
};

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(const RecordBatchOptions& options = {});

  // Appends a record whose offset delta is the number of records appended before it.
  // baseTimestamp is the first record's timestamp; maxTimestamp the largest (CreateTime).
  // REQUIRES: key, value and each header are shorter than 2^31 bytes; fewer than 2^31 records.
  void Append(int64_t timestamp, std::optional<std::span<const uint8_t>> key,
              std::optional<std::span<const uint8_t>> value, std::span<const RecordHeader> headers = {});

  int32_t records_count() const { return count_; }
  // Size of the batch if it were uncompressed (header + encoded records so far).
  size_t uncompressed_size() const { return buf_.size(); }

  // Finishes the batch and returns its bytes. An empty batch has lastOffsetDelta -1 and both timestamps
  // -1. The builder is empty afterwards (same options) and can be reused.
  Result<std::vector<uint8_t>> Build();
  // Same, appending the batch to *out (batches back to back make a `records` blob).
  Status BuildTo(std::vector<uint8_t>* out);

 private:
  // Writes the 61-byte header (with CRC) at `batch`, whose size is the whole batch.
  void WriteHeader(std::span<uint8_t> batch) const;
  void Reset();

  RecordBatchOptions options_;
  std::vector<uint8_t> buf_;  // 61 bytes of header space, then the uncompressed records
  int32_t count_ = 0;
  int64_t base_timestamp_ = kNoTimestamp;
  int64_t max_timestamp_ = kNoTimestamp;
};

// A control batch holding one transaction marker (ABORT or COMMIT) for `options.producer_id`;
// sets the control and transactional attributes itself.
Result<std::vector<uint8_t>> BuildEndTxnMarker(const RecordBatchOptions& options, ControlRecordType type,
                                               int32_t coordinator_epoch, int64_t timestamp_ms);

}  // namespace sluice::kafka
