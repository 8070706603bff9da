// Plugin registration of the built-in transformations and predicates. See register.h.
#include "connect/transforms/register.h"

#include <string>

#include "connect/transforms/transforms.h"

namespace sluice::connect {
namespace {

using transforms::Side;

constexpr std::string_view kPackage = "org.apache.kafka.connect.transforms.";
constexpr std::string_view kPredicatePackage = "org.apache.kafka.connect.transforms.predicates.";

void AddTransformation(PluginRegistry& registry, std::string simple_name,
                       std::function<std::unique_ptr<Transformation>()> factory) {
  PluginInfo info;
  info.class_name = std::string(kPackage) + simple_name;
  info.aliases = {std::move(simple_name)};
  info.type = PluginType::kTransformation;
  info.new_transformation = std::move(factory);
  registry.Add(std::move(info));
}

// Name$Key and Name$Value.
void AddSided(PluginRegistry& registry, const std::string& name,
              std::unique_ptr<Transformation> (*factory)(Side)) {
  AddTransformation(registry, name + "$Key", [factory] { return factory(Side::kKey); });
  AddTransformation(registry, name + "$Value", [factory] { return factory(Side::kValue); });
}

void AddPredicate(PluginRegistry& registry, std::string simple_name,
                  std::function<std::unique_ptr<Predicate>()> factory) {
  PluginInfo info;
  info.class_name = std::string(kPredicatePackage) + simple_name;
  info.aliases = {std::move(simple_name)};
  info.type = PluginType::kPredicate;
  info.new_predicate = std::move(factory);
  registry.Add(std::move(info));
}

}  // namespace

void RegisterTransforms(PluginRegistry& registry) {
  AddTransformation(registry, "ValueToKey", transforms::NewValueToKey);
  AddSided(registry, "ExtractField", transforms::NewExtractField);
  AddSided(registry, "HoistField", transforms::NewHoistField);
  AddSided(registry, "InsertField", transforms::NewInsertField);
  AddSided(registry, "ReplaceField", transforms::NewReplaceField);
  AddSided(registry, "MaskField", transforms::NewMaskField);
  AddSided(registry, "Cast", transforms::NewCast);
  AddSided(registry, "Flatten", transforms::NewFlatten);
  AddSided(registry, "TimestampConverter", transforms::NewTimestampConverter);
  AddTransformation(registry, "RegexRouter", transforms::NewRegexRouter);
  AddTransformation(registry, "TimestampRouter", transforms::NewTimestampRouter);
  AddTransformation(registry, "Filter", transforms::NewFilter);
  AddPredicate(registry, "TopicNameMatches", transforms::NewTopicNameMatches);
  AddPredicate(registry, "HasHeaderKey", transforms::NewHasHeaderKey);
  AddPredicate(registry, "RecordIsTombstone", transforms::NewRecordIsTombstone);
}

}  // namespace sluice::connect
