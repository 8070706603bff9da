// StoreOffsetReader: the OffsetStorageReader that source tasks and source connectors get, over the
// worker's OffsetStore (a file in standalone mode, the offsets topic in distributed mode). Partitions
// and offsets are Connect values; the store keys them by their schemaless JSON, as Kafka Connect does.
//
// Thread-safety: as the OffsetStore (Get is thread-safe); the reader itself holds no mutable state.
#pragma once

#include <string>

#include "connect/api/task.h"
#include "connect/runtime/offset_store.h"

namespace sluice::connect {

class StoreOffsetReader : public OffsetStorageReader {
 public:
  // REQUIRES: store outlives the reader.
  StoreOffsetReader(OffsetStore* store, std::string connector)
      : store_(store), connector_(std::move(connector)) {}
  Result<Value> Offset(const Value& partition) override;

 private:
  OffsetStore* store_;
  std::string connector_;
};

}  // namespace sluice::connect
