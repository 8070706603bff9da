// Source offset stores (Kafka Connect's OffsetBackingStore). An entry's key is Kafka's
// ["<connector>",{<source partition>}] and its value the offset map, both as schemaless JSON, exactly
// as Kafka Connect writes them to its offset topic; a null value deletes the entry. Lookups compare
// partitions as JSON values (key order does not matter).
//   MemoryOffsetStore  - the map itself.
//   FileOffsetStore    - standalone: the map rewritten atomically (write, fsync, rename) to
//                        offset.storage.file.filename as JSON lines [key, value] (Kafka's file is Java
//                        serialization, which we do not read).
//   KafkaOffsetStore   - distributed: the offset topic through a KafkaBasedLog.
//
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "connect/runtime/kafka_based_log.h"

namespace sluice::connect {

struct OffsetEntry {
  std::string partition_json;         // canonical JSON of the source partition
  std::optional<std::string> offset;  // JSON; nullopt deletes
};

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual Status Start(int timeout_ms) = 0;
  virtual void Stop() = 0;
  // The committed offset JSON of a partition (any JSON form of it), or nullopt.
  std::optional<std::string> Get(const std::string& connector, const std::string& partition_json);
  // Every partition of a connector with its offset.
  std::vector<std::pair<std::string, std::string>> GetAll(const std::string& connector);
  // Writes entries and returns when they are durable.
  virtual Status Put(const std::string& connector, const std::vector<OffsetEntry>& entries,
                     int timeout_ms) = 0;
  // Brings the in-memory view up to date with other writers (distributed); no-op otherwise.
  virtual Status Refresh(int /*timeout_ms*/) { return Status::OK(); }

  // Canonical form of a JSON text (sorted keys, compact); the input when it does not parse.
  static std::string Canonical(const std::string& json);
  // Kafka's offset-topic key ["connector",partition] and its parts.
  static std::string EncodeKey(const std::string& connector, const std::string& partition_json);
  static bool DecodeKey(const std::string& key, std::string* connector, std::string* partition_json);

 protected:
  void Apply(const std::string& connector, const std::string& partition_json,
             const std::optional<std::string>& offset);
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>>
      data_;  // connector -> canonical partition -> offset
};

class MemoryOffsetStore : public OffsetStore {
 public:
  Status Start(int) override { return Status::OK(); }
  void Stop() override {}
  Status Put(const std::string& connector, const std::vector<OffsetEntry>& entries, int timeout_ms) override;
};

class FileOffsetStore : public OffsetStore {
 public:
  explicit FileOffsetStore(std::string path) : path_(std::move(path)) {}
  Status Start(int timeout_ms) override;
  void Stop() override {}
  Status Put(const std::string& connector, const std::vector<OffsetEntry>& entries, int timeout_ms) override;

 private:
  Status WriteFileLocked();
  std::string path_;
};

class KafkaOffsetStore : public OffsetStore {
 public:
  KafkaOffsetStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic);
  Status Start(int timeout_ms) override;
  void Stop() override;
  Status Put(const std::string& connector, const std::vector<OffsetEntry>& entries, int timeout_ms) override;
  Status Refresh(int timeout_ms) override { return log_.ReadToEnd(timeout_ms); }

 private:
  KafkaBasedLog log_;
};

}  // namespace sluice::connect
