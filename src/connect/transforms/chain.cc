// TransformationChain and the validation of a connector's transforms/predicates config. See chain.h.
#include "connect/transforms/chain.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <type_traits>

namespace sluice::connect {
namespace {

constexpr std::string_view kTransforms = "transforms";
constexpr std::string_view kPredicates = "predicates";

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The aliases of a LIST key, duplicates removed (Kafka iterates a LinkedHashSet).
std::vector<std::string> UniqueAliases(const ConfigMap& config, std::string_view key) {
  auto it = config.find(std::string(key));
  if (it == config.end()) return {};
  Result<ConfigValue> parsed = ParseConfigValue(key, it->second, ConfigType::kList);
  if (!parsed.ok()) return {};
  std::vector<std::string> out;
  for (const std::string& a : std::get<std::vector<std::string>>(*parsed)) {
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

Validator UniqueAliases(std::string kind) {
  auto fn = [](std::string_view name, const ConfigValue& v) -> Status {
    const auto* list = std::get_if<std::vector<std::string>>(&v);
    if (list == nullptr) return InvalidValue(name, "null", "entry must be non null");
    std::set<std::string> seen(list->begin(), list->end());
    if (seen.size() < list->size())
      return InvalidValue(name, ConfigValueToString(v), "Duplicate alias provided.");
    return Status::OK();
  };
  return Validator(fn, "unique " + kind + " aliases");
}

// Copies `def`'s keys into `out` under `prefix` (Kafka's ConfigDef.embed), skipping `masked` names.
void Embed(const ConfigDef& def, const std::string& prefix, const std::string& group,
           const std::vector<std::string_view>& masked, ConfigDef& out) {
  int order = 0;
  for (const ConfigKey& key : def.keys()) {
    if (std::find(masked.begin(), masked.end(), key.name()) != masked.end()) continue;
    ConfigKey k(prefix + key.name(), key.type());
    if (!key.required()) {
      if (key.default_text()) {
        k.Default(*key.default_text());
      } else {
        k.NullDefault();
      }
    }
    k.Validate(key.validator())
        .Importance(key.importance())
        .Doc(key.doc())
        .Group(group, ++order)
        .Width(key.width());
    out.Define(std::move(k));
  }
}

// The keys under `prefix` with the prefix removed, except the `masked` names.
ConfigMap Strip(const ConfigMap& config, const std::string& prefix,
                const std::vector<std::string_view>& masked) {
  ConfigMap out;
  for (auto it = config.lower_bound(prefix); it != config.end() && it->first.starts_with(prefix); ++it) {
    std::string name = it->first.substr(prefix.size());
    if (std::find(masked.begin(), masked.end(), name) == masked.end()) out[name] = it->second;
  }
  return out;
}

bool HasErrors(const std::vector<ConfigValidation>& rows, size_t from) {
  for (size_t i = from; i < rows.size(); ++i) {
    if (!rows[i].errors.empty()) return true;
  }
  return false;
}

void Append(std::vector<ConfigValidation>& rows, std::vector<ConfigValidation> more) {
  for (ConfigValidation& r : more) rows.push_back(std::move(r));
}

// Validates "<prefix>type" (appending its row); returns the plugin, or nullptr if the type is bad.
const PluginInfo* ValidateType(const ConfigMap& config, const PluginRegistry& registry,
                               const std::string& prefix, const std::string& alias, PluginType type,
                               std::vector<ConfigValidation>& rows) {
  const std::string kind = type == PluginType::kPredicate ? "Predicate" : "Transformation";
  std::string lower_kind = kind;
  lower_kind[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower_kind[0])));
  auto check = [&registry, type, kind, lower_kind](std::string_view name, const ConfigValue& v) -> Status {
    const std::string* cls = std::get_if<std::string>(&v);
    if (cls == nullptr || registry.Find(*cls, {type}) != nullptr) return Status::OK();
    if (registry.Find(*cls) != nullptr) return InvalidValue(name, *cls, "Not a " + kind);
    return InvalidValue(name, *cls,
                        "Class " + *cls + " could not be found. Known " + lower_kind +
                            "s: " + Join(registry.Names({type}), ", "));
  };
  ConfigDef def;
  def.Define(ConfigKey(prefix + "type", ConfigType::kClass)
                 .Validate(Validator(check, "valid configs for " + alias + " " + lower_kind))
                 .Importance(Importance::kHigh)
                 .Doc("Class for the '" + alias + "' " + lower_kind + ".")
                 .Group((type == PluginType::kPredicate ? "Predicates: " : "Transforms: ") + alias, 0));
  std::vector<ConfigValidation> type_rows = def.Validate(config);
  const bool ok = !HasErrors(type_rows, 0);
  Append(rows, std::move(type_rows));
  if (!ok) return nullptr;
  Result<ConfigValue> cls = ParseConfigValue(prefix + "type", config.at(prefix + "type"), ConfigType::kClass);
  return cls.ok() ? registry.Find(std::get<std::string>(*cls), {type}) : nullptr;
}

ConfigValidation* FindRow(std::vector<ConfigValidation>& rows, const std::string& name) {
  for (ConfigValidation& r : rows) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

struct PlannedStage {
  std::string alias;
  std::string class_name;
  std::unique_ptr<Transformation> transformation;
  const PluginInfo* predicate = nullptr;
  ConfigMap predicate_props;
  bool negate = false;
};

struct Plan {
  std::vector<ConfigValidation> rows;
  std::vector<PlannedStage> stages;
};

Plan MakePlan(const ConfigMap& config, const PluginRegistry& registry) {
  Plan plan;
  ConfigDef lists;
  lists.Define(ConfigKey(std::string(kTransforms), ConfigType::kList)
                   .Default("")
                   .Validate(UniqueAliases("transformation"))
                   .Importance(Importance::kLow)
                   .Doc("Aliases for the transformations to be applied to records."));
  lists.Define(ConfigKey(std::string(kPredicates), ConfigType::kList)
                   .Default("")
                   .Validate(UniqueAliases("predicate"))
                   .Importance(Importance::kLow)
                   .Doc("Aliases for the predicates used by transformations."));
  plan.rows = lists.Validate(config);

  // Predicates: validated once; each transformation that uses one gets its own instance later.
  struct PredicateSection {
    const PluginInfo* info = nullptr;
    ConfigMap props;
  };
  std::map<std::string, PredicateSection> predicates;
  std::vector<ConfigValidation> predicate_rows;
  const std::vector<std::string> predicate_aliases = UniqueAliases(config, kPredicates);
  for (const std::string& alias : predicate_aliases) {
    const std::string prefix = std::string(kPredicates) + "." + alias + ".";
    const size_t first = predicate_rows.size();
    const PluginInfo* info =
        ValidateType(config, registry, prefix, alias, PluginType::kPredicate, predicate_rows);
    if (info == nullptr) continue;
    std::unique_ptr<Predicate> p = info->new_predicate();
    ConfigDef def;
    Embed(p->config(), prefix, "Predicates: " + alias, {"type"}, def);
    Append(predicate_rows, def.Validate(config));
    if (HasErrors(predicate_rows, first)) continue;
    ConfigMap props = Strip(config, prefix, {"type"});
    Status st = p->Configure(props);
    if (!st.ok()) {
      predicate_rows[first].errors.push_back(st.message());
      continue;
    }
    predicates[alias] = PredicateSection{info, std::move(props)};
  }

  for (const std::string& alias : UniqueAliases(config, kTransforms)) {
    const std::string prefix = std::string(kTransforms) + "." + alias + ".";
    const size_t first = plan.rows.size();
    const PluginInfo* info =
        ValidateType(config, registry, prefix, alias, PluginType::kTransformation, plan.rows);

    // The implicit keys every transformation has.
    const std::string predicate_key = prefix + "predicate";
    const std::string negate_key = prefix + "negate";
    const bool has_predicate = config.contains(predicate_key);
    auto check_predicate = [&predicate_aliases](std::string_view name, const ConfigValue& v) -> Status {
      const std::string* p = std::get_if<std::string>(&v);
      if (p == nullptr || p->empty()) return Status::OK();
      if (std::find(predicate_aliases.begin(), predicate_aliases.end(), *p) != predicate_aliases.end()) {
        return Status::OK();
      }
      return InvalidValue(name, *p,
                          "Predicate '" + *p + "' is not defined: 'predicates' lists " +
                              (predicate_aliases.empty() ? "none" : Join(predicate_aliases, ", ")));
    };
    auto check_negate = [has_predicate, negate_key, predicate_key](std::string_view,
                                                                   const ConfigValue&) -> Status {
      if (has_predicate) return Status::OK();
      return Status::InvalidArgument("Config '" + negate_key + "' was provided but there is no config '" +
                                     predicate_key + "' defining a predicate to be negated.");
    };
    ConfigDef def;
    def.Define(ConfigKey(predicate_key, ConfigType::kString)
                   .Default("")
                   .Validate(Validator(check_predicate, "a predicate alias"))
                   .Importance(Importance::kMedium)
                   .Doc("The alias of a predicate used to determine whether to apply this transformation."));
    def.Define(ConfigKey(negate_key, ConfigType::kBoolean)
                   .Default("false")
                   .Importance(Importance::kMedium)
                   .Doc("Whether the configured predicate should be negated."));
    std::unique_ptr<Transformation> t = info != nullptr ? info->new_transformation() : nullptr;
    if (t != nullptr)
      Embed(t->config(), prefix, "Transforms: " + alias, {"type", "predicate", "negate"}, def);
    Append(plan.rows, def.Validate(config));
    if (config.contains(negate_key)) {
      Status st = check_negate(negate_key, ConfigValue());
      if (!st.ok()) FindRow(plan.rows, negate_key)->errors.push_back(st.message());
    }
    if (t == nullptr || HasErrors(plan.rows, first)) continue;
    Status st = t->Configure(Strip(config, prefix, {"type", "predicate", "negate"}));
    if (!st.ok()) {
      plan.rows[first].errors.push_back(st.message());
      continue;
    }
    PlannedStage stage{alias, info->class_name, std::move(t), nullptr, {}, false};
    auto pit = config.find(predicate_key);
    std::string predicate_alias = pit == config.end() ? "" : pit->second;
    predicate_alias.erase(0, predicate_alias.find_first_not_of(" \t\r\n"));
    predicate_alias.erase(predicate_alias.find_last_not_of(" \t\r\n") + 1);
    if (!predicate_alias.empty()) {
      auto found = predicates.find(predicate_alias);
      if (found == predicates.end()) continue;  // the predicate's own rows carry the error
      stage.predicate = found->second.info;
      stage.predicate_props = found->second.props;
      Result<ConfigValue> negate = ParseConfigValue(
          negate_key, config.contains(negate_key) ? config.at(negate_key) : "false", ConfigType::kBoolean);
      stage.negate = negate.ok() && std::get<bool>(*negate);
    }
    plan.stages.push_back(std::move(stage));
  }
  Append(plan.rows, std::move(predicate_rows));
  return plan;
}

}  // namespace

Result<TransformationChain> TransformationChain::Build(const ConfigMap& connector_config,
                                                       const PluginRegistry& registry) {
  Plan plan = MakePlan(connector_config, registry);
  std::vector<std::string> errors;
  for (const ConfigValidation& row : plan.rows) {
    for (const std::string& e : row.errors) errors.push_back(e);
  }
  if (!errors.empty()) return Status::InvalidArgument(Join(errors, "; "));
  TransformationChain chain;
  for (PlannedStage& p : plan.stages) {
    Stage s;
    s.alias = std::move(p.alias);
    s.class_name = std::move(p.class_name);
    s.transformation = std::move(p.transformation);
    s.sink_aware = dynamic_cast<transforms::SinkAwareTransformation*>(s.transformation.get());
    if (p.predicate != nullptr) {
      s.predicate = p.predicate->new_predicate();
      RETURN_IF_ERROR(s.predicate->Configure(p.predicate_props));
      s.negate = p.negate;
    }
    chain.stages_.push_back(std::move(s));
  }
  return chain;
}

template <typename R>
Result<bool> TransformationChain::Run(R& record) {
  for (Stage& s : stages_) {
    if (s.predicate != nullptr && s.predicate->Test(record) == s.negate)
      continue;  // runs iff test XOR negate
    Result<bool> keep = [&]() -> Result<bool> {
      if constexpr (std::is_same_v<R, SinkRecord>) {
        if (s.sink_aware != nullptr) return s.sink_aware->ApplyToSink(record);
      }
      return s.transformation->Apply(record);
    }();
    if (!keep.ok()) {
      return keep.status().WithContext("transformation '" + s.alias + "' (" + s.class_name + ")");
    }
    if (!*keep) return false;
  }
  return true;
}

Result<bool> TransformationChain::Apply(ConnectRecord& record) { return Run(record); }
Result<bool> TransformationChain::Apply(SinkRecord& record) { return Run(record); }

std::vector<ConfigValidation> ValidateChainConfig(const ConfigMap& connector_config,
                                                  const PluginRegistry& registry) {
  return MakePlan(connector_config, registry).rows;
}

}  // namespace sluice::connect
