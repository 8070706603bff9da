// SimpleDateFormat subset in UTC. See date_format.h.
#include "connect/transforms/date_format.h"

#include <array>
#include <cctype>
#include <chrono>

namespace sluice::connect::transforms {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"January",   "February", "March",    "April",
                                                      "May",       "June",     "July",     "August",
                                                      "September", "October",  "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                   "Friday", "Saturday", "Sunday"};
constexpr std::string_view kSupported = "GyMLdDEuaHkKhmsSzZX";
constexpr std::string_view kJavaOnly = "FwWY";  // valid in Java, not supported here

bool IsNumeric(char letter, int count) {
  if (letter == 'M' || letter == 'L') return count < 3;
  return std::string_view("ydDHkKhmsSu").find(letter) != std::string_view::npos;
}

void AppendPadded(std::string& out, int64_t v, int width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
  out += digits;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Matches the longest of `names` (full, then 3-letter short form) at text[pos]; returns its index.
int MatchName(std::string_view text, size_t& pos, const std::string_view* names, size_t n) {
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < n; ++i) {
      std::string_view name = pass == 0 ? names[i] : names[i].substr(0, 3);
      if (EqualsIgnoreCase(text.substr(pos, name.size()), name)) {
        pos += name.size();
        return static_cast<int>(i);
      }
    }
  }
  return -1;
}

int CurrentYear() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t days = FloorDiv(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), kMillisPerDay);
  return static_cast<int>(CivilFromDays(days).year);
}

// "Z", "UTC", "GMT", "+HH", "+HHMM", "+HH:MM" (after UTC/GMT too). Returns false if nothing fits.
bool ParseZone(std::string_view text, size_t& pos, int64_t& offset_ms) {
  offset_ms = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
    return true;
  }
  bool named = false;
  for (std::string_view name : {"UTC", "GMT"}) {
    if (text.substr(pos, 3) == name) {
      pos += 3;
      named = true;
      break;
    }
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return named;
  int sign = text[pos] == '-' ? -1 : 1;
  size_t p = pos + 1;
  auto digits = [&](int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i, ++p) {
      if (p >= text.size() || !std::isdigit(static_cast<unsigned char>(text[p]))) return false;
      out = out * 10 + (text[p] - '0');
    }
    return true;
  };
  int hh = 0;
  int mm = 0;
  if (!digits(2, hh)) return named;
  size_t after_hours = p;
  if (p < text.size() && text[p] == ':') ++p;
  if (!digits(2, mm)) {
    mm = 0;
    p = after_hours;
  }
  pos = p;
  offset_ms = sign * (static_cast<int64_t>(hh) * 3'600'000 + static_cast<int64_t>(mm) * 60'000);
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t year, int month, int day) {
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = month > 2 ? month - 3 : month + 9;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

Result<DateFormat> DateFormat::Compile(std::string_view pattern) {
  DateFormat f;
  f.pattern_ = std::string(pattern);
  auto add_literal = [&f](std::string_view s) {
    if (f.tokens_.empty() || f.tokens_.back().letter != 0) f.tokens_.push_back(Token{});
    f.tokens_.back().literal += s;
  };
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text += '\'';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text += pattern[j++];
      }
      if (!closed) return Status::InvalidArgument("Unterminated quote");
      add_literal(text);
      i = j + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      if (kSupported.find(c) == std::string_view::npos) {
        if (kJavaOnly.find(c) != std::string_view::npos) {
          return Status::InvalidArgument(std::string("Unsupported pattern character '") + c + "'");
        }
        return Status::InvalidArgument(std::string("Illegal pattern character '") + c + "'");
      }
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      f.tokens_.push_back(Token{c, static_cast<int>(j - i), {}});
      i = j;
    } else {
      add_literal(std::string_view(&pattern[i], 1));
      ++i;
    }
  }
  return f;
}

std::string DateFormat::Format(int64_t epoch_ms) const {
  const int64_t days = FloorDiv(epoch_ms, kMillisPerDay);
  const int64_t ms_of_day = epoch_ms - days * kMillisPerDay;
  const CivilDate date = CivilFromDays(days);
  const int hour = static_cast<int>(ms_of_day / 3'600'000);
  const int minute = static_cast<int>(ms_of_day / 60'000 % 60);
  const int second = static_cast<int>(ms_of_day / 1000 % 60);
  const int millis = static_cast<int>(ms_of_day % 1000);
  const int weekday = static_cast<int>(((days + 3) % 7 + 7) % 7);  // 0 = Monday; 1970-01-01 was a Thursday
  const int64_t era_year = date.year > 0 ? date.year : 1 - date.year;
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0:
        out += t.literal;
        break;
      case 'G':
        out += date.year > 0 ? "AD" : "BC";
        break;
      case 'y':
        if (t.count == 2) {
          AppendPadded(out, era_year % 100, 2);
        } else {
          AppendPadded(out, era_year, t.count);
        }
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) {
          out += kMonths[static_cast<size_t>(date.month - 1)];
        } else if (t.count == 3) {
          out += kMonths[static_cast<size_t>(date.month - 1)].substr(0, 3);
        } else {
          AppendPadded(out, date.month, t.count);
        }
        break;
      case 'd':
        AppendPadded(out, date.day, t.count);
        break;
      case 'D':
        AppendPadded(out, days - DaysFromCivil(date.year, 1, 1) + 1, t.count);
        break;
      case 'E':
        out += t.count >= 4 ? kDays[static_cast<size_t>(weekday)]
                            : kDays[static_cast<size_t>(weekday)].substr(0, 3);
        break;
      case 'u':
        AppendPadded(out, weekday + 1, t.count);
        break;
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'H':
        AppendPadded(out, hour, t.count);
        break;
      case 'k':
        AppendPadded(out, hour == 0 ? 24 : hour, t.count);
        break;
      case 'K':
        AppendPadded(out, hour % 12, t.count);
        break;
      case 'h':
        AppendPadded(out, hour % 12 == 0 ? 12 : hour % 12, t.count);
        break;
      case 'm':
        AppendPadded(out, minute, t.count);
        break;
      case 's':
        AppendPadded(out, second, t.count);
        break;
      case 'S':
        AppendPadded(out, millis, t.count);
        break;
      case 'z':
        out += t.count >= 4 ? "Coordinated Universal Time" : "UTC";
        break;
      case 'Z':
        out += "+0000";
        break;
      case 'X':
        out += "Z";
        break;
      default:
        break;
    }
  }
  return out;
}

Result<int64_t> DateFormat::Parse(std::string_view text) const {
  const Status unparseable = Status::InvalidArgument("Unparseable date: \"" + std::string(text) + "\"");
  int64_t year = 1970;
  int64_t month = 1;
  int64_t day = 1;
  int64_t day_of_year = -1;
  int64_t hour = 0;
  int64_t hour12 = -1;
  int pm = -1;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t millis = 0;
  int64_t offset_ms = 0;
  size_t pos = 0;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const Token& t = tokens_[i];
    if (t.letter == 0) {
      if (text.substr(pos, t.literal.size()) != t.literal) return unparseable;
      pos += t.literal.size();
      continue;
    }
    if (IsNumeric(t.letter, t.count)) {
      const bool abutting = i + 1 < tokens_.size() && tokens_[i + 1].letter != 0 &&
                            IsNumeric(tokens_[i + 1].letter, tokens_[i + 1].count);
      const size_t max_digits = abutting ? static_cast<size_t>(t.count) : 18;
      size_t start = pos;
      int64_t v = 0;
      while (pos < text.size() && pos - start < max_digits &&
             std::isdigit(static_cast<unsigned char>(text[pos]))) {
        v = v * 10 + (text[pos++] - '0');
      }
      if (pos == start) return unparseable;
      switch (t.letter) {
        case 'y':
          if (t.count <= 2 && pos - start == 2) {  // two-digit year: within 80 years before, 20 after now
            const int64_t base = CurrentYear() - 80;
            v += base / 100 * 100;
            if (v < base) v += 100;
          }
          year = v;
          break;
        case 'M':
        case 'L':
          month = v;
          break;
        case 'd':
          day = v;
          break;
        case 'D':
          day_of_year = v;
          break;
        case 'H':
          hour = v;
          break;
        case 'k':
          hour = v == 24 ? 0 : v;
          break;
        case 'K':
          hour12 = v;
          break;
        case 'h':
          hour12 = v == 12 ? 0 : v;
          break;
        case 'm':
          minute = v;
          break;
        case 's':
          second = v;
          break;
        case 'S':
          millis = v;
          break;
        default:  // 'u': day of week, ignored
          break;
      }
      continue;
    }
    switch (t.letter) {
      case 'M':
      case 'L': {
        int m = MatchName(text, pos, kMonths.data(), kMonths.size());
        if (m < 0) return unparseable;
        month = m + 1;
        break;
      }
      case 'E':
        if (MatchName(text, pos, kDays.data(), kDays.size()) < 0) return unparseable;
        break;
      case 'a':
        if (EqualsIgnoreCase(text.substr(pos, 2), "AM")) {
          pm = 0;
        } else if (EqualsIgnoreCase(text.substr(pos, 2), "PM")) {
          pm = 1;
        } else {
          return unparseable;
        }
        pos += 2;
        break;
      case 'G':
        if (text.substr(pos, 2) != "AD" && text.substr(pos, 2) != "BC") return unparseable;
        pos += 2;
        break;
      default:  // z, Z, X
        if (!ParseZone(text, pos, offset_ms)) return unparseable;
        break;
    }
  }
  if (hour12 >= 0) hour = hour12 + (pm == 1 ? 12 : 0);  // 'a' only qualifies h and K, as in Java
  int64_t days;
  if (day_of_year >= 0) {
    days = DaysFromCivil(year, 1, 1) + day_of_year - 1;
  } else {  // lenient: month 13 is January of the next year, day 32 rolls into the next month
    const int64_t y = year + FloorDiv(month - 1, 12);
    const int m = static_cast<int>(month - 1 - FloorDiv(month - 1, 12) * 12 + 1);
    days = DaysFromCivil(y, m, 1) + day - 1;
  }
  return days * kMillisPerDay + hour * 3'600'000 + minute * 60'000 + second * 1000 + millis - offset_ms;
}

}  // namespace sluice::connect::transforms
