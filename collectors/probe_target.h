// How a prober that sends to a host gets from its target to an address, with
// the checks every such prober makes recorded as failures (with their log
// lines) in the ProbeResult: the host under probe_policy before resolving,
// then the resolved address (so a DNS answer cannot smuggle a denied address
// in). TargetLookup runs the whole sequence; the TCP, ICMP and gRPC probers
// use it, and any prober that resolves on the AsyncResolver can.
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

// PickAddress returns the address to use from `resolved` (the first of
// blackbox's family choice) and logs it; nullptr after recording a `dns`
// failure in *result when resolution failed.
const ResolvedAddress* PickAddress(const std::string& host, const ResolveResult& resolved,
                                   ProbeResult* result);

// AddressAllowed reports whether `policy` lets a probe of `host` go to
// `address`; if not, records a `network` failure in *result.
bool AddressAllowed(const ProbePolicy& policy, const std::string& host,
                    const ResolvedAddress& address, ProbeResult* result);

// TargetLookup is one probe's way from its target host to the address it
// may send to: HostAllowed, the lookup on the shared AsyncResolver (bounded
// by the probe's deadline), PickAddress by preferred_ip_protocol and
// ip_protocol_fallback, AddressAllowed. It times the lookup for
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
  // by `deadline` at the latest, unless stopped first. `policy` and *result
  // must outlive the lookup. Call it once.
  bool Start(const ProbePolicy& policy, const std::string& host, IpProtocol preferred,
             bool fallback, EventLoop::Clock::time_point deadline, ProbeResult* result, Done done);
  // Start for one probe: `request`'s probe_policy and deadline, and the
  // preferred_ip_protocol and ip_protocol_fallback of `module_config` (any
  // prober's module settings: HttpProbe, TcpProbe, IcmpProbe, ...). The
  // request (whose config holds the policy) must outlive the lookup.
  // With request.pinned, the pinned address stands for the lookup's answer
  // (still checked against the policy, and delivered from the loop).
  template <typename ModuleConfig>
  bool Start(const ProbeRequest& request, const ModuleConfig& module_config,
             const std::string& host, ProbeResult* result, Done done) {
    return Start(request, module_config.preferred_ip_protocol, module_config.ip_protocol_fallback,
                 host, result, std::move(done));
  }
  // Start for one probe whose address preferences come from elsewhere (the
  // tcp run serves the tcp, unix and websocket modules).
  bool Start(const ProbeRequest& request, IpProtocol preferred, bool fallback,
             const std::string& host, ProbeResult* result, Done done) {
    pinned_ = request.pinned;
    return Start(request.config->probe_policy, host, preferred, fallback, request.deadline, result,
                 std::move(done));
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
  Done done_;
  AsyncResolver::RequestId request_ = 0;
  EventLoop::Clock::time_point start_;
  double seconds_ = 0;
  std::string ip_;
  std::optional<PinnedAddress> pinned_;
};

}  // namespace outage
