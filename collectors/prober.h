// The interface every collector module implements, and the request it gets.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/async_resolver.h"
#include "collectors/probe_result.h"
#include "config/config.h"

namespace outage {

// PinnedAddress is the address of the target's name that a probe must use,
// already looked up (and timed) by its caller: one probe of a module with
// `addresses: all` (collectors/address_fan_out.h).
struct PinnedAddress {
  ResolvedAddress address;
  double resolve_seconds = 0;  // reported as the probe's own lookup time
};

// ProbeRequest names one probe: what to probe, how, and by when.
struct ProbeRequest {
  std::string target;
  std::shared_ptr<const Config> config;  // keeps `module` alive
  const Module* module = nullptr;
  // Set when the request altered the module (the `hostname` parameter):
  // keeps that variant alive, and `module` points at it.
  std::shared_ptr<const Module> request_module;
  std::chrono::steady_clock::time_point deadline;
  bool debug = false;  // record debug-level lines in the probe log
  // Set: the target's name is not looked up; probe this address of it.
  std::optional<PinnedAddress> pinned;
  // The scrape's own deadline, at or after `deadline` (a module timeout may
  // end the probe sooner): a path trace after a failure may run until it.
  // Unset (epoch): `deadline`.
  std::chrono::steady_clock::time_point scrape_deadline{};
};

using ProbeCallback = std::function<void(ProbeResult)>;

// TargetCheck is what a prober reads from a target before it probes it.
struct TargetCheck {
  // A one-line reason why the target can never be probed (a request error,
  // answered with 400); nullopt when it is acceptable.
  std::optional<std::string> problem;
  // The host name or IP literal (a unix prober: the socket path) a probe of
  // an acceptable target connects to, for the probe_policy check that
  // answers /probe with 403; nullopt when there is none to check up front.
  std::optional<std::string> host;
};

// Prober runs probes of one kind on the engine's event loop. Start and the
// callback run on the loop thread only; CheckTarget is thread-safe.
class Prober {
 public:
  virtual ~Prober() = default;

  // CheckTarget reads `target` once, before any probe of it.
  virtual TargetCheck CheckTarget(std::string_view target) const = 0;

  // Start begins a probe. `done` is called exactly once, on the loop thread,
  // no later than shortly after request.deadline.
  virtual void Start(ProbeRequest request, ProbeCallback done) = 0;

  // CancelAll ends every running probe now (shutdown); each still gets its
  // callback, with a failed result.
  virtual void CancelAll() = 0;
};

}  // namespace outage
