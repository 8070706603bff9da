// Config value parsing and validators, following Kafka's ConfigDef. Thread-safety: see config_value.h.
#include "base/config_value.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace sluice {
namespace {

// Concatenation without operator+(const char*, std::string&&), which trips GCC 12's -Wrestrict.
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

// Java's String.trim: drops chars <= ' ' at both ends.
std::string_view JavaTrim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToUpper(a[i]) != ToUpper(b[i])) return false;
  }
  return true;
}

// Java regex \s.
bool IsJavaSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

// Integer.parseInt / Long.parseLong / Short.parseShort: optional sign, ASCII digits, in range.
std::optional<int64_t> ParseJavaInteger(std::string_view s, int64_t min, int64_t max) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) return std::nullopt;
  }
  if (s.empty() || s == "-") return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

// Double.parseDouble: sign, decimal or hex (0x..p..) float, NaN, Infinity, optional f/F/d/D suffix.
std::optional<double> ParseJavaDouble(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  double v = 0;
  if (s == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (s == "Infinity") {
    v = std::numeric_limits<double>::infinity();
  } else {
    if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D')) {
      s.remove_suffix(1);
    }
    auto fmt = std::chars_format::general;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      s.remove_prefix(2);
      fmt = std::chars_format::hex;
      if (s.find_first_of("pP") == std::string_view::npos) return std::nullopt;  // Java needs the exponent
    }
    if (s.empty() || !(std::isxdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return std::nullopt;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, fmt);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  }
  return negative ? -v : v;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string BoundToString(bool integral, int64_t i, double d) {
  return integral ? std::to_string(i) : JavaDoubleToString(d);
}

}  // namespace

std::string_view TypeName(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kShort:
      return "SHORT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
  }
  return "UNKNOWN";
}

std::string ConfigValueToString(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return JavaDoubleToString(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& l) const { return Cat({"[", Join(l, ", "), "]"}); }
    std::string operator()(const Password& p) const { return p.ToString(); }
  };
  return std::visit(Visitor{}, value);
}

std::optional<std::string> ConfigValueToConfigString(const ConfigValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) return Join(*list, ",");
  return ConfigValueToString(value);
}

Status InvalidValue(std::string_view name, std::string_view value, std::string_view reason) {
  std::string msg = "Invalid value ";
  msg += value;
  msg += " for configuration ";
  msg += name;
  if (!reason.empty()) {
    msg += ": ";
    msg += reason;
  }
  return Status::InvalidArgument(msg);
}

Result<ConfigValue> ParseConfigValue(std::string_view name, std::string_view text, ConfigType type) {
  std::string_view trimmed = JavaTrim(text);
  auto not_a_number = [&] {
    return InvalidValue(name, text, Cat({"Not a number of type ", TypeName(type)}));
  };
  switch (type) {
    case ConfigType::kBoolean:
      if (EqualsIgnoreCase(trimmed, "true")) return ConfigValue(true);
      if (EqualsIgnoreCase(trimmed, "false")) return ConfigValue(false);
      return InvalidValue(name, text, "Expected value to be either true or false");
    case ConfigType::kPassword:
      return ConfigValue(Password(std::string(trimmed)));
    case ConfigType::kString:
    case ConfigType::kClass:
      return ConfigValue(std::string(trimmed));
    case ConfigType::kInt:
    case ConfigType::kShort:
    case ConfigType::kLong: {
      int64_t min = std::numeric_limits<int64_t>::min();
      int64_t max = std::numeric_limits<int64_t>::max();
      if (type == ConfigType::kInt) {
        min = std::numeric_limits<int32_t>::min();
        max = std::numeric_limits<int32_t>::max();
      } else if (type == ConfigType::kShort) {
        min = std::numeric_limits<int16_t>::min();
        max = std::numeric_limits<int16_t>::max();
      }
      std::optional<int64_t> v = ParseJavaInteger(trimmed, min, max);
      if (!v) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kDouble: {
      std::optional<double> v = ParseJavaDouble(trimmed);
      if (!v) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kList: {
      std::vector<std::string> items;
      if (trimmed.empty()) return ConfigValue(items);
      // Java: trimmed.split("\\s*,\\s*", -1).
      size_t start = 0;
      while (true) {
        size_t comma = trimmed.find(',', start);
        std::string_view item =
            trimmed.substr(start, comma == std::string_view::npos ? comma : comma - start);
        while (!item.empty() && IsJavaSpace(item.front()) && start > 0) item.remove_prefix(1);
        if (comma != std::string_view::npos) {
          while (!item.empty() && IsJavaSpace(item.back())) item.remove_suffix(1);
        }
        items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return ConfigValue(std::move(items));
    }
  }
  return Status::Internal("unknown config type");
}

Validator Range::Make(std::optional<Bound> min, std::optional<Bound> max) {
  std::string desc;
  if (min && max) {
    desc = Cat({"[", BoundToString(min->integral, min->i, min->d), ",...,",
                BoundToString(max->integral, max->i, max->d), "]"});
  } else if (min) {
    desc = Cat({"[", BoundToString(min->integral, min->i, min->d), ",...]"});
  } else if (max) {
    desc = Cat({"[...,", BoundToString(max->integral, max->i, max->d), "]"});
  } else {
    desc = "[...]";
  }
  auto fn = [min, max](std::string_view name, const ConfigValue& value) -> Status {
    const int64_t* iv = std::get_if<int64_t>(&value);
    const double* dv = std::get_if<double>(&value);
    if (iv == nullptr && dv == nullptr) return InvalidValue(name, "null", "Value must be non-null");
    // <0: value below bound, 0: equal, >0: above.
    auto compare = [&](const Bound& b) -> int {
      if (iv != nullptr && b.integral) return *iv < b.i ? -1 : (*iv > b.i ? 1 : 0);
      double x = iv != nullptr ? static_cast<double>(*iv) : *dv;
      return x < b.d ? -1 : (x > b.d ? 1 : 0);
    };
    if (min && compare(*min) < 0) {
      return InvalidValue(name, ConfigValueToString(value),
                          Cat({"Value must be at least ", BoundToString(min->integral, min->i, min->d)}));
    }
    if (max && compare(*max) > 0) {
      return InvalidValue(name, ConfigValueToString(value),
                          Cat({"Value must be no more than ", BoundToString(max->integral, max->i, max->d)}));
    }
    return Status::OK();
  };
  return Validator(std::move(fn), std::move(desc));
}

Validator ValidString::In(std::vector<std::string> options) {
  std::string joined = Join(options, ", ");
  auto fn = [options, joined](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s != nullptr) {
      for (const std::string& o : options) {
        if (*s == o) return Status::OK();
      }
    }
    return InvalidValue(name, ConfigValueToString(value), Cat({"String must be one of: ", joined}));
  };
  return Validator(std::move(fn), Cat({"[", joined, "]"}));
}

Validator ValidString::InIgnoreCase(std::vector<std::string> options) {
  std::string joined = Join(options, ", ");
  auto fn = [options, joined](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s != nullptr) {
      for (const std::string& o : options) {
        if (EqualsIgnoreCase(*s, o)) return Status::OK();
      }
    }
    return InvalidValue(name, ConfigValueToString(value),
                        Cat({"String must be one of (case insensitive): ", joined}));
  };
  return Validator(std::move(fn), Cat({"(case insensitive) [", joined, "]"}));
}

Validator ValidList::In(std::vector<std::string> options) {
  Validator each = ValidString::In(options);
  auto fn = [each](std::string_view name, const ConfigValue& value) -> Status {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr) return Status::OK();
    for (const std::string& item : *list) RETURN_IF_ERROR(each.Check(name, ConfigValue(item)));
    return Status::OK();
  };
  return Validator(std::move(fn), each.description());
}

Validator NonEmptyString() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr) return InvalidValue(name, "null", "entry must be non null");
    if (s->empty()) return InvalidValue(name, "", "String must be non-empty");
    return Status::OK();
  };
  return Validator(std::move(fn), "non-empty string");
}

Validator NonEmptyStringWithoutControlChars() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr) return InvalidValue(name, "null", "entry must be non null");
    if (s->empty()) return InvalidValue(name, "", "String may not be empty");
    std::vector<std::string> found;
    for (char c : *s) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) found.push_back(std::to_string(u));  // ISO control chars (ASCII part)
    }
    if (!found.empty()) {
      return InvalidValue(
          name, *s,
          "String may not contain control sequences but had the following ASCII chars: " + Join(found, ", "));
    }
    return Status::OK();
  };
  return Validator(std::move(fn), "non-empty string without ISO control characters");
}

Validator NonNull() {
  auto fn = [](std::string_view name, const ConfigValue& value) -> Status {
    if (std::holds_alternative<std::monostate>(value))
      return InvalidValue(name, "null", "entry must be non null");
    return Status::OK();
  };
  return Validator(std::move(fn), "non-null string");
}

Validator All(std::vector<Validator> validators) {
  std::vector<std::string> descs;
  for (const Validator& v : validators) {
    if (!v.description().empty()) descs.push_back(v.description());
  }
  auto fn = [validators](std::string_view name, const ConfigValue& value) -> Status {
    for (const Validator& v : validators) RETURN_IF_ERROR(v.Check(name, value));
    return Status::OK();
  };
  return Validator(std::move(fn), Join(descs, ", "));
}

}  // namespace sluice
