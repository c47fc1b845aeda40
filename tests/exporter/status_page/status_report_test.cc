// Tests for BuildStatusReport: grouping by label and the verdict rules.
#include "exporter/status_page/status_report.h"

#include <gtest/gtest.h>

#include "tests/exporter/status_fixture.h"

namespace outage {
namespace {

TEST(StatusReportTest, GroupsByServiceLabelAndTargetsWithoutItStandAlone) {
  StatusFixture f;
  f.AddTarget("https://a.example/", "spotify", OutageState::kUp);
  f.AddTarget("https://b.example/", "", OutageState::kUp);
  f.AddTarget("https://c.example/", "spotify", OutageState::kUp);
  const StatusReport r = f.Build();
  ASSERT_EQ(r.services.size(), 2u);
  EXPECT_EQ(r.services[0].name, "spotify");
  ASSERT_EQ(r.services[0].targets.size(), 2u);
  EXPECT_EQ(r.services[0].targets[1].target, "https://c.example/");
  EXPECT_EQ(r.services[1].name, "https://b.example/");
}

TEST(StatusReportTest, ControlTargetsWithoutTheLabelShareOneService) {
  StatusFixture f;
  f.AddTarget("https://a.example/", "spotify", OutageState::kUp);
  f.AddTarget("https://cdn.example/", "", OutageState::kUp);
  f.MarkLastControl();
  f.AddTarget("https://resolver.example/", "", OutageState::kUp);
  f.MarkLastControl();
  f.AddTarget("https://labelled-control.example/", "canaries", OutageState::kUp);
  f.MarkLastControl();
  const StatusReport r = f.Build();
  ASSERT_EQ(r.services.size(), 3u);
  EXPECT_EQ(r.services[0].name, "spotify");
  EXPECT_EQ(r.services[1].name, kControlServiceName);
  EXPECT_EQ(r.services[1].targets.size(), 2u);
  EXPECT_EQ(r.services[2].name, "canaries");
}

TEST(StatusReportTest, WorstVerdictsComeFirstThenConfigOrder) {
  StatusFixture f;
  f.AddTarget("a", "up-1", OutageState::kUp);
  f.AddTarget("b", "maintenance", OutageState::kMaintenance, FailureReason::kMaintenance);
  f.AddTarget("c", "down", OutageState::kDown, FailureReason::kTimeout);
  f.AddTarget("d", "up-2", OutageState::kUp);
  f.AddTarget("e", "degraded", OutageState::kDegraded);
  f.AddTarget("f", "new", OutageState::kUnknown, std::nullopt);
  std::vector<std::string> names;
  for (const ServiceReport& s : f.Build().services) names.push_back(s.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"down", "degraded", "maintenance", "new", "up-1", "up-2"}));
}

TEST(StatusReportTest, GroupLabelIsConfigurable) {
  StatusFixture f;
  f.AddTarget("https://a.example/", "spotify", OutageState::kUp);
  const StatusReport r = f.Build("team");
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].name, "https://a.example/");
}

struct VerdictCase {
  const char* name;
  std::vector<std::pair<OutageState, FailureReason>> targets;
  OutageState state;
  const char* headline;
};

class VerdictTest : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(VerdictTest, HeadlineFollowsTheRules) {
  StatusFixture f;
  int i = 0;
  for (const auto& [state, reason] : GetParam().targets) {
    f.AddTarget("t" + std::to_string(i++), "svc", state, reason);
  }
  const StatusReport r = f.Build();
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].state, GetParam().state);
  EXPECT_EQ(r.services[0].Headline(), GetParam().headline);
}

using S = OutageState;
using R = FailureReason;
INSTANTIATE_TEST_SUITE_P(
    Verdicts, VerdictTest,
    ::testing::Values(
        VerdictCase{"AllUp", {{S::kUp, R::kNone}, {S::kUp, R::kNone}}, OutageState::kUp, "Up"},
        VerdictCase{"AllDownByDns",
                    {{S::kDown, R::kDns}, {S::kDown, R::kDns}, {S::kDown, R::kTimeout}},
                    OutageState::kDown,
                    "Down \u2014 DNS"},
        VerdictCase{"SomeDown",
                    {{S::kDown, R::kHttp5xx}, {S::kUp, R::kNone}},
                    OutageState::kDegraded,
                    "Degraded"},
        VerdictCase{
            "SlowIsDegraded", {{S::kDegraded, R::kNone}}, OutageState::kDegraded, "Degraded"},
        VerdictCase{"Maintenance",
                    {{S::kMaintenance, R::kMaintenance}},
                    OutageState::kMaintenance,
                    "Maintenance"},
        VerdictCase{"OurNetwork",
                    {{S::kUnknown, R::kLocalNetwork}, {S::kUp, R::kNone}},
                    OutageState::kDown,
                    "Down \u2014 our network"},
        VerdictCase{"NoDataYet", {{S::kUnknown, R::kNone}}, OutageState::kUnknown, "No data yet"},
        VerdictCase{"DownRecovering", {{S::kDown, R::kNone}}, OutageState::kDown, "Down"},
        VerdictCase{"UnknownDoesNotHideDown",
                    {{S::kDown, R::kTls}, {S::kUnknown, R::kNone}},
                    OutageState::kDown,
                    "Down \u2014 TLS"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StatusReportTest, SinceIsTheLatestChangeAmongTheTargetsThatSetTheVerdict) {
  StatusFixture f;
  f.AddTarget("a", "svc", OutageState::kDown, FailureReason::kDns, 600);
  f.AddTarget("b", "svc", OutageState::kDown, FailureReason::kDns, 120);
  const StatusReport r = f.Build();
  EXPECT_DOUBLE_EQ(r.services[0].since_seconds, StatusFixture::kNow - 120);
}

TEST(StatusReportTest, TargetsCarryTheirLatestProbeAndTrend) {
  StatusFixture f;
  f.AddTarget("a", "svc", OutageState::kDown, FailureReason::kHttp5xx);
  const StatusReport r = f.Build();
  const TargetReport& t = r.services[0].targets[0];
  ASSERT_NE(t.latest, nullptr);
  EXPECT_EQ(t.latest->reason, FailureReason::kHttp5xx);
  EXPECT_EQ(t.trend.size(), 1u);
  EXPECT_EQ(r.recent.size(), 1u);
}

}  // namespace
}  // namespace outage
