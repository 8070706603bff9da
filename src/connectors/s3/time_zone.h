// Time zones for the time-based partitioners (GCC 12 has no std::chrono tzdb): UTC/GMT, fixed offsets
// ("+09:00", "GMT+9") and IANA names read from the system's TZif files (/usr/share/zoneinfo, or
// $TZDIR). Also Joda-Time style formatting of a local time ("'year'=YYYY/'month'=MM") as Confluent's
// path.format uses.
//
// Thread-safety: a loaded TimeZone is immutable; share it freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::connectors::s3 {

class TimeZone {
 public:
  static Result<TimeZone> Load(std::string_view name);
  static TimeZone Utc() { return TimeZone(); }

  // Offset from UTC (ms) in effect at a UTC instant.
  int64_t OffsetAtUtc(int64_t utc_ms) const;
  int64_t ToLocal(int64_t utc_ms) const { return utc_ms + OffsetAtUtc(utc_ms); }
  // The UTC instant of a local wall time (the earlier one when ambiguous), as Joda's convertLocalToUTC.
  int64_t ToUtc(int64_t local_ms) const;

 private:
  int64_t fixed_offset_ms_ = 0;
  std::vector<int64_t> transitions_;  // UTC seconds
  std::vector<int32_t> offsets_;      // seconds, offset after each transition
  int32_t initial_offset_ = 0;
};

// Formats `local_ms` (a local wall time, ms since the local epoch) with a Joda-Time pattern: y/Y/x
// (year; two letters: two digits), M (MM number, MMM/MMMM English names), d, D, H, k, h, K, m, s, S,
// E (EEE/EEEE day names), a, and 'quoted' literals ('' is a quote). Other characters are copied.
std::string FormatJoda(std::string_view pattern, int64_t local_ms);

}  // namespace sluice::connectors::s3
