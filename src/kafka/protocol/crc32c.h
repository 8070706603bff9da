// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of Kafka record batch v2.
//
// Crc32c() picks, once per process, the SSE4.2 `crc32` instruction when the CPU has it (three
// interleaved streams, 8 bytes per instruction) and otherwise a portable slicing-by-8 table
// implementation. The explicit variants exist for tests and benchmarks.
//
// Values are finalised CRCs (initial ~0, final xor ~0), so
//   Crc32cExtend(Crc32c(a, n), b, m) == Crc32c(a ++ b, n + m)   and   Crc32cExtend(0, p, n) == Crc32c(p, n).
// Known vector: Crc32c("123456789", 9) == 0xE3069283.
//
// Thread-safety: all functions are pure and may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::kafka {

// CRC of [data, data+n) continuing from the CRC `crc` of the bytes before it.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n);
inline uint32_t Crc32c(const void* data, size_t n) { return Crc32cExtend(0, data, n); }

// True when the CPU supports SSE4.2 (and this is an x86-64 build).
bool Crc32cHardwareAvailable();
// The table (slicing-by-8) implementation; always available.
uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t n);
// The SSE4.2 implementation. REQUIRES: Crc32cHardwareAvailable().
uint32_t Crc32cExtendHardware(uint32_t crc, const void* data, size_t n);

}  // namespace sluice::kafka
