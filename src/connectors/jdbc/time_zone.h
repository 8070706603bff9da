// Time zones for db.timezone: UTC, fixed offsets ("+09:00", "UTC+9", "GMT-05:30") and IANA names
// ("Asia/Seoul") read from the system's TZif files (TZDIR or /usr/share/zoneinfo). Times after the
// file's last transition use its last offset (tzdata installed "fat", as Debian ships it, lists
// transitions to 2037). Also the civil-date arithmetic the type mapping needs.
//
// Thread-safety: a loaded TimeZone is immutable; share it freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::connectors::jdbc {

class TimeZone {
 public:
  // "UTC" when default-constructed.
  TimeZone() = default;
  static Result<TimeZone> Load(std::string_view name);

  const std::string& name() const { return name_; }
  bool is_utc() const { return transitions_.empty() && fixed_offset_s_ == 0; }
  // Seconds east of UTC at the UTC instant `utc_s`.
  int64_t OffsetAt(int64_t utc_s) const;
  // The UTC instant of a local wall-clock time (seconds since the epoch as if local were UTC). In a
  // gap or overlap the earlier offset's reading is used.
  int64_t LocalToUtc(int64_t local_s) const;

 private:
  std::string name_ = "UTC";
  int64_t fixed_offset_s_ = 0;
  std::vector<int64_t> transitions_;    // UTC seconds, ascending
  std::vector<int32_t> offsets_after_;  // offset in force from transitions_[i]
  int32_t offset_before_ = 0;           // before the first transition
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace sluice::connectors::jdbc
