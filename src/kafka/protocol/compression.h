// Compression codecs of Kafka record batches: none, gzip, snappy, lz4, zstd (attribute bits 0-2).
//
// Formats, as Java Kafka reads and writes them:
//   gzip    RFC 1952 gzip members (zlib); decode accepts concatenated members.
//   snappy  encode: snappy-java's "xerial" framing, as Java Kafka writes it:
//             magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version (1), int32 compatible version (1),
//             then blocks of [int32 big-endian compressed length][raw snappy block of <= 32 KiB input].
//           decode: xerial framing when the magic is present, else one raw snappy block
//           (some non-Java clients write raw snappy).
//   lz4     LZ4 frame format (lz4frame.h). Encode: independent 64 KiB blocks, no block checksum, no
//           content size, no content checksum, no dictionary (Kafka's KafkaLZ4BlockOutputStream).
//   zstd    standard zstd frames; decode streams, since clients may omit the content size.
//
// Decompress() never produces more than `max_output` bytes: a "zip bomb" yields an OutOfRange Status.
// Malformed input yields Corruption; neither crashes nor reads out of bounds.
// Thread-safety: stateless functions, safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::kafka {

// Attribute bits 0-2 of a record batch. Values 5-7 are invalid.
enum class CompressionType : uint8_t {
  kNone = 0,
  kGzip = 1,
  kSnappy = 2,
  kLz4 = 3,
  kZstd = 4,
};
inline constexpr int kMaxCompressionId = 4;

// "none", "gzip", "snappy", "lz4", "zstd" (Kafka's compression.type names), or "unknown".
std::string_view CompressionName(CompressionType type);
// Parses a name as above. Returns InvalidArgument for anything else.
Result<CompressionType> CompressionFromName(std::string_view name);

// Default bound on one batch's decompressed records (a batch is at most a few MiB compressed).
inline constexpr size_t kDefaultMaxDecompressedBytes = size_t{128} << 20;

// Use the codec's default level (gzip 6, lz4 fast, zstd 3 — Kafka's defaults).
inline constexpr int kDefaultCompressionLevel = -1000;

// Appends the compressed form of `in` to *out. kNone appends `in` unchanged.
Status Compress(CompressionType type, std::span<const uint8_t> in, std::vector<uint8_t>* out,
                int level = kDefaultCompressionLevel);

// Appends the decompressed form of `in` to *out, at most `max_output` bytes (else OutOfRange).
// On error *out may hold partial output past its original size; the caller should discard it.
Status Decompress(CompressionType type, std::span<const uint8_t> in, std::vector<uint8_t>* out,
                  size_t max_output = kDefaultMaxDecompressedBytes);

}  // namespace sluice::kafka
