// Compression codecs for record batches (zlib, snappy, lz4 frame, zstd). See compression.h.
// Thread-safety: zstd contexts are cached per thread (thread_local); everything else is stateless.
#include "kafka/protocol/compression.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace sluice::kafka {
namespace {

// snappy-java stream header: magic, int32 version, int32 minimum compatible version.
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;
constexpr int32_t kXerialVersion = 1;
constexpr int32_t kXerialCompatibleVersion = 1;
constexpr size_t kXerialBlockSize = 32 * 1024;  // snappy-java's default block size

constexpr int kGzipDefaultLevel = Z_DEFAULT_COMPRESSION;  // 6
constexpr int kZstdDefaultLevel = 3;
constexpr int kLz4DefaultLevel = 0;  // fast (non-HC) compressor

constexpr size_t kMinOutputChunk = 64 * 1024;

void PutBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
uint32_t GetBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

Status TooLarge(std::string_view codec, size_t max_output) {
  return Status::OutOfRange(std::string(codec) + ": decompressed size exceeds the limit of " +
                            std::to_string(max_output) + " bytes");
}

// Upper bound on the first allocation made from a size the input claims (a lie must not cost memory).
size_t MaxInitialOutput(size_t input_size) { return std::max<size_t>(input_size * 64, size_t{1} << 20); }

// Output area appended to a vector, bounded by `max_output`. The vector is grown in chunks and may hold
// up to max_output + 1 bytes so that "exactly max_output" and "more than max_output" can be told apart.
class BoundedOutput {
 public:
  BoundedOutput(std::vector<uint8_t>* out, size_t max_output)
      : out_(out), start_(out->size()), used_(out->size()), max_(max_output) {}

  // Makes at least one byte writable (preferring `hint` bytes). False when the bound is reached.
  bool Reserve(size_t hint) {
    if (used_ < out_->size()) return true;
    const size_t written = used_ - start_;
    if (written > max_) return false;
    size_t grow = std::max({hint, written, kMinOutputChunk});
    grow = std::min(grow, max_ + 1 - written);
    out_->resize(used_ + grow);
    return true;
  }
  uint8_t* next() { return out_->data() + used_; }
  size_t avail() const { return out_->size() - used_; }
  void Commit(size_t n) { used_ += n; }
  bool exceeded() const { return used_ - start_ > max_; }
  // Trims the vector to the bytes written.
  void Finish() { out_->resize(used_); }

 private:
  std::vector<uint8_t>* out_;
  size_t start_;
  size_t used_;
  size_t max_;
};

// ---- gzip ----

Status GzipCompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  if (in.size() > UINT_MAX / 2) return Status::InvalidArgument("gzip: input too large");
  z_stream zs{};
  if (deflateInit2(&zs, level == kDefaultCompressionLevel ? kGzipDefaultLevel : level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  const size_t start = out->size();
  const size_t bound = deflateBound(&zs, static_cast<uLong>(in.size()));
  out->resize(start + bound);
  zs.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out->data() + start;
  zs.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out->resize(start);
    return Status::Internal("gzip: deflate did not finish");
  }
  out->resize(start + produced);
  return Status::OK();
}

Status GzipDecompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max_output) {
  if (in.size() > UINT_MAX) return Status::Corruption("gzip: input too large");
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Status::Internal("gzip: inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  // The trailer's ISIZE (input size mod 2^32, little-endian) is a good first guess for one member.
  size_t hint = 0;
  if (in.size() >= 18) {
    const uint8_t* t = in.data() + in.size() - 4;
    hint = uint32_t{t[0]} | (uint32_t{t[1]} << 8) | (uint32_t{t[2]} << 16) | (uint32_t{t[3]} << 24);
    hint = std::min(hint + 1, MaxInitialOutput(in.size()));
  }
  BoundedOutput o(out, max_output);
  for (;;) {
    if (!o.Reserve(hint)) return TooLarge("gzip", max_output);
    const size_t avail = std::min<size_t>(o.avail(), UINT_MAX);
    zs.next_out = o.next();
    zs.avail_out = static_cast<uInt>(avail);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    o.Commit(avail - zs.avail_out);
    if (o.exceeded()) return TooLarge("gzip", max_output);
    if (rc == Z_STREAM_END) {
      // Like Java's GZIPInputStream: continue with another member if one follows, else stop.
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out > 0) return Status::Corruption("gzip: truncated stream");
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status::Corruption(std::string("gzip: ") + (zs.msg != nullptr ? zs.msg : "invalid data"));
    }
    if (zs.avail_in == 0 && zs.avail_out > 0) return Status::Corruption("gzip: truncated stream");
  }
  o.Finish();
  return Status::OK();
}

// ---- snappy ----

Status SnappyCompress(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  size_t pos = out->size();
  out->resize(pos + kXerialHeaderSize);
  std::memcpy(out->data() + pos, kXerialMagic, sizeof(kXerialMagic));
  PutBe32(out->data() + pos + 8, kXerialVersion);
  PutBe32(out->data() + pos + 12, kXerialCompatibleVersion);
  pos += kXerialHeaderSize;
  for (size_t off = 0; off < in.size(); off += kXerialBlockSize) {
    const size_t n = std::min(kXerialBlockSize, in.size() - off);
    out->resize(pos + 4 + snappy::MaxCompressedLength(n));
    size_t compressed = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data() + off), n,
                        reinterpret_cast<char*>(out->data() + pos + 4), &compressed);
    PutBe32(out->data() + pos, static_cast<uint32_t>(compressed));
    pos += 4 + compressed;
  }
  out->resize(pos);
  return Status::OK();
}

// Appends one raw snappy block.
Status SnappyBlock(const uint8_t* p, size_t n, std::vector<uint8_t>* out, size_t start, size_t max_output) {
  const char* src = reinterpret_cast<const char*>(p);
  size_t len = 0;
  if (!snappy::GetUncompressedLength(src, n, &len)) return Status::Corruption("snappy: invalid block header");
  if (len > max_output || out->size() - start > max_output - len) return TooLarge("snappy", max_output);
  const size_t pos = out->size();
  out->resize(pos + len);
  if (!snappy::RawUncompress(src, n, reinterpret_cast<char*>(out->data() + pos))) {
    return Status::Corruption("snappy: invalid compressed data");
  }
  return Status::OK();
}

Status SnappyDecompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max_output) {
  const size_t start = out->size();
  if (in.size() < kXerialHeaderSize || std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) != 0) {
    return SnappyBlock(in.data(), in.size(), out, start, max_output);  // raw snappy
  }
  const uint8_t* p = in.data() + kXerialHeaderSize;
  const uint8_t* end = in.data() + in.size();
  while (p < end) {
    if (end - p < 4) return Status::Corruption("snappy: truncated xerial block length");
    const uint32_t n = GetBe32(p);
    p += 4;
    if (n > static_cast<size_t>(end - p)) return Status::Corruption("snappy: truncated xerial block");
    RETURN_IF_ERROR(SnappyBlock(p, n, out, start, max_output));
    p += n;
  }
  return Status::OK();
}

// ---- lz4 ----

Status Lz4Compress(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  prefs.frameInfo.contentSize = 0;
  prefs.compressionLevel = level == kDefaultCompressionLevel ? kLz4DefaultLevel : level;
  const size_t start = out->size();
  const size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
  out->resize(start + bound);
  const size_t n = LZ4F_compressFrame(out->data() + start, bound, in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) {
    out->resize(start);
    return Status::Internal(std::string("lz4: ") + LZ4F_getErrorName(n));
  }
  out->resize(start + n);
  return Status::OK();
}

Status Lz4Decompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max_output) {
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION))) {
    return Status::Internal("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> ctx(raw_ctx, LZ4F_freeDecompressionContext);
  const uint8_t* p = in.data();
  const uint8_t* end = in.data() + in.size();
  BoundedOutput o(out, max_output);
  size_t expect = 1;  // LZ4F_decompress's hint: 0 once a frame is complete
  while (p < end || expect != 0) {
    if (!o.Reserve(in.size() * 4)) return TooLarge("lz4", max_output);
    const size_t avail = o.avail();
    size_t dst_size = avail;
    size_t src_size = static_cast<size_t>(end - p);
    expect = LZ4F_decompress(ctx.get(), o.next(), &dst_size, p, &src_size, nullptr);
    if (LZ4F_isError(expect)) return Status::Corruption(std::string("lz4: ") + LZ4F_getErrorName(expect));
    p += src_size;
    o.Commit(dst_size);
    if (o.exceeded()) return TooLarge("lz4", max_output);
    // No input left, output space left, yet the frame is not complete: the input was cut short.
    if (expect != 0 && p == end && dst_size < avail) {
      return Status::Corruption("lz4: truncated frame");
    }
  }
  o.Finish();
  return Status::OK();
}

// ---- zstd ----

struct ZstdContexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
thread_local ZstdContexts tls_zstd;

Status ZstdCompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  if (tls_zstd.c == nullptr && (tls_zstd.c = ZSTD_createCCtx()) == nullptr) {
    return Status::Internal("zstd: cannot create a compression context");
  }
  const size_t start = out->size();
  const size_t bound = ZSTD_compressBound(in.size());
  out->resize(start + bound);
  const size_t n = ZSTD_compressCCtx(tls_zstd.c, out->data() + start, bound, in.data(), in.size(),
                                     level == kDefaultCompressionLevel ? kZstdDefaultLevel : level);
  if (ZSTD_isError(n)) {
    out->resize(start);
    return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out->resize(start + n);
  return Status::OK();
}

Status ZstdDecompress(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max_output) {
  if (tls_zstd.d == nullptr && (tls_zstd.d = ZSTD_createDCtx()) == nullptr) {
    return Status::Internal("zstd: cannot create a decompression context");
  }
  ZSTD_DCtx* d = tls_zstd.d;
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  size_t hint = in.size() * 4;
  const unsigned long long content = ZSTD_getFrameContentSize(in.data(), in.size());
  if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR) {
    if (content > max_output) return TooLarge("zstd", max_output);
    // +1: room to see the end without another grow. A claimed size is not trusted for a big allocation.
    hint = std::min(static_cast<size_t>(content) + 1, MaxInitialOutput(in.size()));
  }
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  BoundedOutput o(out, max_output);
  size_t rc = 1;
  while (src.pos < src.size || rc != 0) {
    if (!o.Reserve(hint)) return TooLarge("zstd", max_output);
    ZSTD_outBuffer dst{o.next(), o.avail(), 0};
    rc = ZSTD_decompressStream(d, &dst, &src);
    if (ZSTD_isError(rc)) {
      ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(rc));
    }
    o.Commit(dst.pos);
    if (o.exceeded()) return TooLarge("zstd", max_output);
    if (rc != 0 && src.pos == src.size && dst.pos < dst.size)
      return Status::Corruption("zstd: truncated frame");
  }
  o.Finish();
  return Status::OK();
}

}  // namespace

std::string_view CompressionName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kGzip:
      return "gzip";
    case CompressionType::kSnappy:
      return "snappy";
    case CompressionType::kLz4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

Result<CompressionType> CompressionFromName(std::string_view name) {
  for (int id = 0; id <= kMaxCompressionId; ++id) {
    const auto type = static_cast<CompressionType>(id);
    if (CompressionName(type) == name) return type;
  }
  return Status::InvalidArgument("unknown compression type '" + std::string(name) + "'");
}

Status Compress(CompressionType type, std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  switch (type) {
    case CompressionType::kNone:
      out->insert(out->end(), in.begin(), in.end());
      return Status::OK();
    case CompressionType::kGzip:
      return GzipCompress(in, out, level);
    case CompressionType::kSnappy:
      return SnappyCompress(in, out);
    case CompressionType::kLz4:
      return Lz4Compress(in, out, level);
    case CompressionType::kZstd:
      return ZstdCompress(in, out, level);
  }
  return Status::InvalidArgument("unknown compression type " + std::to_string(static_cast<int>(type)));
}

Status Decompress(CompressionType type, std::span<const uint8_t> in, std::vector<uint8_t>* out,
                  size_t max_output) {
  switch (type) {
    case CompressionType::kNone:
      if (in.size() > max_output) return TooLarge("none", max_output);
      out->insert(out->end(), in.begin(), in.end());
      return Status::OK();
    case CompressionType::kGzip:
      return GzipDecompress(in, out, max_output);
    case CompressionType::kSnappy:
      return SnappyDecompress(in, out, max_output);
    case CompressionType::kLz4:
      return Lz4Decompress(in, out, max_output);
    case CompressionType::kZstd:
      return ZstdDecompress(in, out, max_output);
  }
  return Status::Corruption("unknown compression type " + std::to_string(static_cast<int>(type)));
}

}  // namespace sluice::kafka
