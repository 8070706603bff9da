// Primitive encoders/decoders of the Kafka wire protocol, shared by the generated messages and the
// record batch code.
//
// Wire format (all integers big-endian, as in Kafka's protocol guide):
//   int8/int16/int32/int64/uint16/uint32  fixed width, two's complement
//   float64                                IEEE 754 binary64, big-endian
//   bool                                   int8, 0 = false, anything else = true
//   uuid                                   16 raw bytes
//   unsigned varint                        LEB128, 7 bits per byte, low group first, <= 5 bytes (uint32)
//   varint / varlong                       zig-zag ((n << 1) ^ (n >> 31|63)) then unsigned LEB128 (<= 5 / 10
//   bytes) string        classic: int16 length (-1 = null) + UTF-8;  compact: uvarint length+1 (0 = null)
//   bytes/records classic: int32 length (-1 = null) + bytes;  compact: uvarint length+1 (0 = null)
//   array         classic: int32 count (-1 = null) + items;   compact: uvarint count+1 (0 = null)
//   tagged fields (flexible versions): uvarint count, then per field uvarint tag, uvarint size, data;
//                 tags strictly ascending.
//
// Reader never reads out of bounds: every read checks the remaining length and returns a Corruption
// Status. Writer appends to a caller-owned std::vector<uint8_t>.
// Thread-safety: Reader and Writer objects are not synchronised; SharedBytes is immutable and may be
// shared between threads.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::kafka {

// An immutable byte range that keeps its storage alive: a slice of a received frame (zero-copy decode)
// or a buffer the caller built. Compares by content.
class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(std::vector<uint8_t> owned);
  explicit SharedBytes(std::string_view copy_of);
  SharedBytes(std::shared_ptr<const void> owner, const uint8_t* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  // A sub-range sharing the same storage. REQUIRES: offset + len <= size().
  SharedBytes Slice(size_t offset, size_t len) const { return SharedBytes(owner_, data_ + offset, len); }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
  }

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

struct Uuid {
  std::array<uint8_t, 16> bytes{};
  auto operator<=>(const Uuid&) const = default;
  bool IsZero() const { return *this == Uuid{}; }
  // Kafka's textual form: URL-safe base64 without padding (22 characters).
  std::string ToBase64() const;
  // Parses ToBase64's form; nullopt for anything else.
  static std::optional<Uuid> FromBase64(std::string_view text);
  static Uuid Random();
};

// Bytes needed by the variable-length encodings.
inline size_t UnsignedVarintSize(uint32_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline size_t UnsignedVarlongSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline size_t VarintSize(int32_t v) { return UnsignedVarintSize(ZigZag32(v)); }
inline size_t VarlongSize(int64_t v) { return UnsignedVarlongSize(ZigZag64(v)); }

class Reader {
 public:
  // `owner`, when given, keeps [data, data+size) alive; ReadSharedBytes then slices without copying.
  Reader(const uint8_t* data, size_t size, std::shared_ptr<const void> owner = nullptr)
      : p_(data), end_(data + size), begin_(data), owner_(std::move(owner)) {}
  explicit Reader(std::span<const uint8_t> s) : Reader(s.data(), s.size()) {}
  explicit Reader(const SharedBytes& b);

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  const uint8_t* current() const { return p_; }

  Status ReadInt8(int8_t* v);
  Status ReadInt16(int16_t* v);
  Status ReadInt32(int32_t* v);
  Status ReadInt64(int64_t* v);
  Status ReadUint16(uint16_t* v);
  Status ReadUint32(uint32_t* v);
  Status ReadFloat64(double* v);
  Status ReadBool(bool* v);
  Status ReadUuid(Uuid* v);
  Status ReadUnsignedVarint(uint32_t* v);
  Status ReadUnsignedVarlong(uint64_t* v);
  Status ReadVarint(int32_t* v);
  Status ReadVarlong(int64_t* v);
  // Raw bytes.
  Status ReadRaw(size_t n, std::span<const uint8_t>* out);
  Status Skip(size_t n);
  // `n` raw bytes as SharedBytes: a slice of the owner when there is one, else a copy.
  Status ReadSharedBytes(size_t n, SharedBytes* out);

  // Length-prefixed values. `compact` selects the flexible-version encoding.
  Status ReadString(bool compact, std::string* out);  // null is an error
  Status ReadNullableString(bool compact, std::optional<std::string>* out);
  Status ReadBytes(bool compact, SharedBytes* out);  // null is an error
  Status ReadNullableBytes(bool compact, std::optional<SharedBytes>* out);
  // Array count: -1 for null. Rejects counts that cannot fit in the remaining bytes
  // (each element takes at least `min_element_size` bytes) so bad input cannot force huge allocations.
  Status ReadArrayLength(bool compact, size_t min_element_size, int32_t* count);

  // Returns a Corruption status naming the position: "<what> at byte N: need X, have Y".
  Status Underflow(const char* what, size_t need) const;

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::shared_ptr<const void> owner_;
};

// A large bytes value that a Writer left out of its buffer so that it can be sent from its own storage
// (a gather write, no copy): it belongs at byte `pos` of the buffer, in front of what was written after.
// With `fd` >= 0 the value's bytes are those at `file_offset` of that file, sent by sendfile(2): `bytes`
// then only gives the size, and its owner keeps the descriptor open (its data must not be read).
struct BytesRef {
  size_t pos = 0;
  SharedBytes bytes;
  int fd = -1;
  uint64_t file_offset = 0;
};

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) {}
  // Nullable bytes values of kGatherThreshold bytes or more are not copied into *out but appended to
  // *refs (their length prefix is written). The encoded message is then *out with each ref's bytes
  // inserted at its position.
  Writer(std::vector<uint8_t>* out, std::vector<BytesRef>* refs) : out_(out), refs_(refs) {}
  static constexpr size_t kGatherThreshold = 16 * 1024;

  // Bytes encoded so far, those left out as BytesRefs included.
  size_t size() const { return out_->size() + ref_bytes_; }
  std::vector<uint8_t>* buffer() { return out_; }

  void WriteInt8(int8_t v) { out_->push_back(static_cast<uint8_t>(v)); }
  void WriteInt16(int16_t v) { WriteBE(static_cast<uint16_t>(v)); }
  void WriteInt32(int32_t v) { WriteBE(static_cast<uint32_t>(v)); }
  void WriteInt64(int64_t v) { WriteBE(static_cast<uint64_t>(v)); }
  void WriteUint16(uint16_t v) { WriteBE(v); }
  void WriteUint32(uint32_t v) { WriteBE(v); }
  void WriteFloat64(double v);
  void WriteBool(bool v) { out_->push_back(v ? 1 : 0); }
  void WriteUuid(const Uuid& v) { WriteRaw(v.bytes.data(), v.bytes.size()); }
  void WriteUnsignedVarint(uint32_t v);
  void WriteUnsignedVarlong(uint64_t v);
  void WriteVarint(int32_t v) { WriteUnsignedVarint(ZigZag32(v)); }
  void WriteVarlong(int64_t v) { WriteUnsignedVarlong(ZigZag64(v)); }
  void WriteRaw(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_->insert(out_->end(), p, p + n);
  }

  void WriteString(bool compact, std::string_view s);
  void WriteNullableString(bool compact, const std::optional<std::string>& s);
  void WriteBytes(bool compact, std::span<const uint8_t> b);
  void WriteNullableBytes(bool compact, const std::optional<SharedBytes>& b);
  // count -1 writes null.
  void WriteArrayLength(bool compact, int32_t count);

  // Overwrites 4 bytes at `pos` (for sizes known only after writing what follows).
  void PatchInt32(size_t pos, int32_t v);

 private:
  template <typename U>
  void WriteBE(U v) {
    uint8_t b[sizeof(U)];
    for (size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
    out_->insert(out_->end(), b, b + sizeof(U));
  }
  std::vector<uint8_t>* out_;
  std::vector<BytesRef>* refs_ = nullptr;
  size_t ref_bytes_ = 0;
};

// Encoded sizes of length-prefixed values.
inline size_t StringSize(bool compact, size_t len) {
  return compact ? UnsignedVarintSize(static_cast<uint32_t>(len + 1)) + len : 2 + len;
}
inline size_t BytesSize(bool compact, size_t len) {
  return compact ? UnsignedVarintSize(static_cast<uint32_t>(len + 1)) + len : 4 + len;
}
inline size_t ArrayLengthSize(bool compact, size_t count) {
  return compact ? UnsignedVarintSize(static_cast<uint32_t>(count + 1)) : 4;
}
inline size_t NullableStringSize(bool compact, const std::optional<std::string>& s) {
  return s ? StringSize(compact, s->size()) : (compact ? 1 : 2);
}
inline size_t NullableBytesSize(bool compact, const std::optional<SharedBytes>& b) {
  return b ? BytesSize(compact, b->size()) : (compact ? 1 : 4);
}

// A tagged field this code does not know, kept so that decode -> encode loses nothing.
struct RawTaggedField {
  uint32_t tag = 0;
  SharedBytes data;
  bool operator==(const RawTaggedField&) const = default;
};

}  // namespace sluice::kafka
