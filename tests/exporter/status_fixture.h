// StatusFixture builds the inputs of a status report in memory: targets,
// their diagnosed states, their latest probes and vendor status pages, so
// the report, HTML and JSON tests need no running exporter.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/target_identity.h"
#include "diagnosis/clock.h"
#include "diagnosis/target_store.h"
#include "exporter/state/probe_history.h"
#include "exporter/status_page/status_report.h"

namespace outage {

class StatusFixture {
 public:
  static constexpr double kNow = 1'700'000'000;

  StatusFixture() : history_(100, &store_) { config_.source = "test.yml"; }

  // AddTarget configures a target in `service` ("" : no service label) with
  // `state`, since kNow - age_seconds; with a probe when `reason` is given
  // (kNone: a success).
  void AddTarget(const std::string& target, const std::string& service, OutageState state,
                 std::optional<FailureReason> reason = FailureReason::kNone,
                 double age_seconds = 60) {
    Target t;
    t.target = target;
    t.module = "http_2xx";
    if (!service.empty()) t.labels = {{"service", service}};
    IdentifyTarget(&t);
    config_.targets.push_back(t);
    store_.Sync(config_);
    TargetDiagnosis d;
    d.state = state;
    d.last_change_seconds = kNow - age_seconds;
    states_.push_back(d);
    if (reason) {
      ProbeResult r;
      r.success = *reason == FailureReason::kNone;
      r.reason = *reason;
      r.duration_seconds = 0.042;
      r.log.Info("Beginning probe", {{"target", target}});
      history_.RecordConfigured(t, r, Now());
    }
  }

  // RecordLast records `result` as the latest probe of the target added last.
  void RecordLast(const ProbeResult& result) {
    history_.RecordConfigured(config_.targets.back(), result, Now());
  }

  // MarkLastControl makes the target added last a control target.
  void MarkLastControl() { config_.targets.back().control = true; }
  void SetPlacement(const Placement& placement) { config_.placement = placement; }
  void AddPage(VendorStatusView page) { pages_.push_back(std::move(page)); }
  void SetVantageNetworkUp(bool up) { vantage_ = up; }
  ProbeHistory& history() { return history_; }
  const Target& target(size_t i) const { return config_.targets[i]; }

  StatusReport Build(const std::string& group_label = "service") {
    snapshot_.targets.clear();
    for (size_t i = 0; i < config_.targets.size(); ++i) {
      snapshot_.targets.push_back(states_[i]);
      snapshot_.targets.back().target = &config_.targets[i];
    }
    snapshot_.vantage_network_up = vantage_;
    StatusInputs in;
    in.config = &config_;
    in.diagnosis = &snapshot_;
    in.vendor_status_pages = &pages_;
    in.history = &history_;
    in.group_label = group_label;
    in.now = Now();
    in.config_reload_successful = true;
    in.config_reload_success_seconds = kNow - 3600;
    return BuildStatusReport(in);
  }

  static WallTime Now() { return WallTime(std::chrono::seconds(static_cast<int64_t>(kNow))); }

 private:
  Config config_;
  std::vector<TargetDiagnosis> states_;
  std::vector<VendorStatusView> pages_;
  std::optional<bool> vantage_;
  DiagnosisSnapshot snapshot_;
  FakeClock clock_;
  TargetStore store_{&clock_};  // every configured target's latest and trend
  ProbeHistory history_;
};

}  // namespace outage
