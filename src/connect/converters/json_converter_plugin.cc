// JsonConverter plugin. See json_converter_plugin.h.
#include "connect/converters/json_converter_plugin.h"

#include <algorithm>
#include <cctype>

namespace sluice::connect {

const ConfigDef& JsonConverterPlugin::Definition() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->Define(ConfigKey("schemas.enable", ConfigType::kBoolean)
                  .Default("true")
                  .Importance(Importance::kHigh)
                  .Doc("Include schemas within each of the serialized values and keys.")
                  .Group("Schemas", 0)
                  .DisplayName("Enable Schemas"));
    d->Define(ConfigKey("schemas.cache.size", ConfigType::kInt)
                  .Default("1000")
                  .Validate(Range::AtLeast(0))
                  .Importance(Importance::kHigh)
                  .Doc("The maximum number of schemas that can be cached in this converter instance.")
                  .Group("Schemas", 1)
                  .DisplayName("Schema Cache Size"));
    d->Define(ConfigKey("decimal.format", ConfigType::kString)
                  .Default("BASE64")
                  .Validate(ValidString::InIgnoreCase({"BASE64", "NUMERIC"}))
                  .Importance(Importance::kLow)
                  .Doc("Controls which format this converter will serialize decimals in. This value is case "
                       "insensitive and can be either 'BASE64' (default) or 'NUMERIC'")
                  .Group("Serialization", 0)
                  .DisplayName("Decimal Format"));
    d->Define(ConfigKey("replace.null.with.default", ConfigType::kBoolean)
                  .Default("true")
                  .Importance(Importance::kLow)
                  .Doc("Whether to replace fields that have a default value and that are null to the default "
                       "value. When set to true, the default value is used, otherwise null is used.")
                  .Group("Serialization", 1)
                  .DisplayName("Replace null with default"));
    return d;
  }();
  return *def;
}

Status JsonConverterPlugin::Configure(const ConfigMap& props, bool /*is_key*/) {
  ASSIGN_OR_RETURN(ParsedConfig cfg, Definition().Parse(props));
  std::string format = cfg.GetString("decimal.format");
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  config_.schemas_enable = cfg.GetBool("schemas.enable");
  config_.decimal_format = format == "NUMERIC" ? DecimalFormat::kNumeric : DecimalFormat::kBase64;
  config_.replace_null_with_default = cfg.GetBool("replace.null.with.default");
  converter_ = JsonConverter(config_);
  return Status::OK();
}

Result<std::optional<std::string>> JsonConverterPlugin::FromConnectData(std::string_view /*topic*/,
                                                                        const Schema* schema,
                                                                        const Value& value) {
  if (schema == nullptr && value.is_null()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string json, converter_.FromConnectData(schema, value));
  return std::optional<std::string>(std::move(json));
}

Result<bool> JsonConverterPlugin::AppendFromConnectData(std::string_view /*topic*/, const Schema* schema,
                                                        const Value& value, std::string& out) {
  if (schema == nullptr && value.is_null()) return false;
  RETURN_IF_ERROR(converter_.AppendConnectData(schema, value, out));
  return true;
}

Result<SchemaAndValue> JsonConverterPlugin::ToConnectData(std::string_view /*topic*/,
                                                          std::optional<std::string_view> bytes) {
  if (!bytes) return SchemaAndValue{};
  return converter_.ToConnectData(*bytes);
}

}  // namespace sluice::connect
