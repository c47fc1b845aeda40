// IcmpProber: blackbox's icmp prober (echo request, wait for the reply) on
// non-blocking sockets driven by the engine's epoll loop, extended with
// `packets` and `interval` for loss and jitter.
//
// Thread-safety: loop thread only, except CheckTarget
// (thread-safe).
#pragma once

#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "collectors/probe_run.h"
#include "collectors/prober.h"

namespace outage {

class IcmpProber : public RunProber {
 public:
  explicit IcmpProber(const ProbeContext& context);

  TargetCheck CheckTarget(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;

 private:
  std::mt19937_64 random_;  // echo ids, sequences and tokens
};

// IcmpTargetHost is the host an ICMP target names ("example.com",
// "192.0.2.1", "::1" or "[::1]"), without brackets; nullopt with *why when
// the target is not a bare host.
std::optional<std::string> IcmpTargetHost(std::string_view target, std::string* why);

}  // namespace outage
