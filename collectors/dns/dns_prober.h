// DnsProber: blackbox's dns prober on c-ares, driven by the engine's event
// loop. The target is the resolver to ask ("host[:port]", "system").
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/probe_run.h"
#include "collectors/prober.h"

namespace outage {

class DnsProber : public RunProber {
 public:
  explicit DnsProber(const ProbeContext& context);

  TargetCheck CheckTarget(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
};

}  // namespace outage
