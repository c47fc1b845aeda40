// Tests for TimeZone: the TZif reader and POSIX-rule evaluation that
// maintenance windows rely on (system tzdata, Debian package tzdata).
#include "config/time_zone.h"

#include <gtest/gtest.h>

#include <string>

namespace outage {
namespace {

// Unix seconds of a UTC civil time.
int64_t Utc(int y, int mo, int d, int h, int mi) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

std::shared_ptr<const TimeZone> MustLoad(const std::string& name) {
  std::string error;
  auto zone = TimeZone::Load(name, &error);
  EXPECT_NE(zone, nullptr) << name << ": " << error;
  return zone;
}

TEST(CivilDaysTest, RoundTripsAndKnowsWeekdays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(DaysFromCivil(2024, 2, 29), &y, &m, &d);
  EXPECT_EQ(y, 2024);
  EXPECT_EQ(m, 2);
  EXPECT_EQ(d, 29);
  EXPECT_EQ(WeekdayFromDays(0), 4);                           // Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2024, 3, 31)), 0);  // Sunday
  EXPECT_EQ(WeekdayFromDays(-1), 3);                          // Wednesday
}

TEST(TimeZoneTest, StockholmSwitchesAtTheTransitionSecond) {
  auto zone = MustLoad("Europe/Stockholm");
  ASSERT_NE(zone, nullptr);
  // 2024: CEST from 31 March 01:00 UTC to 27 October 01:00 UTC.
  EXPECT_EQ(zone->OffsetAt(Utc(2024, 3, 31, 1, 0) - 1), 3600);
  EXPECT_EQ(zone->OffsetAt(Utc(2024, 3, 31, 1, 0)), 7200);
  EXPECT_EQ(zone->OffsetAt(Utc(2024, 10, 27, 1, 0) - 1), 7200);
  EXPECT_EQ(zone->OffsetAt(Utc(2024, 10, 27, 1, 0)), 3600);
}

TEST(TimeZoneTest, RuleCoversYearsPastTheTable) {
  auto stockholm = MustLoad("Europe/Stockholm");
  ASSERT_NE(stockholm, nullptr);
  EXPECT_EQ(stockholm->OffsetAt(Utc(2100, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(stockholm->OffsetAt(Utc(2100, 7, 15, 12, 0)), 7200);
  // 2100: last Sunday of March is the 28th.
  EXPECT_EQ(stockholm->OffsetAt(Utc(2100, 3, 28, 1, 0) - 1), 3600);
  EXPECT_EQ(stockholm->OffsetAt(Utc(2100, 3, 28, 1, 0)), 7200);
  // Southern hemisphere: daylight time spans the new year.
  auto sydney = MustLoad("Australia/Sydney");
  ASSERT_NE(sydney, nullptr);
  EXPECT_EQ(sydney->OffsetAt(Utc(2100, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(sydney->OffsetAt(Utc(2100, 7, 15, 0, 0)), 10 * 3600);
}

TEST(TimeZoneTest, LocalToUnixHandlesGapsAndFolds) {
  auto zone = MustLoad("Europe/Stockholm");
  ASSERT_NE(zone, nullptr);
  // A plain winter time.
  EXPECT_EQ(zone->LocalToUnix(Utc(2024, 1, 10, 12, 0)), Utc(2024, 1, 10, 11, 0));
  // 02:30 does not exist on 31 March 2024: it is taken as 03:30 CEST.
  EXPECT_EQ(zone->LocalToUnix(Utc(2024, 3, 31, 2, 30)), Utc(2024, 3, 31, 1, 30));
  // 02:30 happens twice on 27 October 2024: the first (CEST) one wins.
  EXPECT_EQ(zone->LocalToUnix(Utc(2024, 10, 27, 2, 30)), Utc(2024, 10, 27, 0, 30));
}

TEST(TimeZoneTest, UtcNeedsNoFile) {
  std::string error;
  auto zone = TimeZone::Load("UTC", &error, "/nonexistent");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->OffsetAt(Utc(2024, 7, 1, 0, 0)), 0);
}

TEST(TimeZoneTest, RejectsBadNamesMissingZonesAndBadFiles) {
  std::string error;
  EXPECT_EQ(TimeZone::Load("../../etc/passwd", &error), nullptr);
  EXPECT_EQ(error, "invalid time zone name");
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons", &error), nullptr);
  EXPECT_EQ(error, "unknown time zone (no TZif file in /usr/share/zoneinfo)");
  EXPECT_EQ(TimeZone::FromTzif("x", "TZif2", &error), nullptr);
  EXPECT_EQ(error, "not a TZif file");
}

TEST(TimeZoneTest, RejectsTruncatedTzif) {
  std::string error;
  auto zone = MustLoad("Europe/Stockholm");
  ASSERT_NE(zone, nullptr);
  // Rebuild the file's bytes, then cut them short.
  FILE* f = std::fopen("/usr/share/zoneinfo/Europe/Stockholm", "rb");
  ASSERT_NE(f, nullptr);
  std::string data(1 << 16, '\0');
  data.resize(std::fread(data.data(), 1, data.size(), f));
  std::fclose(f);
  EXPECT_NE(TimeZone::FromTzif("ok", data, &error), nullptr) << error;
  EXPECT_EQ(TimeZone::FromTzif("cut", data.substr(0, 100), &error), nullptr);
  EXPECT_EQ(error, "truncated TZif file");
}

}  // namespace
}  // namespace outage
