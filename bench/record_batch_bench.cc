// Record batch v2 throughput: memcpy (the limit), CRC-32C (hardware, table), batch encode, batch
// decode/iterate, and what a broker does per produced batch (header parse + CRC verify).
// Bytes processed are batch bytes, so MB/s compare directly with memcpy of the same bytes.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "kafka/protocol/crc32c.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::kafka {
namespace {

constexpr int kRecords = 1000;

std::vector<uint8_t> RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>('a' + rng() % 26);
  return out;
}

// 1000 records of `value_size`-byte values with 16-byte keys, as a producer would send them.
std::vector<uint8_t> MakeBatch(size_t value_size, CompressionType codec = CompressionType::kNone) {
  const std::vector<uint8_t> payload = RandomBytes(value_size + 16, 1);
  RecordBatchOptions o;
  o.compression = codec;
  o.producer_id = 1;
  o.producer_epoch = 0;
  o.base_sequence = 0;
  RecordBatchBuilder b(o);
  for (int i = 0; i < kRecords; ++i) {
    b.Append(1'700'000'000'000 + i, std::span<const uint8_t>(payload).first(16),
             std::span<const uint8_t>(payload).subspan(16));
  }
  return std::move(b.Build()).value();
}

void BM_Memcpy(benchmark::State& state) {
  const std::vector<uint8_t> src = MakeBatch(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(src.size()));
}

void BM_Crc32cHardware(benchmark::State& state) {
  if (!Crc32cHardwareAvailable()) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  const std::vector<uint8_t> buf = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Crc32cExtendHardware(0, buf.data(), buf.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(buf.size()));
}

void BM_Crc32cTable(benchmark::State& state) {
  const std::vector<uint8_t> buf = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Crc32cExtendPortable(0, buf.data(), buf.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(buf.size()));
}

void BM_EncodeBatch(benchmark::State& state) {
  const size_t value_size = static_cast<size_t>(state.range(0));
  const std::vector<uint8_t> payload = RandomBytes(value_size + 16, 2);
  size_t bytes = 0;
  RecordBatchBuilder b;
  for (auto _ : state) {
    for (int i = 0; i < kRecords; ++i) {
      b.Append(1'700'000'000'000 + i, std::span<const uint8_t>(payload).first(16),
               std::span<const uint8_t>(payload).subspan(16));
    }
    auto batch = b.Build();
    bytes = batch->size();
    benchmark::DoNotOptimize(batch->data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * kRecords);
}

// Iterates every record of every batch (zero copy) and sums the value sizes, so nothing is optimised away.
size_t SumValueBytes(const std::vector<uint8_t>& batch, std::vector<uint8_t>* scratch) {
  RecordBatchIterator it(batch);
  RecordBatchView view;
  size_t sum = 0;
  while (it.Next(&view)) {
    auto reader = RecordReader::Open(view, scratch);
    Record r;
    while (reader->Next(&r)) sum += r.value->size();
  }
  return sum;
}

void BM_DecodeBatch(benchmark::State& state) {
  const std::vector<uint8_t> batch = MakeBatch(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> scratch;
  for (auto _ : state) benchmark::DoNotOptimize(SumValueBytes(batch, &scratch));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
}

// What a broker does on Produce before appending: frame, parse the header, verify the CRC.
void BM_ParseHeaderVerifyCrc(benchmark::State& state) {
  const std::vector<uint8_t> batch = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    RecordBatchIterator it(batch);
    RecordBatchView view;
    bool ok = it.Next(&view) && view.VerifyCrc().ok();
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}

// Full Produce validation (CRC + decoding every record's framing).
void BM_ValidateProduce(benchmark::State& state) {
  const std::vector<uint8_t> batch = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ValidateProduceRecords(batch).ok());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}

void BM_DecodeCompressed(benchmark::State& state) {
  const auto codec = static_cast<CompressionType>(state.range(1));
  const std::vector<uint8_t> batch = MakeBatch(static_cast<size_t>(state.range(0)), codec);
  const size_t plain = MakeBatch(static_cast<size_t>(state.range(0))).size();
  std::vector<uint8_t> scratch;
  for (auto _ : state) benchmark::DoNotOptimize(SumValueBytes(batch, &scratch));
  state.SetLabel(std::string(CompressionName(codec)));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(plain));  // uncompressed bytes
}

BENCHMARK(BM_Memcpy)->Arg(100)->Arg(1024);
BENCHMARK(BM_Crc32cHardware)->Arg(100)->Arg(1024);
BENCHMARK(BM_Crc32cTable)->Arg(100)->Arg(1024);
BENCHMARK(BM_EncodeBatch)->Arg(100)->Arg(1024);
BENCHMARK(BM_DecodeBatch)->Arg(100)->Arg(1024);
BENCHMARK(BM_ParseHeaderVerifyCrc)->Arg(100)->Arg(1024);
BENCHMARK(BM_ValidateProduce)->Arg(100)->Arg(1024);
BENCHMARK(BM_DecodeCompressed)->ArgsProduct({{1024}, {1, 2, 3, 4}});

}  // namespace
}  // namespace sluice::kafka

BENCHMARK_MAIN();
