// TimeZone: fixed offsets and TZif files. See time_zone.h.
#include "connectors/jdbc/time_zone.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace sluice::connectors::jdbc {
namespace {

int64_t ReadBE(const std::string& b, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[pos + static_cast<size_t>(i)]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// "+09:00", "-0530", "+9", after an optional UTC/GMT prefix. False if not an offset.
bool ParseOffset(std::string_view s, int64_t* out) {
  for (std::string_view p : {"UTC", "GMT", "UT"}) {
    if (s.size() >= p.size() && s.substr(0, p.size()) == p) {
      s.remove_prefix(p.size());
      break;
    }
  }
  if (s.empty() || s == "Z") {
    *out = 0;
    return true;
  }
  if (s[0] != '+' && s[0] != '-') return false;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::string digits;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits.push_back(c);
    else if (c != ':')
      return false;
  }
  int h = 0;
  int m = 0;
  if (digits.size() <= 2) {
    h = std::atoi(digits.c_str());
  } else if (digits.size() == 3 || digits.size() == 4) {
    h = std::atoi(digits.substr(0, digits.size() - 2).c_str());
    m = std::atoi(digits.substr(digits.size() - 2).c_str());
  } else {
    return false;
  }
  if (h > 18 || m > 59 || digits.empty()) return false;
  *out = sign * (h * 3600 + m * 60);
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  int64_t fixed = 0;
  if (ParseOffset(name, &fixed)) {
    tz.fixed_offset_s_ = fixed;
    return tz;
  }
  if (name.find("..") != std::string_view::npos || name.starts_with("/")) {
    return Status::InvalidArgument("unknown time zone '" + std::string(name) + "'");
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir != nullptr ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("unknown time zone '" + std::string(name) + "' (no " + path + ")");
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return Status::InvalidArgument("time zone file " + path + " is not a TZif file"); };
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return bad();
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = ReadBE(b, at + 20 + static_cast<size_t>(i) * 4, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t pos = 44;
  int tbytes = 4;
  if (b[4] >= '2') {  // skip the v1 block, use the 64-bit one
    pos += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (b.size() < pos + 44) return bad();
    counts(pos, c);
    pos += 44;
    tbytes = 8;
  }
  const int64_t timecnt = c[3];
  const int64_t typecnt = c[4];
  if (typecnt <= 0 || b.size() < pos + static_cast<size_t>(timecnt * (tbytes + 1) + typecnt * 6))
    return bad();
  std::vector<int64_t> times;
  for (int64_t i = 0; i < timecnt; ++i)
    times.push_back(ReadBE(b, pos + static_cast<size_t>(i * tbytes), tbytes));
  size_t idx_pos = pos + static_cast<size_t>(timecnt * tbytes);
  size_t type_pos = idx_pos + static_cast<size_t>(timecnt);
  auto type_offset = [&](int64_t t) {
    return static_cast<int32_t>(ReadBE(b, type_pos + static_cast<size_t>(t * 6), 4));
  };
  // Before the first transition: the first non-DST type (RFC 8536 says type 0).
  tz.offset_before_ = type_offset(0);
  for (int64_t i = 0; i < timecnt; ++i) {
    int64_t t = static_cast<unsigned char>(b[idx_pos + static_cast<size_t>(i)]);
    if (t >= typecnt) return bad();
    tz.transitions_.push_back(times[static_cast<size_t>(i)]);
    tz.offsets_after_.push_back(type_offset(t));
  }
  if (tz.transitions_.empty()) tz.fixed_offset_s_ = tz.offset_before_;
  return tz;
}

int64_t TimeZone::OffsetAt(int64_t utc_s) const {
  if (transitions_.empty()) return fixed_offset_s_;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_s);
  if (it == transitions_.begin()) return offset_before_;
  return offsets_after_[static_cast<size_t>(it - transitions_.begin() - 1)];
}

int64_t TimeZone::LocalToUtc(int64_t local_s) const {
  if (transitions_.empty()) return local_s - fixed_offset_s_;
  int64_t off1 = OffsetAt(local_s - OffsetAt(local_s));
  int64_t guess = local_s - off1;
  int64_t off2 = OffsetAt(guess);
  if (off2 == off1) return guess;
  return local_s - std::max(off1, off2);
}

}  // namespace sluice::connectors::jdbc
