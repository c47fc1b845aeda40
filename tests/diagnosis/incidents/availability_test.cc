// Availability from incidents (diagnosis/incidents/availability.h) on
// hand-built incidents at fixed times.
#include "diagnosis/incidents/availability.h"

#include <gtest/gtest.h>

#include "diagnosis/incidents/incident_json.h"

namespace outage {
namespace {

using std::chrono::minutes;

WallTime At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

// Incident from `start` for `length`, closed unless `open`.
Incident Down(const char* start, minutes length, bool open = false) {
  Incident i;
  i.id = 1;
  i.service = "spotify";
  i.start = At(start);
  if (!open) i.end = i.start + length;
  IncidentPart p;
  p.target = "https://open.spotify.com/";
  p.module = "http_2xx";
  p.start = i.start;
  p.end = i.end;
  i.parts.push_back(p);
  return i;
}

TEST(AvailabilityTest, CalendarMonthsParseAndRejectTheRest) {
  const std::optional<Period> nov = CalendarMonth("2026-11");
  ASSERT_TRUE(nov.has_value());
  EXPECT_EQ(nov->from, At("2026-11-01T00:00:00Z"));
  EXPECT_EQ(nov->to, At("2026-12-01T00:00:00Z"));
  EXPECT_EQ(nov->label, "2026-11");
  const std::optional<Period> dec = CalendarMonth("2026-12");
  ASSERT_TRUE(dec.has_value());
  EXPECT_EQ(dec->to, At("2027-01-01T00:00:00Z")) << "December ends in the next year";
  EXPECT_DOUBLE_EQ(CalendarMonth("2028-02")->Seconds(), 29 * 86400.0) << "a leap year";
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "2026/11", "",
                          "2026-1x", "1969-12"}) {
    EXPECT_FALSE(CalendarMonth(bad).has_value()) << bad;
  }
  EXPECT_EQ(MonthOf(At("2026-11-30T23:59:59Z")).label, "2026-11");
  EXPECT_EQ(DayOf(At("2026-11-04T14:02:00Z")).from, At("2026-11-04T00:00:00Z"));
  EXPECT_EQ(DayOf(At("2026-11-04T14:02:00Z")).label, "2026-11-04");
}

TEST(AvailabilityTest, ADownIncidentCountsWhollyInsideTheMonth) {
  const Period nov = *CalendarMonth("2026-11");
  const WallTime now = At("2026-12-04T00:00:00Z");
  const Downtime d = ServiceDowntime({Down("2026-11-04T14:02:00Z", minutes(17))}, nov, now);
  EXPECT_EQ(d.incidents, 1);
  EXPECT_DOUBLE_EQ(d.elapsed_seconds, 30 * 86400.0);
  EXPECT_DOUBLE_EQ(d.downtime_seconds, 17 * 60.0);
  EXPECT_DOUBLE_EQ(d.Availability(), 1 - 17 * 60.0 / (30 * 86400.0));
  const Budget b = BudgetOf(0.999, nov, d);
  EXPECT_NEAR(b.allowed_seconds, 43.2 * 60, 1e-6) << "99.9% of 30 days allows 43.2 min";
  EXPECT_NEAR(b.left_seconds, 26.2 * 60, 1e-6);
  EXPECT_TRUE(b.met);
  EXPECT_FALSE(BudgetOf(0.9999, nov, d).met) << "4.3 min allowed, 17 spent";
}

TEST(AvailabilityTest, AnIncidentAcrossMonthsIsSplitAtTheBoundary) {
  const Incident across = Down("2026-10-31T23:50:00Z", minutes(30));
  const WallTime now = At("2026-12-04T00:00:00Z");
  EXPECT_DOUBLE_EQ(ServiceDowntime({across}, *CalendarMonth("2026-10"), now).downtime_seconds,
                   10 * 60.0);
  EXPECT_DOUBLE_EQ(ServiceDowntime({across}, *CalendarMonth("2026-11"), now).downtime_seconds,
                   20 * 60.0);
  EXPECT_EQ(ServiceDowntime({across}, *CalendarMonth("2026-09"), now).incidents, 0);
}

TEST(AvailabilityTest, AnOpenIncidentRunsToNowAndTheMonthIsOnlyElapsedSoFar) {
  const Period dec = *CalendarMonth("2026-12");
  const WallTime now = At("2026-12-02T00:00:00Z");
  const Downtime d = ServiceDowntime({Down("2026-12-01T23:00:00Z", minutes(0), true)}, dec, now);
  EXPECT_DOUBLE_EQ(d.downtime_seconds, 3600.0);
  EXPECT_DOUBLE_EQ(d.elapsed_seconds, 86400.0) << "one day of December has passed";
  EXPECT_DOUBLE_EQ(d.Availability(), 1 - 1.0 / 24);
  EXPECT_NEAR(BudgetOf(0.999, dec, d).allowed_seconds, 0.001 * 31 * 86400, 1e-6)
      << "the budget is the whole month's";
  const Downtime before = ServiceDowntime({}, *CalendarMonth("2027-01"), now);
  EXPECT_DOUBLE_EQ(before.elapsed_seconds, 0);
  EXPECT_DOUBLE_EQ(before.Availability(), 1) << "a month not begun has no downtime";
}

TEST(AvailabilityTest, MaintenanceOurNetworkAndGapsAreShownApartAndNotBlamed) {
  Incident i = Down("2026-11-04T14:00:00Z", minutes(60));
  i.maintenance.push_back(Span{At("2026-11-04T14:00:00Z"), At("2026-11-04T14:10:00Z")});
  i.local_network.push_back(Span{At("2026-11-04T14:05:00Z"), At("2026-11-04T14:20:00Z")});
  i.gaps.push_back(Span{At("2026-11-04T14:40:00Z"), At("2026-11-04T14:45:00Z")});
  const Downtime d = ServiceDowntime({i}, *CalendarMonth("2026-11"), At("2026-12-01T00:00:00Z"));
  EXPECT_DOUBLE_EQ(d.incident_seconds, 60 * 60.0);
  EXPECT_DOUBLE_EQ(d.maintenance_seconds, 10 * 60.0);
  EXPECT_DOUBLE_EQ(d.local_network_seconds, 15 * 60.0);
  EXPECT_DOUBLE_EQ(d.unobserved_seconds, 5 * 60.0);
  // 14:00-14:20 (maintenance and our network overlap) and 14:40-14:45 are
  // excused once each: 60 - 20 - 5.
  EXPECT_DOUBLE_EQ(d.downtime_seconds, 35 * 60.0);
}

TEST(AvailabilityTest, ATargetIsChargedOnlyItsOwnParts) {
  Incident i = Down("2026-11-04T14:00:00Z", minutes(60));
  IncidentPart api;
  api.target = "https://api.spotify.com/";
  api.module = "http_2xx";
  api.start = At("2026-11-04T14:30:00Z");
  api.end = At("2026-11-04T14:40:00Z");
  i.parts.push_back(api);
  IncidentPart again = api;  // the same target fails a second time
  again.start = At("2026-11-04T14:50:00Z");
  again.end = std::nullopt;  // until the incident ends
  i.parts.push_back(again);
  const Period nov = *CalendarMonth("2026-11");
  const WallTime now = At("2026-12-01T00:00:00Z");
  const Downtime d = TargetDowntime({i}, api.target, "http_2xx", nov, now);
  EXPECT_DOUBLE_EQ(d.downtime_seconds, 20 * 60.0);
  EXPECT_EQ(d.incidents, 1);
  EXPECT_DOUBLE_EQ(TargetDowntime({i}, api.target, "dns", nov, now).downtime_seconds, 0)
      << "another module of the same target is another target";
  EXPECT_DOUBLE_EQ(
      TargetDowntime({i}, "https://open.spotify.com/", "http_2xx", nov, now).downtime_seconds,
      60 * 60.0);
}

TEST(AvailabilityTest, ConsecutiveSpansJoin) {
  std::vector<Span> spans;
  const WallTime t = At("2026-11-04T14:00:00Z");
  AddSpan(&spans, t, t + minutes(1));
  AddSpan(&spans, t + minutes(1), t + minutes(2));
  AddSpan(&spans, t + minutes(3), t + minutes(4));
  AddSpan(&spans, t + minutes(5), t + minutes(5));  // empty: ignored
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].to, t + minutes(2));
  EXPECT_DOUBLE_EQ(SpanSeconds(spans), 3 * 60.0);
}

}  // namespace
}  // namespace outage
