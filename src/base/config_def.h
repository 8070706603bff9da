// Typed configuration definitions in the spirit of Kafka's ConfigDef: each key has a name, a type, a
// default (or none: required), a validator, an importance, documentation and optional UI metadata
// (group, order, width, display name, dependents) for Connect's config/validate endpoint.
//
// Parsing follows Kafka: values are trimmed (String.trim) for every type, STRING included; BOOLEAN is
// true/false in any case; INT/SHORT/LONG must fit 32/16/64 bits; LIST splits on commas with the
// whitespace around them dropped (an empty value is an empty list); durations are plain LONG ms.
// Errors use Kafka's wording, e.g.
//   Invalid value abc for configuration num.partitions: Not a number of type INT
//   Invalid value 0 for configuration num.partitions: Value must be at least 1
//   Missing required configuration "bootstrap.servers" which has no default value.
//
//   ConfigDef def;
//   def.Define(ConfigKey("num.partitions", ConfigType::kInt).Default("1").Validate(Range::AtLeast(1))
//                  .Importance(Importance::kMedium).Doc("Default partitions per topic."));
//   ASSIGN_OR_RETURN(ParsedConfig cfg, def.Parse(props));
//   int32_t n = cfg.GetInt("num.partitions");
//
// Thread-safety: a ConfigDef must not be mutated while in use; const ConfigDef and ParsedConfig objects
// may be shared between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config_value.h"
#include "base/properties.h"
#include "base/status.h"

namespace sluice {

enum class Importance { kHigh, kMedium, kLow };
enum class Width { kNone, kShort, kMedium, kLong };
std::string_view ImportanceName(Importance importance);  // "HIGH", "MEDIUM", "LOW"

// One definition; built with chained setters.
class ConfigKey {
 public:
  ConfigKey(std::string name, ConfigType type) : name_(std::move(name)), type_(type) {}

  // Default given as it would be written in a .properties file ("1", "true", "a,b", "").
  ConfigKey& Default(std::string value) {
    default_ = std::move(value);
    has_default_ = true;
    return *this;
  }
  // The default is null (no value): IsNull is true, GetString returns "".
  ConfigKey& NullDefault() {
    default_.reset();
    has_default_ = true;
    return *this;
  }
  ConfigKey& Validate(Validator v) {
    validator_ = std::move(v);
    return *this;
  }
  ConfigKey& Importance(sluice::Importance i) {
    importance_ = i;
    return *this;
  }
  ConfigKey& Doc(std::string doc) {
    doc_ = std::move(doc);
    return *this;
  }
  ConfigKey& Group(std::string group, int order_in_group = -1) {
    group_ = std::move(group);
    order_in_group_ = order_in_group;
    return *this;
  }
  ConfigKey& Width(sluice::Width w) {
    width_ = w;
    return *this;
  }
  ConfigKey& DisplayName(std::string s) {
    display_name_ = std::move(s);
    return *this;
  }
  // Keys whose validity depends on this one (Connect's config/validate recommender support).
  ConfigKey& Dependents(std::vector<std::string> d) {
    dependents_ = std::move(d);
    return *this;
  }

  const std::string& name() const { return name_; }
  ConfigType type() const { return type_; }
  bool required() const { return !has_default_; }
  // The default text; nullopt for required keys and null defaults.
  const std::optional<std::string>& default_text() const { return default_; }
  const Validator& validator() const { return validator_; }
  sluice::Importance importance() const { return importance_; }
  const std::string& doc() const { return doc_; }
  const std::string& group() const { return group_; }
  int order_in_group() const { return order_in_group_; }
  sluice::Width width() const { return width_; }
  // The display name, or the key name when none was set.
  const std::string& display_name() const { return display_name_.empty() ? name_ : display_name_; }
  const std::vector<std::string>& dependents() const { return dependents_; }

 private:
  std::string name_;
  ConfigType type_;
  bool has_default_ = false;
  std::optional<std::string> default_;
  Validator validator_;
  sluice::Importance importance_ = sluice::Importance::kMedium;
  std::string doc_;
  std::string group_;
  int order_in_group_ = -1;
  sluice::Width width_ = sluice::Width::kNone;
  std::string display_name_;
  std::vector<std::string> dependents_;
};

// Typed values of one parse. Getters REQUIRE the key to be defined with a matching type (asserted in
// debug builds; release builds return a zero value).
class ParsedConfig {
 public:
  int32_t GetInt(std::string_view name) const;
  int16_t GetShort(std::string_view name) const;
  int64_t GetLong(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // STRING or CLASS; "" when null.
  const std::string& GetString(std::string_view name) const;
  const std::vector<std::string>& GetList(std::string_view name) const;
  // Null passwords read as an empty Password.
  const Password& GetPassword(std::string_view name) const;
  bool IsNull(std::string_view name) const;
  // True if the caller supplied the key (false when the default was used).
  bool WasSet(std::string_view name) const { return originals_.Contains(name); }
  // nullptr for undefined keys.
  const ConfigValue* Find(std::string_view name) const;

  // Everything the caller supplied, defined or not.
  const Properties& originals() const { return originals_; }
  // Supplied keys that are not defined, in input order.
  const std::vector<std::string>& unknown_keys() const { return unknown_keys_; }
  // Warns once per process for each unknown key: "The configuration 'x' was supplied but isn't a known
  // config." `component` (e.g. "broker", a connector name) scopes the once-key.
  void LogUnknownKeysOnce(std::string_view component) const;
  // "\tname = value\n" per defined key, sorted by name, passwords as [hidden] (like Kafka's startup log).
  std::string ToString() const;

 private:
  friend class ConfigDef;
  const ConfigValue& Lookup(std::string_view name, ConfigType a, ConfigType b) const;

  std::map<std::string, ConfigValue, std::less<>> values_;
  std::map<std::string, ConfigType, std::less<>> types_;
  Properties originals_;
  std::vector<std::string> unknown_keys_;
};

// One row of Validate: the value (as text; passwords [hidden]; nullopt for null) and its errors.
struct ConfigValidation {
  std::string name;
  std::optional<std::string> value;
  std::vector<std::string> errors;
};

class ConfigDef {
 public:
  // Adds a key. A duplicate name or an invalid default makes the definition broken: status() is then
  // an Internal error and Parse/Validate return it.
  ConfigDef& Define(ConfigKey key);
  // Kafka-style shorthands.
  ConfigDef& Define(std::string name, ConfigType type, std::string default_value, Importance importance,
                    std::string doc);
  ConfigDef& Define(std::string name, ConfigType type, std::string default_value, Validator validator,
                    Importance importance, std::string doc);
  ConfigDef& DefineRequired(std::string name, ConfigType type, Importance importance, std::string doc);

  const Status& status() const { return status_; }
  // Keys in definition order.
  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* FindKey(std::string_view name) const;

  // Parses and validates all defined keys; the first failure (in definition order) is returned as
  // InvalidArgument with Kafka's message.
  Result<ParsedConfig> Parse(const Properties& props) const;
  Result<ParsedConfig> Parse(const std::map<std::string, std::string>& props) const;

  // Checks every defined key and reports all errors at once, in definition order (for Connect's
  // config/validate). A key that fails to parse or is missing is not passed to its validator.
  std::vector<ConfigValidation> Validate(const Properties& props) const;
  std::vector<ConfigValidation> Validate(const std::map<std::string, std::string>& props) const;

  // Supplied keys that are not defined, in input order.
  std::vector<std::string> UnknownKeys(const Properties& props) const;

  // A Markdown table: Name | Description | Type | Default | Valid Values | Importance.
  std::string ToMarkdownTable() const;

 private:
  std::vector<ConfigKey> keys_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<ConfigValue> defaults_;  // parsed defaults, parallel to keys_
  Status status_;
};

}  // namespace sluice
