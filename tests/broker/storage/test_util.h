// Helpers for the storage tests: a temporary directory and record batch builders.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "broker/storage/io.h"
#include "broker/storage/log.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::broker::storage {

// A fresh directory under /tmp, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/sluice-storage-test-XXXXXX";
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// prefix + decimal n (avoids a GCC 12 -Wrestrict false positive on "lit" + std::to_string()).
inline std::string Str(std::string_view prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

struct TestRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 1000;
};

inline std::vector<uint8_t> MakeBatch(const std::vector<TestRecord>& records,
                                      kafka::CompressionType codec = kafka::CompressionType::kNone,
                                      int64_t producer_id = -1, int32_t base_sequence = -1) {
  kafka::RecordBatchOptions opts;
  opts.compression = codec;
  opts.producer_id = producer_id;
  opts.producer_epoch = producer_id >= 0 ? 0 : -1;
  opts.base_sequence = base_sequence;
  kafka::RecordBatchBuilder b(opts);
  for (const TestRecord& r : records) {
    std::optional<std::span<const uint8_t>> k, v;
    if (r.key) k = kafka::AsBytes(*r.key);
    if (r.value) v = kafka::AsBytes(*r.value);
    b.Append(r.timestamp, k, v);
  }
  auto built = b.Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return std::move(built).value();
}

// A batch of `n` records with values "v<i>" and timestamp `ts`.
inline std::vector<uint8_t> MakeValues(int n, int64_t ts = 1000, size_t value_size = 10) {
  std::vector<TestRecord> recs;
  for (int i = 0; i < n; ++i) {
    std::string v = Str("v", i);
    v.resize(std::max(v.size(), value_size), 'x');
    recs.push_back({std::nullopt, v, ts});
  }
  return MakeBatch(recs);
}

struct DecodedRecord {
  int64_t offset;
  int64_t timestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

// Every record of a `records` blob (asserting it is well-formed and CRCs are right).
inline std::vector<DecodedRecord> DecodeAll(std::span<const uint8_t> blob) {
  std::vector<DecodedRecord> out;
  kafka::RecordBatchIterator it(blob);
  kafka::RecordBatchView batch;
  std::vector<uint8_t> scratch;
  while (it.Next(&batch)) {
    EXPECT_TRUE(batch.VerifyCrc().ok());
    auto reader = kafka::RecordReader::Open(batch, &scratch);
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) break;
    kafka::Record r;
    while (reader->Next(&r)) {
      DecodedRecord d{r.offset, r.timestamp, std::nullopt, std::nullopt};
      if (r.key) d.key = std::string(kafka::AsStringView(*r.key));
      if (r.value) d.value = std::string(kafka::AsStringView(*r.value));
      out.push_back(std::move(d));
    }
    EXPECT_TRUE(reader->status().ok()) << reader->status().ToString();
  }
  EXPECT_TRUE(it.status().ok());
  EXPECT_FALSE(it.incomplete());
  return out;
}

// Reads the whole log from its start offset, batch by batch.
inline std::vector<DecodedRecord> ReadAll(const Log& log, int32_t max_bytes = 1 << 20) {
  std::vector<DecodedRecord> out;
  int64_t offset = log.log_start_offset();
  while (offset < log.log_end_offset()) {
    auto r = log.Read(offset, max_bytes);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->records.empty()) break;
    kafka::RecordBatchIterator it(r->records.span());
    kafka::RecordBatchView b;
    int64_t next = offset;
    while (it.Next(&b)) next = b.header.next_offset();
    for (auto& d : DecodeAll(r->records.span())) {
      if (d.offset >= offset) out.push_back(std::move(d));
    }
    EXPECT_GT(next, offset);
    offset = next;
  }
  return out;
}

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    const auto& assert_ok_ = (expr);                                           \
    ASSERT_TRUE(StatusOf(assert_ok_).ok()) << StatusOf(assert_ok_).ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                                        \
  do {                                                                         \
    const auto& expect_ok_ = (expr);                                           \
    EXPECT_TRUE(StatusOf(expect_ok_).ok()) << StatusOf(expect_ok_).ToString(); \
  } while (0)

}  // namespace sluice::broker::storage
