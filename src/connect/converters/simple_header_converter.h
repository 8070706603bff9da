// org.apache.kafka.connect.storage.SimpleHeaderConverter: header values as text (Kafka's
// Values.convertToString: strings as-is, numbers and booleans as Java prints them, arrays, maps and
// structs as JSON-like text) and back with the type inferred (Values.parseString: integers, decimals,
// booleans, dates and times; everything else is a STRING). See value_text.h.
//
// Thread-safety: stateless; may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/converter.h"

namespace sluice::connect {

class SimpleHeaderConverter final : public HeaderConverter {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

  Status Configure(const ConfigMap& /*props*/) override { return Status::OK(); }
  Result<std::optional<std::string>> FromConnectHeader(std::string_view topic, std::string_view key,
                                                       const Schema* schema, const Value& value) override;
  Result<SchemaAndValue> ToConnectHeader(std::string_view topic, std::string_view key,
                                         std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::connect
