// Helpers shared by the record batch tests: owned test records, build and decode in one call.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::kafka::testing {

struct TestRecord {
  int64_t timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  bool operator==(const TestRecord&) const = default;
};

inline std::optional<std::span<const uint8_t>> OptBytes(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return AsBytes(*s);
}
inline std::optional<std::string> OptString(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return std::string(AsStringView(*b));
}

inline void AppendAll(RecordBatchBuilder& b, const std::vector<TestRecord>& records) {
  std::vector<RecordHeader> headers;
  for (const TestRecord& r : records) {
    headers.clear();
    for (const auto& [k, v] : r.headers) headers.push_back({k, OptBytes(v)});
    b.Append(r.timestamp, OptBytes(r.key), OptBytes(r.value), headers);
  }
}

inline std::vector<uint8_t> BuildBatch(const RecordBatchOptions& options,
                                       const std::vector<TestRecord>& records) {
  RecordBatchBuilder b(options);
  AppendAll(b, records);
  auto built = b.Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return built.ok() ? std::move(built).value() : std::vector<uint8_t>{};
}

// Decodes one whole batch (checking the CRC) into owned records; records' offsets go to *offsets.
inline Status DecodeBatch(std::span<const uint8_t> bytes, std::vector<TestRecord>* out,
                          RecordBatchHeader* header = nullptr, std::vector<int64_t>* offsets = nullptr) {
  RecordBatchIterator it(bytes);
  RecordBatchView view;
  if (!it.Next(&view)) {
    if (!it.status().ok()) return it.status();
    return Status::Corruption(it.incomplete() ? "incomplete" : "empty");
  }
  RETURN_IF_ERROR(view.VerifyCrc());
  DecodedBatch decoded;
  RETURN_IF_ERROR(DecodeRecordBatch(view, &decoded));
  if (header != nullptr) *header = decoded.header;
  out->clear();
  for (const Record& r : decoded.records) {
    TestRecord t{r.timestamp, OptString(r.key), OptString(r.value), {}};
    for (const RecordHeader& h : r.headers) t.headers.emplace_back(std::string(h.key), OptString(h.value));
    out->push_back(std::move(t));
    if (offsets != nullptr) offsets->push_back(r.offset);
  }
  return Status::OK();
}

// A varied set: null/empty keys and values, headers with null values, non-monotonic timestamps.
inline std::vector<TestRecord> MakeRecords(size_t n, size_t value_size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<TestRecord> out;
  for (size_t i = 0; i < n; ++i) {
    TestRecord r;
    r.timestamp = 1'700'000'000'000 + static_cast<int64_t>(i * 3) - (i % 7 == 6 ? 5000 : 0);
    if (i % 5 != 0) r.key = "key-" + std::to_string(i);
    if (i % 11 == 4) r.key = "";
    if (i % 9 != 3) {
      r.value = std::string(value_size == 0 ? 0 : rng() % (2 * value_size), 'a');
      for (char& c : *r.value) c = static_cast<char>('a' + rng() % 26);
    }
    if (i % 3 == 0) r.headers = {{"trace", "t-" + std::to_string(i)}, {"null", std::nullopt}, {"", ""}};
    out.push_back(std::move(r));
  }
  return out;
}

// Recomputes and stores the CRC of a whole batch (after a test edits covered bytes).
inline void FixCrc(std::vector<uint8_t>& batch) {
  const uint32_t crc = Crc32c(batch.data() + kAttributesPos, batch.size() - kAttributesPos);
  for (size_t i = 0; i < 4; ++i) batch[kCrcPos + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}
}  // namespace sluice::kafka::testing
