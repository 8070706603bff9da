// Java's Double/Float.toString. Thread-safety: see java_number.h.
#include "base/java_number.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace sluice {
namespace {

// "d1.d2d3...e+XX" -> digits "d1d2d3..." and the exponent.
void ParseScientific(std::string_view s, std::string& digits, int& exp10) {
  size_t e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  std::string_view exp = s.substr(e + 1);
  if (!exp.empty() && exp[0] == '+') exp.remove_prefix(1);
  std::from_chars(exp.data(), exp.data() + exp.size(), exp10);
}

// The shortest decimal that reads back as v; when that has one digit, the closest of one or two digits
// (so Double.MIN_VALUE is 4.9E-324), written plain for 1e-3 <= |v| < 1e7 and as d.dddE<n> otherwise.
template <typename T>
std::string JavaToString(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  bool negative = v < 0;
  T a = negative ? -v : v;
  char buf[64];
  std::string digits;
  int exp10 = 0;
  auto r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific);
  ParseScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), digits, exp10);
  if (digits.size() == 1) {
    r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific, 1);
    T back{};
    std::from_chars(buf, r.ptr, back);
    std::string two;
    int two_exp = 0;
    ParseScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), two, two_exp);
    if (back == a && two.size() == 2 && two[1] != '0') {
      digits = two;
      exp10 = two_exp;
    }
  }
  std::string out = negative ? "-" : "";
  if (exp10 >= -3 && exp10 < 7) {
    if (exp10 >= 0) {
      auto int_len = static_cast<size_t>(exp10) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp10 - 1), '0');
      out += digits;
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
           std::to_string(exp10);
  }
  return out;
}

}  // namespace

std::string JavaDoubleToString(double d) { return JavaToString(d); }
std::string JavaFloatToString(float f) { return JavaToString(f); }

}  // namespace sluice
