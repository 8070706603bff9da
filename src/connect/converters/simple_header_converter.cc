// SimpleHeaderConverter. See simple_header_converter.h.
#include "connect/converters/simple_header_converter.h"

#include "connect/converters/value_text.h"

namespace sluice::connect {

Result<std::optional<std::string>> SimpleHeaderConverter::FromConnectHeader(std::string_view /*topic*/,
                                                                            std::string_view /*key*/,
                                                                            const Schema* schema,
                                                                            const Value& value) {
  if (value.is_null()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, ValuesToString(schema, value));
  return std::optional<std::string>(std::move(text));
}

Result<SchemaAndValue> SimpleHeaderConverter::ToConnectHeader(std::string_view /*topic*/,
                                                              std::string_view /*key*/,
                                                              std::optional<std::string_view> bytes) {
  if (!bytes) return SchemaAndValue{};
  return ParseValueString(*bytes);
}

}  // namespace sluice::connect
