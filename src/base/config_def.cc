// ConfigDef, ConfigKey and ParsedConfig. Thread-safety: see config_def.h.
#include "base/config_def.h"

#include <cassert>

#include "base/logging.h"

namespace sluice {
namespace {

std::string MissingRequired(std::string_view name) {
  return "Missing required configuration \"" + std::string(name) + "\" which has no default value.";
}

std::string LowerTypeName(ConfigType type) {
  std::string s(TypeName(type));
  for (char& c : s) c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string EscapeCell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string_view ImportanceName(Importance importance) {
  switch (importance) {
    case Importance::kHigh:
      return "HIGH";
    case Importance::kMedium:
      return "MEDIUM";
    case Importance::kLow:
      return "LOW";
  }
  return "UNKNOWN";
}

// ---- ParsedConfig ----

const ConfigValue& ParsedConfig::Lookup(std::string_view name, ConfigType a, ConfigType b) const {
  static const ConfigValue kNull;
  auto t = types_.find(name);
  if (t == types_.end() || (t->second != a && t->second != b)) {
    assert(false && "ParsedConfig getter: undefined key or wrong type");
    return kNull;
  }
  return values_.find(name)->second;
}

int32_t ParsedConfig::GetInt(std::string_view name) const {
  const auto* v = std::get_if<int64_t>(&Lookup(name, ConfigType::kInt, ConfigType::kInt));
  return v ? static_cast<int32_t>(*v) : 0;
}

int16_t ParsedConfig::GetShort(std::string_view name) const {
  const auto* v = std::get_if<int64_t>(&Lookup(name, ConfigType::kShort, ConfigType::kShort));
  return v ? static_cast<int16_t>(*v) : 0;
}

int64_t ParsedConfig::GetLong(std::string_view name) const {
  const auto* v = std::get_if<int64_t>(&Lookup(name, ConfigType::kLong, ConfigType::kLong));
  return v ? *v : 0;
}

double ParsedConfig::GetDouble(std::string_view name) const {
  const auto* v = std::get_if<double>(&Lookup(name, ConfigType::kDouble, ConfigType::kDouble));
  return v ? *v : 0.0;
}

bool ParsedConfig::GetBool(std::string_view name) const {
  const auto* v = std::get_if<bool>(&Lookup(name, ConfigType::kBoolean, ConfigType::kBoolean));
  return v ? *v : false;
}

const std::string& ParsedConfig::GetString(std::string_view name) const {
  static const std::string kEmpty;
  const auto* v = std::get_if<std::string>(&Lookup(name, ConfigType::kString, ConfigType::kClass));
  return v ? *v : kEmpty;
}

const std::vector<std::string>& ParsedConfig::GetList(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  const auto* v = std::get_if<std::vector<std::string>>(&Lookup(name, ConfigType::kList, ConfigType::kList));
  return v ? *v : kEmpty;
}

const Password& ParsedConfig::GetPassword(std::string_view name) const {
  static const Password kEmpty;
  const auto* v = std::get_if<Password>(&Lookup(name, ConfigType::kPassword, ConfigType::kPassword));
  return v ? *v : kEmpty;
}

bool ParsedConfig::IsNull(std::string_view name) const {
  const ConfigValue* v = Find(name);
  return v == nullptr || std::holds_alternative<std::monostate>(*v);
}

const ConfigValue* ParsedConfig::Find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

void ParsedConfig::LogUnknownKeysOnce(std::string_view component) const {
  for (const std::string& key : unknown_keys_) {
    std::string once_key = "unknown-config:" + std::string(component) + ":" + key;
    LOG_ONCE(::spdlog::level::warn, once_key,
             "{}: the configuration '{}' was supplied but isn't a known config.", component, key);
  }
}

std::string ParsedConfig::ToString() const {
  std::string out;
  for (const auto& [name, value] : values_) {  // std::map: sorted by name
    out += '\t';
    out += name;
    out += " = ";
    out += ConfigValueToString(value);
    out += '\n';
  }
  return out;
}

// ---- ConfigDef ----

ConfigDef& ConfigDef::Define(ConfigKey key) {
  if (!status_.ok()) return *this;
  const std::string& name = key.name();
  if (index_.count(name) != 0) {
    status_ = Status::Internal("Configuration " + name + " is defined twice.");
    return *this;
  }
  ConfigValue def;
  if (key.default_text()) {
    Result<ConfigValue> parsed = ParseConfigValue(name, *key.default_text(), key.type());
    if (!parsed.ok()) {
      status_ = Status::Internal("bad default: " + parsed.status().message());
      return *this;
    }
    def = std::move(parsed).value();
  }
  if (!key.required()) {  // like Kafka, a default (even null) must pass the validator
    Status s = key.validator().Check(name, def);
    if (!s.ok()) {
      status_ = Status::Internal("bad default: " + s.message());
      return *this;
    }
  }
  index_.emplace(name, keys_.size());
  keys_.push_back(std::move(key));
  defaults_.push_back(std::move(def));
  return *this;
}

ConfigDef& ConfigDef::Define(std::string name, ConfigType type, std::string default_value,
                             Importance importance, std::string doc) {
  return Define(ConfigKey(std::move(name), type)
                    .Default(std::move(default_value))
                    .Importance(importance)
                    .Doc(std::move(doc)));
}

ConfigDef& ConfigDef::Define(std::string name, ConfigType type, std::string default_value,
                             Validator validator, Importance importance, std::string doc) {
  return Define(ConfigKey(std::move(name), type)
                    .Default(std::move(default_value))
                    .Validate(std::move(validator))
                    .Importance(importance)
                    .Doc(std::move(doc)));
}

ConfigDef& ConfigDef::DefineRequired(std::string name, ConfigType type, Importance importance,
                                     std::string doc) {
  return Define(ConfigKey(std::move(name), type).Importance(importance).Doc(std::move(doc)));
}

const ConfigKey* ConfigDef::FindKey(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

Result<ParsedConfig> ConfigDef::Parse(const Properties& props) const {
  if (!status_.ok()) return status_;
  ParsedConfig out;
  for (size_t i = 0; i < keys_.size(); ++i) {
    const ConfigKey& key = keys_[i];
    ConfigValue value;
    if (const std::string* raw = props.Find(key.name())) {
      ASSIGN_OR_RETURN(value, ParseConfigValue(key.name(), *raw, key.type()));
    } else if (key.required()) {
      return Status::InvalidArgument(MissingRequired(key.name()));
    } else {
      value = defaults_[i];
    }
    RETURN_IF_ERROR(key.validator().Check(key.name(), value));
    out.values_.emplace(key.name(), std::move(value));
    out.types_.emplace(key.name(), key.type());
  }
  out.originals_ = props;
  out.unknown_keys_ = UnknownKeys(props);
  return out;
}

Result<ParsedConfig> ConfigDef::Parse(const std::map<std::string, std::string>& props) const {
  return Parse(Properties::FromMap(props));
}

std::vector<ConfigValidation> ConfigDef::Validate(const Properties& props) const {
  std::vector<ConfigValidation> out;
  out.reserve(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    const ConfigKey& key = keys_[i];
    ConfigValidation row{key.name(), std::nullopt, {}};
    if (!status_.ok()) row.errors.push_back(status_.message());
    std::optional<ConfigValue> value;
    if (const std::string* raw = props.Find(key.name())) {
      Result<ConfigValue> parsed = ParseConfigValue(key.name(), *raw, key.type());
      if (parsed.ok()) {
        value = std::move(parsed).value();
      } else {
        row.errors.push_back(parsed.status().message());
        if (key.type() != ConfigType::kPassword) row.value = *raw;
      }
    } else if (key.required()) {
      row.errors.push_back(MissingRequired(key.name()));
    } else {
      value = defaults_[i];
    }
    if (value) {
      Status s = key.validator().Check(key.name(), *value);
      if (!s.ok()) row.errors.push_back(s.message());
      row.value = ConfigValueToConfigString(*value);
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<ConfigValidation> ConfigDef::Validate(const std::map<std::string, std::string>& props) const {
  return Validate(Properties::FromMap(props));
}

std::vector<std::string> ConfigDef::UnknownKeys(const Properties& props) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : props) {
    if (index_.find(k) == index_.end()) out.push_back(k);
  }
  return out;
}

std::string ConfigDef::ToMarkdownTable() const {
  std::string out = "| Name | Description | Type | Default | Valid Values | Importance |\n";
  out += "|------|-------------|------|---------|--------------|------------|\n";
  for (size_t i = 0; i < keys_.size(); ++i) {
    const ConfigKey& key = keys_[i];
    std::string def;
    if (!key.required()) {
      std::optional<std::string> text = ConfigValueToConfigString(defaults_[i]);
      def = !text ? "null" : text->empty() ? "\"\"" : *text;
    }
    std::string importance(ImportanceName(key.importance()));
    for (char& c : importance) c = static_cast<char>(c - 'A' + 'a');
    out += "| " + EscapeCell(key.name()) + " | " + EscapeCell(key.doc()) + " | " + LowerTypeName(key.type()) +
           " | " + EscapeCell(def) + " | " + EscapeCell(key.validator().description()) + " | " + importance +
           " |\n";
  }
  return out;
}

}  // namespace sluice
