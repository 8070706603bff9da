// org.apache.kafka.connect.storage.StringConverter: any value is written as its Java string form
// (String.valueOf, see value_text.h) in UTF-8; reading gives an optional STRING. A null value is a null
// Kafka value and back.
//
// Config: converter.encoding (UTF-8 only, the default; "UTF8" and any case accepted).
//
// Thread-safety: Configure once, then the conversions may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/converter.h"

namespace sluice::connect {

class StringConverter final : public Converter {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.storage.StringConverter";
  static const ConfigDef& Definition();

  Status Configure(const ConfigMap& props, bool is_key) override;
  Result<std::optional<std::string>> FromConnectData(std::string_view topic, const Schema* schema,
                                                     const Value& value) override;
  Result<SchemaAndValue> ToConnectData(std::string_view topic,
                                       std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::connect
