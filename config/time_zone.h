// TimeZone: the UTC offsets of an IANA time zone, read from the system's
// TZif files (/usr/share/zoneinfo, Debian package tzdata). libstdc++ 12 has
// no chrono time-zone database, and setenv("TZ") + localtime_r is not
// thread-safe, so maintenance windows resolve their zone once, at config load.
//
// Immutable after Load, so thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace outage {

class TimeZone {
 public:
  // Load reads zone `name` ("Europe/Stockholm", "UTC") from `zoneinfo_dir`.
  // Returns nullptr with *error set for an invalid name, a missing file or a
  // malformed one.
  static std::shared_ptr<const TimeZone> Load(const std::string& name, std::string* error,
                                              const std::string& zoneinfo_dir = kZoneinfoDir);
  // FromTzif builds a zone from TZif bytes (RFC 8536, versions 1 to 4).
  static std::shared_ptr<const TimeZone> FromTzif(std::string name, std::string_view data,
                                                  std::string* error);
  // Utc is the built-in UTC zone (no file needed).
  static std::shared_ptr<const TimeZone> Utc();

  static constexpr const char* kZoneinfoDir = "/usr/share/zoneinfo";

  const std::string& name() const { return name_; }

  // OffsetAt is the zone's UTC offset in seconds east at `unix_seconds`.
  int OffsetAt(int64_t unix_seconds) const;

  // LocalToUnix converts a local wall-clock time, given as seconds since
  // 1970-01-01 00:00 local, to unix seconds. A time repeated when clocks go
  // back maps to its first occurrence; a time skipped when they go forward
  // maps to the instant it would have been under the old offset (02:30 on a
  // spring-forward night becomes 03:30 new time).
  int64_t LocalToUnix(int64_t local_seconds) const;

 private:
  // Rule is a POSIX TZ rule (the TZif footer) for times past the table.
  struct RuleDate {
    char kind = 'M';  // 'M' month.week.weekday, 'J' Julian 1-365, 'N' zero-based day
    int month = 0, week = 0, weekday = 0, day = 0;
    int32_t time = 7200;  // seconds after local midnight
  };
  struct Rule {
    int32_t std_offset = 0;  // seconds east
    bool has_dst = false;
    int32_t dst_offset = 0;
    RuleDate start, end;
  };

  TimeZone() = default;
  static bool ParseRule(std::string_view text, Rule* out);
  // RuleTransition is when `date` (at its local time, under offset `before`)
  // falls in `year`, as unix seconds.
  static int64_t RuleTransition(const RuleDate& date, int64_t year, int32_t before);
  int RuleOffsetAt(int64_t unix_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // unix seconds, ascending
  std::vector<int32_t> offsets_;      // offsets_[i] applies from transitions_[i]
  int32_t initial_offset_ = 0;        // before the first transition
  bool has_rule_ = false;
  Rule rule_;
};

// DaysFromCivil is the number of days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (m 1-12, d 1-31); negative before 1970.
int64_t DaysFromCivil(int64_t y, int m, int d);

// CivilFromDays is the inverse of DaysFromCivil.
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d);

// WeekdayFromDays is 0 (Sunday) to 6 for a day count from 1970-01-01.
int WeekdayFromDays(int64_t days);

}  // namespace outage
