// Tests for IncidentRecorder, driven through the real Diagnosis in simulated
// time: incidents open and close with the hysteresis state (never on a flap),
// targets of one service share an incident, reasons keep their first time
// and counts, and the vendor's confirmation, maintenance and our own
// network's outages are recorded apart; a restored open incident keeps going
// with the gap marked; a target that leaves the config, by a reload or
// while the exporter was not running, ends its part as "removed".
#include "diagnosis/incidents/incident_recorder.h"

#include <gtest/gtest.h>

#include "config/target_identity.h"
#include "diagnosis/diagnosis.h"
#include "diagnosis/incidents/incident_store.h"
#include "diagnosis/target_store.h"
#include "tests/diagnosis/incidents/sql_text.h"
#include "tests/support/temp_dir.h"

namespace outage {
namespace {

using std::chrono::seconds;

constexpr auto kStep = seconds(15);  // between scrapes

Target MakeTarget(const std::string& name, const std::string& service = "", bool control = false) {
  Target t;
  t.target = name;
  t.module = "http_2xx";
  t.control = control;
  if (!service.empty()) t.labels = {{"service", service}};
  t.hysteresis.failure_threshold = 2;
  t.hysteresis.recovery_threshold = 2;
  t.hysteresis.degraded_latency = Duration(1000);
  t.vendor_status_link = VendorStatusLink{"vendor", {}};
  IdentifyTarget(&t);
  return t;
}

ProbeResult Ok(double seconds = 0.1) {
  ProbeResult r;
  r.success = true;
  r.duration_seconds = seconds;
  return r;
}

ProbeResult Fail(FailureReason reason, std::string_view phase = "connect") {
  ProbeResult r;
  r.Fail(reason, "probe failed", "boom");
  r.phases = {PhaseTiming{"resolve", 0.01}, PhaseTiming{phase, 0.5}};
  r.duration_seconds = 0.51;
  return r;
}

// A vendor summary: whole page in `status`, with an unresolved incident.
VendorStatusView Vendor(const std::string& status, bool incident) {
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->indicator = status == "under_maintenance" ? "maintenance" : "major";
  summary->components = {VendorStatusComponent{"API", "", false, status}};
  if (incident) {
    summary->incidents = {
        VendorStatusIncident{"API errors", "major", "investigating", "https://stspg.io/x1", {}}};
  }
  return VendorStatusView{"vendor", true, 1, summary, ""};
}

// ScrapeWith advances `clock` and runs one scrape of `config` through
// `diagnosis`, one result per target.
void ScrapeWith(FakeClock* clock, Diagnosis* diagnosis, const Config& config,
                std::vector<ProbeResult> results, const std::vector<VendorStatusView>& pages = {}) {
  clock->Advance(kStep);
  std::vector<ScrapedTarget> scrape;
  for (size_t i = 0; i < results.size(); ++i) {
    scrape.push_back(ScrapedTarget{&config.targets[i], &results[i], true});
  }
  diagnosis->Diagnose(config, pages, &scrape);
}

class IncidentRecorderTest : public ::testing::Test {
 protected:
  // Configure applies a config as main's reload listener does.
  void Configure(std::vector<Target> targets) {
    config_.targets = std::move(targets);
    store_.Sync(config_);
    recorder_.SyncTargets(config_);
    diagnosis_.SetObserver(&recorder_);
  }

  void Scrape(std::vector<ProbeResult> results, const std::vector<VendorStatusView>& pages = {}) {
    ScrapeWith(&clock_, &diagnosis_, config_, std::move(results), pages);
  }

  std::vector<Incident> All() const { return recorder_.List({}); }

  FakeClock clock_;
  Config config_;
  TargetStore store_{&clock_};
  Diagnosis diagnosis_{&clock_, &store_};
  IncidentRecorder recorder_{&clock_, &store_, nullptr, IncidentRecorderOptions{}};
};

TEST_F(IncidentRecorderTest, OpensOnDownAndClosesOnUp) {
  Configure({MakeTarget("https://a/")});
  Scrape({Ok(0.2)});
  Scrape({Ok(0.2)});  // up
  Scrape({Fail(FailureReason::kHttp5xx)});
  EXPECT_TRUE(All().empty()) << "one failure is below failure_threshold";
  Scrape({Fail(FailureReason::kHttp5xx)});
  const WallTime down_at = clock_.Now();
  ASSERT_EQ(All().size(), 1u);
  Incident open = All()[0];
  EXPECT_TRUE(open.open());
  EXPECT_EQ(open.service, "https://a/");
  EXPECT_EQ(open.start, down_at);
  EXPECT_EQ(open.FirstReason(), "http_5xx");
  ASSERT_EQ(open.parts.size(), 1u);
  EXPECT_EQ(open.parts[0].first_phase, "connect");
  EXPECT_EQ(open.parts[0].latency_before_seconds, 0.2);
  EXPECT_NE(open.parts[0].first_failure_log.find("probe failed"), std::string::npos);
  ASSERT_EQ(open.changes.size(), 1u);
  EXPECT_EQ(open.changes[0].from, "up");
  EXPECT_EQ(open.changes[0].to, "down");

  Scrape({Ok()});
  EXPECT_TRUE(All()[0].open()) << "one success is below recovery_threshold";
  Scrape({Ok()});
  const Incident closed = All()[0];
  EXPECT_FALSE(closed.open());
  EXPECT_EQ(*closed.end, clock_.Now());
  EXPECT_DOUBLE_EQ(closed.DurationSeconds(clock_.Now()), 2 * 15.0);
  EXPECT_EQ(closed.changes.back().to, "up");
  EXPECT_EQ(closed.parts[0].probes, 3);  // the failure that opened it and two successes
  EXPECT_EQ(closed.parts[0].failures, 1);

  const IncidentStats stats = recorder_.Stats();
  EXPECT_EQ(stats.opened.at({"https://a/", "http_5xx"}), 1);
  EXPECT_FALSE(stats.open.at("https://a/"));
  EXPECT_EQ(stats.durations.at("https://a/").counts[0], 1);  // 30 s <= 60 s
}

// What a target's incident reports as the latency before it belongs to the
// target while it is configured: a target that left the config and came
// back starts without one.
TEST_F(IncidentRecorderTest, ALatencyBeforeIsForgottenWithItsTarget) {
  const Target a = MakeTarget("https://a/");
  Configure({a});
  Scrape({Ok(0.2)});
  Scrape({Ok(0.2)});  // up, at 0.2 s
  Configure({});
  Configure({a});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});
  ASSERT_EQ(All().size(), 1u);
  ASSERT_EQ(All()[0].parts.size(), 1u);
  EXPECT_FALSE(All()[0].parts[0].latency_before_seconds.has_value());
}

TEST_F(IncidentRecorderTest, ATargetsUrlPasswordIsNeverKept) {
  Configure({MakeTarget("https://probe:s3cret@a/")});
  Scrape({Ok()});
  Scrape({Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kHttp5xx)});
  ASSERT_EQ(All().size(), 1u);
  const Incident open = All()[0];
  ASSERT_EQ(open.parts.size(), 1u);
  EXPECT_EQ(open.parts[0].target, config_.targets[0].identity.display);
  EXPECT_EQ(open.parts[0].target.find("s3cret"), std::string::npos) << open.parts[0].target;
  ASSERT_FALSE(open.changes.empty());
  EXPECT_EQ(open.changes[0].target.find("s3cret"), std::string::npos);
  IncidentFilter by_target;
  by_target.target = "https://probe:s3cret@a/";
  EXPECT_EQ(recorder_.List(by_target).size(), 1u) << "found by the target as configured too";

  // A record written with the password in it is shown without it, and its
  // open part still continues.
  Incident old = open;
  old.parts[0].target = "https://probe:s3cret@a/";
  old.changes[0].target = "https://probe:s3cret@a/";
  TargetStore store(&clock_);
  IncidentRecorder restored(&clock_, &store, nullptr, IncidentRecorderOptions{});
  restored.Restore({old}, false);
  const Incident back = *restored.Get(old.id);
  EXPECT_EQ(back.parts[0].target, config_.targets[0].identity.display);
  EXPECT_EQ(back.changes[0].target.find("s3cret"), std::string::npos);
  Diagnosis diagnosis(&clock_, &store);
  store.Sync(config_);
  diagnosis.SetObserver(&restored);
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(kStep);
    ProbeResult r = Ok();
    std::vector<ScrapedTarget> scrape{{&config_.targets[0], &r, true}};
    diagnosis.Diagnose(config_, {}, &scrape);
  }
  EXPECT_FALSE(restored.Get(old.id)->open()) << "the restored part was found and closed";
  EXPECT_EQ(restored.List({}).size(), 1u);
}

TEST_F(IncidentRecorderTest, AFlapOpensNothing) {
  Configure({MakeTarget("https://a/")});
  for (int i = 0; i < 5; ++i) {
    Scrape({Ok()});
    Scrape({Fail(FailureReason::kTimeout)});
  }
  EXPECT_TRUE(All().empty());
}

TEST_F(IncidentRecorderTest, OverlappingFailuresOfOneServiceAreOneIncident) {
  Configure({MakeTarget("https://web/", "spotify"), MakeTarget("https://api/", "spotify"),
             MakeTarget("https://other/", "other")});
  Scrape({Ok(), Ok(), Ok()});
  Scrape({Ok(), Ok(), Ok()});
  Scrape({Fail(FailureReason::kDns), Ok(), Ok()});
  Scrape({Fail(FailureReason::kDns), Fail(FailureReason::kTls), Ok()});  // web down
  Scrape({Fail(FailureReason::kDns), Fail(FailureReason::kTls), Ok()});  // api down
  Scrape({Ok(), Fail(FailureReason::kTls), Ok()});
  Scrape({Ok(), Fail(FailureReason::kTls), Ok()});  // web up again; api still down
  ASSERT_EQ(All().size(), 1u);
  Incident incident = All()[0];
  EXPECT_EQ(incident.service, "spotify");
  ASSERT_EQ(incident.parts.size(), 2u);
  EXPECT_EQ(incident.parts[0].target, "https://web/");
  EXPECT_TRUE(incident.parts[0].end.has_value());
  EXPECT_EQ(incident.parts[1].target, "https://api/");
  EXPECT_EQ(incident.parts[1].first_reason, "tls");
  EXPECT_TRUE(incident.open());
  Scrape({Ok(), Ok(), Ok()});
  Scrape({Ok(), Ok(), Ok()});
  incident = All()[0];
  EXPECT_FALSE(incident.open());
  EXPECT_EQ(incident.FirstReason(), "dns");
  EXPECT_EQ(recorder_.Stats().opened.size(), 1u) << "one incident, not one per target";
}

TEST_F(IncidentRecorderTest, ReasonsKeepTheirFirstTimeAndCounts) {
  Configure({MakeTarget("https://a/")});
  Scrape({Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kHttp5xx)});
  const WallTime opened = clock_.Now();
  Scrape({Fail(FailureReason::kTimeout)});
  const WallTime changed = clock_.Now();
  Scrape({Fail(FailureReason::kTimeout)});
  Scrape({Fail(FailureReason::kTimeout)});
  const Incident incident = All()[0];
  ASSERT_EQ(incident.reasons.size(), 2u);
  EXPECT_EQ(incident.reasons[0].reason, "http_5xx");
  EXPECT_EQ(incident.reasons[0].first, opened);
  EXPECT_EQ(incident.reasons[0].probes, 1);
  EXPECT_EQ(incident.reasons[1].reason, "timeout");
  EXPECT_EQ(incident.reasons[1].first, changed);
  EXPECT_EQ(incident.reasons[1].probes, 3);
  EXPECT_EQ(incident.FirstReason(), "http_5xx");
  EXPECT_EQ(incident.DominantReason(), "timeout");
  EXPECT_EQ(incident.parts[0].failures, 4);
}

TEST_F(IncidentRecorderTest, DegradedOpensAnIncidentToo) {
  Configure({MakeTarget("https://a/")});
  Scrape({Ok()});
  Scrape({Ok()});
  Scrape({Ok(2.0)});
  Scrape({Ok(2.0)});  // slower than degraded_latency twice: degraded
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].FirstReason(), "slow");
  EXPECT_EQ(All()[0].changes[0].to, "degraded");
}

TEST_F(IncidentRecorderTest, VendorConfirmationIsRecordedOnce) {
  Configure({MakeTarget("https://a/")});
  Scrape({Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kHttp5xx)});
  EXPECT_FALSE(All()[0].vendor.has_value());
  Scrape({Fail(FailureReason::kHttp5xx)}, {Vendor("major_outage", true)});
  const WallTime confirmed = clock_.Now();
  Scrape({Fail(FailureReason::kHttp5xx)}, {Vendor("major_outage", true)});
  const Incident incident = All()[0];
  ASSERT_TRUE(incident.vendor.has_value());
  EXPECT_EQ(incident.vendor->first_seen, confirmed);
  EXPECT_EQ(incident.vendor->name, "API errors");
  EXPECT_EQ(incident.vendor->impact, "major");
  EXPECT_EQ(incident.vendor->shortlink, "https://stspg.io/x1");
}

TEST_F(IncidentRecorderTest, MaintenanceTimeIsCountedApart) {
  Configure({MakeTarget("https://a/")});
  Scrape({Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kHttp5xx)}, {Vendor("under_maintenance", false)});
  Scrape({Fail(FailureReason::kHttp5xx)}, {Vendor("under_maintenance", false)});
  Incident incident = All()[0];
  EXPECT_TRUE(incident.open()) << "maintenance does not end an outage";
  EXPECT_DOUBLE_EQ(SpanSeconds(incident.maintenance), 2 * 15.0);
  EXPECT_EQ(incident.maintenance.size(), 1u) << "consecutive scrapes make one span";
  EXPECT_EQ(incident.changes.back().to, "maintenance");
  EXPECT_TRUE(incident.local_network.empty());
}

TEST_F(IncidentRecorderTest, OurNetworkDownTimeIsCountedApart) {
  Configure({MakeTarget("https://canary/", "", true), MakeTarget("https://a/")});
  Scrape({Ok(), Fail(FailureReason::kHttp5xx)});
  Scrape({Ok(), Fail(FailureReason::kHttp5xx)});
  Scrape({Fail(FailureReason::kNetwork), Fail(FailureReason::kNetwork)});
  Scrape({Fail(FailureReason::kNetwork), Fail(FailureReason::kNetwork)});
  Scrape({Fail(FailureReason::kNetwork), Fail(FailureReason::kNetwork)});
  ASSERT_EQ(All().size(), 1u) << "control targets have no incidents";
  const Incident incident = All()[0];
  EXPECT_EQ(incident.service, "https://a/");
  EXPECT_DOUBLE_EQ(SpanSeconds(incident.local_network), 3 * 15.0);
  EXPECT_EQ(incident.reasons.back().reason, "local_network");
  EXPECT_TRUE(incident.open()) << "unknown is not up: the incident stays open";
}

TEST_F(IncidentRecorderTest, AFailureAfterRecoveryOpensANewIncident) {
  Configure({MakeTarget("https://a/")});
  for (int round = 0; round < 2; ++round) {
    Scrape({Fail(FailureReason::kDns)});
    Scrape({Fail(FailureReason::kDns)});
    Scrape({Ok()});
    Scrape({Ok()});
  }
  const std::vector<Incident> all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_GT(all[0].id, all[1].id) << "newest first";
  EXPECT_FALSE(all[0].open());
  EXPECT_FALSE(all[1].open());
  EXPECT_EQ(recorder_.Stats().opened.at({"https://a/", "dns"}), 2);
}

TEST_F(IncidentRecorderTest, ARestoredOpenIncidentContinuesWithItsGap) {
  Configure({MakeTarget("https://a/")});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});
  const Incident before = All()[0];

  // A new process: the diagnosis starts unknown, the record comes from the file.
  clock_.Advance(seconds(300));
  TargetStore store(&clock_);
  Diagnosis diagnosis(&clock_, &store);
  IncidentRecorder recorder(&clock_, &store, nullptr, IncidentRecorderOptions{});
  recorder.Restore({before}, false);
  store.Sync(config_);
  diagnosis.SetObserver(&recorder);
  Incident restored = *recorder.Get(before.id);
  ASSERT_EQ(restored.gaps.size(), 1u);
  EXPECT_EQ(restored.gaps[0].from, before.last_seen);
  EXPECT_EQ(restored.gaps[0].to, clock_.Now());
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(kStep);
    ProbeResult r = Fail(FailureReason::kDns);
    std::vector<ScrapedTarget> scrape{{&config_.targets[0], &r, true}};
    diagnosis.Diagnose(config_, {}, &scrape);
  }
  ASSERT_EQ(recorder.List({}).size(), 1u) << "still the same incident";
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(kStep);
    ProbeResult r = Ok();
    std::vector<ScrapedTarget> scrape{{&config_.targets[0], &r, true}};
    diagnosis.Diagnose(config_, {}, &scrape);
  }
  restored = *recorder.Get(before.id);
  EXPECT_FALSE(restored.open());
  EXPECT_EQ(restored.start, before.start);
  EXPECT_EQ(restored.reasons[0].probes, 3);  // the opening failure and two after restart

  clock_.Advance(kStep);
  ProbeResult r1 = Fail(FailureReason::kDns);
  ProbeResult r2 = Fail(FailureReason::kDns);
  std::vector<ScrapedTarget> s1{{&config_.targets[0], &r1, true}};
  diagnosis.Diagnose(config_, {}, &s1);
  std::vector<ScrapedTarget> s2{{&config_.targets[0], &r2, true}};
  diagnosis.Diagnose(config_, {}, &s2);
  EXPECT_EQ(recorder.List({})[0].id, before.id + 1) << "new ids follow the restored ones";
}

TEST_F(IncidentRecorderTest, AReloadThatRemovesAFailingTargetClosesItsIncident) {
  const Target a = MakeTarget("https://a/");
  Configure({a});
  Scrape({Ok()});
  Scrape({Ok()});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});  // down
  const WallTime down_at = clock_.Now();
  clock_.Advance(seconds(40));
  Configure({MakeTarget("https://b/")});
  ASSERT_EQ(All().size(), 1u);
  const Incident incident = All()[0];
  EXPECT_FALSE(incident.open()) << "nothing probes its only target any more";
  EXPECT_EQ(*incident.end, clock_.Now());
  EXPECT_EQ(*incident.parts[0].end, clock_.Now());
  ASSERT_EQ(incident.changes.size(), 2u);
  EXPECT_EQ(incident.changes[1].at, clock_.Now());
  EXPECT_EQ(incident.changes[1].target, "https://a/");
  EXPECT_EQ(incident.changes[1].from, "down");
  EXPECT_EQ(incident.changes[1].to, "removed");
  EXPECT_TRUE(recorder_.List(IncidentFilter{"", "", {}, {}, true}).empty());
  IncidentStats stats = recorder_.Stats();
  EXPECT_FALSE(stats.open.at("https://a/"));
  EXPECT_EQ(stats.durations.at("https://a/").counts[0], 1);  // 40 s <= 60 s
  EXPECT_DOUBLE_EQ(stats.durations.at("https://a/").sum,
                   std::chrono::duration<double>(clock_.Now() - down_at).count());

  // Back in a later config, its next failure opens a new incident.
  Configure({a});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});
  ASSERT_EQ(All().size(), 2u);
  EXPECT_TRUE(All()[0].open());
  EXPECT_EQ(All()[0].changes[0].from, "unknown");
  EXPECT_FALSE(All()[1].open());
  EXPECT_EQ(recorder_.Stats().opened.at({"https://a/", "dns"}), 2);
}

TEST_F(IncidentRecorderTest, AReloadThatKeepsAFailingTargetKeepsItsPart) {
  const Target a = MakeTarget("https://a/");
  Configure({a});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});  // down
  Configure({a, MakeTarget("https://b/")});
  Incident incident = All()[0];
  EXPECT_TRUE(incident.open());
  EXPECT_FALSE(incident.parts[0].end.has_value());
  EXPECT_EQ(incident.changes.back().to, "down");
  Scrape({Fail(FailureReason::kDns), Ok()});
  Scrape({Ok(), Ok()});
  Scrape({Ok(), Ok()});  // up
  ASSERT_EQ(All().size(), 1u) << "the same incident went on";
  incident = All()[0];
  EXPECT_FALSE(incident.open());
  EXPECT_EQ(incident.parts[0].probes, 4);
  EXPECT_EQ(incident.changes.back().to, "up");
}

TEST_F(IncidentRecorderTest, ARemovedTargetLeavesItsIncidentOpenWithTheOtherParts) {
  const Target web = MakeTarget("https://web/", "spotify");
  const Target api = MakeTarget("https://api/", "spotify");
  Configure({web, api});
  Scrape({Fail(FailureReason::kDns), Fail(FailureReason::kTls)});
  Scrape({Fail(FailureReason::kDns), Fail(FailureReason::kTls)});  // both down
  Configure({api});
  Incident incident = All()[0];
  EXPECT_TRUE(incident.open()) << "api still fails";
  ASSERT_EQ(incident.parts.size(), 2u);
  EXPECT_EQ(*incident.parts[0].end, clock_.Now());
  EXPECT_FALSE(incident.parts[1].end.has_value());
  EXPECT_EQ(incident.changes.back().target, "https://web/");
  EXPECT_EQ(incident.changes.back().to, "removed");
  IncidentStats stats = recorder_.Stats();
  EXPECT_TRUE(stats.open.at("spotify"));
  EXPECT_EQ(stats.durations.count("spotify"), 0u);

  Scrape({Ok()});
  Scrape({Ok()});  // api up
  ASSERT_EQ(All().size(), 1u);
  incident = All()[0];
  EXPECT_FALSE(incident.open());
  EXPECT_EQ(*incident.end, clock_.Now());
  EXPECT_FALSE(recorder_.Stats().open.at("spotify"));
}

TEST_F(IncidentRecorderTest, AScrapeThatRacedTheReloadOpensNothingForARemovedTarget) {
  const Target a = MakeTarget("https://a/");
  Configure({a});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});
  Configure({});
  // A scrape of the old config reports after the reload.
  ProbeResult failed = Fail(FailureReason::kDns);
  ScrapeEvent late{clock_.Now(), std::nullopt, {}};
  late.targets.push_back(
      TargetEvent{&a, &failed, OutageState::kDown, OutageState::kDown, {}, false});
  recorder_.OnScrape(late);
  ASSERT_EQ(All().size(), 1u);
  EXPECT_FALSE(All()[0].open());
}

// Exporter is what main wires up around the incident file at `path`, in
// simulated time: the file is read back at construction.
struct Exporter {
  Exporter(FakeClock* clock, const std::string& path)
      : store(clock),
        diagnosis(clock, &store),
        writer(clock, StoreWriterOptions{path, std::chrono::hours(24), seconds(1), 16, {}}),
        recorder(clock, &store, &writer,
                 IncidentRecorderOptions{"service", std::chrono::hours(24), seconds(10), 1000}) {
    std::vector<Incident> loaded;
    EXPECT_EQ(writer.Start(&loaded), std::nullopt);
    recorder.Restore(std::move(loaded), false);
    diagnosis.SetObserver(&recorder);
  }
  // Apply applies `config` as main's reload listener does.
  void Apply(const Config& config) {
    store.Sync(config);
    recorder.SyncTargets(config);
  }
  int64_t OpenIncidentOf(const std::string& service) const {
    const std::vector<Incident> open = recorder.List(IncidentFilter{service, "", {}, {}, true});
    return open.empty() ? 0 : open[0].id;
  }

  TargetStore store;
  Diagnosis diagnosis;
  StoreWriter writer;
  IncidentRecorder recorder;
};

TEST_F(IncidentRecorderTest, AtStartUpARestoredPartOfATargetNoLongerConfiguredEnds) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  Config config;
  config.targets = {MakeTarget("https://kept/", "one"), MakeTarget("https://gone/", "two")};
  int64_t kept = 0;
  int64_t gone = 0;
  {
    Exporter first(&clock_, path);
    first.Apply(config);
    for (int i = 0; i < 2; ++i) {
      ScrapeWith(&clock_, &first.diagnosis, config,
                 {Fail(FailureReason::kDns), Fail(FailureReason::kTls)});
    }
    kept = first.OpenIncidentOf("one");
    gone = first.OpenIncidentOf("two");
    ASSERT_NE(kept, 0);
    ASSERT_NE(gone, 0);
  }

  clock_.Advance(seconds(300));
  config.targets.pop_back();
  Exporter second(&clock_, path);
  EXPECT_EQ(second.OpenIncidentOf("two"), gone) << "open as restored, before the first config";
  second.Apply(config);
  const Incident ended = *second.recorder.Get(gone);
  EXPECT_FALSE(ended.open());
  EXPECT_EQ(*ended.end, clock_.Now());
  EXPECT_EQ(*ended.parts[0].end, clock_.Now());
  EXPECT_EQ(ended.changes.back().from, "down");
  EXPECT_EQ(ended.changes.back().to, "removed");
  EXPECT_FALSE(second.recorder.Stats().open.at("two"));
  EXPECT_EQ(second.OpenIncidentOf("one"), kept);

  // On disk once the config is applied, as a reader beside the running
  // exporter sees it: only the kept target's incident is open.
  EXPECT_EQ(test::SqlText(path, "SELECT group_concat(id) FROM incidents WHERE ended IS NULL"),
            std::to_string(kept));
  EXPECT_EQ(test::SqlText(path, "SELECT count(*) FROM incidents"), "2");

  // The kept target's incident goes on and ends on its recovery.
  ScrapeWith(&clock_, &second.diagnosis, config, {Fail(FailureReason::kDns)});
  ScrapeWith(&clock_, &second.diagnosis, config, {Fail(FailureReason::kDns)});
  EXPECT_EQ(second.OpenIncidentOf("one"), kept);
  ScrapeWith(&clock_, &second.diagnosis, config, {Ok()});
  ScrapeWith(&clock_, &second.diagnosis, config, {Ok()});
  EXPECT_FALSE(second.recorder.Get(kept)->open());
  EXPECT_EQ(second.recorder.List({}).size(), 2u);
}

TEST_F(IncidentRecorderTest, ListFiltersByServiceTargetStateAndTime) {
  Configure({MakeTarget("https://a/", "one"), MakeTarget("https://b/", "two")});
  Scrape({Fail(FailureReason::kDns), Ok()});
  Scrape({Fail(FailureReason::kDns), Ok()});
  Scrape({Ok(), Ok()});
  Scrape({Ok(), Ok()});  // one: closed
  const WallTime between = clock_.Now();
  Scrape({Ok(), Fail(FailureReason::kDns)});
  Scrape({Ok(), Fail(FailureReason::kDns)});  // two: open
  EXPECT_EQ(recorder_.List(IncidentFilter{"one", "", {}, {}, {}}).size(), 1u);
  EXPECT_EQ(recorder_.List(IncidentFilter{"", "https://b/", {}, {}, {}})[0].service, "two");
  EXPECT_EQ(recorder_.List(IncidentFilter{"", "", {}, {}, true})[0].service, "two");
  EXPECT_EQ(recorder_.List(IncidentFilter{"", "", {}, {}, false})[0].service, "one");
  EXPECT_EQ(recorder_.List(IncidentFilter{"", "", between + seconds(1), {}, {}}).size(), 1u);
  EXPECT_EQ(recorder_.List(IncidentFilter{"", "", {}, between, {}})[0].service, "one");
}

TEST_F(IncidentRecorderTest, NotesAreKept) {
  Configure({MakeTarget("https://a/")});
  Scrape({Fail(FailureReason::kDns)});
  Scrape({Fail(FailureReason::kDns)});
  const int64_t id = All()[0].id;
  EXPECT_TRUE(recorder_.AddNote(id, "<b>resolver</b> restarted"));
  EXPECT_FALSE(recorder_.AddNote(id + 100, "nobody"));
  EXPECT_EQ(recorder_.Get(id)->notes.at(0).text, "<b>resolver</b> restarted");
}

TEST_F(IncidentRecorderTest, MemoryKeepsTheLatestEndedAndEveryOpenIncident) {
  Configure({MakeTarget("https://down/"), MakeTarget("https://flap/")});
  TargetStore store(&clock_);
  Diagnosis diagnosis(&clock_, &store);
  IncidentRecorderOptions options;
  options.max_closed = 2;
  IncidentRecorder recorder(&clock_, &store, nullptr, options);
  store.Sync(config_);
  diagnosis.SetObserver(&recorder);
  auto scrape = [&](ProbeResult flap) {
    clock_.Advance(kStep);
    ProbeResult down = Fail(FailureReason::kHttp5xx);
    std::vector<ScrapedTarget> s{{&config_.targets[0], &down, true},
                                 {&config_.targets[1], &flap, true}};
    diagnosis.Diagnose(config_, {}, &s);
  };
  std::vector<int64_t> flap_ids;
  for (int round = 0; round < 5; ++round) {
    scrape(Fail(FailureReason::kDns));
    scrape(Fail(FailureReason::kDns));
    flap_ids.push_back(recorder.List(IncidentFilter{"https://flap/", "", {}, {}, true}).at(0).id);
    scrape(Ok());
    scrape(Ok());
  }
  const std::vector<Incident> all = recorder.List({});
  ASSERT_EQ(all.size(), 3u) << "the open one and the latest two ended";
  EXPECT_EQ(all[0].service, "https://down/");
  EXPECT_TRUE(all[0].open()) << "an open incident never leaves memory, however old";
  EXPECT_EQ(all[1].id, flap_ids[4]);
  EXPECT_EQ(all[2].id, flap_ids[3]);
  EXPECT_FALSE(recorder.Get(flap_ids[2]).has_value());
  EXPECT_FALSE(recorder.AddNote(flap_ids[0], "gone from memory"));
  EXPECT_EQ(recorder.Stats().opened.at({"https://flap/", "dns"}), 5) << "the counters go on";

  // Read back from the file: the latest ended are kept, whatever their ids.
  auto ended = [](int64_t id, int end_minute) {
    Incident incident;
    incident.id = id;
    incident.service = "s" + std::to_string(id);
    incident.start = WallTime{} + std::chrono::minutes(end_minute - 1);
    incident.end = WallTime{} + std::chrono::minutes(end_minute);
    incident.last_seen = *incident.end;
    return incident;
  };
  IncidentRecorder restored(&clock_, &store, nullptr, options);
  restored.Restore({ended(1, 50), ended(2, 10), ended(3, 20), ended(4, 40)}, false);
  std::vector<int64_t> kept;
  for (const Incident& incident : restored.List({})) kept.push_back(incident.id);
  EXPECT_EQ(kept, (std::vector<int64_t>{1, 4}));  // newest start first
}

}  // namespace
}  // namespace outage
