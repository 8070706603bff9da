// Interoperability with an independent implementation: kafka-python's DefaultRecordBatch(Builder),
// run through kafka_python_golden.py with /usr/bin/python3. Skipped when kafka-python (or the Python
// module of a codec) is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"
#include "records_test_util.h"

namespace sluice::kafka {
namespace {

std::string ScriptPath() {
  const char* src = std::getenv("SLUICE_SOURCE_DIR");
  if (src != nullptr) return std::string(src) + "/tests/kafka/records/kafka_python_golden.py";
  return std::string(SLUICE_RECORDS_TEST_DIR) + "/kafka_python_golden.py";
}

// Runs the helper; returns its exit code and stdout+stderr.
int RunHelper(const std::string& args, std::string* output) {
  const std::string cmd = "/usr/bin/python3 '" + ScriptPath() + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  output->clear();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  const int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool KafkaPythonAvailable() {
  static const bool kAvailable = std::system("/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1") == 0;
  return kAvailable;
}

bool CodecAvailable(int id) {
  static const std::string kCodecs = [] {
    std::string out;
    return RunHelper("codecs", &out) == 0 ? out : std::string();
  }();
  std::istringstream in(kCodecs);
  int v;
  while (in >> v) {
    if (v == id) return true;
  }
  return false;
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "sluice_golden_" + std::to_string(getpid()) + "_" + name;
}

std::string Hex(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return "null";
  if (b->empty()) return "''";
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (uint8_t c : *b) {
    s += kDigits[c >> 4];
    s += kDigits[c & 15];
  }
  return s;
}

// The same text kafka_python_golden.py prints for "decode".
std::string Format(const DecodedBatch& d) {
  std::ostringstream out;
  out << "batch " << d.header.base_offset << " " << d.records.size() << " "
      << static_cast<int>(d.header.compression()) << " " << d.header.producer_id << "\n";
  for (const Record& r : d.records) {
    out << r.offset << " " << r.timestamp << " " << Hex(r.key) << " " << Hex(r.value) << " ";
    if (r.headers.empty()) out << "-";
    for (size_t i = 0; i < r.headers.size(); ++i) {
      out << (i ? "," : "") << r.headers[i].key << "=" << Hex(r.headers[i].value);
    }
    out << "\n";
  }
  return out.str();
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

class GoldenTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!KafkaPythonAvailable()) GTEST_SKIP() << "kafka-python is not importable by /usr/bin/python3";
    if (!CodecAvailable(GetParam())) {
      GTEST_SKIP() << "kafka-python has no Python module for codec "
                   << CompressionName(static_cast<CompressionType>(GetParam()));
    }
  }
};

TEST_P(GoldenTest, KafkaPythonEncodesSluiceDecodes) {
  const std::string path = TempPath("py_" + std::to_string(GetParam()) + ".bin");
  std::string out;
  ASSERT_EQ(RunHelper("encode " + std::to_string(GetParam()) + " '" + path + "'", &out), 0) << out;
  const std::vector<uint8_t> bytes = ReadFile(path);
  std::remove(path.c_str());

  RecordBatchView view;
  Status st = ValidateProduceRecords(bytes, &view);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(static_cast<int>(view.header.compression()), GetParam());
  EXPECT_EQ(view.header.producer_id, 1234);
  EXPECT_EQ(view.header.producer_epoch, 5);
  EXPECT_EQ(view.header.base_sequence, 6);
  EXPECT_EQ(view.header.records_count, 50);
  DecodedBatch decoded;
  ASSERT_TRUE(DecodeRecordBatch(view, &decoded).ok());

  std::string expected;
  const std::string copy = TempPath("py_copy_" + std::to_string(GetParam()) + ".bin");
  std::ofstream(copy, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_EQ(RunHelper("decode '" + copy + "'", &expected), 0) << expected;
  std::remove(copy.c_str());
  EXPECT_EQ(Format(decoded), expected);
}

TEST_P(GoldenTest, SluiceEncodesKafkaPythonDecodes) {
  RecordBatchOptions o;
  o.compression = static_cast<CompressionType>(GetParam());
  o.base_offset = 5000;
  o.producer_id = 99;
  o.producer_epoch = 1;
  o.base_sequence = 0;
  const std::vector<uint8_t> bytes = testing::BuildBatch(o, testing::MakeRecords(300, 60, 17));
  const std::string path = TempPath("ours_" + std::to_string(GetParam()) + ".bin");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::string printed;
  const int rc = RunHelper("decode '" + path + "'", &printed);
  std::remove(path.c_str());
  ASSERT_EQ(rc, 0) << printed;

  RecordBatchIterator it(bytes);
  RecordBatchView view;
  ASSERT_TRUE(it.Next(&view));
  DecodedBatch decoded;
  ASSERT_TRUE(DecodeRecordBatch(view, &decoded).ok());
  EXPECT_EQ(printed, Format(decoded));
  EXPECT_NE(printed.find("batch 5000 300 " + std::to_string(GetParam()) + " 99\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Codecs, GoldenTest, ::testing::Values(0, 1, 2, 3, 4), [](const auto& param_info) {
  return std::string(CompressionName(static_cast<CompressionType>(param_info.param)));
});

}  // namespace
}  // namespace sluice::kafka
