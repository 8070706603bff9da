// StoreOffsetReader. Thread-safety: see offset_reader.h.
#include "connect/runtime/offset_reader.h"

#include "connect/api/json_converter.h"

namespace sluice::connect {
namespace {

const JsonConverter& SchemalessJson() {
  static const JsonConverter conv(JsonConverterConfig{.schemas_enable = false});
  return conv;
}

}  // namespace

Result<Value> StoreOffsetReader::Offset(const Value& partition) {
  ASSIGN_OR_RETURN(std::string json, SchemalessJson().FromConnectData(nullptr, partition));
  std::optional<std::string> off = store_->Get(connector_, json);
  if (!off) return Value();
  ASSIGN_OR_RETURN(SchemaAndValue sv, SchemalessJson().ToConnectData(*off));
  return std::move(sv.value);
}

}  // namespace sluice::connect
