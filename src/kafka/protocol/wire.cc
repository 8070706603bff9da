// Primitive Kafka wire encoders/decoders. Thread-safety: see wire.h.
#include "kafka/protocol/wire.h"

#include <bit>
#include <random>

#include <fmt/format.h>

namespace sluice::kafka {

SharedBytes::SharedBytes(std::vector<uint8_t> owned) {
  auto holder = std::make_shared<std::vector<uint8_t>>(std::move(owned));
  data_ = holder->data();
  size_ = holder->size();
  owner_ = std::move(holder);
}

SharedBytes::SharedBytes(std::string_view copy_of)
    : SharedBytes(std::vector<uint8_t>(copy_of.begin(), copy_of.end())) {}

std::string Uuid::ToBase64() const {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

std::optional<Uuid> Uuid::FromBase64(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  Uuid u;
  uint32_t acc = 0;
  int bits = 0;
  size_t out = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out == 16) return std::nullopt;
      u.bytes[out++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  if (out != 16 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return u;
}

Uuid Uuid::Random() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  Uuid u;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t r = rng();
    std::memcpy(u.bytes.data() + i, &r, 8);
  }
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // IETF variant
  return u;
}

Reader::Reader(const SharedBytes& b) : Reader(b.data(), b.size(), nullptr) {
  // Slices of `b` share its storage: keep a reference through a SharedBytes copy.
  owner_ = std::make_shared<SharedBytes>(b);
}

Status Reader::Underflow(const char* what, size_t need) const {
  return Status::Corruption(
      fmt::format("truncated {} at byte {}: need {}, have {}", what, position(), need, remaining()));
}

namespace {
template <typename U>
U LoadBE(const uint8_t* p) {
  U v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | p[i]);
  return v;
}
}  // namespace

#define SLUICE_READ_FIXED(NAME, T, U)                             \
  Status Reader::NAME(T* v) {                                     \
    if (remaining() < sizeof(U)) return Underflow(#T, sizeof(U)); \
    *v = static_cast<T>(LoadBE<U>(p_));                           \
    p_ += sizeof(U);                                              \
    return Status::OK();                                          \
  }
SLUICE_READ_FIXED(ReadInt8, int8_t, uint8_t)
SLUICE_READ_FIXED(ReadInt16, int16_t, uint16_t)
SLUICE_READ_FIXED(ReadInt32, int32_t, uint32_t)
SLUICE_READ_FIXED(ReadInt64, int64_t, uint64_t)
SLUICE_READ_FIXED(ReadUint16, uint16_t, uint16_t)
SLUICE_READ_FIXED(ReadUint32, uint32_t, uint32_t)
#undef SLUICE_READ_FIXED

Status Reader::ReadFloat64(double* v) {
  uint64_t bits = 0;
  RETURN_IF_ERROR(ReadInt64(reinterpret_cast<int64_t*>(&bits)));
  *v = std::bit_cast<double>(bits);
  return Status::OK();
}

Status Reader::ReadBool(bool* v) {
  if (remaining() < 1) return Underflow("bool", 1);
  *v = *p_++ != 0;
  return Status::OK();
}

Status Reader::ReadUuid(Uuid* v) {
  if (remaining() < 16) return Underflow("uuid", 16);
  std::memcpy(v->bytes.data(), p_, 16);
  p_ += 16;
  return Status::OK();
}

Status Reader::ReadUnsignedVarint(uint32_t* v) {
  uint32_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p_ == end_) return Underflow("varint", 1);
    uint8_t b = *p_++;
    if (shift == 28 && (b & 0xf0) != 0) return Status::Corruption("varint does not fit in 32 bits");
    value |= static_cast<uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = value;
      return Status::OK();
    }
  }
  return Status::Corruption("varint longer than 5 bytes");
}

Status Reader::ReadUnsignedVarlong(uint64_t* v) {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p_ == end_) return Underflow("varlong", 1);
    uint8_t b = *p_++;
    if (shift == 63 && (b & 0xfe) != 0) return Status::Corruption("varlong does not fit in 64 bits");
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = value;
      return Status::OK();
    }
  }
  return Status::Corruption("varlong longer than 10 bytes");
}

Status Reader::ReadVarint(int32_t* v) {
  uint32_t u = 0;
  RETURN_IF_ERROR(ReadUnsignedVarint(&u));
  *v = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
  return Status::OK();
}

Status Reader::ReadVarlong(int64_t* v) {
  uint64_t u = 0;
  RETURN_IF_ERROR(ReadUnsignedVarlong(&u));
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return Status::OK();
}

Status Reader::ReadRaw(size_t n, std::span<const uint8_t>* out) {
  if (remaining() < n) return Underflow("bytes", n);
  *out = {p_, n};
  p_ += n;
  return Status::OK();
}

Status Reader::Skip(size_t n) {
  if (remaining() < n) return Underflow("bytes", n);
  p_ += n;
  return Status::OK();
}

Status Reader::ReadSharedBytes(size_t n, SharedBytes* out) {
  if (remaining() < n) return Underflow("bytes", n);
  if (owner_) {
    *out = SharedBytes(owner_, p_, n);
  } else {
    *out = SharedBytes(std::vector<uint8_t>(p_, p_ + n));
  }
  p_ += n;
  return Status::OK();
}

namespace {
// Reads a length prefix; -1 means null. Classic strings use int16, classic bytes/arrays int32.
Status ReadLength(Reader& r, bool compact, bool int16_prefix, int64_t* len) {
  if (compact) {
    uint32_t u = 0;
    RETURN_IF_ERROR(r.ReadUnsignedVarint(&u));
    *len = static_cast<int64_t>(u) - 1;
  } else if (int16_prefix) {
    int16_t n = 0;
    RETURN_IF_ERROR(r.ReadInt16(&n));
    *len = n;
  } else {
    int32_t n = 0;
    RETURN_IF_ERROR(r.ReadInt32(&n));
    *len = n;
  }
  if (*len < -1) return Status::Corruption(fmt::format("negative length {} at byte {}", *len, r.position()));
  return Status::OK();
}
}  // namespace

Status Reader::ReadNullableString(bool compact, std::optional<std::string>* out) {
  int64_t len = 0;
  RETURN_IF_ERROR(ReadLength(*this, compact, true, &len));
  if (len < 0) {
    out->reset();
    return Status::OK();
  }
  auto n = static_cast<size_t>(len);
  if (remaining() < n) return Underflow("string", n);
  out->emplace(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return Status::OK();
}

Status Reader::ReadString(bool compact, std::string* out) {
  int64_t len = 0;
  RETURN_IF_ERROR(ReadLength(*this, compact, true, &len));
  if (len < 0)
    return Status::Corruption(fmt::format("null string at byte {} where null is not allowed", position()));
  auto n = static_cast<size_t>(len);
  if (remaining() < n) return Underflow("string", n);
  out->assign(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return Status::OK();
}

Status Reader::ReadNullableBytes(bool compact, std::optional<SharedBytes>* out) {
  int64_t len = 0;
  RETURN_IF_ERROR(ReadLength(*this, compact, false, &len));
  if (len < 0) {
    out->reset();
    return Status::OK();
  }
  SharedBytes b;
  RETURN_IF_ERROR(ReadSharedBytes(static_cast<size_t>(len), &b));
  *out = std::move(b);
  return Status::OK();
}

Status Reader::ReadBytes(bool compact, SharedBytes* out) {
  int64_t len = 0;
  RETURN_IF_ERROR(ReadLength(*this, compact, false, &len));
  if (len < 0)
    return Status::Corruption(fmt::format("null bytes at byte {} where null is not allowed", position()));
  return ReadSharedBytes(static_cast<size_t>(len), out);
}

Status Reader::ReadArrayLength(bool compact, size_t min_element_size, int32_t* count) {
  int64_t len = 0;
  RETURN_IF_ERROR(ReadLength(*this, compact, false, &len));
  if (len > 0 && static_cast<uint64_t>(len) * min_element_size > remaining()) {
    return Status::Corruption(fmt::format("array of {} elements at byte {} exceeds the {} bytes left", len,
                                          position(), remaining()));
  }
  *count = static_cast<int32_t>(len);
  return Status::OK();
}

void Writer::WriteFloat64(double v) { WriteBE(std::bit_cast<uint64_t>(v)); }

void Writer::WriteUnsignedVarint(uint32_t v) {
  uint8_t buf[5];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(v);
  WriteRaw(buf, n);
}

void Writer::WriteUnsignedVarlong(uint64_t v) {
  uint8_t buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(v);
  WriteRaw(buf, n);
}

void Writer::WriteString(bool compact, std::string_view s) {
  if (compact) {
    WriteUnsignedVarint(static_cast<uint32_t>(s.size() + 1));
  } else {
    WriteInt16(static_cast<int16_t>(s.size()));
  }
  WriteRaw(s.data(), s.size());
}

void Writer::WriteNullableString(bool compact, const std::optional<std::string>& s) {
  if (s) return WriteString(compact, *s);
  if (compact) {
    WriteUnsignedVarint(0);
  } else {
    WriteInt16(-1);
  }
}

void Writer::WriteBytes(bool compact, std::span<const uint8_t> b) {
  if (compact) {
    WriteUnsignedVarint(static_cast<uint32_t>(b.size() + 1));
  } else {
    WriteInt32(static_cast<int32_t>(b.size()));
  }
  WriteRaw(b.data(), b.size());
}

void Writer::WriteNullableBytes(bool compact, const std::optional<SharedBytes>& b) {
  if (b && refs_ != nullptr && b->size() >= kGatherThreshold) {
    if (compact) {
      WriteUnsignedVarint(static_cast<uint32_t>(b->size() + 1));
    } else {
      WriteInt32(static_cast<int32_t>(b->size()));
    }
    refs_->push_back(BytesRef{out_->size(), *b});
    ref_bytes_ += b->size();
    return;
  }
  if (b) return WriteBytes(compact, b->span());
  if (compact) {
    WriteUnsignedVarint(0);
  } else {
    WriteInt32(-1);
  }
}

void Writer::WriteArrayLength(bool compact, int32_t count) {
  if (compact) {
    WriteUnsignedVarint(static_cast<uint32_t>(count + 1));
  } else {
    WriteInt32(count);
  }
}

void Writer::PatchInt32(size_t pos, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) (*out_)[pos + i] = static_cast<uint8_t>(u >> (24 - 8 * i));
}

}  // namespace sluice::kafka
