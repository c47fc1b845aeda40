// DiagnosisObserver: how the diagnosis tells another component (the incident
// recorder) what one scrape did to its targets' states, without that
// component judging up and down itself.
//
// Implementations must be thread-safe and quick: Diagnosis calls OnScrape
// under its own lock, so events arrive in the order the states changed.
// Anything slow (waiting for a disk) belongs in AfterScrape, which the
// diagnosis calls once its lock is released.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/target_state.h"
#include "diagnosis/vendor_status.h"

namespace outage {

// TargetEvent is one fresh probe of one target, as the diagnosis judged it.
struct TargetEvent {
  const Target* target = nullptr;
  const ProbeResult* result = nullptr;  // its reason already explained
  OutageState before = OutageState::kUnknown;
  OutageState after = OutageState::kUnknown;
  VendorStatus vendor;
  bool maintenance = false;  // a window was open or the vendor announced one
};

// ScrapeEvent is every fresh probe of one scrape. Pointers are valid only
// during OnScrape.
struct ScrapeEvent {
  WallTime now;
  // Whether our own network worked (a control target succeeded); nullopt
  // when no control target is configured.
  std::optional<bool> vantage_network_up;
  std::vector<TargetEvent> targets;
};

class DiagnosisObserver {
 public:
  virtual ~DiagnosisObserver() = default;
  // OnScrape receives every scrape that probed at least one target afresh.
  // It returns a ticket for AfterScrape, 0 when there is nothing to wait for.
  virtual uint64_t OnScrape(const ScrapeEvent& event) = 0;
  // AfterScrape is called with OnScrape's non-zero ticket by the same
  // scrape, outside the diagnosis' lock, before the scrape answers.
  virtual void AfterScrape(uint64_t ticket) { (void)ticket; }
};

}  // namespace outage
