// How a probe gets from its target's host to an address it may send to,
// with every check recorded as a failure (and its log line) in the
// ProbeResult: the host under probe_policy before resolving, the lookup on
// the engine's one AsyncResolver, blackbox's address choice, then the
// address under probe_policy (so a DNS answer cannot smuggle a denied
// address in). TargetLookup runs the sequence; ProbeRun (probe_run.h) uses
// it for every prober.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/probe_result.h"
#include "collectors/prober.h"
#include "config/config.h"

namespace outage {

// HostAllowed reports whether `policy` lets a probe go to `host`; if not,
// records a `network` failure in *result.
bool HostAllowed(const ProbePolicy& policy, const std::string& host, ProbeResult* result);

// AddressChoice is a module's preferred_ip_protocol and
// ip_protocol_fallback.
struct AddressChoice {
  IpProtocol preferred = IpProtocol::kIp6;
  bool fallback = true;
};

// ChoiceOf reads the AddressChoice of any prober's module section
// (HttpProbe, TcpProbe, IcmpProbe, DnsProbe, ...).
template <typename ModuleConfig>
AddressChoice ChoiceOf(const ModuleConfig& module_config) {
  return {module_config.preferred_ip_protocol, module_config.ip_protocol_fallback};
}

// PickAddress returns the address to use from `resolved` as blackbox's
// chooseProtocol does (the first of the preferred family, else the last of
// the other) and logs it; nullptr after recording a `dns` failure in
// *result when resolution failed.
const ResolvedAddress* PickAddress(const std::string& host, IpProtocol preferred,
                                   const ResolveResult& resolved, ProbeResult* result);

// AddressAllowed reports whether `policy` lets a probe of `host` go to
// `address`; if not, records a `network` failure in *result.
bool AddressAllowed(const ProbePolicy& policy, const std::string& host,
                    const ResolvedAddress& address, ProbeResult* result);

// LookupOptions says how TargetLookup goes from a host to an address.
struct LookupOptions {
  AddressChoice choice;
  EventLoop::Clock::time_point deadline;  // the lookup ends by then
  // Set: this address stands for the lookup's answer (still checked against
  // the policy, delivered from the loop, and timed as the pinned lookup).
  const PinnedAddress* pinned = nullptr;
  // False: the host is not checked against probe_policy's globs first (a
  // proxy named by the config); its address still is.
  bool check_host = true;
  // The name the address is checked for (probe_policy's allow globs);
  // empty: the host looked up.
  std::string policy_host;
};

// TargetLookup is one probe's way from a host to the address it may send
// to: HostAllowed, the lookup on the shared AsyncResolver (bounded by the
// deadline), PickAddress, AddressAllowed. It times the lookup for
// probe_dns_lookup_time_seconds and keeps the address for probe_ip_*.
//
// Thread-safety: loop thread only, like the resolver. The owner may destroy
// it from inside `done` (it touches nothing of its own after calling it).
class TargetLookup {
 public:
  // Done receives the address to use, or nullptr once a failure has been
  // recorded in the result. The pointer is valid only during the call.
  using Done = std::function<void(const ResolvedAddress* address)>;

  explicit TargetLookup(AsyncResolver* resolver) : resolver_(resolver) {}
  ~TargetLookup() { Stop(); }
  TargetLookup(const TargetLookup&) = delete;
  TargetLookup& operator=(const TargetLookup&) = delete;

  // Start returns false, `done` never to run, when `policy` refuses `host`
  // (the failure recorded in *result). Otherwise it looks `host` up and
  // calls `done` exactly once, from the loop (never from inside Start) and
  // by the deadline at the latest, unless stopped first. `policy`, *pinned
  // and *result must outlive the lookup. Starting again drops a lookup still
  // pending and begins afresh (one lookup per redirect hop).
  bool Start(const ProbePolicy& policy, const std::string& host, const LookupOptions& options,
             ProbeResult* result, Done done);
  bool Start(const ProbePolicy& policy, const std::string& host, IpProtocol preferred,
             bool fallback, EventLoop::Clock::time_point deadline, ProbeResult* result, Done done) {
    LookupOptions options;
    options.choice = {preferred, fallback};
    options.deadline = deadline;
    return Start(policy, host, options, result, std::move(done));
  }
  // Stop drops a pending lookup, whose `done` will then not run, and ends
  // its timing. Harmless when nothing is pending.
  void Stop();

  bool pending() const { return request_ != 0; }
  // seconds is how long the lookup took (until stopped, if it was); 0 when
  // it never started.
  double seconds() const { return seconds_; }
  // ip is the address picked (even one probe_policy then refused); empty
  // until one was.
  const std::string& ip() const { return ip_; }
  // AddSamples adds probe_dns_lookup_time_seconds and the probe_ip_* facts.
  void AddSamples(ProbeResult* result) const;

 private:
  void OnResolved(const ResolveResult& resolved);
  void EndTiming();

  AsyncResolver* resolver_;
  const ProbePolicy* policy_ = nullptr;
  ProbeResult* result_ = nullptr;
  std::string host_;
  std::string policy_host_;
  Done done_;
  AsyncResolver::RequestId request_ = 0;
  EventLoop::Clock::time_point start_;
  double seconds_ = 0;
  std::string ip_;
  IpProtocol preferred_ = IpProtocol::kIp6;
  std::optional<PinnedAddress> pinned_;
};

}  // namespace outage
