// See diagnosis.h.
#include "diagnosis/diagnosis.h"

#include <algorithm>

#include "diagnosis/maintenance_window.h"
#include "diagnosis/vendor_status.h"

namespace outage {
namespace {

VendorStatus VendorStatusOf(const Target& target, const std::vector<VendorStatusView>& pages) {
  if (!target.vendor_status_link) return {};
  for (const VendorStatusView& page : pages) {
    if (page.name == target.vendor_status_link->page && page.summary) {
      return VendorStatusFor(*target.vendor_status_link, *page.summary);
    }
  }
  return {};
}

ProbeOutcome SuccessOutcome(const Target& target, const ProbeResult& result) {
  const Duration limit = target.hysteresis.degraded_latency;
  const bool slow = limit.count() > 0 && result.duration_seconds * 1000 > limit.count();
  return slow ? ProbeOutcome::kSlowSuccess : ProbeOutcome::kSuccess;
}

}  // namespace

Diagnosis::Diagnosis(const Clock* clock, TargetStore* store)
    : clock_(clock), store_(store), results_(clock, store) {}

void Diagnosis::Diagnose(const Config& config, const std::vector<VendorStatusView>& pages,
                         std::vector<ScrapedTarget>* scrape) {
  const WallTime now = clock_->Now();
  int controls = 0;
  int controls_failed = 0;
  for (const ScrapedTarget& s : *scrape) {
    if (!s.target->control) continue;
    ++controls;
    controls_failed += s.result->success ? 0 : 1;
  }
  const bool network_down = controls > 0 && controls_failed == controls;
  const bool global_window = AnyWindowOpen(config.maintenance, now);

  std::unique_lock<std::mutex> lock(mu_);
  vantage_network_up_ = controls > 0 ? std::optional<bool>(!network_down) : std::nullopt;
  ScrapeEvent event{now, vantage_network_up_, {}};
  for (ScrapedTarget& s : *scrape) {
    const Target& t = *s.target;
    ProbeResult& result = *s.result;
    const VendorStatus vendor = VendorStatusOf(t, pages);
    const bool maintenance =
        global_window || vendor.maintenance || AnyWindowOpen(t.maintenance, now);
    ProbeOutcome outcome = ProbeOutcome::kFailure;
    const bool partial = result.addresses && result.addresses->Partial();
    if (result.success) {
      outcome = partial ? ProbeOutcome::kPartial : SuccessOutcome(t, result);
    } else if (partial) {
      outcome = ProbeOutcome::kPartial;  // reason kept: it is the failing addresses'
    } else if (network_down && !t.control) {
      result.reason = FailureReason::kLocalNetwork;
      outcome = ProbeOutcome::kLocalNetwork;
    } else if (maintenance) {
      result.reason = FailureReason::kMaintenance;
      outcome = ProbeOutcome::kMaintenance;
    }
    store_->Update(t, [&](TargetRecord& record) {
      record.vendor_confirmed = vendor.outage;
      record.maintenance_active = maintenance;
      if (!s.fresh) return;
      const OutageState before = record.state.state();
      record.state.Observe(outcome, t.hysteresis, now);
      event.targets.push_back(
          TargetEvent{&t, &result, before, record.state.state(), vendor, maintenance});
    });
  }
  if (observer_ == nullptr || event.targets.empty()) return;
  const uint64_t ticket = observer_->OnScrape(event);
  lock.unlock();
  // Waiting for the observer (a disk write) must not hold up other scrapes
  // or the status page.
  if (ticket != 0) observer_->AfterScrape(ticket);
}

DiagnosisSnapshot Diagnosis::Snapshot(const Config& config) const {
  const WallTime now = clock_->Now();
  DiagnosisSnapshot snapshot;
  const bool has_control = std::any_of(config.targets.begin(), config.targets.end(),
                                       [](const Target& t) { return t.control; });
  if (has_control) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot.vantage_network_up = vantage_network_up_;
  }
  snapshot.targets.reserve(config.targets.size());
  for (const Target& t : config.targets) {
    store_->Read(t, [&](const TargetRecord& record) {
      const TargetState& state = record.state;
      TargetDiagnosis d;
      d.target = &t;
      d.state = state.state();
      d.consecutive_failures = state.consecutive_failures();
      d.state_changes = state.state_changes();
      d.last_change_seconds = UnixSeconds(state.last_change());
      d.down_seconds = state.DownSeconds(now);
      d.vendor_confirmed = record.vendor_confirmed;
      d.maintenance_active = record.maintenance_active;
      if (record.shared.started) d.last_run_seconds = UnixSeconds(*record.shared.started);
      snapshot.targets.push_back(d);
    });
  }
  return snapshot;
}

}  // namespace outage
