// Record decoding and Produce validation for record batch v2. See record_reader.h.
// Thread-safety: no shared state.
#include "kafka/protocol/record_reader.h"

#include <algorithm>

#include <fmt/format.h>

namespace sluice::kafka {
namespace {

// The smallest record: length, attributes, timestampDelta, offsetDelta, key, value, headersCount.
constexpr size_t kMinRecordSize = 7;
// The smallest header: key length + value length.
constexpr size_t kMinHeaderSize = 2;

int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// varint length (-1 = null) + bytes.
Status ReadNullableBytes(Reader* r, const char* what, std::optional<std::span<const uint8_t>>* out) {
  int32_t len;
  RETURN_IF_ERROR(r->ReadVarint(&len));
  if (len == -1) {
    out->reset();
    return Status::OK();
  }
  if (len < -1) return Status::Corruption(fmt::format("{} length {} is negative", what, len));
  std::span<const uint8_t> bytes;
  RETURN_IF_ERROR(r->ReadRaw(static_cast<size_t>(len), &bytes));
  *out = bytes;
  return Status::OK();
}

std::string BatchContext(const RecordBatchHeader& h) {
  return fmt::format("record batch at offset {}", h.base_offset);
}

}  // namespace

Result<RecordReader> RecordReader::Open(const RecordBatchView& batch, std::vector<uint8_t>* buffer,
                                        size_t max_decompressed) {
  const RecordBatchHeader& h = batch.header;
  if ((h.attributes & kCompressionMask) > kMaxCompressionId) {
    return Status::Corruption(
        fmt::format("{}: unknown compression codec {}", BatchContext(h), h.attributes & kCompressionMask));
  }
  if (h.records_count < 0) {
    return Status::Corruption(
        fmt::format("{}: recordsCount {} is negative", BatchContext(h), h.records_count));
  }
  if (batch.data.size() < kRecordBatchHeaderSize) {
    return Status::Corruption(fmt::format("{}: batch shorter than its header", BatchContext(h)));
  }
  std::span<const uint8_t> records = batch.records_data();
  if (h.compression() != CompressionType::kNone) {
    if (buffer == nullptr) return Status::InvalidArgument("a compressed batch needs a decompression buffer");
    buffer->clear();
    Status st = Decompress(h.compression(), records, buffer, max_decompressed);
    if (!st.ok()) return st.WithContext(BatchContext(h));
    records = *buffer;
  }
  return RecordReader(h, records);
}

bool RecordReader::Next(Record* record) {
  if (!status_.ok()) return false;
  if (read_ == header_.records_count) {
    if (reader_.remaining() != 0) {
      status_ = Status::Corruption(fmt::format("{}: {} bytes follow the last of {} records",
                                               BatchContext(header_), reader_.remaining(), read_));
    }
    return false;
  }
  if (reader_.remaining() == 0) {
    status_ = Status::Corruption(fmt::format("{}: recordsCount is {} but the batch holds {} records",
                                             BatchContext(header_), header_.records_count, read_));
    return false;
  }
  Status st = ReadRecord(record);
  if (!st.ok()) {
    status_ = st.WithContext(fmt::format("{}: record {}", BatchContext(header_), read_));
    return false;
  }
  ++read_;
  return true;
}

Status RecordReader::ReadRecord(Record* record) {
  int32_t length;
  RETURN_IF_ERROR(reader_.ReadVarint(&length));
  if (length < 0 || static_cast<size_t>(length) > reader_.remaining()) {
    return Status::Corruption(
        fmt::format("length {} does not fit in the {} bytes left", length, reader_.remaining()));
  }
  Reader r(reader_.current(), static_cast<size_t>(length));
  RETURN_IF_ERROR(reader_.Skip(static_cast<size_t>(length)));

  RETURN_IF_ERROR(r.ReadInt8(&record->attributes));
  RETURN_IF_ERROR(r.ReadVarlong(&record->timestamp_delta));
  RETURN_IF_ERROR(r.ReadVarint(&record->offset_delta));
  RETURN_IF_ERROR(ReadNullableBytes(&r, "key", &record->key));
  RETURN_IF_ERROR(ReadNullableBytes(&r, "value", &record->value));
  int32_t header_count;
  RETURN_IF_ERROR(r.ReadVarint(&header_count));
  if (header_count < 0 || static_cast<size_t>(header_count) > r.remaining() / kMinHeaderSize) {
    return Status::Corruption(
        fmt::format("headers count {} does not fit in the {} bytes left", header_count, r.remaining()));
  }
  headers_.resize(static_cast<size_t>(header_count));
  for (RecordHeader& hdr : headers_) {
    int32_t key_len;
    RETURN_IF_ERROR(r.ReadVarint(&key_len));
    if (key_len < 0) return Status::Corruption(fmt::format("header key length {} is negative", key_len));
    std::span<const uint8_t> key;
    RETURN_IF_ERROR(r.ReadRaw(static_cast<size_t>(key_len), &key));
    hdr.key = AsStringView(key);
    RETURN_IF_ERROR(ReadNullableBytes(&r, "header value", &hdr.value));
  }
  if (r.remaining() != 0) {
    return Status::Corruption(
        fmt::format("{} bytes left after the headers (length {})", r.remaining(), length));
  }
  if (record->offset_delta <= last_offset_delta_) {
    return Status::Corruption(
        fmt::format("offset delta {} does not follow {}", record->offset_delta, last_offset_delta_));
  }
  if (record->offset_delta > header_.last_offset_delta) {
    return Status::Corruption(fmt::format("offset delta {} exceeds lastOffsetDelta {}", record->offset_delta,
                                          header_.last_offset_delta));
  }
  last_offset_delta_ = record->offset_delta;
  record->headers = headers_;
  record->offset = WrappingAdd(header_.base_offset, record->offset_delta);
  record->timestamp = header_.timestamp_type() == TimestampType::kLogAppendTime
                          ? header_.max_timestamp
                          : WrappingAdd(header_.base_timestamp, record->timestamp_delta);
  return Status::OK();
}

Status DecodeRecordBatch(const RecordBatchView& batch, DecodedBatch* out, size_t max_decompressed) {
  out->header = batch.header;
  out->records.clear();
  out->header_storage.clear();
  ASSIGN_OR_RETURN(RecordReader reader, RecordReader::Open(batch, &out->buffer, max_decompressed));
  // Do not trust recordsCount for the allocation: each record takes at least 7 bytes.
  const size_t section =
      batch.header.compression() == CompressionType::kNone ? batch.records_data().size() : out->buffer.size();
  const size_t plausible = section / kMinRecordSize;
  out->records.reserve(std::min(static_cast<size_t>(batch.header.records_count), plausible));
  std::vector<size_t> header_start;
  Record rec;
  while (reader.Next(&rec)) {
    header_start.push_back(out->header_storage.size());
    out->header_storage.insert(out->header_storage.end(), rec.headers.begin(), rec.headers.end());
    out->records.push_back(rec);
  }
  RETURN_IF_ERROR(reader.status());
  for (size_t i = 0; i < out->records.size(); ++i) {
    out->records[i].headers = std::span<const RecordHeader>(out->header_storage)
                                  .subspan(header_start[i], out->records[i].headers.size());
  }
  return Status::OK();
}

Status ValidateProduceBatch(const RecordBatchView& batch, size_t max_decompressed) {
  const RecordBatchHeader& h = batch.header;
  const std::string ctx = BatchContext(h);
  if (h.magic != kMagicV2) return LegacyMagicStatus(h.magic);
  if (batch.data.size() != h.size_bytes()) {
    return Status::Corruption(fmt::format("{}: batchLength {} does not match the {} bytes of the batch", ctx,
                                          h.batch_length, batch.data.size()));
  }
  RETURN_IF_ERROR(batch.VerifyCrc());
  if (h.is_control()) {
    return Status::InvalidArgument(fmt::format("{}: clients may not write control batches", ctx));
  }
  if (h.records_count < 1) {
    return Status::Corruption(fmt::format("{}: recordsCount {} (a produced batch holds at least one record)",
                                          ctx, h.records_count));
  }
  if (static_cast<int64_t>(h.last_offset_delta) + 1 != h.records_count) {
    return Status::Corruption(fmt::format("{}: lastOffsetDelta {} does not match recordsCount {}", ctx,
                                          h.last_offset_delta, h.records_count));
  }
  std::vector<uint8_t> buffer;
  ASSIGN_OR_RETURN(RecordReader reader, RecordReader::Open(batch, &buffer, max_decompressed));
  Record rec;
  int32_t last_delta = -1;
  while (reader.Next(&rec)) last_delta = rec.offset_delta;
  RETURN_IF_ERROR(reader.status());
  if (last_delta != h.last_offset_delta) {
    return Status::Corruption(fmt::format("{}: last record has offset delta {} but lastOffsetDelta is {}",
                                          ctx, last_delta, h.last_offset_delta));
  }
  return Status::OK();
}

Status ValidateProduceRecords(std::span<const uint8_t> records, RecordBatchView* batch,
                              size_t max_decompressed) {
  RecordBatchIterator it(records);
  RecordBatchView view;
  if (!it.Next(&view)) {
    RETURN_IF_ERROR(it.status());
    if (it.incomplete()) {
      return Status::Corruption(fmt::format("records end inside a record batch ({} bytes)", records.size()));
    }
    return Status::Corruption("records hold no record batch");
  }
  if (it.position() != records.size()) {
    return Status::Corruption(
        fmt::format("Produce records must hold exactly one record batch; {} bytes follow the first",
                    records.size() - it.position()));
  }
  RETURN_IF_ERROR(ValidateProduceBatch(view, max_decompressed));
  if (batch != nullptr) *batch = view;
  return Status::OK();
}

}  // namespace sluice::kafka
