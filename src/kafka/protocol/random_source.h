// RandomSource: a seeded source of random field values for the generated Randomize() functions
// (round-trip tests, fuzz seed corpora, benchmarks). Header-only; not used by the library itself.
// Thread-safety: not synchronised; use one per thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kafka/protocol/wire.h"

namespace sluice::kafka {

class RandomSource {
 public:
  explicit RandomSource(uint64_t seed) : rng_(seed) {}

  uint64_t Next() { return rng_(); }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint32_t Uniform(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool OneIn(uint32_t n) { return Uniform(n) == 0; }
  // A finite double (NaN would not compare equal to itself).
  double Double() { return std::uniform_real_distribution<double>(-1e12, 1e12)(rng_); }
  Uuid RandomUuid() {
    Uuid u;
    for (auto& b : u.bytes) b = static_cast<uint8_t>(rng_());
    return u;
  }
  // 0..12 printable characters, sometimes multi-byte UTF-8.
  std::string String() {
    std::string s;
    uint32_t n = Uniform(13);
    for (uint32_t i = 0; i < n; ++i) {
      if (OneIn(10)) {
        s += "\xc3\xa9";  // U+00E9
      } else {
        s += static_cast<char>('a' + Uniform(26));
      }
    }
    return s;
  }
  SharedBytes Bytes() {
    std::vector<uint8_t> b(Uniform(17));
    for (auto& c : b) c = static_cast<uint8_t>(rng_());
    return SharedBytes(std::move(b));
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace sluice::kafka
