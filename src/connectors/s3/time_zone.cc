// TimeZone and FormatJoda. See time_zone.h.
#include "connectors/s3/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::connectors::s3 {
namespace {

int64_t Be(const unsigned char* p, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) v = static_cast<int32_t>(static_cast<uint32_t>(v));
  return v;
}

// Parses "+09:00", "-0530", "+9" (after a UTC/GMT prefix or alone). False if not an offset.
bool ParseOffset(std::string_view s, int64_t* ms) {
  if (s.empty()) {
    *ms = 0;
    return true;
  }
  if (s[0] != '+' && s[0] != '-') return false;
  int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : s.substr(1)) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits.push_back(c);
    else if (c != ':')
      return false;
  }
  if (digits.empty() || digits.size() > 4) return false;
  int h = 0;
  int m = 0;
  if (digits.size() <= 2) {
    h = std::stoi(digits);
  } else {
    h = std::stoi(digits.substr(0, digits.size() - 2));
    m = std::stoi(digits.substr(digits.size() - 2));
  }
  if (h > 18 || m > 59) return false;
  *ms = sign * (h * 3600000LL + m * 60000LL);
  return true;
}

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string Pad(int64_t v, size_t width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return v < 0 ? "-" + s : s;
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone tz;
  std::string n(name);
  for (std::string_view prefix : {"UTC", "GMT", "UT", "Z"}) {
    if (n.starts_with(prefix) && ParseOffset(std::string_view(n).substr(prefix.size()), &tz.fixed_offset_ms_))
      return tz;
  }
  if (ParseOffset(n, &tz.fixed_offset_ms_) && !n.empty()) return tz;
  if (n.empty() || n.find("..") != std::string::npos || n[0] == '/') {
    return Status::InvalidArgument("unknown time zone '" + n + "'");
  }
  const char* dir = std::getenv("TZDIR");
  std::ifstream f(std::string(dir != nullptr ? dir : "/usr/share/zoneinfo") + "/" + n, std::ios::binary);
  if (!f) return Status::InvalidArgument("unknown time zone '" + n + "'");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string data = ss.str();
  auto bytes = reinterpret_cast<const unsigned char*>(data.data());
  auto bad = [&] { return Status::InvalidArgument("time zone '" + n + "': not a TZif file"); };
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad();
  // Header counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Be(bytes + at + 20 + 4 * i, 4);
  };
  int64_t c[6];
  counts(0, c);
  size_t at = 44;
  int tsize = 4;
  if (data[4] >= '2') {  // skip the 32-bit block, use the 64-bit one
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < at + 44) return bad();
    counts(at, c);
    at += 44;
    tsize = 8;
  }
  const int64_t timecnt = c[3];
  const int64_t typecnt = c[4];
  if (typecnt <= 0 || data.size() < at + static_cast<size_t>(timecnt * (tsize + 1) + typecnt * 6))
    return bad();
  std::vector<int32_t> type_offsets(static_cast<size_t>(typecnt));
  const size_t types_at = at + static_cast<size_t>(timecnt * (tsize + 1));
  for (int64_t i = 0; i < typecnt; ++i) {
    type_offsets[static_cast<size_t>(i)] = static_cast<int32_t>(Be(bytes + types_at + 6 * i, 4));
  }
  tz.initial_offset_ = type_offsets[0];
  for (int64_t i = 0; i < timecnt; ++i) {
    tz.transitions_.push_back(Be(bytes + at + static_cast<size_t>(i * tsize), tsize));
    unsigned idx = bytes[at + static_cast<size_t>(timecnt * tsize + i)];
    if (idx >= type_offsets.size()) return bad();
    tz.offsets_.push_back(type_offsets[idx]);
  }
  return tz;
}

int64_t TimeZone::OffsetAtUtc(int64_t utc_ms) const {
  if (transitions_.empty()) return fixed_offset_ms_ + initial_offset_ * 1000LL;
  int64_t secs = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), secs);
  if (it == transitions_.begin()) return initial_offset_ * 1000LL;
  return offsets_[static_cast<size_t>(it - transitions_.begin() - 1)] * 1000LL;
}

int64_t TimeZone::ToUtc(int64_t local_ms) const {
  int64_t guess = local_ms - OffsetAtUtc(local_ms);
  int64_t second = local_ms - OffsetAtUtc(guess);
  // Prefer the earlier instant of an ambiguous local time.
  int64_t a = std::min(guess, second);
  return a + OffsetAtUtc(a) == local_ms ? a : std::max(guess, second);
}

std::string FormatJoda(std::string_view pattern, int64_t local_ms) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  static const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  int64_t days = local_ms >= 0 ? local_ms / 86400000 : (local_ms - 86399999) / 86400000;
  int64_t ms_of_day = local_ms - days * 86400000;
  int64_t y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  CivilFromDays(days, &y, &mo, &d);
  // Days from 1970-01-01 to January 1st of y, for the day of year.
  const int64_t yp = y - 1;
  const int64_t jan1 =
      365 * (y - 1970) + (yp / 4 - yp / 100 + yp / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
  const int64_t hour = ms_of_day / 3600000;
  const int64_t minute = ms_of_day / 60000 % 60;
  const int64_t second = ms_of_day / 1000 % 60;
  const int64_t milli = ms_of_day % 1000;
  const int64_t dow = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char ch = pattern[i];
    if (ch == '\'') {
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        out.push_back('\'');
        i += 2;
        continue;
      }
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            out.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        out.push_back(pattern[j++]);
      }
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(ch))) {
      out.push_back(ch);
      ++i;
      continue;
    }
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == ch) ++n;
    i += n;
    switch (ch) {
      case 'y':
      case 'Y':
      case 'x':
      case 'u':
        out += n == 2 ? Pad(((y % 100) + 100) % 100, 2) : Pad(y, n);
        break;
      case 'M':
        if (n >= 4)
          out += kMonths[mo - 1];
        else if (n == 3)
          out += std::string(kMonths[mo - 1]).substr(0, 3);
        else
          out += Pad(mo, n);
        break;
      case 'd':
        out += Pad(d, n);
        break;
      case 'D':
        out += Pad(days - jan1 + 1, n);
        break;
      case 'H':
        out += Pad(hour, n);
        break;
      case 'k':
        out += Pad(hour == 0 ? 24 : hour, n);
        break;
      case 'h':
        out += Pad(hour % 12 == 0 ? 12 : hour % 12, n);
        break;
      case 'K':
        out += Pad(hour % 12, n);
        break;
      case 'm':
        out += Pad(minute, n);
        break;
      case 's':
        out += Pad(second, n);
        break;
      case 'S':
        out += Pad(milli, 3).substr(0, std::min<size_t>(n, 3));
        break;
      case 'E':
        out += n >= 4 ? std::string(kDays[dow]) : std::string(kDays[dow]).substr(0, 3);
        break;
      case 'e':
        out += Pad(dow + 1, n);
        break;
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      default:
        out.append(n, ch);
    }
  }
  return out;
}

}  // namespace sluice::connectors::s3
