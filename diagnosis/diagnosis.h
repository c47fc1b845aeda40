// Diagnosis: the exporter's answer to "is it down, since when, and why" for
// each configured target. It advances every target's state machine (kept in
// its TargetStore record), explains a scrape's failures before they are
// rendered (our own network: local_network; planned work: maintenance), and
// shares probe results between scrapes (min_interval).
//
// Thread-safe: concurrent scrapes may Diagnose at once; one Diagnose runs at
// a time, so an observer receives state changes in the order they happened.
// A target's state is read and written under the store's lock, one target
// at a time.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "collectors/probe_result.h"
#include "collectors/vendor_status/vendor_status_cache.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/diagnosis_observer.h"
#include "diagnosis/probe_result_cache.h"
#include "diagnosis/target_state.h"
#include "diagnosis/target_store.h"

namespace outage {

// ScrapedTarget is one target's result in a scrape.
struct ScrapedTarget {
  const Target* target;
  ProbeResult* result;  // Diagnose may rewrite its reason
  bool fresh;           // probed for this scrape, not shared: advances the state
};

// TargetDiagnosis is one target's diagnosis as the metrics show it.
struct TargetDiagnosis {
  const Target* target = nullptr;
  OutageState state = OutageState::kUnknown;
  int consecutive_failures = 0;
  int64_t state_changes = 0;
  double last_change_seconds = 0;  // unix time
  double down_seconds = 0;
  bool vendor_confirmed = false;
  bool maintenance_active = false;
  std::optional<double> last_run_seconds;  // unix time of the latest probe
};

struct DiagnosisSnapshot {
  std::vector<TargetDiagnosis> targets;  // config order
  // Whether a control target succeeded in the latest scrape; nullopt when
  // no control target is configured (then nobody can tell).
  std::optional<bool> vantage_network_up;
};

class Diagnosis {
 public:
  // `store` must outlive this; its Sync decides which targets have a state.
  Diagnosis(const Clock* clock, TargetStore* store);
  Diagnosis(const Diagnosis&) = delete;
  Diagnosis& operator=(const Diagnosis&) = delete;

  // Diagnose takes every target of one scrape of `config`. A failing
  // non-control target gets reason local_network when every control target
  // failed in this scrape, else maintenance when a window is open (global,
  // its own, or announced by its linked vendor status page in `pages`). Then the
  // fresh results advance their targets' states. Targets unknown to the
  // store's last Sync (a scrape that raced a reload) keep no state.
  void Diagnose(const Config& config, const std::vector<VendorStatusView>& pages,
                std::vector<ScrapedTarget>* scrape);

  // Snapshot reads the diagnosis of `config`'s targets now; a target the
  // store does not know is left out.
  DiagnosisSnapshot Snapshot(const Config& config) const;

  // SetObserver hands every later scrape's state changes to `observer`
  // (nullptr: none). Call before scrapes start; `observer` must outlive this.
  void SetObserver(DiagnosisObserver* observer) { observer_ = observer; }

  ProbeResultCache& results() { return results_; }
  const Clock& clock() const { return *clock_; }

 private:
  const Clock* clock_;
  TargetStore* const store_;
  DiagnosisObserver* observer_ = nullptr;
  ProbeResultCache results_;
  // Guards vantage_network_up_ and serialises Diagnose with its observer.
  mutable std::mutex mu_;
  std::optional<bool> vantage_network_up_;
};

}  // namespace outage
