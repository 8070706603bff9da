// Kafka record batch v2 (magic 2): the fixed header, batch framing inside a `records` blob, CRC checks,
// in-place rewriting of broker-assigned fields, and control batches.
// Records inside a batch: record_reader.h (decode, validate) and record_builder.h (encode).
//
// Batch layout (byte offsets from the batch start; integers big-endian):
//    0  baseOffset            int64   offset of the first record
//    8  batchLength           int32   bytes after this field: batch size = 12 + batchLength
//   12  partitionLeaderEpoch  int32
//   16  magic                 int8    2 (0 and 1 are the legacy message formats, not supported)
//   17  crc                   uint32  CRC-32C of bytes [21, 12 + batchLength): attributes .. end
//   21  attributes            int16   bits 0-2 compression (0 none 1 gzip 2 snappy 3 lz4 4 zstd),
//                                     bit 3 timestampType (1 = LogAppendTime), bit 4 isTransactional,
//                                     bit 5 isControlBatch, bit 6 hasDeleteHorizonMs
//   23  lastOffsetDelta       int32   offset of the last record - baseOffset
//   27  baseTimestamp         int64   (the delete horizon when hasDeleteHorizonMs)
//   35  maxTimestamp          int64   (the log append time for LogAppendTime batches)
//   43  producerId            int64   -1 if none
//   51  producerEpoch         int16   -1 if none
//   53  baseSequence          int32   -1 if none
//   57  recordsCount          int32
//   61  records               recordsCount records, compressed as a whole when bits 0-2 != 0
// Record layout (varint/varlong are zig-zag, see wire.h):
//   length varint (bytes after this field), attributes int8 (unused, 0), timestampDelta varlong,
//   offsetDelta varint, keyLength varint (-1 = null), key, valueLength varint (-1 = null), value,
//   headersCount varint, then per header: keyLength varint (not nullable), key (UTF-8),
//   valueLength varint (-1 = null), value.
// A `records` field of Produce/Fetch holds batches back to back. A Fetch response may end with a
// partial batch (the broker cuts at the size limit); RecordBatchIterator reports it as incomplete.
//
// Thread-safety: plain functions and value types; an iterator object is not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"
#include "kafka/protocol/compression.h"

namespace sluice::kafka {

inline constexpr size_t kBaseOffsetPos = 0;
inline constexpr size_t kBatchLengthPos = 8;
inline constexpr size_t kPartitionLeaderEpochPos = 12;
inline constexpr size_t kMagicPos = 16;
inline constexpr size_t kCrcPos = 17;
inline constexpr size_t kAttributesPos = 21;
inline constexpr size_t kLastOffsetDeltaPos = 23;
inline constexpr size_t kBaseTimestampPos = 27;
inline constexpr size_t kMaxTimestampPos = 35;
inline constexpr size_t kProducerIdPos = 43;
inline constexpr size_t kProducerEpochPos = 51;
inline constexpr size_t kBaseSequencePos = 53;
inline constexpr size_t kRecordsCountPos = 57;
inline constexpr size_t kRecordBatchHeaderSize = 61;
inline constexpr size_t kLogOverhead = 12;  // baseOffset + batchLength: bytes not counted in batchLength
inline constexpr int32_t kMinBatchLength = kRecordBatchHeaderSize - kLogOverhead;  // 49
inline constexpr int8_t kMagicV2 = 2;

inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kTimestampTypeBit = 0x08;
inline constexpr int16_t kTransactionalBit = 0x10;
inline constexpr int16_t kControlBit = 0x20;
inline constexpr int16_t kDeleteHorizonBit = 0x40;

inline constexpr int64_t kNoTimestamp = -1;
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;

enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

// The fixed 61-byte header, decoded.
struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  int8_t magic = kMagicV2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = kNoTimestamp;
  int64_t max_timestamp = kNoTimestamp;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  int32_t records_count = 0;

  // May be an invalid id (5-7); RecordReader and validation reject those.
  CompressionType compression() const { return static_cast<CompressionType>(attributes & kCompressionMask); }
  TimestampType timestamp_type() const {
    return (attributes & kTimestampTypeBit) ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return (attributes & kTransactionalBit) != 0; }
  bool is_control() const { return (attributes & kControlBit) != 0; }
  bool has_delete_horizon() const { return (attributes & kDeleteHorizonBit) != 0; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  int64_t next_offset() const { return last_offset() + 1; }
  // Whole batch in bytes, header included.
  size_t size_bytes() const { return kLogOverhead + static_cast<size_t>(batch_length); }
};

// Returns the Unsupported status for a legacy (magic 0/1) message set.
Status LegacyMagicStatus(int8_t magic);

// Decodes the header at the start of `data` without touching the records. Checks that 61 bytes are
// present, magic == 2 (0/1: Unsupported, other: Corruption) and batchLength >= 49. Does not check the
// CRC or that the whole batch is present.
Status ParseRecordBatchHeader(std::span<const uint8_t> data, RecordBatchHeader* out);

// One complete batch inside a larger buffer (which must outlive the view).
struct RecordBatchView {
  RecordBatchHeader header;
  std::span<const uint8_t> data;  // the whole batch: header.size_bytes() bytes

  // The records section after the header, compressed when header.compression() != kNone.
  std::span<const uint8_t> records_data() const { return data.subspan(kRecordBatchHeaderSize); }
  // CRC-32C of attributes .. end, to compare with header.crc.
  uint32_t ComputeCrc() const;
  // Corruption "record batch at offset N: CRC mismatch (stored 0x.., computed 0x..)" if they differ.
  Status VerifyCrc() const;
};

// Walks the batches of a `records` blob without decoding records or checking CRCs:
//   RecordBatchIterator it(blob);
//   RecordBatchView batch;
//   while (it.Next(&batch)) { ... }
//   if (!it.status().ok()) error; if (it.incomplete()) a partial batch ends the blob.
class RecordBatchIterator {
 public:
  explicit RecordBatchIterator(std::span<const uint8_t> records) : data_(records) {}

  // Moves to the next complete batch. False at the end, on a trailing partial batch (status() OK,
  // incomplete() true), or on malformed bytes (status() not OK; the iterator then stays stopped).
  bool Next(RecordBatchView* batch);
  const Status& status() const { return status_; }
  // True when the blob ends with a prefix of a batch (legal in a Fetch response, not in Produce).
  bool incomplete() const { return incomplete_; }
  // Bytes of `records` covered by the complete batches returned so far.
  size_t position() const { return pos_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  Status status_;
  bool incomplete_ = false;
  bool done_ = false;
};

// In-place updates of a complete, already parsed v2 batch (a broker assigning offsets on append).
// Each checks that `batch` holds at least the header and has magic 2.
// baseOffset and partitionLeaderEpoch lie outside the CRC: no checksum work.
Status SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset);
Status SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch);
// Marks the batch LogAppendTime with maxTimestamp = `append_time_ms` and recomputes the CRC.
// REQUIRES: `batch` is exactly one whole batch (the CRC covers up to its end).
Status SetLogAppendTime(std::span<uint8_t> batch, int64_t append_time_ms);

// A copy of `batch` whose records section is compressed with `to` (a broker applying a topic's
// compression.type): the records themselves are untouched; the compression bits, batchLength and CRC
// change. Decompression is bounded by `max_decompressed` (OutOfRange beyond). REQUIRES: `batch` is one
// whole, valid batch.
Result<std::vector<uint8_t>> RecompressBatch(const RecordBatchView& batch, CompressionType to,
                                             size_t max_decompressed = kDefaultMaxDecompressedBytes);

// Control records (transaction markers) live in batches with isControlBatch set. Their key is
// version int16 (0) + type int16; their value (for ABORT/COMMIT) is version int16 (0) +
// coordinatorEpoch int32.
enum class ControlRecordType : int16_t { kAbort = 0, kCommit = 1 };
struct ControlRecordKey {
  int16_t version = 0;
  int16_t type = 0;  // a ControlRecordType value, or one unknown to us
};
inline constexpr size_t kControlRecordKeySize = 4;
inline constexpr size_t kEndTxnMarkerValueSize = 6;
// Decodes a control record's key (Corruption if shorter than 4 bytes; extra bytes are ignored).
Result<ControlRecordKey> ParseControlRecordKey(std::span<const uint8_t> key);

}  // namespace sluice::kafka
