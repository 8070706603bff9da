// .properties reader, following java.util.Properties.load. Thread-safety: see properties.h.
#include "base/properties.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>

namespace sluice {

// ---- Properties ----

Properties::Properties(std::initializer_list<Entry> entries) {
  for (const Entry& e : entries) Set(e.first, e.second);
}

void Properties::Set(std::string_view key, std::string_view value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].second = std::string(value);
    return;
  }
  index_.emplace(std::string(key), entries_.size());
  entries_.emplace_back(std::string(key), std::string(value));
}

bool Properties::Erase(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  size_t pos = it->second;
  index_.erase(it);
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(pos));
  for (auto& [k, i] : index_) {
    if (i > pos) --i;
  }
  return true;
}

const std::string* Properties::Find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

std::optional<std::string> Properties::Get(std::string_view key) const {
  const std::string* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return *v;
}

std::string Properties::GetOr(std::string_view key, std::string_view fallback) const {
  const std::string* v = Find(key);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> Properties::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.first);
  return out;
}

std::map<std::string, std::string> Properties::ToMap() const {
  return std::map<std::string, std::string>(entries_.begin(), entries_.end());
}

Properties Properties::FromMap(const std::map<std::string, std::string>& map) {
  Properties p;
  for (const auto& [k, v] : map) p.Set(k, v);
  return p;
}

Properties Properties::WithPrefix(std::string_view prefix, bool strip) const {
  Properties out;
  for (const Entry& e : entries_) {
    std::string_view key = e.first;
    if (key.substr(0, prefix.size()) != prefix) continue;
    if (!strip) {
      out.Set(key, e.second);
    } else if (key.size() > prefix.size()) {
      out.Set(key.substr(prefix.size()), e.second);
    }
  }
  return out;
}

// ---- Parsing ----

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Splits input into logical lines, mirroring Properties.LineReader.readLine.
class LineReader {
 public:
  explicit LineReader(std::string_view in) : in_(in) {}

  // Returns false at end of input. `*start_line` is the 1-based line where the logical line starts.
  bool Next(std::string* out, int* start_line) {
    out->clear();
    bool skip_blank = true;
    bool appended_line_begin = false;  // we are at the start of a continuation line
    bool preceding_backslash = false;
    while (true) {
      if (pos_ >= in_.size()) {
        if (out->empty()) return false;
        if (preceding_backslash) out->pop_back();
        return true;
      }
      int line = line_;
      char c = Take();
      if (skip_lf_) {
        skip_lf_ = false;
        if (c == '\n') continue;
      }
      if (skip_blank) {
        if (IsBlank(c)) continue;
        if (!appended_line_begin && (c == '\r' || c == '\n')) continue;
        skip_blank = false;
        appended_line_begin = false;
      }
      if (out->empty()) {
        *start_line = line;
        if (c == '#' || c == '!') {  // comment: drop the rest of the natural line
          while (pos_ < in_.size()) {
            char d = Take();
            if (d == '\n' || d == '\r') break;
          }
          skip_blank = true;
          continue;
        }
      }
      if (c != '\n' && c != '\r') {
        out->push_back(c);
        preceding_backslash = c == '\\' ? !preceding_backslash : false;
        continue;
      }
      // End of a natural line.
      if (out->empty()) {
        skip_blank = true;
        continue;
      }
      if (pos_ >= in_.size()) {
        if (preceding_backslash) out->pop_back();
        return true;
      }
      if (!preceding_backslash) return true;
      out->pop_back();  // the continuation backslash
      skip_blank = true;
      appended_line_begin = true;
      preceding_backslash = false;
      if (c == '\r') skip_lf_ = true;
    }
  }

 private:
  char Take() {
    char c = in_[pos_++];
    if (c == '\r' || (c == '\n' && !prev_cr_)) ++line_;
    prev_cr_ = c == '\r';
    return c;
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  bool prev_cr_ = false;
  bool skip_lf_ = false;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr uint32_t kReplacementChar = 0xFFFD;

// Properties.loadConvert: resolves escapes in a key or a value.
Status Unescape(std::string_view in, int line, std::string* out) {
  out->clear();
  uint32_t high = 0;  // a high surrogate waiting for its low half
  auto flush_high = [&] {
    if (high != 0) AppendUtf8(kReplacementChar, out);
    high = 0;
  };
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i++];
    if (c != '\\') {
      flush_high();
      out->push_back(c);
      continue;
    }
    if (i >= in.size()) break;  // a lone trailing backslash (cannot come from LineReader)
    c = in[i++];
    if (c != 'u') {
      flush_high();
      switch (c) {
        case 't':
          c = '\t';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 'f':
          c = '\f';
          break;
        default:
          break;
      }
      out->push_back(c);
      continue;
    }
    if (in.size() - i < 4) {
      return Status::InvalidArgument("line " + std::to_string(line) + ": Malformed \\uxxxx encoding.");
    }
    uint32_t unit = 0;
    for (int k = 0; k < 4; ++k) {
      int d = HexValue(in[i++]);
      if (d < 0) {
        return Status::InvalidArgument("line " + std::to_string(line) + ": Malformed \\uxxxx encoding.");
      }
      unit = (unit << 4) | static_cast<uint32_t>(d);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      flush_high();
      high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (high != 0) {
        AppendUtf8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), out);
        high = 0;
      } else {
        AppendUtf8(kReplacementChar, out);
      }
    } else {
      flush_high();
      AppendUtf8(unit, out);
    }
  }
  flush_high();
  return Status::OK();
}

}  // namespace

Result<Properties> ParseProperties(std::string_view text) {
  Properties props;
  LineReader reader(text);
  std::string line;
  int line_no = 0;
  std::string key;
  std::string value;
  while (reader.Next(&line, &line_no)) {
    // Properties.load0: the key ends at the first unescaped separator.
    size_t limit = line.size();
    size_t key_len = 0;
    size_t value_start = limit;
    bool has_sep = false;
    bool preceding_backslash = false;
    while (key_len < limit) {
      char c = line[key_len];
      if ((c == '=' || c == ':') && !preceding_backslash) {
        value_start = key_len + 1;
        has_sep = true;
        break;
      }
      if (IsBlank(c) && !preceding_backslash) {
        value_start = key_len + 1;
        break;
      }
      preceding_backslash = c == '\\' ? !preceding_backslash : false;
      ++key_len;
    }
    // Skip whitespace, and one '=' or ':' if the key ended at whitespace.
    while (value_start < limit) {
      char c = line[value_start];
      if (!IsBlank(c)) {
        if (has_sep || (c != '=' && c != ':')) break;
        has_sep = true;
      }
      ++value_start;
    }
    std::string_view view(line);
    RETURN_IF_ERROR(Unescape(view.substr(0, key_len), line_no, &key));
    RETURN_IF_ERROR(Unescape(view.substr(value_start), line_no, &value));
    props.Set(key, value);
  }
  return props;
}

Result<Properties> LoadPropertiesFile(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::FromErrno(path, errno);
  std::string text;
  char buf[8192];
  while (true) {
    size_t n = std::fread(buf, 1, sizeof(buf), file.get());
    text.append(buf, n);
    if (n < sizeof(buf)) break;
  }
  if (std::ferror(file.get())) return Status::FromErrno(path, errno);
  Result<Properties> props = ParseProperties(text);
  if (!props.ok()) return props.status().WithContext(path);
  return props;
}

}  // namespace sluice
