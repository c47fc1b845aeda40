// IcmpProber: blackbox's icmp prober (echo request, wait for the reply) on
// non-blocking sockets driven by the engine's epoll loop, extended with
// `packets` and `interval` for loss and jitter.
//
// Thread-safety: loop thread only, except CheckTarget and TargetHost
// (thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/prober.h"

namespace outage {

class IcmpProbeRun;

class IcmpProber : public Prober {
 public:
  explicit IcmpProber(EventLoop* loop);
  ~IcmpProber() override;
  IcmpProber(const IcmpProber&) = delete;
  IcmpProber& operator=(const IcmpProber&) = delete;

  std::optional<std::string> CheckTarget(std::string_view target) const override;
  std::optional<std::string> TargetHost(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
  void CancelAll() override;

 private:
  friend class IcmpProbeRun;

  // Release destroys a finished run; the run's last act.
  void Release(IcmpProbeRun* run);
  // Random returns a fresh random number for echo ids, sequences and tokens.
  uint64_t Random() { return random_(); }

  EventLoop* loop_;
  AsyncResolver resolver_;
  std::mt19937_64 random_;
  std::unordered_map<IcmpProbeRun*, std::unique_ptr<IcmpProbeRun>> runs_;
};

// IcmpTargetHost is the host an ICMP target names ("example.com",
// "192.0.2.1", "::1" or "[::1]"), without brackets; nullopt with *why when
// the target is not a bare host.
std::optional<std::string> IcmpTargetHost(std::string_view target, std::string* why);

}  // namespace outage
