// Java-flavoured regular expressions on top of std::regex (ECMAScript): Matcher.matches (whole-string)
// semantics, named groups "(?<name>...)", a leading "(?i)" flag, and Matcher.replaceFirst replacement
// strings ("$1", "${name}", "\$"). Used by RegexRouter and TopicNameMatches.
// Not supported (compile error): lookbehind, possessive quantifiers, atomic groups, \p{..} classes,
// embedded flags other than a leading (?i).
//
// Thread-safety: a compiled JavaRegex is immutable; const use from many threads is safe.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::connect::transforms {

class JavaRegex {
 public:
  // InvalidArgument with the reason ("Unmatched '(' ...") if std::regex rejects the pattern.
  static Result<JavaRegex> Compile(std::string_view pattern);

  // Java's Matcher.matches: the whole text must match.
  bool Matches(std::string_view text) const;
  // Checks a Matcher.replaceFirst replacement against this pattern's groups (Java's errors:
  // "No group 3", "No group with name {x}", "Illegal group reference", ...).
  Status CheckReplacement(std::string_view replacement) const;
  // If the whole text matches: the replacement with group references substituted (an unmatched group
  // gives ""). nullopt if it does not match.
  Result<std::optional<std::string>> ReplaceIfMatches(std::string_view text,
                                                      std::string_view replacement) const;

  const std::string& pattern() const { return pattern_; }
  size_t group_count() const { return groups_; }

 private:
  using Groups = std::vector<std::pair<size_t, size_t>>;  // [begin, end) per group, npos if unmatched
  Result<std::string> Expand(std::string_view text, const Groups* groups, std::string_view replacement) const;

  std::string pattern_;
  std::shared_ptr<const std::regex> re_;
  std::vector<std::pair<std::string, size_t>> names_;  // named group -> group number
  size_t groups_ = 0;
};

}  // namespace sluice::connect::transforms
