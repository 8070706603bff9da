// ByteArrayConverter. See byte_array_converter.h.
#include "connect/converters/byte_array_converter.h"

namespace sluice::connect {

Result<std::optional<std::string>> ByteArrayConverter::FromConnectData(std::string_view /*topic*/,
                                                                       const Schema* schema,
                                                                       const Value& value) {
  if (schema != nullptr && schema->type() != SchemaType::kBytes) {
    return Status::InvalidArgument("Invalid schema type for ByteArrayConverter: " +
                                   std::string(SchemaTypeName(schema->type())));
  }
  if (value.is_null()) return std::optional<std::string>();
  const Bytes* bytes = value.get_if<Bytes>();
  if (bytes == nullptr) {
    return Status::InvalidArgument("ByteArrayConverter is not compatible with objects of type " +
                                   std::string(ValueKindName(value.kind())));
  }
  return std::optional<std::string>(std::string(bytes->begin(), bytes->end()));
}

Result<SchemaAndValue> ByteArrayConverter::ToConnectData(std::string_view /*topic*/,
                                                         std::optional<std::string_view> bytes) {
  if (!bytes) return SchemaAndValue{Schema::OptionalBytes(), Value()};
  return SchemaAndValue{Schema::OptionalBytes(), Bytes(bytes->begin(), bytes->end())};
}

}  // namespace sluice::connect
