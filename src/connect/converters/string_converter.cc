// StringConverter. See string_converter.h.
#include "connect/converters/string_converter.h"

#include "connect/converters/value_text.h"

namespace sluice::connect {

const ConfigDef& StringConverter::Definition() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->Define(ConfigKey("converter.encoding", ConfigType::kString)
                  .Default("UTF8")
                  .Validate(ValidString::InIgnoreCase({"UTF8", "UTF-8"}))
                  .Importance(Importance::kHigh)
                  .Doc("The name of the Java character set to use for encoding strings as byte arrays. Only "
                       "UTF-8 is supported.")
                  .DisplayName("Encoding"));
    return d;
  }();
  return *def;
}

Status StringConverter::Configure(const ConfigMap& props, bool /*is_key*/) {
  return Definition().Parse(props).status();
}

Result<std::optional<std::string>> StringConverter::FromConnectData(std::string_view /*topic*/,
                                                                    const Schema* schema,
                                                                    const Value& value) {
  if (value.is_null()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, JavaString(schema, value));
  return std::optional<std::string>(std::move(text));
}

Result<SchemaAndValue> StringConverter::ToConnectData(std::string_view /*topic*/,
                                                      std::optional<std::string_view> bytes) {
  if (!bytes) return SchemaAndValue{Schema::OptionalString(), Value()};
  return SchemaAndValue{Schema::OptionalString(), std::string(*bytes)};
}

}  // namespace sluice::connect
