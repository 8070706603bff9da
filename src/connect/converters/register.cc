// RegisterConverters. See register.h.
#include "connect/converters/register.h"

#include <functional>
#include <string>
#include <utility>

#include "connect/converters/byte_array_converter.h"
#include "connect/converters/json_converter_plugin.h"
#include "connect/converters/number_converter.h"
#include "connect/converters/simple_header_converter.h"
#include "connect/converters/string_converter.h"

namespace sluice::connect {
namespace {

class HeaderAdapter final : public HeaderConverter {
 public:
  explicit HeaderAdapter(std::unique_ptr<Converter> converter) : converter_(std::move(converter)) {}

  Status Configure(const ConfigMap& props) override { return converter_->Configure(props, false); }
  Result<std::optional<std::string>> FromConnectHeader(std::string_view topic, std::string_view /*key*/,
                                                       const Schema* schema, const Value& value) override {
    return converter_->FromConnectData(topic, schema, value);
  }
  Result<SchemaAndValue> ToConnectHeader(std::string_view topic, std::string_view /*key*/,
                                         std::optional<std::string_view> bytes) override {
    return converter_->ToConnectData(topic, bytes);
  }

 private:
  std::unique_ptr<Converter> converter_;
};

std::string SimpleName(std::string_view class_name) {
  return std::string(class_name.substr(class_name.rfind('.') + 1));
}

// The converter under its class and simple names, as a converter and as a header converter.
void AddBoth(PluginRegistry& registry, std::string_view class_name,
             const std::function<std::unique_ptr<Converter>()>& make) {
  PluginInfo converter;
  converter.class_name = std::string(class_name);
  converter.aliases = {SimpleName(class_name)};
  converter.type = PluginType::kConverter;
  converter.new_converter = make;
  PluginInfo header = converter;
  header.type = PluginType::kHeaderConverter;
  header.new_converter = nullptr;
  header.new_header_converter = [make] { return AsHeaderConverter(make()); };
  registry.Add(std::move(converter));
  registry.Add(std::move(header));
}

}  // namespace

std::unique_ptr<HeaderConverter> AsHeaderConverter(std::unique_ptr<Converter> converter) {
  return std::make_unique<HeaderAdapter>(std::move(converter));
}

void RegisterConverters(PluginRegistry& registry) {
  AddBoth(registry, JsonConverterPlugin::kClassName, [] { return std::make_unique<JsonConverterPlugin>(); });
  AddBoth(registry, StringConverter::kClassName, [] { return std::make_unique<StringConverter>(); });
  AddBoth(registry, ByteArrayConverter::kClassName, [] { return std::make_unique<ByteArrayConverter>(); });
  for (SchemaType type : {SchemaType::kInt16, SchemaType::kInt32, SchemaType::kInt64, SchemaType::kFloat32,
                          SchemaType::kFloat64}) {
    AddBoth(registry, NumberConverter::ClassName(type),
            [type] { return std::make_unique<NumberConverter>(type); });
  }
  PluginInfo simple;
  simple.class_name = std::string(SimpleHeaderConverter::kClassName);
  simple.aliases = {SimpleName(SimpleHeaderConverter::kClassName)};
  simple.type = PluginType::kHeaderConverter;
  simple.new_header_converter = [] { return std::make_unique<SimpleHeaderConverter>(); };
  registry.Add(std::move(simple));
}

}  // namespace sluice::connect
