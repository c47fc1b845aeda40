// AddressFanOut runs the probes of modules with `addresses: all`: it looks
// the target's name up once, then probes every address it got (preferred
// family first, the other too with ip_protocol_fallback, at most
// max_addresses) concurrently with the module's own prober, each probe
// pinned to its address (ProbeRequest::pinned) and bound by the one
// deadline, and folds their results into one: the verdict by success_when,
// the dominant failing reason, the per-prober metrics of one representative
// address, and probe_addresses{family}, probe_addresses_failed{family} and
// probe_addresses_failure_reason{reason}. Each address's log lines are kept,
// tagged with the address. When the name cannot be looked up, the module's
// prober runs one ordinary probe and reports why, in its own terms.
//
// Thread-safety: loop thread only. Owned by ProbeEngine.
#pragma once

#include <cstddef>
#include <map>
#include <memory>

#include "collectors/async_resolver.h"
#include "collectors/prober.h"

namespace outage {

class AddressFanOut {
 public:
  // `resolver` is the engine's; it must outlive the fan-out.
  explicit AddressFanOut(AsyncResolver* resolver);
  ~AddressFanOut();  // runs still here are dropped without their callback
  AddressFanOut(const AddressFanOut&) = delete;
  AddressFanOut& operator=(const AddressFanOut&) = delete;

  // Start probes every address of request.target's name with `prober`;
  // `done` is called exactly once, on the loop, by shortly after the
  // deadline (never from inside Start).
  void Start(Prober* prober, ProbeRequest request, ProbeCallback done);

  // CancelAll ends the lookups in progress, each probe with a failed result.
  // Probes already fanned out end when their probers are cancelled.
  void CancelAll();

 private:
  struct Run;

  void OnResolved(Run* run, const ResolveResult& resolved);
  // ProbeUnpinned hands a probe whose addresses could not be had (policy,
  // lookup failure, cancellation) to its prober as one ordinary probe, which
  // reports the failure with the prober's own metrics.
  void ProbeUnpinned(Run* run);
  void OnAddressDone(Run* run, size_t index, ProbeResult result);
  // Finish folds the addresses' results into one and reports it.
  void Finish(Run* run);

  AsyncResolver* resolver_;
  std::map<Run*, std::unique_ptr<Run>> runs_;
};

}  // namespace outage
