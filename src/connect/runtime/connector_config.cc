// Connector config definitions and validation. See connector_config.h.
#include "connect/runtime/connector_config.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <variant>

#include "connect/transforms/chain.h"

namespace sluice::connect {
namespace {

void DefineCommon(ConfigDef& def) {
  def.Define(ConfigKey("name", ConfigType::kString)
                 .Importance(Importance::kHigh)
                 .Group("Common", 1)
                 .Width(Width::kMedium)
                 .DisplayName("Connector name")
                 .Doc("Globally unique name to use for this connector."));
  def.Define(ConfigKey("connector.class", ConfigType::kString)
                 .Importance(Importance::kHigh)
                 .Group("Common", 2)
                 .Width(Width::kLong)
                 .DisplayName("Connector class")
                 .Doc("Name or alias of the class for this connector."));
  def.Define(ConfigKey("tasks.max", ConfigType::kInt)
                 .Default("1")
                 .Validate(Range::AtLeast(1))
                 .Importance(Importance::kHigh)
                 .Group("Common", 3)
                 .Width(Width::kShort)
                 .DisplayName("Tasks max")
                 .Doc("Maximum number of tasks to use for this connector."));
  def.Define(ConfigKey("key.converter", ConfigType::kClass)
                 .NullDefault()
                 .Importance(Importance::kLow)
                 .Group("Common", 4)
                 .DisplayName("Key converter class")
                 .Doc("Converter of record keys; the worker's when unset."));
  def.Define(ConfigKey("value.converter", ConfigType::kClass)
                 .NullDefault()
                 .Importance(Importance::kLow)
                 .Group("Common", 5)
                 .DisplayName("Value converter class")
                 .Doc("Converter of record values; the worker's when unset."));
  def.Define(ConfigKey("header.converter", ConfigType::kClass)
                 .NullDefault()
                 .Importance(Importance::kLow)
                 .Group("Common", 6)
                 .DisplayName("Header converter class")
                 .Doc("Converter of record headers; the worker's when unset."));
  def.Define(ConfigKey("config.action.reload", ConfigType::kString)
                 .Default("restart")
                 .Validate(ValidString::InIgnoreCase({"none", "restart"}))
                 .Importance(Importance::kLow)
                 .Group("Common", 7)
                 .Doc("What to do when external config providers change."));
  def.Define(ConfigKey("transforms", ConfigType::kList)
                 .Default("")
                 .Importance(Importance::kLow)
                 .Group("Transforms", 1)
                 .DisplayName("Transforms")
                 .Doc("Aliases for the transformations to be applied to records."));
  def.Define(ConfigKey("predicates", ConfigType::kList)
                 .Default("")
                 .Importance(Importance::kLow)
                 .Group("Predicates", 1)
                 .DisplayName("Predicates")
                 .Doc("Aliases for the predicates used by transformations."));
  def.Define(ConfigKey("errors.retry.timeout", ConfigType::kLong)
                 .Default("0")
                 .Validate(Range::AtLeast(-1))
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 1)
                 .Doc("Maximum duration in ms a failed operation is retried; -1 for ever."));
  def.Define(ConfigKey("errors.retry.delay.max.ms", ConfigType::kLong)
                 .Default("60000")
                 .Validate(Range::AtLeast(1))
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 2)
                 .Doc("Maximum ms between consecutive retries."));
  def.Define(ConfigKey("errors.tolerance", ConfigType::kString)
                 .Default("none")
                 .Validate(ValidString::InIgnoreCase({"none", "all"}))
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 3)
                 .Doc("none: an error fails the task; all: problematic records are skipped."));
  def.Define(ConfigKey("errors.log.enable", ConfigType::kBoolean)
                 .Default("false")
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 4)
                 .Doc("Log each error and the failed operation."));
  def.Define(ConfigKey("errors.log.include.messages", ConfigType::kBoolean)
                 .Default("false")
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 5)
                 .Doc("Include the failed record in the log."));
}

ConfigDef BuildCommon() {
  ConfigDef def;
  DefineCommon(def);
  return def;
}

ConfigDef BuildSink() {
  ConfigDef def;
  DefineCommon(def);
  def.Define(ConfigKey("topics", ConfigType::kList)
                 .Default("")
                 .Importance(Importance::kHigh)
                 .Group("Common", 4)
                 .DisplayName("Topics")
                 .Doc("Topics to consume."));
  def.Define(ConfigKey("topics.regex", ConfigType::kString)
                 .Default("")
                 .Importance(Importance::kHigh)
                 .Group("Common", 4)
                 .DisplayName("Topics regex")
                 .Doc("Regular expression of topics to consume."));
  def.Define(ConfigKey("errors.deadletterqueue.topic.name", ConfigType::kString)
                 .Default("")
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 6)
                 .Doc("Topic of records that failed (dead letter queue)."));
  def.Define(ConfigKey("errors.deadletterqueue.topic.replication.factor", ConfigType::kShort)
                 .Default("3")
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 7)
                 .Doc("Replication factor of the dead letter queue topic."));
  def.Define(ConfigKey("errors.deadletterqueue.context.headers.enable", ConfigType::kBoolean)
                 .Default("false")
                 .Importance(Importance::kMedium)
                 .Group("Error Handling", 8)
                 .Doc("Add headers describing the error to dead-lettered records."));
  return def;
}

void AddValidations(ConfigInfos& infos, const ConfigDef& def, const std::vector<ConfigValidation>& values,
                    std::vector<std::string>& seen) {
  for (const ConfigValidation& v : values) {
    if (std::find(seen.begin(), seen.end(), v.name) != seen.end()) continue;
    seen.push_back(v.name);
    ConfigInfoEntry e;
    e.definition = def.FindKey(v.name);
    e.value = v;
    infos.error_count += static_cast<int>(v.errors.size());
    const std::string& group = e.definition ? e.definition->group() : std::string();
    if (!group.empty() && std::find(infos.groups.begin(), infos.groups.end(), group) == infos.groups.end()) {
      infos.groups.push_back(group);
    }
    infos.configs.push_back(std::move(e));
  }
}

ConfigValidation* FindValue(ConfigInfos& infos, std::string_view name) {
  for (auto& c : infos.configs) {
    if (c.value.name == name) return &c.value;
  }
  return nullptr;
}

void AddError(ConfigInfos& infos, std::string_view name, std::string error) {
  ConfigValidation* v = FindValue(infos, name);
  if (v == nullptr) {
    ConfigInfoEntry e;
    e.value.name = std::string(name);
    infos.configs.push_back(std::move(e));
    v = &infos.configs.back().value;
  }
  v->errors.push_back(std::move(error));
  infos.error_count++;
}

std::string Join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

const ConfigDef& ConnectorConfig::CommonDefinition() {
  static const ConfigDef def = BuildCommon();
  return def;
}

const ConfigDef& ConnectorConfig::SinkDefinition() {
  static const ConfigDef def = BuildSink();
  return def;
}

ConfigInfos ValidateConnectorConfig(const ConfigMap& config, const PluginRegistry& plugins) {
  ConfigInfos infos;
  auto cls = config.find("connector.class");
  const PluginInfo* plugin = nullptr;
  if (cls != config.end()) plugin = plugins.Find(cls->second, {PluginType::kSource, PluginType::kSink});
  infos.name = plugin ? plugin->class_name : (cls != config.end() ? cls->second : "");
  bool sink = plugin && plugin->type == PluginType::kSink;
  const ConfigDef& def = sink ? ConnectorConfig::SinkDefinition() : ConnectorConfig::CommonDefinition();
  std::vector<std::string> seen;
  AddValidations(infos, def, def.Validate(config), seen);

  if (cls != config.end() && plugin == nullptr) {
    AddError(
        infos, "connector.class",
        "Failed to find any class that implements Connector and which name matches " + cls->second +
            ", available connectors are: " + Join(plugins.Names({PluginType::kSource, PluginType::kSink})));
  }
  for (const char* conv : {"key.converter", "value.converter", "header.converter"}) {
    auto it = config.find(conv);
    if (it == config.end() || it->second.empty()) continue;
    PluginType t =
        std::string_view(conv) == "header.converter" ? PluginType::kHeaderConverter : PluginType::kConverter;
    if (plugins.Find(it->second, {t}) == nullptr) {
      AddError(infos, conv,
               "Class " + it->second + " could not be found. Known: " + Join(plugins.Names({t})));
    }
  }
  if (sink) {
    auto topics = config.find("topics");
    auto regex = config.find("topics.regex");
    bool has_topics = topics != config.end() && !topics->second.empty();
    bool has_regex = regex != config.end() && !regex->second.empty();
    if (has_topics && has_regex) {
      AddError(infos, "topics", "topics and topics.regex are mutually exclusive options, but both are set.");
    } else if (!has_topics && !has_regex) {
      AddError(infos, "topics", "Must configure one of topics or topics.regex");
    }
    if (has_regex) {
      try {
        std::regex re(regex->second, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        AddError(infos, "topics.regex", std::string("Invalid regex: ") + e.what());
      }
    }
    auto dlq = config.find("errors.deadletterqueue.topic.name");
    if (dlq != config.end() && !dlq->second.empty() && has_topics) {
      // The list alone, so that the check holds whatever else is wrong with the config.
      Result<ConfigValue> list = ParseConfigValue("topics", topics->second, ConfigType::kList);
      const auto* names = list.ok() ? std::get_if<std::vector<std::string>>(&*list) : nullptr;
      if (names != nullptr && std::find(names->begin(), names->end(), dlq->second) != names->end()) {
        AddError(infos, "errors.deadletterqueue.topic.name",
                 "The DLQ topic '" + dlq->second + "' may not be included in the list of topics ('topics=" +
                     topics->second + "') consumed by the connector");
      }
    }
  }
  // Transformations and predicates.
  for (ConfigValidation& v : ValidateChainConfig(config, plugins)) {
    for (std::string& e : v.errors) AddError(infos, v.name, std::move(e));
  }
  // The connector's own keys.
  if (plugin != nullptr && plugin->new_connector) {
    std::unique_ptr<Connector> connector = plugin->new_connector();
    const ConfigDef& own = connector->config();
    std::vector<ConfigValidation> values = connector->Validate(config);
    for (const ConfigValidation& v : values) {
      if (def.FindKey(v.name) != nullptr) continue;
      ConfigInfoEntry e;
      e.definition = own.FindKey(v.name);
      e.value = v;
      infos.error_count += static_cast<int>(v.errors.size());
      if (e.definition && !e.definition->group().empty() &&
          std::find(infos.groups.begin(), infos.groups.end(), e.definition->group()) == infos.groups.end()) {
        infos.groups.push_back(e.definition->group());
      }
      infos.configs.push_back(std::move(e));
    }
  }
  return infos;
}

std::string DescribeValidationErrors(const ConfigInfos& infos) {
  std::string msg = "Connector configuration is invalid and contains the following " +
                    std::to_string(infos.error_count) + " error(s):";
  for (const ConfigInfoEntry& c : infos.configs) {
    for (const std::string& e : c.value.errors) msg += "\n" + e;
  }
  msg +=
      "\nYou can also find the above list of errors at the endpoint "
      "`/connector-plugins/{connectorType}/config/validate`";
  return msg;
}

Result<ConnectorConfig> ConnectorConfig::Parse(const ConfigMap& config, const PluginRegistry& plugins) {
  ConnectorConfig c;
  auto cls = config.find("connector.class");
  if (cls == config.end()) return Status::InvalidArgument("Connector config contains no connector type");
  c.plugin = plugins.Find(cls->second, {PluginType::kSource, PluginType::kSink});
  if (c.plugin == nullptr)
    return Status::InvalidArgument(
        "Failed to find any class that implements Connector and which name matches " + cls->second);
  c.connector_class = c.plugin->class_name;
  bool sink = c.plugin->type == PluginType::kSink;
  ASSIGN_OR_RETURN(ParsedConfig p, (sink ? SinkDefinition() : CommonDefinition()).Parse(config));
  c.name = p.GetString("name");
  c.tasks_max = p.GetInt("tasks.max");
  if (!p.IsNull("key.converter")) c.key_converter = p.GetString("key.converter");
  if (!p.IsNull("value.converter")) c.value_converter = p.GetString("value.converter");
  if (!p.IsNull("header.converter")) c.header_converter = p.GetString("header.converter");
  c.errors_retry_timeout_ms = p.GetLong("errors.retry.timeout");
  c.errors_retry_delay_max_ms = p.GetLong("errors.retry.delay.max.ms");
  std::string tol = p.GetString("errors.tolerance");
  // Validated as none|all in any case (Kafka's CaseInsensitiveValidString).
  c.errors_tolerance_all = tol.size() == 3 && std::tolower(static_cast<unsigned char>(tol[0])) == 'a' &&
                           std::tolower(static_cast<unsigned char>(tol[1])) == 'l' &&
                           std::tolower(static_cast<unsigned char>(tol[2])) == 'l';
  c.errors_log_enable = p.GetBool("errors.log.enable");
  c.errors_log_include_messages = p.GetBool("errors.log.include.messages");
  if (sink) {
    c.topics = p.GetList("topics");
    c.topics_regex = p.GetString("topics.regex");
    c.dlq_topic = p.GetString("errors.deadletterqueue.topic.name");
    c.dlq_replication_factor = p.GetShort("errors.deadletterqueue.topic.replication.factor");
    c.dlq_context_headers = p.GetBool("errors.deadletterqueue.context.headers.enable");
  }
  return c;
}

}  // namespace sluice::connect
