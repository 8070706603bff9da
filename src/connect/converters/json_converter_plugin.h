// org.apache.kafka.connect.json.JsonConverter as a Converter plugin: Kafka's config keys on top of the
// api JsonConverter (connect/api/json_converter.h), and Kafka's null handling: a null value without a
// schema is a null Kafka value (tombstone) and a null Kafka value reads back as a null record.
//
// Config: schemas.enable (default true), decimal.format (BASE64 | NUMERIC, any case; default BASE64),
// replace.null.with.default (default true), schemas.cache.size (accepted, >= 0; schemas are not
// cached). Other keys (e.g. converter.type) are ignored, as in Kafka.
//
// Thread-safety: Configure once, then the conversions may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/converter.h"
#include "connect/api/json_converter.h"

namespace sluice::connect {

class JsonConverterPlugin final : public Converter {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.json.JsonConverter";
  static const ConfigDef& Definition();

  Status Configure(const ConfigMap& props, bool is_key) override;
  Result<std::optional<std::string>> FromConnectData(std::string_view topic, const Schema* schema,
                                                     const Value& value) override;
  Result<bool> AppendFromConnectData(std::string_view topic, const Schema* schema, const Value& value,
                                     std::string& out) override;
  Result<SchemaAndValue> ToConnectData(std::string_view topic,
                                       std::optional<std::string_view> bytes) override;

  const JsonConverterConfig& config() const { return config_; }

 private:
  JsonConverterConfig config_;
  JsonConverter converter_;
};

}  // namespace sluice::connect
