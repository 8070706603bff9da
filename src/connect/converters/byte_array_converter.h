// org.apache.kafka.connect.converters.ByteArrayConverter: passes BYTES through unchanged. Writing a
// value whose schema is not BYTES, or that is not bytes, is an error; reading gives an optional BYTES.
// Null stays null both ways.
//
// Thread-safety: stateless; may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/converter.h"

namespace sluice::connect {

class ByteArrayConverter final : public Converter {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.converters.ByteArrayConverter";

  Status Configure(const ConfigMap& /*props*/, bool /*is_key*/) override { return Status::OK(); }
  Result<std::optional<std::string>> FromConnectData(std::string_view topic, const Schema* schema,
                                                     const Value& value) override;
  Result<SchemaAndValue> ToConnectData(std::string_view topic,
                                       std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::connect
