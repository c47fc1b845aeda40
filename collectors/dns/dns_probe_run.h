// DnsProbeRun: one DNS probe. It asks one resolver (the target) or, with the
// module's `resolvers:`, every listed resolver at once, over UDP or TCP
// (c-ares) or TLS (DotQuery), then judges the answers as blackbox does and
// reports one ProbeResult.
//
// Thread-safety: loop thread only. Owned by DnsProber, which destroys it
// only after `done` ran and outside any c-ares callback.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/async_resolver.h"
#include "collectors/dns/ares_channel.h"
#include "collectors/dns/dns_message.h"
#include "collectors/dns/dot_query.h"
#include "collectors/event_loop.h"
#include "collectors/prober.h"
#include "config/dns_address.h"

namespace outage::dns {

class DnsProbeRun {
 public:
  // `resolver` looks up resolvers named by host name; it must outlive the run.
  DnsProbeRun(EventLoop* loop, AsyncResolver* resolver, ProbeRequest request);
  ~DnsProbeRun();
  DnsProbeRun(const DnsProbeRun&) = delete;
  DnsProbeRun& operator=(const DnsProbeRun&) = delete;

  // Begin starts every exchange; `done` is called exactly once, by the
  // deadline or shortly after.
  void Begin(ProbeCallback done);
  // Cancel ends the probe now with a failed result.
  void Cancel(std::string_view why);

 private:
  // Exchange is one question to one resolver.
  struct Exchange {
    std::string label;  // the resolver as configured (or the target)
    DnsServerAddress address;
    AsyncResolver::RequestId lookup = 0;  // finding the resolver's IP
    std::unique_ptr<AresChannel> query;   // asks the question
    std::unique_ptr<DotQuery> dot;        // ... over TLS, with dns_over_tls
    std::chrono::steady_clock::time_point lookup_start, request_start;
    double lookup_seconds = 0;
    double connect_seconds = 0;
    double request_seconds = 0;
    std::string ip;  // the resolver's address, empty for "system"
    bool done = false;
    bool succeeded = false;
    FailureReason reason = FailureReason::kDns;
    std::optional<Message> answer;
  };

  void StartExchange(Exchange& ex);
  void OnResolverAddresses(Exchange& ex, const ResolveResult& resolved);
  void SendQuery(Exchange& ex);
  void OnAnswer(Exchange& ex, int status, const std::vector<uint8_t>& answer);
  // SendDotQuery asks the question over TLS (dns_over_tls).
  void SendDotQuery(Exchange& ex);
  void OnDotAnswer(Exchange& ex, const DotOutcome& outcome);
  // OnReply parses a reply and judges it.
  void OnReply(Exchange& ex, const std::vector<uint8_t>& answer);
  // Judge decides ex.succeeded/reason from the answer (rcode, RR rules).
  void Judge(Exchange& ex);
  void EndExchange(Exchange& ex, bool succeeded, FailureReason reason);
  void OnDeadline();
  void MaybeFinish();
  void Finish();

  EventLoop* loop_;
  AsyncResolver* resolver_;
  ProbeRequest request_;
  const DnsProbe& config_;
  ProbeCallback done_;
  ProbeResult result_;
  std::vector<uint8_t> query_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;  // [0] is the primary
  EventLoop::TimerId deadline_timer_ = 0;
  std::string cancel_reason_;  // why pending exchanges were cut short
  bool finished_ = false;
};

}  // namespace outage::dns
