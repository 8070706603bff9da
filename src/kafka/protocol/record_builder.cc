// Record batch v2 encoder. See record_builder.h.
// Thread-safety: no shared state.
#include "kafka/protocol/record_builder.h"

#include <algorithm>
#include <cstring>

#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka {
namespace {

size_t NullableSize(const std::optional<std::span<const uint8_t>>& b) {
  return b ? VarintSize(static_cast<int32_t>(b->size())) + b->size() : 1;
}

void WriteNullable(Writer& w, const std::optional<std::span<const uint8_t>>& b) {
  if (!b) {
    w.WriteVarint(-1);
    return;
  }
  w.WriteVarint(static_cast<int32_t>(b->size()));
  w.WriteRaw(b->data(), b->size());
}

}  // namespace

RecordBatchBuilder::RecordBatchBuilder(const RecordBatchOptions& options) : options_(options) { Reset(); }

void RecordBatchBuilder::Reset() {
  buf_.assign(kRecordBatchHeaderSize, 0);
  count_ = 0;
  base_timestamp_ = kNoTimestamp;
  max_timestamp_ = kNoTimestamp;
}

void RecordBatchBuilder::Append(int64_t timestamp, std::optional<std::span<const uint8_t>> key,
                                std::optional<std::span<const uint8_t>> value,
                                std::span<const RecordHeader> headers) {
  if (count_ == 0) {
    base_timestamp_ = timestamp;
    max_timestamp_ = timestamp;
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp);
  const int64_t timestamp_delta =
      static_cast<int64_t>(static_cast<uint64_t>(timestamp) - static_cast<uint64_t>(base_timestamp_));
  const int32_t offset_delta = count_;

  size_t body = 1 + VarlongSize(timestamp_delta) + VarintSize(offset_delta) + NullableSize(key) +
                NullableSize(value) + VarintSize(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    body += VarintSize(static_cast<int32_t>(h.key.size())) + h.key.size() + NullableSize(h.value);
  }
  const size_t needed = buf_.size() + VarintSize(static_cast<int32_t>(body)) + body;
  if (needed > buf_.capacity()) buf_.reserve(std::max(needed, 2 * buf_.capacity()));  // keep growth geometric

  Writer w(&buf_);
  w.WriteVarint(static_cast<int32_t>(body));
  w.WriteInt8(0);  // record attributes: unused
  w.WriteVarlong(timestamp_delta);
  w.WriteVarint(offset_delta);
  WriteNullable(w, key);
  WriteNullable(w, value);
  w.WriteVarint(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    w.WriteVarint(static_cast<int32_t>(h.key.size()));
    w.WriteRaw(h.key.data(), h.key.size());
    WriteNullable(w, h.value);
  }
  ++count_;
}

void RecordBatchBuilder::WriteHeader(std::span<uint8_t> batch) const {
  int16_t attributes = static_cast<int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) attributes |= kTimestampTypeBit;
  if (options_.transactional) attributes |= kTransactionalBit;
  if (options_.control) attributes |= kControlBit;
  const int64_t max_timestamp =
      options_.timestamp_type == TimestampType::kLogAppendTime ? options_.log_append_time_ms : max_timestamp_;

  std::vector<uint8_t> header;
  header.reserve(kRecordBatchHeaderSize);
  Writer w(&header);
  w.WriteInt64(options_.base_offset);
  w.WriteInt32(static_cast<int32_t>(batch.size() - kLogOverhead));
  w.WriteInt32(options_.partition_leader_epoch);
  w.WriteInt8(kMagicV2);
  w.WriteUint32(0);  // CRC, computed below
  w.WriteInt16(attributes);
  w.WriteInt32(count_ - 1);  // lastOffsetDelta
  w.WriteInt64(base_timestamp_);
  w.WriteInt64(max_timestamp);
  w.WriteInt64(options_.producer_id);
  w.WriteInt16(options_.producer_epoch);
  w.WriteInt32(options_.base_sequence);
  w.WriteInt32(count_);
  std::memcpy(batch.data(), header.data(), kRecordBatchHeaderSize);

  const uint32_t crc = Crc32c(batch.data() + kAttributesPos, batch.size() - kAttributesPos);
  for (size_t i = 0; i < 4; ++i) batch[kCrcPos + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}

Result<std::vector<uint8_t>> RecordBatchBuilder::Build() {
  std::vector<uint8_t> out;
  if (options_.compression == CompressionType::kNone) {
    WriteHeader(buf_);
    out.swap(buf_);
    Reset();
    buf_.reserve(out.size());  // the next batch is likely as large: avoid regrowing from scratch
    return out;
  }
  RETURN_IF_ERROR(BuildTo(&out));
  return out;
}

Status RecordBatchBuilder::BuildTo(std::vector<uint8_t>* out) {
  const size_t start = out->size();
  if (options_.compression == CompressionType::kNone) {
    WriteHeader(buf_);
    out->insert(out->end(), buf_.begin(), buf_.end());
  } else {
    out->resize(start + kRecordBatchHeaderSize);
    Status st = Compress(options_.compression, std::span<const uint8_t>(buf_).subspan(kRecordBatchHeaderSize),
                         out, options_.compression_level);
    if (!st.ok()) {
      out->resize(start);
      return st;
    }
    WriteHeader(std::span<uint8_t>(*out).subspan(start));
  }
  Reset();
  return Status::OK();
}

Result<std::vector<uint8_t>> BuildEndTxnMarker(const RecordBatchOptions& options, ControlRecordType type,
                                               int32_t coordinator_epoch, int64_t timestamp_ms) {
  RecordBatchOptions o = options;
  o.control = true;
  o.transactional = true;
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
  Writer kw(&key);
  kw.WriteInt16(0);  // version
  kw.WriteInt16(static_cast<int16_t>(type));
  Writer vw(&value);
  vw.WriteInt16(0);  // version
  vw.WriteInt32(coordinator_epoch);
  RecordBatchBuilder b(o);
  b.Append(timestamp_ms, std::span<const uint8_t>(key), std::span<const uint8_t>(value));
  return b.Build();
}

}  // namespace sluice::kafka
