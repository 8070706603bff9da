// The JSON text layer: raw numbers, the Jackson-compatible writer, the number-keeping parser and
// Decimal <-> text. See json_text.h.
#include "connect/api/json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace sluice::connect {
namespace json_text {
namespace {

// Numbers whose exact text matters are held in the tree as binary nodes of this subtype carrying the
// text (see json_text.h).
constexpr std::uint64_t kRawNumberSubtype = 0x4e;

// Builds the tree like nlohmann's DOM parser, but keeps the text of non-integer numbers (RawNumber) and
// bounds the nesting depth (conversions recurse on it).
class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() override { return Add(Json(nullptr)); }
  bool boolean(bool b) override { return Add(Json(b)); }
  bool number_integer(number_integer_t v) override { return Add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(Json(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Add(RawNumber(text)); }
  bool string(string_t& s) override { return Add(Json(std::move(s))); }
  bool binary(binary_t& b) override { return Add(Json::binary(std::move(b))); }
  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error_ = "serialization error at byte " + std::to_string(position) + ": " + ex.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr size_t kMaxDepth = 1000;

  Json* Slot() {
    if (stack_.empty()) return &root_;
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(nullptr);
      return &parent.back();
    }
    return &parent[key_];  // a repeated key replaces the earlier value, as in Jackson
  }
  bool Add(Json v) {
    *Slot() = std::move(v);
    return true;
  }
  bool Open(Json container) {
    if (stack_.size() >= kMaxDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    Json* slot = Slot();
    *slot = std::move(container);
    stack_.push_back(slot);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  Json& root_;
  std::vector<Json*> stack_;  // open containers; stable while open (only their children change)
  std::string key_;
  std::string error_;
};

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1fu;
    min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    cp = c & 0x0fu;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

Json RawNumber(std::string_view text) {
  return Json::binary(Json::binary_t::container_type(text.begin(), text.end()), kRawNumberSubtype);
}
bool IsRaw(const Json& j) {
  return j.is_binary() && j.get_binary().has_subtype() && j.get_binary().subtype() == kRawNumberSubtype;
}
std::string_view RawText(const Json& j) {
  const Json::binary_t& b = j.get_binary();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
bool IsNumber(const Json& j) { return j.is_number() || IsRaw(j); }
std::string TypeName(const Json& j) { return IsRaw(j) ? "number" : j.type_name(); }
// The text of an integer or raw number node.
std::string NumberText(const Json& j) { return IsRaw(j) ? std::string(RawText(j)) : j.dump(); }

template <typename T>
T NumberAs(const Json& j) {
  if (!IsRaw(j)) return j.get<T>();
  std::string_view t = RawText(j);
  T v{};
  if (std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc::result_out_of_range) return v;
  // Too large or too small for T. The parser rejects text beyond the double range, so a double that is
  // out of range too has underflowed.
  double d = 0;
  bool tiny = std::from_chars(t.data(), t.data() + t.size(), d).ec == std::errc::result_out_of_range ||
              std::fabs(d) < 1;
  T magnitude = tiny ? T{0} : std::numeric_limits<T>::infinity();
  return !t.empty() && t[0] == '-' ? -magnitude : magnitude;
}
template float NumberAs<float>(const Json& j);
template double NumberAs<double>(const Json& j);

Json JavaNumber(double v) {
  if (!std::isfinite(v)) return Json(JavaDoubleToString(v));
  return RawNumber(JavaDoubleToString(v));
}
Json JavaNumber(float v) {
  if (!std::isfinite(v)) return Json(JavaFloatToString(v));
  return RawNumber(JavaFloatToString(v));
}

// A JSON string as Jackson escapes it: \" \\ \b \t \n \f \r, other controls as \u00XX (upper-case hex),
// everything else raw UTF-8. Invalid UTF-8 (impossible in Java) becomes U+FFFD.
void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // Printable ASCII but the quote and the backslash: copied as is.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
    return t;
  }();
  out += '"';
  for (size_t i = 0; i < s.size();) {
    // Runs of plain printable ASCII are copied at once.
    size_t run = i;
    while (run < s.size() && kPlain[static_cast<unsigned char>(s[run])]) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      out.append(len == 0 ? std::string_view("\xef\xbf\xbd") : s.substr(i, len));
      i += len == 0 ? 1 : len;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Compact JSON as Jackson writes it.
void Write(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer:
      out += std::to_string(j.get<int64_t>());
      break;
    case Json::value_t::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      break;
    case Json::value_t::number_float:
      Write(JavaNumber(j.get<double>()), out);
      break;
    case Json::value_t::string:
      WriteString(j.get_ref<const std::string&>(), out);
      break;
    case Json::value_t::binary:
      out += RawText(j);
      break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : j) {
        if (!first) out += ',';
        first = false;
        Write(item, out);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        WriteString(it.key(), out);
        out += ':';
        Write(it.value(), out);
      }
      out += '}';
      break;
    }
  }
}

std::string Dump(const Json& j) {
  std::string out;
  Write(j, out);
  return out;
}

Result<Json> Parse(std::string_view text) {
  Json root;
  DomBuilder builder(root);
  if (Json::sax_parse(text.begin(), text.end(), &builder)) return root;
  return Status::InvalidArgument(builder.error());
}

}  // namespace json_text

namespace {

// Decimal digits of the magnitude of a big-endian two's complement integer (non-empty).
std::string MagnitudeDigits(const Bytes& b, bool& negative) {
  negative = (b[0] & 0x80) != 0;
  Bytes mag = b;
  if (negative) {
    for (uint8_t& x : mag) x = static_cast<uint8_t>(~x);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::string digits;
  for (size_t start = 0;;) {
    while (start < mag.size() && mag[start] == 0) ++start;
    if (start == mag.size()) break;
    unsigned rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      unsigned cur = rem * 256 + mag[i];
      mag[i] = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits += static_cast<char>('0' + rem);
  }
  if (digits.empty()) digits = "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// Bounds on the quadratic decimal <-> binary conversions (far beyond any real precision).
constexpr size_t kMaxDecimalBytes = 4096;
constexpr int64_t kMaxDecimalDigits = 10000;

}  // namespace

Result<std::string> DecimalToString(const Bytes& unscaled, int32_t scale) {
  if (unscaled.empty()) return Status::InvalidArgument("Decimal value has no bytes");
  if (unscaled.size() > kMaxDecimalBytes) return Status::OutOfRange("Decimal value too large to print");
  bool negative = false;
  std::string digits = MagnitudeDigits(unscaled, negative);
  std::string out = negative ? "-" : "";
  int64_t adjusted = -int64_t{scale} + static_cast<int64_t>(digits.size()) - 1;
  if (scale >= 0 && adjusted >= -6) {  // plain notation
    auto s = static_cast<size_t>(scale);
    if (s == 0) {
      out += digits;
    } else if (digits.size() > s) {
      out += digits.substr(0, digits.size() - s) + "." + digits.substr(digits.size() - s);
    } else {
      out += "0.";
      out.append(s - digits.size(), '0');
      out += digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += adjusted > 0 ? "E+" : "E";
  out += std::to_string(adjusted);
  return out;
}

Result<Bytes> DecimalFromString(std::string_view text, int32_t scale) {
  auto invalid = [&] { return Status::InvalidArgument("Invalid decimal number: " + std::string(text)); };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int64_t fraction_digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      digits += text[i];
      if (point) ++fraction_digits;
    } else if (text[i] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return invalid();
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    bool negative_exponent = ++i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent > 1'000'000'000)
        return Status::OutOfRange("Decimal exponent out of range: " + std::string(text));
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (i == start) return invalid();
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return invalid();
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Bytes{0};
  digits.erase(0, first);
  // value = digits * 10^(exponent - fraction_digits); unscaled = value * 10^scale.
  int64_t shift = exponent - fraction_digits + scale;
  if (shift < 0) {
    auto drop = static_cast<size_t>(std::min<int64_t>(-shift, static_cast<int64_t>(digits.size()) + 1));
    if (drop > digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
      return Status::InvalidArgument("Decimal " + std::string(text) + " has more digits than scale " +
                                     std::to_string(scale) + " allows");
    }
    digits.resize(digits.size() - drop);
  } else {
    if (static_cast<int64_t>(digits.size()) + shift > kMaxDecimalDigits) {
      return Status::OutOfRange("Decimal out of range: " + std::string(text));
    }
    digits.append(static_cast<size_t>(shift), '0');
  }
  Bytes out{0};  // big-endian magnitude, the first byte kept free for the sign bit
  for (char c : digits) {
    auto carry = static_cast<unsigned>(c - '0');
    for (size_t k = out.size(); k-- > 0;) {
      unsigned cur = out[k] * 10u + carry;
      out[k] = static_cast<uint8_t>(cur & 0xff);
      carry = cur >> 8;
    }
    if (out[0] != 0) out.insert(out.begin(), 0);
  }
  if (negative) {
    for (uint8_t& x : out) x = static_cast<uint8_t>(~x);
    for (size_t k = out.size(); k-- > 0;) {
      if (++out[k] != 0) break;
    }
  }
  size_t skip = 0;  // minimal form, as BigInteger.toByteArray
  while (skip + 1 < out.size()) {
    bool next_negative = (out[skip + 1] & 0x80) != 0;
    if ((out[skip] == 0x00 && !next_negative) || (out[skip] == 0xff && next_negative)) {
      ++skip;
    } else {
      break;
    }
  }
  return Bytes(out.begin() + static_cast<std::ptrdiff_t>(skip), out.end());
}

}  // namespace sluice::connect
