// ReadWithSchema: a recursive descent over the text guided by the schema. See json_schema_reader.h.
// Every check mirrors what nlohmann's lexer and FromJson (json_converter.cc) accept; anything else
// returns false and the general path decides.
#include "connect/api/json_schema_reader.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "connect/api/base64.h"
#include "connect/api/json_text.h"

namespace sluice::connect::json_text {
namespace {

// Nesting bound of this path (the general one allows 1000; deeper text goes there).
constexpr int kMaxDepth = 500;

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

class Reader {
 public:
  Reader(std::string_view text, bool replace_null)
      : p_(text.data()), end_(text.data() + text.size()), replace_null_(replace_null) {}

  bool Read(const SchemaPtr& schema, Value& out, int depth);
  bool AtEnd() {
    SkipWs();
    return p_ == end_;
  }

 private:
  void SkipWs() {
    while (p_ < end_ && IsWs(*p_)) ++p_;
  }
  bool Literal(std::string_view lit) {
    if (static_cast<size_t>(end_ - p_) < lit.size() || std::string_view(p_, lit.size()) != lit) return false;
    p_ += lit.size();
    return true;
  }
  // FromJson's answer to a JSON null.
  bool Null(const Schema& schema, Value& out) const {
    if (schema.default_value() != nullptr && replace_null_) {
      out = *schema.default_value();
      return true;
    }
    if (!schema.optional()) return false;
    out = Value();
    return true;
  }
  // A number token by JSON's grammar; `integer` when it has no fraction and no exponent.
  bool Number(std::string_view& text, bool& integer);
  // An integer token of at most 18 digits (anything longer may not fit: the general path decides).
  static bool Integer(std::string_view text, int64_t& v);
  bool Hex4(uint32_t& v);
  bool String(std::string& out);
  // An object key: a view of the text when it has no escapes, else decoded into key_.
  bool Key(std::string_view& key);
  bool Array(const SchemaPtr& schema, Value& out, int depth);
  bool StructValue(const SchemaPtr& schema, Value& out, int depth);

  const char* p_;
  const char* end_;
  bool replace_null_;
  std::string key_;
};

bool Reader::Number(std::string_view& text, bool& integer) {
  const char* start = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ == end_) return false;
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  } else {
    return false;
  }
  integer = true;
  if (p_ < end_ && *p_ == '.') {
    integer = false;
    ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integer = false;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  text = std::string_view(start, static_cast<size_t>(p_ - start));
  return true;
}

bool Reader::Integer(std::string_view text, int64_t& v) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 18) return false;
  int64_t n = 0;
  for (char c : text) n = n * 10 + (c - '0');
  v = negative ? -n : n;
  return true;
}

bool Reader::Hex4(uint32_t& v) {
  if (end_ - p_ < 4) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = *p_++;
    uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    v = v * 16 + d;
  }
  return true;
}

bool Reader::String(std::string& out) {
  if (p_ == end_ || *p_ != '"') return false;
  ++p_;
  while (true) {
    const char* run = p_;
    while (p_ < end_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    out.append(run, static_cast<size_t>(p_ - run));
    if (p_ == end_) return false;
    auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c < 0x20) return false;  // raw control characters are invalid JSON
    if (c >= 0x80) {             // well-formed UTF-8 only, as nlohmann's lexer
      size_t len = Utf8SequenceLength(std::string_view(p_, static_cast<size_t>(end_ - p_)), 0);
      if (len == 0) return false;
      out.append(p_, len);
      p_ += len;
      continue;
    }
    ++p_;  // backslash
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!Hex4(cp)) return false;
        if (cp >= 0xdc00 && cp <= 0xdfff) return false;  // a lone low surrogate
        if (cp >= 0xd800 && cp <= 0xdbff) {              // needs its low surrogate
          uint32_t low = 0;
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          if (!Hex4(low) || low < 0xdc00 || low > 0xdfff) return false;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
}

bool Reader::Key(std::string_view& key) {
  if (p_ == end_ || *p_ != '"') return false;
  const char* start = p_ + 1;
  const char* q = start;
  while (q < end_) {
    auto c = static_cast<unsigned char>(*q);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    ++q;
  }
  if (q < end_ && *q == '"') {
    key = std::string_view(start, static_cast<size_t>(q - start));
    p_ = q + 1;
    return true;
  }
  key_.clear();
  if (!String(key_)) return false;
  key = key_;
  return true;
}

bool Reader::Array(const SchemaPtr& schema, Value& out, int depth) {
  if (*p_ != '[') return false;
  ++p_;
  sluice::connect::Array items;
  SkipWs();
  if (p_ < end_ && *p_ == ']') {
    ++p_;
    out = Value(std::move(items));
    return true;
  }
  while (true) {
    Value v;
    if (!Read(schema->value_schema(), v, depth + 1)) return false;
    items.push_back(std::move(v));
    SkipWs();
    if (p_ == end_) return false;
    char c = *p_++;
    if (c == ']') break;
    if (c != ',') return false;
  }
  out = Value(std::move(items));
  return true;
}

bool Reader::StructValue(const SchemaPtr& schema, Value& out, int depth) {
  if (*p_ != '{') return false;
  ++p_;
  const std::vector<Field>& fields = schema->fields();
  // Each value is read straight into its field's slot: what this reader accepts for a field fits the
  // field's schema (type, required-ness, Decimal scale; defaults are checked when the schema is built),
  // so the struct needs neither Struct::Put's lookup by name nor its validation.
  std::vector<Value> values(fields.size());
  uint64_t seen_mask = 0;           // fields read, for up to 64 fields
  std::vector<bool> seen_overflow;  // beyond
  if (fields.size() > 64) seen_overflow.resize(fields.size());
  auto seen = [&](size_t i) { return i < 64 ? (seen_mask >> i & 1) != 0 : seen_overflow[i]; };
  size_t hint = 0;  // keys usually come in the schema's order
  SkipWs();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
  } else {
    while (true) {
      SkipWs();
      std::string_view key;
      if (!Key(key)) return false;
      SkipWs();
      if (p_ == end_ || *p_++ != ':') return false;
      const Field* f = nullptr;
      if (hint < fields.size() && fields[hint].name == key) {
        f = &fields[hint];
      } else {
        for (const Field& candidate : fields) {
          if (candidate.name == key) {
            f = &candidate;
            break;
          }
        }
      }
      if (f == nullptr) return false;  // a key the schema does not have
      auto index = static_cast<size_t>(f - fields.data());
      hint = index + 1;
      // A repeated key: the last one wins (its value replaces the slot's).
      if (!Read(f->schema, values[index], depth + 1)) return false;
      if (index < 64) {
        seen_mask |= uint64_t{1} << index;
      } else {
        seen_overflow[index] = true;
      }
      SkipWs();
      if (p_ == end_) return false;
      char c = *p_++;
      if (c == '}') break;
      if (c != ',') return false;
    }
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (seen(i)) continue;
    if (!Null(*fields[i].schema, values[i])) return false;  // a missing key reads as null
  }
  out = Value(Struct::FromValuesUnchecked(schema, std::move(values)));
  return true;
}

template <typename T>
bool FloatingPoint(std::string_view text, bool integer, Value& out) {
  if (integer) {  // nlohmann's integer node converted as get<T>() does
    bool negative = !text.empty() && text[0] == '-';
    std::string_view digits = negative ? text.substr(1) : text;
    if (digits.empty() || digits.size() > 18) return false;
    int64_t n = 0;
    for (char c : digits) n = n * 10 + (c - '0');
    out = Value(static_cast<T>(negative ? -n : n));
    return true;
  }
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return false;  // out of range: general path
  out = Value(v);
  return true;
}

bool Reader::Read(const SchemaPtr& schema_ptr, Value& out, int depth) {
  if (depth > kMaxDepth) return false;
  SkipWs();
  if (p_ == end_) return false;
  const Schema& schema = *schema_ptr;
  if (*p_ == 'n') return Literal("null") && Null(schema, out);
  switch (schema.type()) {
    case SchemaType::kInt8:
    case SchemaType::kInt16:
    case SchemaType::kInt32:
    case SchemaType::kInt64: {
      std::string_view text;
      bool integer = false;
      int64_t n = 0;
      if (!Number(text, integer) || !integer || !Integer(text, n)) return false;
      switch (schema.type()) {
        case SchemaType::kInt8:
          if (n < INT8_MIN || n > INT8_MAX) return false;
          out = Value(static_cast<int8_t>(n));
          return true;
        case SchemaType::kInt16:
          if (n < INT16_MIN || n > INT16_MAX) return false;
          out = Value(static_cast<int16_t>(n));
          return true;
        case SchemaType::kInt32:
          if (n < INT32_MIN || n > INT32_MAX) return false;
          out = Value(static_cast<int32_t>(n));
          return true;
        default:
          out = Value(n);
          return true;
      }
    }
    case SchemaType::kFloat32:
    case SchemaType::kFloat64: {
      std::string_view text;
      bool integer = false;
      if (!Number(text, integer)) return false;  // including Jackson's "NaN" strings
      return schema.type() == SchemaType::kFloat32 ? FloatingPoint<float>(text, integer, out)
                                                   : FloatingPoint<double>(text, integer, out);
    }
    case SchemaType::kBoolean:
      if (Literal("true")) {
        out = Value(true);
        return true;
      }
      if (Literal("false")) {
        out = Value(false);
        return true;
      }
      return false;
    case SchemaType::kString: {
      std::string s;
      if (!String(s)) return false;
      out = Value(std::move(s));
      return true;
    }
    case SchemaType::kBytes: {
      // A Decimal as a number (decimal.format=NUMERIC) or with a bad scale: the general path.
      if (schema.name() == kDecimalLogicalName && !DecimalScale(schema).ok()) return false;
      std::string s;
      if (!String(s)) return false;
      std::optional<Bytes> bytes = Base64Decode(s);
      if (!bytes) return false;
      out = Value(std::move(*bytes));
      return true;
    }
    case SchemaType::kArray:
      return Array(schema_ptr, out, depth);
    case SchemaType::kStruct:
      return StructValue(schema_ptr, out, depth);
    case SchemaType::kMap:
      return false;
  }
  return false;
}

}  // namespace

std::optional<Value> ReadWithSchema(const SchemaPtr& schema, std::string_view text,
                                    bool replace_null_with_default) {
  Reader reader(text, replace_null_with_default);
  Value v;
  if (!reader.Read(schema, v, 0) || !reader.AtEnd()) return std::nullopt;
  return v;
}

}  // namespace sluice::connect::json_text
