// Diagnosis: the exporter's answer to "is it down, since when, and why" for
// each configured target. It owns every target's state machine across
// scrapes, explains a scrape's failures before they are rendered (our own
// network: local_network; planned work: maintenance), and shares probe
// results between scrapes (min_interval).
//
// Thread-safe: concurrent scrapes may Diagnose at once; Sync (on reload)
// serialises with them.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "collectors/vendor_status/vendor_status_cache.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/diagnosis_observer.h"
#include "diagnosis/probe_result_cache.h"
#include "diagnosis/target_state.h"

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
  explicit Diagnosis(const Clock* clock);
  Diagnosis(const Diagnosis&) = delete;
  Diagnosis& operator=(const Diagnosis&) = delete;

  // Sync makes the states match `config`: gone targets are dropped, new
  // ones start unknown, kept ones keep their state (by target and module).
  void Sync(const Config& config);

  // Diagnose takes every target of one scrape of `config`. A failing
  // non-control target gets reason local_network when every control target
  // failed in this scrape, else maintenance when a window is open (global,
  // its own, or announced by its linked vendor status page in `pages`). Then the
  // fresh results advance their targets' states. Targets unknown to the
  // last Sync (a scrape that raced a reload) keep no state.
  void Diagnose(const Config& config, const std::vector<VendorStatusView>& pages,
                std::vector<ScrapedTarget>* scrape);

  // Snapshot reads the diagnosis of `config`'s targets now.
  DiagnosisSnapshot Snapshot(const Config& config) const;

  // SetObserver hands every later scrape's state changes to `observer`
  // (nullptr: none). Call before scrapes start; `observer` must outlive this.
  void SetObserver(DiagnosisObserver* observer) { observer_ = observer; }

  ProbeResultCache& results() { return results_; }
  const Clock& clock() const { return *clock_; }

 private:
  struct Entry {
    explicit Entry(WallTime created) : state(created) {}
    TargetState state;
    bool vendor_confirmed = false;
    bool maintenance_active = false;
  };

  const Clock* clock_;
  DiagnosisObserver* observer_ = nullptr;
  ProbeResultCache results_;
  mutable std::mutex mu_;                              // guards the fields below
  std::map<std::string, Entry, std::less<>> entries_;  // by Target::identity.key
  std::optional<bool> vantage_network_up_;
};

}  // namespace outage
