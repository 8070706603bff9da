// CRC-32C: portable slicing-by-8 and SSE4.2 implementations, chosen at startup. See crc32c.h.
//
// The hardware path runs three independent CRC streams over consecutive blocks (the instruction has a
// latency of 3 cycles and a throughput of 1 per cycle) and joins them with a "shift by L zero bytes"
// operator. That operator is linear over GF(2), so it is tabulated as 4 x 256 entries per block size.
// Thread-safety: tables are constant or initialised once (function-local statics).
#include "kafka/protocol/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace sluice::kafka {
namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // reflected Castagnoli polynomial

using SliceTables = std::array<std::array<uint32_t, 256>, 8>;

constexpr SliceTables MakeSliceTables() {
  SliceTables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  }
  return t;
}

constexpr SliceTables kSlice = MakeSliceTables();

inline uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

// Raw register update (no pre/post inversion).
uint32_t RawPortable(uint32_t c, const uint8_t* p, size_t n) {
  while (n >= 8) {
    const uint32_t lo = LoadLe32(p) ^ c;
    const uint32_t hi = LoadLe32(p + 4);
    c = kSlice[7][lo & 0xFF] ^ kSlice[6][(lo >> 8) & 0xFF] ^ kSlice[5][(lo >> 16) & 0xFF] ^
        kSlice[4][lo >> 24] ^ kSlice[3][hi & 0xFF] ^ kSlice[2][(hi >> 8) & 0xFF] ^
        kSlice[1][(hi >> 16) & 0xFF] ^ kSlice[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = (c >> 8) ^ kSlice[0][(c ^ *p++) & 0xFF];
  return c;
}

#if defined(__x86_64__)

constexpr size_t kLongBlock = 8192;  // bytes per stream in the long loop (3 streams = 24 KiB)
constexpr size_t kShortBlock = 256;  // bytes per stream in the short loop (3 streams = 768 B)

// shift(x) = raw CRC register after feeding `len` zero bytes to register x.
struct ShiftTable {
  std::array<std::array<uint32_t, 256>, 4> t;

  explicit ShiftTable(size_t len) {
    static const std::array<uint8_t, kLongBlock> kZeros{};
    std::array<uint32_t, 32> basis;
    for (int bit = 0; bit < 32; ++bit) {
      uint32_t c = uint32_t{1} << bit;
      for (size_t done = 0; done < len; done += kZeros.size()) {
        const size_t step = len - done < kZeros.size() ? len - done : kZeros.size();
        c = RawPortable(c, kZeros.data(), step);
      }
      basis[static_cast<size_t>(bit)] = c;
    }
    for (size_t k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) {
        uint32_t v = 0;
        for (size_t j = 0; j < 8; ++j) {
          if (b & (1u << j)) v ^= basis[8 * k + j];
        }
        t[k][b] = v;
      }
    }
  }
  uint32_t Apply(uint32_t x) const {
    return t[0][x & 0xFF] ^ t[1][(x >> 8) & 0xFF] ^ t[2][(x >> 16) & 0xFF] ^ t[3][x >> 24];
  }
};

const ShiftTable& LongShift() {
  static const ShiftTable kTable(kLongBlock);
  return kTable;
}
const ShiftTable& ShortShift() {
  static const ShiftTable kTable(kShortBlock);
  return kTable;
}

inline uint64_t LoadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Three streams over [p, p+3*block) each; returns the joined raw register.
template <size_t kBlock>
__attribute__((target("sse4.2"))) inline uint32_t ThreeWay(uint32_t c, const uint8_t* p,
                                                           const ShiftTable& shift) {
  uint64_t c0 = c, c1 = 0, c2 = 0;
  for (size_t i = 0; i < kBlock; i += 8) {
    c0 = _mm_crc32_u64(c0, LoadU64(p + i));
    c1 = _mm_crc32_u64(c1, LoadU64(p + kBlock + i));
    c2 = _mm_crc32_u64(c2, LoadU64(p + 2 * kBlock + i));
  }
  uint32_t r = shift.Apply(static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
  return shift.Apply(r) ^ static_cast<uint32_t>(c2);
}

__attribute__((target("sse4.2"))) uint32_t RawHardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  if (n >= 3 * kShortBlock) {
    if (n >= 3 * kLongBlock) {
      const ShiftTable& shift = LongShift();
      do {
        c = ThreeWay<kLongBlock>(c, p, shift);
        p += 3 * kLongBlock;
        n -= 3 * kLongBlock;
      } while (n >= 3 * kLongBlock);
    }
    const ShiftTable& shift = ShortShift();
    while (n >= 3 * kShortBlock) {
      c = ThreeWay<kShortBlock>(c, p, shift);
      p += 3 * kShortBlock;
      n -= 3 * kShortBlock;
    }
  }
  uint64_t c64 = c;
  while (n >= 8) {
    c64 = _mm_crc32_u64(c64, LoadU64(p));
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n-- > 0) c = _mm_crc32_u8(c, *p++);
  return c;
}

bool DetectHardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

#endif  // __x86_64__

using RawFn = uint32_t (*)(uint32_t, const uint8_t*, size_t);

RawFn ChooseRaw() {
#if defined(__x86_64__)
  if (DetectHardware()) {
    LongShift();  // build the tables now rather than on the first large buffer
    ShortShift();
    return RawHardware;
  }
#endif
  return RawPortable;
}

const RawFn kRaw = ChooseRaw();

}  // namespace

bool Crc32cHardwareAvailable() {
#if defined(__x86_64__)
  static const bool kAvailable = DetectHardware();
  return kAvailable;
#else
  return false;
#endif
}

uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t n) {
  return ~RawPortable(~crc, static_cast<const uint8_t*>(data), n);
}

uint32_t Crc32cExtendHardware(uint32_t crc, const void* data, size_t n) {
#if defined(__x86_64__)
  return ~RawHardware(~crc, static_cast<const uint8_t*>(data), n);
#else
  return Crc32cExtendPortable(crc, data, n);
#endif
}

uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n) {
  // kRaw is initialised during static initialisation; a call from another static initialiser that
  // runs first sees nullptr, so fall back to the portable code then.
  const RawFn fn = kRaw != nullptr ? kRaw : RawPortable;
  return ~fn(~crc, static_cast<const uint8_t*>(data), n);
}

}  // namespace sluice::kafka
