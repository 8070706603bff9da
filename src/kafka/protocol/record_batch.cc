// Record batch v2 header parsing, batch iteration, CRC checks and in-place updates. See record_batch.h.
// Thread-safety: no shared state.
#include "kafka/protocol/record_batch.h"

#include <fmt/format.h>

#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka {
namespace {

template <typename U>
void StoreBe(uint8_t* p, U v) {
  for (size_t i = 0; i < sizeof(U); ++i) p[i] = static_cast<uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
}

int32_t LoadBe32(const uint8_t* p) {
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) |
                              uint32_t{p[3]});
}

Status CheckMagic(int8_t magic) {
  if (magic == kMagicV2) return Status::OK();
  if (magic == 0 || magic == 1) return LegacyMagicStatus(magic);
  return Status::Corruption(fmt::format("unknown record batch magic {}", magic));
}

Status CheckEditable(std::span<uint8_t> batch) {
  if (batch.size() < kRecordBatchHeaderSize) {
    return Status::InvalidArgument(fmt::format("record batch of {} bytes is shorter than its {}-byte header",
                                               batch.size(), kRecordBatchHeaderSize));
  }
  return CheckMagic(static_cast<int8_t>(batch[kMagicPos]));
}

}  // namespace

Status LegacyMagicStatus(int8_t magic) {
  return Status::Unsupported(
      fmt::format("legacy message format (magic {}) is not supported; Produce v3+ requires magic 2", magic));
}

Status ParseRecordBatchHeader(std::span<const uint8_t> data, RecordBatchHeader* out) {
  if (data.size() > kMagicPos) RETURN_IF_ERROR(CheckMagic(static_cast<int8_t>(data[kMagicPos])));
  if (data.size() < kRecordBatchHeaderSize) {
    return Status::Corruption(fmt::format("record batch header truncated: need {} bytes, have {}",
                                          kRecordBatchHeaderSize, data.size()));
  }
  Reader r(data.first(kRecordBatchHeaderSize));
  RecordBatchHeader h;
  // The size was checked above, so none of these reads can fail.
  RETURN_IF_ERROR(r.ReadInt64(&h.base_offset));
  RETURN_IF_ERROR(r.ReadInt32(&h.batch_length));
  RETURN_IF_ERROR(r.ReadInt32(&h.partition_leader_epoch));
  RETURN_IF_ERROR(r.ReadInt8(&h.magic));
  RETURN_IF_ERROR(r.ReadUint32(&h.crc));
  RETURN_IF_ERROR(r.ReadInt16(&h.attributes));
  RETURN_IF_ERROR(r.ReadInt32(&h.last_offset_delta));
  RETURN_IF_ERROR(r.ReadInt64(&h.base_timestamp));
  RETURN_IF_ERROR(r.ReadInt64(&h.max_timestamp));
  RETURN_IF_ERROR(r.ReadInt64(&h.producer_id));
  RETURN_IF_ERROR(r.ReadInt16(&h.producer_epoch));
  RETURN_IF_ERROR(r.ReadInt32(&h.base_sequence));
  RETURN_IF_ERROR(r.ReadInt32(&h.records_count));
  if (h.batch_length < kMinBatchLength) {
    return Status::Corruption(fmt::format("record batch at offset {}: batchLength {} is less than {}",
                                          h.base_offset, h.batch_length, kMinBatchLength));
  }
  *out = h;
  return Status::OK();
}

uint32_t RecordBatchView::ComputeCrc() const {
  return Crc32c(data.data() + kAttributesPos, data.size() - kAttributesPos);
}

Status RecordBatchView::VerifyCrc() const {
  const uint32_t computed = ComputeCrc();
  if (computed == header.crc) return Status::OK();
  return Status::Corruption(
      fmt::format("record batch at offset {}: CRC mismatch (stored {:#010x}, computed {:#010x})",
                  header.base_offset, header.crc, computed));
}

bool RecordBatchIterator::Next(RecordBatchView* batch) {
  if (done_) return false;
  const size_t rem = data_.size() - pos_;
  const uint8_t* p = data_.data() + pos_;
  Status st;
  if (rem == 0) {
    done_ = true;
    return false;
  }
  if (rem > kMagicPos) {
    st = CheckMagic(static_cast<int8_t>(p[kMagicPos]));
  }
  if (st.ok() && rem >= kLogOverhead) {
    const int32_t batch_length = LoadBe32(p + kBatchLengthPos);
    if (batch_length < kMinBatchLength) {
      st = Status::Corruption(fmt::format("batchLength {} is less than {}", batch_length, kMinBatchLength));
    } else if (rem >= kLogOverhead + static_cast<size_t>(batch_length)) {
      st = ParseRecordBatchHeader(data_.subspan(pos_), &batch->header);
      if (st.ok()) {
        batch->data = data_.subspan(pos_, batch->header.size_bytes());
        pos_ += batch->data.size();
        return true;
      }
    }
  }
  done_ = true;
  if (st.ok()) {
    incomplete_ = true;  // a prefix of a batch: fewer bytes than the header or than batchLength says
  } else {
    status_ = st.WithContext(fmt::format("record batch at byte {} of records", pos_));
  }
  return false;
}

Status SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset) {
  RETURN_IF_ERROR(CheckEditable(batch));
  StoreBe(batch.data() + kBaseOffsetPos, static_cast<uint64_t>(base_offset));
  return Status::OK();
}

Status SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch) {
  RETURN_IF_ERROR(CheckEditable(batch));
  StoreBe(batch.data() + kPartitionLeaderEpochPos, static_cast<uint32_t>(epoch));
  return Status::OK();
}

Status SetLogAppendTime(std::span<uint8_t> batch, int64_t append_time_ms) {
  RETURN_IF_ERROR(CheckEditable(batch));
  const int32_t batch_length = LoadBe32(batch.data() + kBatchLengthPos);
  if (batch_length < kMinBatchLength || kLogOverhead + static_cast<size_t>(batch_length) != batch.size()) {
    return Status::InvalidArgument(
        fmt::format("batchLength {} does not match the {}-byte batch", batch_length, batch.size()));
  }
  uint8_t* p = batch.data();
  const auto attributes = static_cast<uint16_t>((p[kAttributesPos] << 8) | p[kAttributesPos + 1]);
  StoreBe(p + kAttributesPos, static_cast<uint16_t>(attributes | kTimestampTypeBit));
  StoreBe(p + kMaxTimestampPos, static_cast<uint64_t>(append_time_ms));
  StoreBe(p + kCrcPos, Crc32c(p + kAttributesPos, batch.size() - kAttributesPos));
  return Status::OK();
}

Result<std::vector<uint8_t>> RecompressBatch(const RecordBatchView& batch, CompressionType to,
                                             size_t max_decompressed) {
  std::span<const uint8_t> records = batch.records_data();
  std::vector<uint8_t> plain;
  if (batch.header.compression() != CompressionType::kNone) {
    RETURN_IF_ERROR(Decompress(batch.header.compression(), records, &plain, max_decompressed));
    records = plain;
  }
  std::vector<uint8_t> out(batch.data.begin(), batch.data.begin() + kRecordBatchHeaderSize);
  if (to == CompressionType::kNone) {
    out.insert(out.end(), records.begin(), records.end());
  } else {
    std::vector<uint8_t> packed;
    RETURN_IF_ERROR(Compress(to, records, &packed));
    out.insert(out.end(), packed.begin(), packed.end());
  }
  uint8_t* p = out.data();
  const auto attributes = static_cast<uint16_t>((p[kAttributesPos] << 8) | p[kAttributesPos + 1]);
  StoreBe(p + kAttributesPos,
          static_cast<uint16_t>((attributes & ~kCompressionMask) | static_cast<uint16_t>(to)));
  StoreBe(p + kBatchLengthPos, static_cast<uint32_t>(out.size() - kLogOverhead));
  StoreBe(p + kCrcPos, Crc32c(p + kAttributesPos, out.size() - kAttributesPos));
  return out;
}

Result<ControlRecordKey> ParseControlRecordKey(std::span<const uint8_t> key) {
  Reader r(key);
  ControlRecordKey k;
  Status st = r.ReadInt16(&k.version);
  if (st.ok()) st = r.ReadInt16(&k.type);
  if (!st.ok()) return st.WithContext("control record key");
  return k;
}

}  // namespace sluice::kafka
