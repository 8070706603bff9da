// Test helpers for the file connectors: a temp directory, appending to files, and an in-memory
// SourceTaskContext/OffsetStorageReader.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "connect/api/task.h"

namespace sluice::connectors {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice_file_test_XXXXXX").string();
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void AppendFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class FakeOffsetReader : public connect::OffsetStorageReader {
 public:
  void Set(connect::Value partition, connect::Value offset) {
    for (auto& [p, o] : offsets_) {
      if (p == partition) {
        o = std::move(offset);
        return;
      }
    }
    offsets_.emplace_back(std::move(partition), std::move(offset));
  }
  Result<connect::Value> Offset(const connect::Value& partition) override {
    for (const auto& [p, o] : offsets_) {
      if (p == partition) return o;
    }
    return connect::Value();
  }

 private:
  std::vector<std::pair<connect::Value, connect::Value>> offsets_;
};

class FakeSourceTaskContext : public connect::SourceTaskContext {
 public:
  const connect::ConfigMap& configs() const override { return configs_; }
  connect::OffsetStorageReader& offset_storage_reader() override { return offsets; }

  FakeOffsetReader offsets;

 private:
  connect::ConfigMap configs_;
};

}  // namespace sluice::connectors
