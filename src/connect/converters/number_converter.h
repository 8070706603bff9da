// Kafka's numeric converters (org.apache.kafka.connect.converters.ShortConverter, IntegerConverter,
// LongConverter, FloatConverter, DoubleConverter): the value as Kafka's ShortSerializer ... Double-
// Serializer write it, big-endian (2, 4, 8, 4 and 8 bytes; floats as their IEEE 754 bits). Writing needs
// a value of exactly that type (as Java's cast); reading needs exactly that many bytes and gives the
// optional schema of the type. Null stays null both ways.
//
// Thread-safety: stateless after construction; may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/converter.h"

namespace sluice::connect {

class NumberConverter final : public Converter {
 public:
  // REQUIRES: type is kInt16, kInt32, kInt64, kFloat32 or kFloat64.
  explicit NumberConverter(SchemaType type) : type_(type) {}

  // "org.apache.kafka.connect.converters.IntegerConverter", ...
  static std::string ClassName(SchemaType type);

  Status Configure(const ConfigMap& /*props*/, bool /*is_key*/) override { return Status::OK(); }
  Result<std::optional<std::string>> FromConnectData(std::string_view topic, const Schema* schema,
                                                     const Value& value) override;
  Result<SchemaAndValue> ToConnectData(std::string_view topic,
                                       std::optional<std::string_view> bytes) override;

 private:
  SchemaType type_;
};

}  // namespace sluice::connect
