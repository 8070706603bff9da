// Compression codecs: round trips, Kafka framing details, bounded output, truncated and garbage input.
#include "kafka/protocol/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sluice::kafka {
namespace {

constexpr CompressionType kCodecs[] = {CompressionType::kNone, CompressionType::kGzip,
                                       CompressionType::kSnappy, CompressionType::kLz4,
                                       CompressionType::kZstd};
constexpr CompressionType kRealCodecs[] = {CompressionType::kGzip, CompressionType::kSnappy,
                                           CompressionType::kLz4, CompressionType::kZstd};

std::vector<uint8_t> TextLike(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  static const char* kWords[] = {"kafka", "sluice", "record", "batch", "offset", "topic", "value", " ", "\n"};
  std::vector<uint8_t> out;
  while (out.size() < n) {
    const char* w = kWords[rng() % 9];
    out.insert(out.end(), w, w + std::strlen(w));
  }
  out.resize(n);
  return out;
}

std::vector<uint8_t> Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

std::vector<uint8_t> MustCompress(CompressionType t, const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out;
  Status st = Compress(t, in, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(CompressionTest, RoundTripsEveryCodec) {
  const std::vector<std::vector<uint8_t>> inputs = {
      {}, {'x'}, TextLike(1000, 1), TextLike(300000, 2), Random(100000, 3), std::vector<uint8_t>(200000, 0)};
  for (CompressionType t : kCodecs) {
    for (const auto& in : inputs) {
      SCOPED_TRACE(std::string(CompressionName(t)) + " size " + std::to_string(in.size()));
      std::vector<uint8_t> compressed = MustCompress(t, in);
      std::vector<uint8_t> out = {'p', 'r', 'e'};  // Decompress appends
      Status st = Decompress(t, compressed, &out);
      ASSERT_TRUE(st.ok()) << st.ToString();
      ASSERT_EQ(out.size(), in.size() + 3);
      EXPECT_TRUE(std::equal(in.begin(), in.end(), out.begin() + 3));
      if (t != CompressionType::kNone && in.size() == 300000) {
        EXPECT_LT(compressed.size(), in.size() * 2 / 3);
      }
    }
  }
}

TEST(CompressionTest, Names) {
  for (CompressionType t : kCodecs) {
    auto parsed = CompressionFromName(CompressionName(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_FALSE(CompressionFromName("brotli").ok());
  std::vector<uint8_t> out;
  EXPECT_EQ(Decompress(static_cast<CompressionType>(6), std::vector<uint8_t>{1}, &out).code(),
            Status::Code::kCorruption);
}

TEST(CompressionTest, SnappyWritesXerialFraming) {
  const std::vector<uint8_t> in = TextLike(100000, 4);  // > 32 KiB: several blocks
  const std::vector<uint8_t> c = MustCompress(CompressionType::kSnappy, in);
  const uint8_t header[] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  ASSERT_GE(c.size(), sizeof(header));
  EXPECT_EQ(std::memcmp(c.data(), header, sizeof(header)), 0);
  // Walk the [int32 BE length][block] sequence: 4 blocks of <= 32 KiB input.
  size_t pos = 16, blocks = 0;
  while (pos < c.size()) {
    ASSERT_LE(pos + 4, c.size());
    const size_t n =
        (size_t{c[pos]} << 24) | (size_t{c[pos + 1]} << 16) | (size_t{c[pos + 2]} << 8) | c[pos + 3];
    pos += 4 + n;
    ++blocks;
  }
  EXPECT_EQ(pos, c.size());
  EXPECT_EQ(blocks, 4u);
}

TEST(CompressionTest, SnappyDecodesRawBlock) {
  // Raw snappy: varint uncompressed length 5, literal tag (5-1)<<2, then the bytes.
  const std::vector<uint8_t> raw = {0x05, 0x10, 'h', 'e', 'l', 'l', 'o'};
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(CompressionType::kSnappy, raw, &out).ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "hello");
  // The same block inside xerial framing.
  std::vector<uint8_t> framed = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7};
  framed.insert(framed.end(), raw.begin(), raw.end());
  framed.insert(framed.end(), {0, 0, 0, 7});
  framed.insert(framed.end(), raw.begin(), raw.end());
  out.clear();
  ASSERT_TRUE(Decompress(CompressionType::kSnappy, framed, &out).ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "hellohello");
}

TEST(CompressionTest, Lz4WritesKafkaFrameDescriptor) {
  const std::vector<uint8_t> c = MustCompress(CompressionType::kLz4, TextLike(200000, 5));
  ASSERT_GE(c.size(), 7u);
  EXPECT_EQ(c[0], 0x04);  // magic 0x184D2204, little-endian
  EXPECT_EQ(c[1], 0x22);
  EXPECT_EQ(c[2], 0x4D);
  EXPECT_EQ(c[3], 0x18);
  // FLG: version 01, independent blocks, no block checksum, no content size, no content checksum, no dict.
  EXPECT_EQ(c[4], 0x60);
  EXPECT_EQ(c[5], 0x40);  // BD: 64 KiB blocks
}

TEST(CompressionTest, GzipHeaderAndConcatenatedMembers) {
  const std::vector<uint8_t> a = MustCompress(CompressionType::kGzip, TextLike(5000, 6));
  const std::vector<uint8_t> b = MustCompress(CompressionType::kGzip, TextLike(7000, 7));
  ASSERT_GE(a.size(), 3u);
  EXPECT_EQ(a[0], 0x1f);
  EXPECT_EQ(a[1], 0x8b);
  EXPECT_EQ(a[2], 8);  // deflate
  std::vector<uint8_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(CompressionType::kGzip, both, &out).ok());
  EXPECT_EQ(out.size(), 12000u);
}

TEST(CompressionTest, ZstdWithoutContentSize) {
  const std::vector<uint8_t> in = TextLike(500000, 8);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  std::vector<uint8_t> c(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress2(cctx, c.data(), c.size(), in.data(), in.size());
  ZSTD_freeCCtx(cctx);
  ASSERT_FALSE(ZSTD_isError(n));
  c.resize(n);
  ASSERT_EQ(ZSTD_getFrameContentSize(c.data(), c.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(CompressionType::kZstd, c, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(CompressionTest, OutputIsBounded) {
  const std::vector<uint8_t> bomb(20 << 20, 0);  // 20 MiB of zeros compresses to almost nothing
  for (CompressionType t : kCodecs) {
    SCOPED_TRACE(CompressionName(t));
    const std::vector<uint8_t> c = MustCompress(t, bomb);
    std::vector<uint8_t> out;
    Status st = Decompress(t, c, &out, 1 << 20);
    EXPECT_EQ(st.code(), Status::Code::kOutOfRange) << st.ToString();
    EXPECT_LE(out.capacity(), (2u << 20) + 4096);  // never allocated the whole bomb
    out.clear();
    EXPECT_TRUE(Decompress(t, c, &out, bomb.size()).ok());  // exactly at the limit is fine
    EXPECT_EQ(out.size(), bomb.size());
    out.clear();
    EXPECT_EQ(Decompress(t, c, &out, bomb.size() - 1).code(), Status::Code::kOutOfRange);
  }
}

TEST(CompressionTest, TruncatedInputFailsCleanly) {
  const std::vector<uint8_t> in = TextLike(3000, 9);
  for (CompressionType t : kRealCodecs) {
    SCOPED_TRACE(CompressionName(t));
    const std::vector<uint8_t> c = MustCompress(t, in);
    for (size_t len = 0; len < c.size(); ++len) {
      std::vector<uint8_t> prefix(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(len));
      std::vector<uint8_t> out;
      Status st = Decompress(t, prefix, &out);
      // A xerial stream cut at a block boundary is a valid, shorter stream; never the whole input.
      if (st.ok()) {
        EXPECT_EQ(t, CompressionType::kSnappy) << "prefix " << len << " decoded";
        EXPECT_LT(out.size(), in.size());
      } else {
        EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
      }
    }
  }
}

TEST(CompressionTest, GarbageNeverCrashes) {
  std::mt19937_64 rng(10);
  for (CompressionType t : kRealCodecs) {
    const std::vector<uint8_t> good = MustCompress(t, TextLike(20000, 11));
    for (int i = 0; i < 300; ++i) {
      std::vector<uint8_t> bad = i % 3 == 0 ? Random(rng() % 2000, rng()) : good;
      if (i % 3 != 0) {
        for (int k = 0; k < 1 + i % 5; ++k) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      std::vector<uint8_t> out;
      Status st = Decompress(t, bad, &out, 1 << 20);
      if (st.ok()) {
        EXPECT_LE(out.size(), size_t{1} << 20);
      } else {
        EXPECT_TRUE(st.code() == Status::Code::kCorruption || st.code() == Status::Code::kOutOfRange)
            << st.ToString();
      }
    }
  }
}

}  // namespace
}  // namespace sluice::kafka
