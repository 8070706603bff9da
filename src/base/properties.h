// Java .properties files, read exactly as java.util.Properties.load reads them (Kafka's config format):
//   - a logical line is one or more natural lines (ended by LF, CR or CRLF) joined where a line ends in
//     an odd number of backslashes; the backslash is dropped, as is the leading whitespace (space, tab,
//     form feed) of the following line. A backslash at end of input is dropped.
//   - blank lines are skipped; a logical line whose first non-whitespace char is '#' or '!' is a comment.
//   - the key ends at the first unescaped '=', ':' or whitespace; whitespace around the separator and one
//     '=' or ':' after whitespace are skipped; the rest of the line (trailing whitespace kept) is the value.
//     A key alone has an empty value.
//   - in keys and values: \t \n \r \f are control chars, \uXXXX is a UTF-16 unit (a surrogate pair
//     becomes one code point; output is UTF-8; a lone surrogate becomes U+FFFD), any other \x is x.
//     A malformed \uXXXX is an error naming the line, as Java throws.
//   - a later duplicate key replaces the value of the earlier one (and keeps its position).
// One deliberate difference: Java decodes bytes as ISO-8859-1; we pass bytes through, so UTF-8 files
// read as written.
//
// Thread-safety: Properties is a value type; concurrent const access is safe, mutation is not.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice {

// String key/value pairs in first-insertion order with map lookup.
class Properties {
 public:
  using Entry = std::pair<std::string, std::string>;

  Properties() = default;
  Properties(std::initializer_list<Entry> entries);

  // Inserts or replaces; a replaced key keeps its position.
  void Set(std::string_view key, std::string_view value);
  // Returns true if the key was present.
  bool Erase(std::string_view key);
  bool Contains(std::string_view key) const { return index_.find(key) != index_.end(); }
  // nullptr if absent. The pointer is invalidated by Set/Erase.
  const std::string* Find(std::string_view key) const;
  std::optional<std::string> Get(std::string_view key) const;
  std::string GetOr(std::string_view key, std::string_view fallback) const;

  // Keys in insertion order.
  std::vector<std::string> keys() const;
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  std::map<std::string, std::string> ToMap() const;
  static Properties FromMap(const std::map<std::string, std::string>& map);

  // The entries whose key starts with `prefix`; with `strip` the prefix is removed from the keys
  // (keys equal to the prefix are then dropped). E.g. WithPrefix("producer.", true) for overrides.
  Properties WithPrefix(std::string_view prefix, bool strip) const;

  friend bool operator==(const Properties& a, const Properties& b) { return a.entries_ == b.entries_; }

 private:
  std::vector<Entry> entries_;
  std::map<std::string, size_t, std::less<>> index_;  // key -> position in entries_
};

// Parses the text of a .properties file. Errors: InvalidArgument "line N: Malformed \uxxxx encoding."
Result<Properties> ParseProperties(std::string_view text);

// Reads and parses a file. Errors: IOError naming the path; parse errors prefixed with the path.
Result<Properties> LoadPropertiesFile(const std::string& path);

}  // namespace sluice
