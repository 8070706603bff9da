// Java-flavoured regex over std::regex. See java_regex.h.
#include "connect/transforms/java_regex.h"

#include <cctype>

namespace sluice::connect::transforms {
namespace {

struct Translated {
  std::string ecma;
  std::vector<std::pair<std::string, size_t>> names;
  bool icase = false;
};

// Rewrites the Java-only syntax we support: a leading (?i) and named groups (?<name>...).
Result<Translated> Translate(std::string_view p) {
  Translated t;
  if (p.substr(0, 4) == "(?i)") {
    t.icase = true;
    p.remove_prefix(4);
  }
  size_t group = 0;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      t.ecma += c;
      if (i + 1 < p.size()) t.ecma += p[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      t.ecma += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      t.ecma += c;
      if (i + 1 < p.size() && p[i + 1] == '^') t.ecma += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') t.ecma += p[++i];  // a leading ']' is literal
      continue;
    }
    if (c == '(') {
      if (p.substr(i, 3) == "(?<" && i + 3 < p.size() && std::isalpha(static_cast<unsigned char>(p[i + 3]))) {
        size_t end = p.find('>', i + 3);
        if (end == std::string_view::npos)
          return Status::InvalidArgument("named capturing group is missing trailing '>'");
        t.names.emplace_back(std::string(p.substr(i + 3, end - i - 3)), ++group);
        t.ecma += '(';
        i = end;
        continue;
      }
      if (p.substr(i, 3) == "(?<") {
        return Status::InvalidArgument("lookbehind is not supported");
      }
      if (i + 1 >= p.size() || p[i + 1] != '?') ++group;
    }
    t.ecma += c;
  }
  return t;
}

}  // namespace

Result<JavaRegex> JavaRegex::Compile(std::string_view pattern) {
  ASSIGN_OR_RETURN(Translated t, Translate(pattern));
  JavaRegex r;
  r.pattern_ = std::string(pattern);
  auto flags = std::regex::ECMAScript;
  if (t.icase) flags |= std::regex::icase;
  try {
    r.re_ = std::make_shared<const std::regex>(t.ecma, flags);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(e.what());
  }
  r.names_ = std::move(t.names);
  r.groups_ = r.re_->mark_count();
  return r;
}

bool JavaRegex::Matches(std::string_view text) const {
  try {
    return std::regex_match(text.begin(), text.end(), *re_);
  } catch (const std::regex_error&) {  // e.g. error_complexity
    return false;
  }
}

Result<std::string> JavaRegex::Expand(std::string_view text, const Groups* groups,
                                      std::string_view replacement) const {
  std::string out;
  auto append_group = [&](size_t g) {
    if (groups == nullptr) return;
    const auto& [b, e] = (*groups)[g];
    if (b != std::string::npos) out += text.substr(b, e - b);
  };
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c == '\\') {
      if (++i >= replacement.size()) return Status::InvalidArgument("character to be escaped is missing");
      out += replacement[i];
      continue;
    }
    if (c != '$') {
      out += c;
      continue;
    }
    if (++i >= replacement.size()) {
      return Status::InvalidArgument("Illegal group reference: group index is missing");
    }
    if (replacement[i] == '{') {
      size_t end = replacement.find('}', i);
      if (end == std::string_view::npos)
        return Status::InvalidArgument("named capturing group is missing trailing '}'");
      std::string name(replacement.substr(i + 1, end - i - 1));
      if (name.empty()) return Status::InvalidArgument("named capturing group has 0 length name");
      size_t number = 0;
      for (const auto& [n, g] : names_) {
        if (n == name) number = g;
      }
      if (number == 0) return Status::InvalidArgument("No group with name {" + name + "}");
      append_group(number);
      i = end;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(replacement[i]))) {
      return Status::InvalidArgument("Illegal group reference");
    }
    size_t number = static_cast<size_t>(replacement[i] - '0');
    if (number > groups_) return Status::InvalidArgument("No group " + std::to_string(number));
    while (i + 1 < replacement.size() && std::isdigit(static_cast<unsigned char>(replacement[i + 1]))) {
      size_t next = number * 10 + static_cast<size_t>(replacement[i + 1] - '0');
      if (next > groups_) break;  // Java takes the longest reference that names an existing group
      number = next;
      ++i;
    }
    append_group(number);
  }
  return out;
}

Status JavaRegex::CheckReplacement(std::string_view replacement) const {
  Result<std::string> r = Expand({}, nullptr, replacement);
  return r.ok() ? Status::OK() : r.status();
}

Result<std::optional<std::string>> JavaRegex::ReplaceIfMatches(std::string_view text,
                                                               std::string_view replacement) const {
  std::match_results<std::string_view::const_iterator> m;
  bool matched = false;
  try {
    matched = std::regex_match(text.begin(), text.end(), m, *re_);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(std::string("regex failed on '") + std::string(text) + "': " + e.what());
  }
  if (!matched) return std::optional<std::string>();
  Groups groups(m.size());
  for (size_t g = 0; g < m.size(); ++g) {
    if (m[g].matched) {
      groups[g] = {static_cast<size_t>(m[g].first - text.begin()),
                   static_cast<size_t>(m[g].second - text.begin())};
    } else {
      groups[g] = {std::string::npos, std::string::npos};
    }
  }
  ASSIGN_OR_RETURN(std::string out, Expand(text, &groups, replacement));
  return std::optional<std::string>(std::move(out));
}

}  // namespace sluice::connect::transforms
