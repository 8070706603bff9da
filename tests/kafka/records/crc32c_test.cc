// CRC-32C: known vectors (RFC 3720 B.4), extend semantics, hardware vs table on random buffers.
#include "kafka/protocol/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sluice::kafka {
namespace {

using CrcFn = uint32_t (*)(uint32_t, const void*, size_t);

struct Impl {
  const char* name;
  CrcFn fn;
  bool available;
};

std::vector<Impl> Impls() {
  return {{"portable", Crc32cExtendPortable, true},
          {"hardware", Crc32cExtendHardware, Crc32cHardwareAvailable()},
          {"dispatch", Crc32cExtend, true}};
}

TEST(Crc32cTest, KnownVectors) {
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF), up(32), down(32);
  for (int i = 0; i < 32; ++i) {
    up[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
    down[static_cast<size_t>(i)] = static_cast<uint8_t>(31 - i);
  }
  for (const Impl& impl : Impls()) {
    if (!impl.available) continue;
    SCOPED_TRACE(impl.name);
    EXPECT_EQ(impl.fn(0, "123456789", 9), 0xE3069283u);
    EXPECT_EQ(impl.fn(0, "", 0), 0u);
    EXPECT_EQ(impl.fn(0, zeros.data(), 32), 0x8A9136AAu);
    EXPECT_EQ(impl.fn(0, ones.data(), 32), 0x62A8AB43u);
    EXPECT_EQ(impl.fn(0, up.data(), 32), 0x46DD794Eu);
    EXPECT_EQ(impl.fn(0, down.data(), 32), 0x113FDB5Cu);
  }
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, HardwareDetected) {
#if defined(__x86_64__)
  // Not an assertion that the CPU has SSE4.2, only that detection agrees with the compiler's builtin.
  EXPECT_EQ(Crc32cHardwareAvailable(), __builtin_cpu_supports("sse4.2") != 0);
#endif
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "CPU without SSE4.2: only the table path is tested";
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string s = "The quick brown fox jumps over the lazy dog, again and again and again.";
  for (const Impl& impl : Impls()) {
    if (!impl.available) continue;
    const uint32_t whole = impl.fn(0, s.data(), s.size());
    for (size_t split = 0; split <= s.size(); ++split) {
      const uint32_t a = impl.fn(0, s.data(), split);
      EXPECT_EQ(impl.fn(a, s.data() + split, s.size() - split), whole) << impl.name << " split " << split;
    }
  }
}

// Random lengths (covering the 8-byte, 3x256 and 3x8192 loops) at every alignment.
TEST(Crc32cTest, HardwareMatchesTableOnRandomBuffers) {
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "CPU without SSE4.2";
  std::mt19937_64 rng(42);
  std::vector<uint8_t> buf(300000 + 16);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  std::uniform_int_distribution<size_t> small(0, 2000);
  std::uniform_int_distribution<size_t> large(0, 300000);
  for (int i = 0; i < 2000; ++i) {
    const size_t offset = static_cast<size_t>(i) % 16;
    const size_t len = i % 10 == 0 ? large(rng) : small(rng);
    const uint32_t seed = i % 3 == 0 ? 0 : static_cast<uint32_t>(rng());
    const uint32_t table = Crc32cExtendPortable(seed, buf.data() + offset, len);
    ASSERT_EQ(Crc32cExtendHardware(seed, buf.data() + offset, len), table)
        << "len " << len << " off " << offset;
    ASSERT_EQ(Crc32cExtend(seed, buf.data() + offset, len), table);
  }
  // Exact block boundaries of the three-stream loops.
  for (size_t len : {767u, 768u, 769u, 24575u, 24576u, 24577u, 49152u, 25344u}) {
    EXPECT_EQ(Crc32cExtendHardware(0, buf.data() + 3, len), Crc32cExtendPortable(0, buf.data() + 3, len))
        << len;
  }
}

TEST(Crc32cTest, DetectsEverySingleBitFlip) {
  std::vector<uint8_t> buf(64);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(i * 7);
  const uint32_t good = Crc32c(buf.data(), buf.size());
  for (size_t bit = 0; bit < buf.size() * 8; ++bit) {
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(Crc32c(buf.data(), buf.size()), good) << bit;
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace sluice::kafka
