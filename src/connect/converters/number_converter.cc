// Numeric converters. See number_converter.h.
#include "connect/converters/number_converter.h"

#include <bit>
#include <cstdint>

namespace sluice::connect {
namespace {

size_t Width(SchemaType type) {
  switch (type) {
    case SchemaType::kInt16:
      return 2;
    case SchemaType::kInt32:
    case SchemaType::kFloat32:
      return 4;
    default:
      return 8;
  }
}

std::string_view SimpleName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt16:
      return "Short";
    case SchemaType::kInt32:
      return "Integer";
    case SchemaType::kInt64:
      return "Long";
    case SchemaType::kFloat32:
      return "Float";
    default:
      return "Double";
  }
}

const SchemaPtr& OptionalSchema(SchemaType type) {
  switch (type) {
    case SchemaType::kInt16:
      return Schema::OptionalInt16();
    case SchemaType::kInt32:
      return Schema::OptionalInt32();
    case SchemaType::kInt64:
      return Schema::OptionalInt64();
    case SchemaType::kFloat32:
      return Schema::OptionalFloat32();
    default:
      return Schema::OptionalFloat64();
  }
}

// The value's bits, widened to 64; nullopt if the value is not of `type`.
std::optional<uint64_t> Bits(SchemaType type, const Value& v) {
  switch (type) {
    case SchemaType::kInt16:
      if (const auto* p = v.get_if<int16_t>()) return static_cast<uint16_t>(*p);
      break;
    case SchemaType::kInt32:
      if (const auto* p = v.get_if<int32_t>()) return static_cast<uint32_t>(*p);
      break;
    case SchemaType::kInt64:
      if (const auto* p = v.get_if<int64_t>()) return static_cast<uint64_t>(*p);
      break;
    case SchemaType::kFloat32:
      if (const auto* p = v.get_if<float>()) return std::bit_cast<uint32_t>(*p);
      break;
    default:
      if (const auto* p = v.get_if<double>()) return std::bit_cast<uint64_t>(*p);
      break;
  }
  return std::nullopt;
}

Value FromBits(SchemaType type, uint64_t bits) {
  switch (type) {
    case SchemaType::kInt16:
      return static_cast<int16_t>(static_cast<uint16_t>(bits));
    case SchemaType::kInt32:
      return static_cast<int32_t>(static_cast<uint32_t>(bits));
    case SchemaType::kInt64:
      return static_cast<int64_t>(bits);
    case SchemaType::kFloat32:
      return std::bit_cast<float>(static_cast<uint32_t>(bits));
    default:
      return std::bit_cast<double>(bits);
  }
}

}  // namespace

std::string NumberConverter::ClassName(SchemaType type) {
  return "org.apache.kafka.connect.converters." + std::string(SimpleName(type)) + "Converter";
}

Result<std::optional<std::string>> NumberConverter::FromConnectData(std::string_view /*topic*/,
                                                                    const Schema* /*schema*/,
                                                                    const Value& value) {
  if (value.is_null()) return std::optional<std::string>();
  std::optional<uint64_t> bits = Bits(type_, value);
  if (!bits) {
    return Status::InvalidArgument("Failed to serialize to " + std::string(SchemaTypeName(type_)) + " (was " +
                                   std::string(ValueKindName(value.kind())) + ")");
  }
  size_t width = Width(type_);
  std::string out(width, '\0');
  for (size_t i = 0; i < width; ++i) out[i] = static_cast<char>((*bits >> (8 * (width - 1 - i))) & 0xff);
  return std::optional<std::string>(std::move(out));
}

Result<SchemaAndValue> NumberConverter::ToConnectData(std::string_view /*topic*/,
                                                      std::optional<std::string_view> bytes) {
  if (!bytes) return SchemaAndValue{OptionalSchema(type_), Value()};
  size_t width = Width(type_);
  if (bytes->size() != width) {
    return Status::InvalidArgument("Failed to deserialize " + std::string(SchemaTypeName(type_)) +
                                   ": Size of data received by " + std::string(SimpleName(type_)) +
                                   "Deserializer is not " + std::to_string(width));
  }
  uint64_t bits = 0;
  for (char c : *bytes) bits = (bits << 8) | static_cast<unsigned char>(c);
  return SchemaAndValue{OptionalSchema(type_), FromBits(type_, bits)};
}

}  // namespace sluice::connect
