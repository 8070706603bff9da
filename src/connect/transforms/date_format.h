// A subset of java.text.SimpleDateFormat in UTC, for TimestampConverter and TimestampRouter: pattern
// letters y M L d D E u a H k K h m s S z Z X G, quoted literals ('T', '' for a quote) and any other
// non-letter as literal text. Formatting matches Java for these letters; parsing is lenient as Java's
// default (out-of-range fields roll over, trailing text is ignored, abutting numeric fields such as
// "yyyyMMdd" take their width from the pattern). Also the civil-date arithmetic used by the timestamp
// transformations.
//
// Thread-safety: a compiled DateFormat is immutable; const use from many threads is safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::connect::transforms {

inline constexpr int64_t kMillisPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t year, int month, int day);
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDate CivilFromDays(int64_t days);
// Floor division, for negative epoch milliseconds.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class DateFormat {
 public:
  // Errors as Java's: "Illegal pattern character 'q'", "Unterminated quote"; letters Java knows but we
  // do not support: "Unsupported pattern character 'w'".
  static Result<DateFormat> Compile(std::string_view pattern);

  std::string Format(int64_t epoch_ms) const;
  // InvalidArgument "Unparseable date: \"<text>\"" when the text does not fit the pattern.
  Result<int64_t> Parse(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    char letter = 0;  // 0: literal text
    int count = 0;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

}  // namespace sluice::connect::transforms
