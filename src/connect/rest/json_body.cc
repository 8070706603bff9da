// JSON request bodies: a syntax scanner that finds the first error and words it like Jackson, then
// nlohmann::json for the actual parse. Thread-safety: stateless.
#include "connect/rest/json_body.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace sluice::connect::rest {
namespace {

constexpr int kMaxDepth = 1000;
constexpr std::string_view kSource = "(REST request body)";
constexpr std::string_view kValidValues =
    "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

struct SyntaxError {
  std::string message;
  size_t pointer = 0;   // Jackson's input pointer: index after the last consumed byte
  size_t line_end = 0;  // line breaks in [0, line_end) count towards the line number
};

struct LineColumn {
  size_t line = 1;
  size_t column = 1;
};

// Jackson's current location for `pointer`, counting the line breaks before `line_end`.
LineColumn Locate(std::string_view s, size_t pointer, size_t line_end) {
  size_t line = 1;
  size_t row_start = 0;
  for (size_t k = 0; k < line_end && k < s.size(); ++k) {
    if (s[k] == '\n' || s[k] == '\r') {
      if (s[k] == '\r' && k + 1 < line_end && s[k + 1] == '\n') ++k;
      ++line;
      row_start = k + 1;
    }
  }
  return {line, pointer >= row_start ? pointer - row_start + 1 : 1};
}

std::string At(std::string_view s, size_t pointer, size_t line_end) {
  LineColumn lc = Locate(s, pointer, line_end);
  return "[Source: " + std::string(kSource) + "; line: " + std::to_string(lc.line) +
         ", column: " + std::to_string(lc.column) + "]";
}

// Jackson's _getCharDesc: "'c' (code 99)", "(CTRL-CHAR, code 10)", "'é' (code 233 / 0xe9)".
std::string CharDesc(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x20 || b == 0x7f) return "(CTRL-CHAR, code " + std::to_string(b) + ")";
  if (b < 0x80) return "'" + std::string(1, static_cast<char>(b)) + "' (code " + std::to_string(b) + ")";
  // Decode one UTF-8 sequence for the description; fall back to the raw byte.
  size_t len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  uint32_t cp = len == 4 ? b & 0x07u : len == 3 ? b & 0x0fu : len == 2 ? b & 0x1fu : b;
  if (i + len > s.size()) len = 1;
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fu);
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%x", cp);
  std::string text = len > 1 ? std::string(s.substr(i, len)) : "?";
  if (cp <= 255) return "'" + text + "' (code " + std::to_string(cp) + ")";
  return "'" + text + "' (code " + std::to_string(cp) + " / 0x" + hex + ")";
}

bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         u >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::optional<SyntaxError> Run() {
    SkipWs();
    if (i_ == s_.size()) return SyntaxError{"No content to map due to end-of-input", i_, i_};
    if (auto e = Value(0)) return e;
    SkipWs();
    if (i_ < s_.size()) return CharError(i_, "expected end of input after the JSON value");
    return std::nullopt;
  }

 private:
  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  SyntaxError CharError(size_t at, std::string_view what, std::string_view where = "") const {
    return {"Unexpected character (" + CharDesc(s_, at) + ")" + std::string(where) + ": " + std::string(what),
            at + 1, at};
  }
  SyntaxError Eof(std::string_view what) const {
    return {"Unexpected end-of-input: " + std::string(what), s_.size(), s_.size()};
  }
  SyntaxError EofInContainer(std::string_view kind, size_t start) const {
    // The start marker is a token location: the column of the bracket itself.
    return Eof("expected close marker for " + std::string(kind) + " (start marker at " +
               At(s_, start, start) + ")");
  }

  std::optional<SyntaxError> Value(int depth) {
    if (i_ == s_.size()) return Eof("expected a valid value " + std::string(kValidValues));
    switch (s_[i_]) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        if (s_[i_] == '-' || IsDigit(s_[i_])) return Number();
        return CharError(i_, "expected a valid value " + std::string(kValidValues));
    }
  }

  std::optional<SyntaxError> TooDeep(int depth) const {
    if (depth <= kMaxDepth) return std::nullopt;
    return SyntaxError{"Document nesting depth (" + std::to_string(depth) +
                           ") exceeds the maximum allowed (" + std::to_string(kMaxDepth) + ")",
                       i_ + 1, i_};
  }

  std::optional<SyntaxError> Object(int depth) {
    if (auto e = TooDeep(depth)) return e;
    size_t start = i_++;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return std::nullopt;
    }
    while (true) {
      if (i_ == s_.size()) return EofInContainer("Object", start);
      if (s_[i_] != '"') return CharError(i_, "was expecting double-quote to start field name");
      if (auto e = String()) return e;
      SkipWs();
      if (i_ == s_.size()) return EofInContainer("Object", start);
      if (s_[i_] != ':') return CharError(i_, "was expecting a colon to separate field name and value");
      ++i_;
      SkipWs();
      if (i_ == s_.size()) return EofInContainer("Object", start);
      if (auto e = Value(depth)) return e;
      SkipWs();
      if (i_ == s_.size()) return EofInContainer("Object", start);
      if (s_[i_] == '}') {
        ++i_;
        return std::nullopt;
      }
      if (s_[i_] != ',') return CharError(i_, "was expecting comma to separate Object entries");
      ++i_;
      SkipWs();
    }
  }

  std::optional<SyntaxError> Array(int depth) {
    if (auto e = TooDeep(depth)) return e;
    size_t start = i_++;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return std::nullopt;
    }
    while (true) {
      if (i_ == s_.size()) return EofInContainer("Array", start);
      if (auto e = Value(depth)) return e;
      SkipWs();
      if (i_ == s_.size()) return EofInContainer("Array", start);
      if (s_[i_] == ']') {
        ++i_;
        return std::nullopt;
      }
      if (s_[i_] != ',') return CharError(i_, "was expecting comma to separate Array entries");
      ++i_;
      SkipWs();
    }
  }

  std::optional<SyntaxError> String() {
    ++i_;  // opening quote
    while (true) {
      if (i_ == s_.size()) return Eof("was expecting closing quote for a string value");
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return std::nullopt;
      }
      if (c < 0x20) {
        return SyntaxError{"Illegal unquoted character (" + CharDesc(s_, i_) +
                               "): has to be escaped using backslash to be included in string value",
                           i_ + 1, i_};
      }
      if (c != '\\') {
        ++i_;
        continue;
      }
      if (++i_ == s_.size()) return Eof("was expecting closing quote for a string value");
      char e = s_[i_];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k) {
          if (++i_ == s_.size()) return Eof("was expecting closing quote for a string value");
          if (!std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
            return CharError(i_, "expected a hex-digit for character escape sequence");
          }
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return SyntaxError{"Unrecognized character escape " + CharDesc(s_, i_), i_ + 1, i_};
      }
      ++i_;
    }
  }

  std::optional<SyntaxError> Literal(std::string_view word) {
    size_t end = i_;
    while (end < s_.size() && IsTokenChar(s_[end])) ++end;
    std::string_view token = s_.substr(i_, end - i_);
    if (token == word) {
      i_ = end;
      return std::nullopt;
    }
    return SyntaxError{
        "Unrecognized token '" + std::string(token) + "': was expecting " + std::string(kValidValues), end,
        end};
  }

  std::optional<SyntaxError> Number() {
    constexpr std::string_view kIn = " in numeric value";
    if (s_[i_] == '-') {
      if (++i_ == s_.size()) return Eof("expected digit (0-9) to follow minus sign, for valid numeric value");
      if (!IsDigit(s_[i_])) {
        return CharError(i_, "expected digit (0-9) to follow minus sign, for valid numeric value", kIn);
      }
    }
    if (s_[i_] == '0' && i_ + 1 < s_.size() && IsDigit(s_[i_ + 1])) {
      return SyntaxError{"Invalid numeric value: Leading zeroes not allowed", i_ + 2, i_ + 1};
    }
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      if (++i_ == s_.size()) return Eof("Decimal point not followed by a digit");
      if (!IsDigit(s_[i_])) return CharError(i_, "Decimal point not followed by a digit", kIn);
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      if (++i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ == s_.size()) return Eof("Exponent indicator not followed by a digit");
      if (!IsDigit(s_[i_])) return CharError(i_, "Exponent indicator not followed by a digit", kIn);
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    return std::nullopt;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<Json> ParseJsonBody(std::string_view body) {
  if (auto error = Scanner(body).Run()) {
    return Status::InvalidArgument(error->message + "\n at " + At(body, error->pointer, error->line_end));
  }
  try {
    return Json::parse(body.begin(), body.end());
  } catch (const Json::parse_error& e) {
    // The scanner accepted the syntax, so this is about the bytes (e.g. ill-formed UTF-8).
    size_t pointer = e.byte > body.size() ? body.size() : e.byte;
    std::string what = e.what();
    size_t dash = what.find(" - ");
    std::string reason = dash == std::string::npos ? what : what.substr(dash + 3);
    return Status::InvalidArgument("Invalid JSON: " + reason + "\n at " +
                                   At(body, pointer, pointer == 0 ? 0 : pointer - 1));
  }
}

}  // namespace sluice::connect::rest
