// DnsProber: blackbox's dns prober on c-ares, driven by the engine's event
// loop. The target is the resolver to ask ("host[:port]", "system").
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/prober.h"

namespace outage {

namespace dns {
class DnsProbeRun;
}  // namespace dns

class DnsProber : public Prober {
 public:
  explicit DnsProber(EventLoop* loop);
  ~DnsProber() override;
  DnsProber(const DnsProber&) = delete;
  DnsProber& operator=(const DnsProber&) = delete;

  std::optional<std::string> CheckTarget(std::string_view target) const override;
  std::optional<std::string> TargetHost(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
  void CancelAll() override;

 private:
  EventLoop* loop_;
  AsyncResolver resolver_;  // looks up resolvers named by host name
  std::unordered_map<dns::DnsProbeRun*, std::unique_ptr<dns::DnsProbeRun>> runs_;
};

}  // namespace outage
