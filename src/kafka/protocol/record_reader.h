// Decoding and validating the records of a v2 record batch (layout in record_batch.h).
//
// Uncompressed batches decode zero-copy: keys, values and header bytes are views into the batch.
// Compressed batches are first decompressed (bounded by `max_decompressed`) into a buffer the caller
// provides (RecordReader) or that the result owns (DecodedBatch); views then point into that buffer.
//
// Thread-safety: RecordReader and DecodedBatch objects are not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/compression.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka {

// Bytes of a string (e.g. to pass a std::string as a key or value).
inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsStringView(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// A record header. Also the input type of RecordBatchBuilder::Append.
struct RecordHeader {
  std::string_view key;                           // not nullable
  std::optional<std::span<const uint8_t>> value;  // nullopt = null
};

struct Record {
  int64_t offset = 0;     // baseOffset + offset_delta
  int64_t timestamp = 0;  // baseTimestamp + timestamp_delta; maxTimestamp for LogAppendTime batches
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  int8_t attributes = 0;
  std::optional<std::span<const uint8_t>> key;    // nullopt = null
  std::optional<std::span<const uint8_t>> value;  // nullopt = null
  std::span<const RecordHeader> headers;
};

// Streams the records of one batch without allocating per record:
//   ASSIGN_OR_RETURN(RecordReader reader, RecordReader::Open(batch, &scratch));
//   Record rec;
//   while (reader.Next(&rec)) { ... }
//   RETURN_IF_ERROR(reader.status());
// Next() checks each record's framing, that exactly recordsCount records fill the records section, and
// that offset deltas ascend strictly and stay <= lastOffsetDelta. It does not check the CRC.
class RecordReader {
 public:
  // REQUIRES: `buffer` is non-null if the batch is compressed; it is overwritten and must outlive the
  // records. The batch bytes must outlive the records too.
  static Result<RecordReader> Open(const RecordBatchView& batch, std::vector<uint8_t>* buffer,
                                   size_t max_decompressed = kDefaultMaxDecompressedBytes);

  // False at the end or on an error (see status()). `record->headers` is valid until the next call.
  bool Next(Record* record);
  const Status& status() const { return status_; }
  int32_t records_read() const { return read_; }

 private:
  RecordReader(const RecordBatchHeader& header, std::span<const uint8_t> records)
      : header_(header), reader_(records) {}
  Status ReadRecord(Record* record);

  RecordBatchHeader header_;
  Reader reader_;
  std::vector<RecordHeader> headers_;
  Status status_;
  int32_t read_ = 0;
  int64_t last_offset_delta_ = -1;
};

// A batch with all records decoded. Views point into the original batch bytes (uncompressed) or into
// `buffer` (compressed); moving a DecodedBatch keeps them valid, copying does not.
struct DecodedBatch {
  RecordBatchHeader header;
  std::vector<Record> records;  // record.headers point into header_storage
  std::vector<RecordHeader> header_storage;
  std::vector<uint8_t> buffer;  // decompressed records of a compressed batch
};
Status DecodeRecordBatch(const RecordBatchView& batch, DecodedBatch* out,
                         size_t max_decompressed = kDefaultMaxDecompressedBytes);

// Everything a broker checks on one batch of a Produce request: magic 2, batchLength, CRC, known
// compression codec, not a control batch (only the coordinator writes those), recordsCount >= 1 and
// == lastOffsetDelta + 1, each record well-formed, offset deltas strictly ascending (hence 0..n-1),
// the last equal to lastOffsetDelta. Errors are Corruption (InvalidArgument for a control batch,
// Unsupported for magic 0/1) with a message naming the failing check.
Status ValidateProduceBatch(const RecordBatchView& batch,
                            size_t max_decompressed = kDefaultMaxDecompressedBytes);
// The `records` of one partition in a Produce request: exactly one complete batch, validated as above.
// On success *batch (if non-null) is the batch.
Status ValidateProduceRecords(std::span<const uint8_t> records, RecordBatchView* batch = nullptr,
                              size_t max_decompressed = kDefaultMaxDecompressedBytes);

}  // namespace sluice::kafka
