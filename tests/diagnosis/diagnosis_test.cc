// Tests for Diagnosis: control targets (local_network), maintenance
// windows and vendor status rewriting reasons, shared results not advancing
// the state twice, and reload.
#include "diagnosis/diagnosis.h"

#include <gtest/gtest.h>

#include <memory>

#include "config/target_identity.h"
#include "diagnosis/target_store.h"

namespace outage {
namespace {

Target MakeTarget(const std::string& name, bool control = false) {
  Target t;
  t.target = name;
  t.module = "http_2xx";
  t.control = control;
  t.hysteresis.failure_threshold = 2;
  t.hysteresis.recovery_threshold = 2;
  IdentifyTarget(&t);
  return t;
}

ProbeResult Result(bool success, FailureReason reason = FailureReason::kNone,
                   double seconds = 0.1) {
  ProbeResult r;
  r.success = success;
  r.reason = success ? FailureReason::kNone : reason;
  r.duration_seconds = seconds;
  return r;
}

class DiagnosisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.targets = {MakeTarget("https://cdn.example/", true),
                       MakeTarget("https://open.spotify.com/")};
    store_.Sync(config_);
  }

  // Scrape runs one scrape with one result per target (config order) and
  // returns the results as rewritten.
  std::vector<ProbeResult> Scrape(std::vector<ProbeResult> results, bool fresh = true,
                                  const std::vector<VendorStatusView>& pages = {}) {
    clock_.Advance(std::chrono::seconds(15));
    std::vector<ScrapedTarget> scrape;
    for (size_t i = 0; i < results.size(); ++i) {
      scrape.push_back(ScrapedTarget{&config_.targets[i], &results[i], fresh});
    }
    diagnosis_.Diagnose(config_, pages, &scrape);
    return results;
  }

  const TargetDiagnosis& Of(const DiagnosisSnapshot& s, size_t i) { return s.targets.at(i); }

  FakeClock clock_;
  Config config_;
  TargetStore store_{&clock_};
  Diagnosis diagnosis_{&clock_, &store_};
};

TEST_F(DiagnosisTest, EveryControlFailingMeansLocalNetwork) {
  auto results = Scrape({Result(false, FailureReason::kDns), Result(false, FailureReason::kDns)});
  EXPECT_EQ(results[0].reason, FailureReason::kDns);  // a control keeps its own reason
  EXPECT_EQ(results[1].reason, FailureReason::kLocalNetwork);
  Scrape({Result(false, FailureReason::kDns), Result(false, FailureReason::kDns)});
  const DiagnosisSnapshot s = diagnosis_.Snapshot(config_);
  EXPECT_EQ(s.vantage_network_up, false);
  EXPECT_EQ(Of(s, 0).state, OutageState::kDown);  // controls have their own state
  EXPECT_EQ(Of(s, 1).state, OutageState::kUnknown);
  EXPECT_EQ(Of(s, 1).consecutive_failures, 0);
}

TEST_F(DiagnosisTest, OneControlSucceedingBlamesTheTarget) {
  auto results = Scrape({Result(true), Result(false, FailureReason::kHttp5xx)});
  EXPECT_EQ(results[1].reason, FailureReason::kHttp5xx);
  Scrape({Result(true), Result(false, FailureReason::kHttp5xx)});
  const DiagnosisSnapshot s = diagnosis_.Snapshot(config_);
  EXPECT_EQ(s.vantage_network_up, true);
  EXPECT_EQ(Of(s, 1).state, OutageState::kDown);
}

TEST_F(DiagnosisTest, NoControlTargetsMeansNoVantageVerdict) {
  config_.targets = {MakeTarget("https://open.spotify.com/")};
  store_.Sync(config_);
  auto results = Scrape({Result(false, FailureReason::kNetwork)});
  EXPECT_EQ(results[0].reason, FailureReason::kNetwork);
  EXPECT_FALSE(diagnosis_.Snapshot(config_).vantage_network_up.has_value());
}

TEST_F(DiagnosisTest, OpenWindowMeansMaintenance) {
  MaintenanceWindow w;
  w.start_unix =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  w.end_unix = *w.start_unix + 60;
  config_.targets[1].maintenance = {w};
  auto results = Scrape({Result(true), Result(false, FailureReason::kTimeout)});
  EXPECT_EQ(results[1].reason, FailureReason::kMaintenance);
  DiagnosisSnapshot s = diagnosis_.Snapshot(config_);
  EXPECT_EQ(Of(s, 1).state, OutageState::kMaintenance);
  EXPECT_TRUE(Of(s, 1).maintenance_active);
  EXPECT_FALSE(Of(s, 0).maintenance_active);
  // Four scrapes later the window has closed.
  for (int i = 0; i < 4; ++i) Scrape({Result(true), Result(false, FailureReason::kTimeout)});
  s = diagnosis_.Snapshot(config_);
  EXPECT_FALSE(Of(s, 1).maintenance_active);
  EXPECT_EQ(Of(s, 1).state, OutageState::kDown);
}

TEST_F(DiagnosisTest, GlobalWindowCoversEveryTarget) {
  MaintenanceWindow w;
  w.start_unix = 0;
  w.end_unix = int64_t{1} << 40;
  config_.maintenance = {w};
  auto results = Scrape({Result(false, FailureReason::kDns), Result(true)});
  EXPECT_EQ(results[0].reason, FailureReason::kMaintenance);
  EXPECT_TRUE(Of(diagnosis_.Snapshot(config_), 1).maintenance_active);
}

TEST_F(DiagnosisTest, VendorMaintenanceAndConfirmedOutage) {
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->components = {{"Web Player", "", false, "under_maintenance"},
                         {"Web API", "", false, "major_outage"}};
  VendorStatusView page{"spotify", true, 1, summary, ""};
  config_.targets[1].vendor_status_link = VendorStatusLink{"spotify", {"Web Player"}};
  auto results = Scrape({Result(true), Result(false, FailureReason::kHttp5xx)}, true, {page});
  EXPECT_EQ(results[1].reason, FailureReason::kMaintenance);
  DiagnosisSnapshot s = diagnosis_.Snapshot(config_);
  EXPECT_TRUE(Of(s, 1).maintenance_active);
  EXPECT_FALSE(Of(s, 1).vendor_confirmed);

  config_.targets[1].vendor_status_link = VendorStatusLink{"spotify", {"Web API"}};
  results = Scrape({Result(true), Result(false, FailureReason::kHttp5xx)}, true, {page});
  EXPECT_EQ(results[1].reason, FailureReason::kHttp5xx);
  s = diagnosis_.Snapshot(config_);
  EXPECT_FALSE(Of(s, 1).maintenance_active);
  EXPECT_TRUE(Of(s, 1).vendor_confirmed);
}

TEST_F(DiagnosisTest, SharedResultsDoNotAdvanceTheState) {
  Scrape({Result(true), Result(false, FailureReason::kDns)});
  auto results = Scrape({Result(true), Result(false, FailureReason::kDns)}, /*fresh=*/false);
  EXPECT_EQ(results[1].reason, FailureReason::kDns);
  const DiagnosisSnapshot s = diagnosis_.Snapshot(config_);
  EXPECT_EQ(Of(s, 1).consecutive_failures, 1);
  EXPECT_EQ(Of(s, 1).state, OutageState::kUnknown);
}

TEST_F(DiagnosisTest, SomeAddressesFailingIsDegradedWithTheReasonKept) {
  ProbeResult partial = Result(false, FailureReason::kTls);
  partial.addresses = AddressTally{8, 3, FailureReason::kTls};
  auto results = Scrape({Result(true), partial});
  EXPECT_EQ(results[1].reason, FailureReason::kTls);
  Scrape({Result(true), partial});
  EXPECT_EQ(Of(diagnosis_.Snapshot(config_), 1).state, OutageState::kDegraded);
  // Every address failing is an outage like any other.
  ProbeResult all_failed = Result(false, FailureReason::kTls);
  all_failed.addresses = AddressTally{8, 8, FailureReason::kTls};
  Scrape({Result(true), all_failed});
  Scrape({Result(true), all_failed});
  EXPECT_EQ(Of(diagnosis_.Snapshot(config_), 1).state, OutageState::kDown);
}

TEST_F(DiagnosisTest, PartialFailureUnderSuccessWhenAnyIsStillDegraded) {
  ProbeResult partial = Result(true);
  partial.addresses = AddressTally{4, 1, FailureReason::kNetwork};
  Scrape({Result(true), partial});
  Scrape({Result(true), partial});
  EXPECT_EQ(Of(diagnosis_.Snapshot(config_), 1).state, OutageState::kDegraded);
}

TEST_F(DiagnosisTest, DegradedLatencyComesFromTheTarget) {
  config_.targets[1].hysteresis.degraded_latency = Duration(500);
  Scrape({Result(true), Result(true, FailureReason::kNone, 0.75)});
  Scrape({Result(true), Result(true, FailureReason::kNone, 0.75)});
  EXPECT_EQ(Of(diagnosis_.Snapshot(config_), 1).state, OutageState::kDegraded);
}

TEST_F(DiagnosisTest, ReloadDropsGoneTargetsAndKeepsTheRest) {
  Scrape({Result(true), Result(false, FailureReason::kDns)});
  Scrape({Result(true), Result(false, FailureReason::kDns)});
  Config next;
  next.targets = {config_.targets[1], MakeTarget("https://new.example/")};
  store_.Sync(next);
  const DiagnosisSnapshot s = diagnosis_.Snapshot(next);
  ASSERT_EQ(s.targets.size(), 2u);
  EXPECT_EQ(Of(s, 0).state, OutageState::kDown);
  EXPECT_EQ(Of(s, 1).state, OutageState::kUnknown);
  EXPECT_FALSE(s.vantage_network_up.has_value());
  EXPECT_TRUE(diagnosis_.Snapshot(config_).targets.size() == 1);  // the control is gone
}

TEST_F(DiagnosisTest, DownSecondsGrowBetweenScrapes) {
  Scrape({Result(true), Result(false, FailureReason::kDns)});
  Scrape({Result(true), Result(false, FailureReason::kDns)});
  clock_.Advance(std::chrono::seconds(40));
  EXPECT_DOUBLE_EQ(Of(diagnosis_.Snapshot(config_), 1).down_seconds, 40);
}

}  // namespace
}  // namespace outage
