// Converter: between Connect data (schema + value) and the bytes of a Kafka record key or value;
// HeaderConverter does the same for header values. Kafka's Converter/HeaderConverter interfaces.
// A null Kafka key/value (tombstone) is std::nullopt. AppendFromConnectData is the allocation-free form
// the source runtime calls.
//
// Thread-safety: after Configure(), converters are called from one task thread at a time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/connector.h"
#include "connect/api/json_converter.h"
#include "connect/api/record.h"

namespace sluice::connect {

class Converter {
 public:
  virtual ~Converter() = default;
  // props: the converter's own keys (prefix stripped, e.g. "schemas.enable").
  virtual Status Configure(const ConfigMap& props, bool is_key) = 0;
  virtual Result<std::optional<std::string>> FromConnectData(std::string_view topic, const Schema* schema,
                                                             const Value& value) = 0;
  // What FromConnectData returns, appended to `out` (the runtime reuses one buffer for many records):
  // false for a null Kafka value (nothing appended). On error `out` is left as it was. The default calls
  // FromConnectData; converters override it to write straight into `out`.
  virtual Result<bool> AppendFromConnectData(std::string_view topic, const Schema* schema, const Value& value,
                                             std::string& out) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, FromConnectData(topic, schema, value));
    if (!bytes) return false;
    out += *bytes;
    return true;
  }
  virtual Result<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) = 0;
};

class HeaderConverter {
 public:
  virtual ~HeaderConverter() = default;
  virtual Status Configure(const ConfigMap& props) = 0;
  virtual Result<std::optional<std::string>> FromConnectHeader(std::string_view topic, std::string_view key,
                                                               const Schema* schema, const Value& value) = 0;
  virtual Result<SchemaAndValue> ToConnectHeader(std::string_view topic, std::string_view key,
                                                 std::optional<std::string_view> bytes) = 0;
};

}  // namespace sluice::connect
