// S3 sink microbenchmark: encoding records of the seed's shape (ec_uriage structs with a Timestamp)
// with the sink's JsonFormat, with gzip on top, against memcpy of the same output bytes (bytes/s count
// output bytes, so the lines compare directly); and reading their JsonConverter envelopes, as the
// runtime does before the sink sees them (bytes/s of envelope).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "connect/api/json_converter.h"
#include "connectors/s3/record_format.h"
#include "connectors/s3/s3_object.h"

namespace {

using sluice::connect::Schema;
using sluice::connect::SchemaBuilder;
using sluice::connect::SinkRecord;

std::vector<SinkRecord> SeedRecords(int n) {
  auto schema = SchemaBuilder::Struct()
                    .Name("ec_uriage")
                    .Field("seq", Schema::String())
                    .Field("sales_time", SchemaBuilder::Int64()
                                             .Name(std::string(sluice::connect::kTimestampLogicalName))
                                             .Version(1)
                                             .Optional()
                                             .Build())
                    .Field("sales_id", Schema::OptionalString())
                    .Field("item_id", Schema::OptionalString())
                    .Field("amount", Schema::OptionalInt32())
                    .Field("unit_price", Schema::OptionalInt32())
                    .Build();
  std::vector<SinkRecord> out;
  for (int i = 0; i < n; ++i) {
    SinkRecord r;
    r.topic = "ecsales_ec_uriage";
    r.kafka_partition = 0;
    r.kafka_offset = i;
    r.value_schema = schema;
    sluice::connect::Struct s(schema);
    (void)s.Put("seq", std::to_string(i + 1));
    (void)s.Put("sales_time", int64_t{1538737871000} + i);
    (void)s.Put("sales_id", "ECSALES" + std::to_string(100000 + i / 3));
    (void)s.Put("item_id", "ITEM00" + std::to_string(i % 7));
    (void)s.Put("amount", int32_t{1 + i % 5});
    (void)s.Put("unit_price", int32_t{300 + i % 5000});
    r.value = std::move(s);
    out.push_back(std::move(r));
  }
  return out;
}

sluice::connectors::s3::S3SinkConfig Config() {
  sluice::connectors::s3::S3SinkConfig c;
  c.flush_size = 1000;
  return c;
}

void BM_JsonFormat(benchmark::State& state) {
  auto records = SeedRecords(1000);
  sluice::connectors::s3::RecordFormat f(Config());
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const auto& r : records) (void)f.Append(r, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_JsonFormat);

void BM_JsonFormatGzip(benchmark::State& state) {
  auto records = SeedRecords(1000);
  sluice::connectors::s3::RecordFormat f(Config());
  sluice::connectors::s3::BufferPool pool(1);
  std::string line;
  size_t bytes = 0;
  for (auto _ : state) {
    sluice::connectors::s3::S3Object obj("k", 0, true, -1, &pool);
    for (const auto& r : records) {
      line.clear();
      (void)f.Append(r, line);
      bytes += line.size();
      (void)obj.Append(line);
    }
    benchmark::DoNotOptimize(obj.buffered());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_JsonFormatGzip);

// What the sink's runtime does first with each record: JsonConverter (schemas.enable) reads the envelope
// the JDBC source wrote; bytes/s count the envelope bytes.
void BM_JsonConverterRead(benchmark::State& state) {
  auto records = SeedRecords(1000);
  sluice::connect::JsonConverter writer;
  std::vector<std::string> envelopes;
  size_t bytes = 0;
  for (const auto& r : records) {
    envelopes.push_back(*writer.FromConnectData(r.value_schema.get(), r.value));
    bytes += envelopes.back().size();
  }
  sluice::connect::JsonConverter reader;
  for (auto _ : state) {
    for (const auto& e : envelopes) benchmark::DoNotOptimize(reader.ToConnectData(e));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_JsonConverterRead);

void BM_Memcpy(benchmark::State& state) {
  auto records = SeedRecords(1000);
  sluice::connectors::s3::RecordFormat f(Config());
  std::string src;
  for (const auto& r : records) (void)f.Append(r, src);
  std::string dst(src.size(), '\0');
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_Memcpy);

}  // namespace

BENCHMARK_MAIN();
