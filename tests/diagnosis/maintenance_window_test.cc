// Tests for WindowOpen: one-off and recurring maintenance windows, across
// midnight and across daylight-saving changes in Europe/Stockholm.
#include "diagnosis/maintenance_window.h"

#include <gtest/gtest.h>

#include <string>

#include "config/time_zone.h"

namespace outage {
namespace {

WallTime At(int y, int mo, int d, int h, int mi, int s = 0) {
  return WallTime(std::chrono::seconds(DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s));
}

MaintenanceWindow Recurring(std::vector<int> weekdays, int hh, int mm, std::chrono::minutes d,
                            const std::string& zone_name = "UTC") {
  MaintenanceWindow w;
  w.weekdays = std::move(weekdays);
  w.start_minute_of_day = hh * 60 + mm;
  w.duration = d;
  w.timezone = zone_name;
  std::string error;
  w.zone = TimeZone::Load(zone_name, &error);
  EXPECT_NE(w.zone, nullptr) << error;
  return w;
}

const std::vector<int> kDaily = {0, 1, 2, 3, 4, 5, 6};

TEST(MaintenanceWindowTest, OneOffIsHalfOpen) {
  MaintenanceWindow w;
  w.start_unix = 1000;
  w.end_unix = 2000;
  EXPECT_FALSE(WindowOpen(w, WallTime(std::chrono::seconds(999))));
  EXPECT_TRUE(WindowOpen(w, WallTime(std::chrono::seconds(1000))));
  EXPECT_TRUE(WindowOpen(w, WallTime(std::chrono::milliseconds(1999999))));
  EXPECT_FALSE(WindowOpen(w, WallTime(std::chrono::seconds(2000))));
}

TEST(MaintenanceWindowTest, DailyWindowRunsPastMidnight) {
  const auto w = Recurring(kDaily, 23, 0, std::chrono::minutes(120));
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 1, 22, 59, 59)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 5, 1, 23, 0)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 5, 2, 0, 30)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 5, 2, 0, 59, 59)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 2, 1, 0)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 2, 12, 0)));
}

TEST(MaintenanceWindowTest, WeeklyWindowOnlyOnItsWeekdayInItsZone) {
  // Mondays 23:30-00:30 Stockholm time (CEST, UTC+2, in May).
  const auto w = Recurring({1}, 23, 30, std::chrono::minutes(60), "Europe/Stockholm");
  // Monday 6 May 2024 23:45 CEST = 21:45 UTC.
  EXPECT_TRUE(WindowOpen(w, At(2024, 5, 6, 21, 45)));
  // Tuesday 00:15 CEST, still Monday's window.
  EXPECT_TRUE(WindowOpen(w, At(2024, 5, 6, 22, 15)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 6, 22, 30)));
  // 23:45 UTC on Monday is already Tuesday 01:45 in Stockholm.
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 6, 23, 45)));
  // Sunday 23:45 CEST.
  EXPECT_FALSE(WindowOpen(w, At(2024, 5, 5, 21, 45)));
}

TEST(MaintenanceWindowTest, DurationIsElapsedTimeAcrossSpringForward) {
  // Daily 01:30 Stockholm for 2h. On 31 March 2024 clocks jump 02:00 -> 03:00.
  const auto w = Recurring(kDaily, 1, 30, std::chrono::minutes(120), "Europe/Stockholm");
  // Starts 01:30 CET = 00:30 UTC, ends two real hours later (04:30 CEST).
  EXPECT_FALSE(WindowOpen(w, At(2024, 3, 31, 0, 29)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 3, 31, 0, 30)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 3, 31, 2, 29)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 3, 31, 2, 30)));
  // The next day it starts at 01:30 CEST = 23:30 UTC the day before.
  EXPECT_TRUE(WindowOpen(w, At(2024, 3, 31, 23, 30)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 3, 31, 23, 29)));
}

TEST(MaintenanceWindowTest, StartInTheSkippedHourOpensAtTheShiftedTime) {
  // 02:30 does not exist on 31 March 2024 in Stockholm: it opens at 03:30 CEST.
  const auto w = Recurring(kDaily, 2, 30, std::chrono::minutes(30), "Europe/Stockholm");
  EXPECT_FALSE(WindowOpen(w, At(2024, 3, 31, 1, 15)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 3, 31, 1, 30)));
  EXPECT_TRUE(WindowOpen(w, At(2024, 3, 31, 1, 59)));
  EXPECT_FALSE(WindowOpen(w, At(2024, 3, 31, 2, 0)));
}

TEST(MaintenanceWindowTest, RepeatedHourOpensOnceAcrossFallBack) {
  // 02:30 happens twice on 27 October 2024: the window opens at the first.
  const auto w = Recurring(kDaily, 2, 30, std::chrono::minutes(30), "Europe/Stockholm");
  EXPECT_TRUE(WindowOpen(w, At(2024, 10, 27, 0, 45)));   // 02:45 CEST
  EXPECT_FALSE(WindowOpen(w, At(2024, 10, 27, 1, 45)));  // 02:45 CET, the second time
}

TEST(MaintenanceWindowTest, AnyWindowOpen) {
  MaintenanceWindow past;
  past.start_unix = 0;
  past.end_unix = 10;
  const auto daily = Recurring(kDaily, 12, 0, std::chrono::minutes(10));
  EXPECT_TRUE(AnyWindowOpen({past, daily}, At(2024, 5, 1, 12, 5)));
  EXPECT_FALSE(AnyWindowOpen({past, daily}, At(2024, 5, 1, 12, 15)));
  EXPECT_FALSE(AnyWindowOpen({}, At(2024, 5, 1, 12, 5)));
}

}  // namespace
}  // namespace outage
