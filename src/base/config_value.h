// Config value types and validators for ConfigDef (config_def.h), following Kafka's ConfigDef:
// ConfigType, Password (prints as [hidden]), ConfigValue (a parsed value), ParseConfigValue (Kafka's
// parseType, with its error wording) and the stock validators Range, ValidString, ValidList,
// NonEmptyString, NonEmptyStringWithoutControlChars, NonNull and All (composite). A custom validator is
// Validator(fn, description); fn should build errors with InvalidValue().
//
// Thread-safety: all types are values; const objects may be shared between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/java_number.h"  // JavaDoubleToString: how DOUBLE values print
#include "base/status.h"

namespace sluice {

enum class ConfigType { kBoolean, kString, kInt, kShort, kLong, kDouble, kList, kClass, kPassword };

// Kafka's upper-case type name: "BOOLEAN", "STRING", "INT", ...
std::string_view TypeName(ConfigType type);

// A secret. Never printed: ToString (and ConfigValueToString) give "[hidden]".
class Password {
 public:
  static constexpr std::string_view kHidden = "[hidden]";
  Password() = default;
  explicit Password(std::string value) : value_(std::move(value)) {}
  const std::string& value() const { return value_; }
  std::string ToString() const { return std::string(kHidden); }
  friend bool operator==(const Password& a, const Password& b) { return a.value_ == b.value_; }

 private:
  std::string value_;
};

// A parsed value: null, BOOLEAN, INT/SHORT/LONG (as int64_t), DOUBLE, STRING/CLASS, LIST or PASSWORD.
using ConfigValue =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>, Password>;

// Java's toString of the value: null, true, 42, 1.5, 1.0E10, text, [a, b], [hidden].
std::string ConfigValueToString(const ConfigValue& value);
// Kafka's ConfigDef.convertToString: like ConfigValueToString but lists are "a,b"; nullopt for null.
std::optional<std::string> ConfigValueToConfigString(const ConfigValue& value);

// Kafka's ConfigDef.parseType: trims `text` (Java String.trim) and converts it. Errors are
// InvalidArgument with Kafka's message, e.g. "Invalid value abc for configuration x: Not a number of
// type INT".
Result<ConfigValue> ParseConfigValue(std::string_view name, std::string_view text, ConfigType type);

// InvalidArgument "Invalid value <value> for configuration <name>: <reason>" (Kafka's ConfigException).
Status InvalidValue(std::string_view name, std::string_view value, std::string_view reason);

class Validator {
 public:
  // Returns OK or an InvalidArgument (build it with InvalidValue).
  using Fn = std::function<Status(std::string_view name, const ConfigValue& value)>;

  Validator() = default;  // accepts everything
  Validator(Fn fn, std::string description) : fn_(std::move(fn)), description_(std::move(description)) {}

  explicit operator bool() const { return static_cast<bool>(fn_); }
  Status Check(std::string_view name, const ConfigValue& value) const {
    return fn_ ? fn_(name, value) : Status::OK();
  }
  // What is valid, as in Kafka's docs: "[1,...]", "[a, b]", "non-empty string". Empty for none.
  const std::string& description() const { return description_; }

 private:
  Fn fn_;
  std::string description_;
};

// Numeric bounds (inclusive). Accepts int64 or double values; null fails with "Value must be non-null".
class Range {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  static Validator AtLeast(T min) { return Make(ToBound(min), std::nullopt); }
  template <typename T>
  requires std::is_arithmetic_v<T>
  static Validator Between(T min, T max) { return Make(ToBound(min), ToBound(max)); }

 private:
  struct Bound {
    bool integral;
    int64_t i;
    double d;
  };
  template <typename T>
  static Bound ToBound(T v) {
    if constexpr (std::is_integral_v<T>) return Bound{true, static_cast<int64_t>(v), static_cast<double>(v)};
    return Bound{false, 0, static_cast<double>(v)};
  }
  static Validator Make(std::optional<Bound> min, std::optional<Bound> max);
};

class ValidString {
 public:
  // The value must equal one of `options` ("String must be one of: a, b").
  static Validator In(std::vector<std::string> options);
  // The same ignoring ASCII case ("String must be one of (case insensitive): a, b").
  static Validator InIgnoreCase(std::vector<std::string> options);
};

class ValidList {
 public:
  // Every element of a LIST must be one of `options`; null and empty lists pass.
  static Validator In(std::vector<std::string> options);
};

// Non-null, non-empty string ("String must be non-empty").
Validator NonEmptyString();
// Non-empty and without ISO control characters (Connect's connector names).
Validator NonEmptyStringWithoutControlChars();
// Any non-null value ("entry must be non null").
Validator NonNull();
// All validators in order; the first error wins.
Validator All(std::vector<Validator> validators);

}  // namespace sluice
