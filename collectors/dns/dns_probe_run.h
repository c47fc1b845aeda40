// DnsProbeRun: one DNS probe. It asks one resolver (the target) or, with the
// module's `resolvers:`, every listed resolver at once, over UDP or TCP
// (c-ares) or TLS (DotQuery), then judges the answers as blackbox does and
// reports one ProbeResult.
//
// Each resolver named by host name is found by ProbeRun's start-up
// (TargetLookup): policy, lookup, address choice, policy on the address.
//
// Thread-safety: loop thread only. Owned by DnsProber's ProbeRunSet, which
// destroys it only after `done` ran and outside any c-ares callback.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/dns/ares_channel.h"
#include "collectors/dns/dns_message.h"
#include "collectors/dns/dot_query.h"
#include "collectors/probe_run.h"
#include "collectors/probe_target.h"
#include "config/dns_address.h"

namespace outage::dns {

class DnsProbeRun : public ProbeRun {
 public:
  DnsProbeRun(const ProbeContext& context, ProbeRequest request, ProbeCallback done);
  ~DnsProbeRun() override;

 private:
  // Exchange is one question to one resolver.
  struct Exchange {
    explicit Exchange(AsyncResolver* resolver) : lookup(resolver) {}
    std::string label;  // the resolver as configured (or the target)
    DnsServerAddress address;
    TargetLookup lookup;                 // finding the resolver's IP
    std::unique_ptr<AresChannel> query;  // asks the question
    std::unique_ptr<DotQuery> dot;       // ... over TLS, with dns_over_tls
    std::chrono::steady_clock::time_point request_start;
    double lookup_seconds = 0;
    double connect_seconds = 0;
    double request_seconds = 0;
    std::string ip;  // the resolver's address, empty for "system"
    bool done = false;
    bool succeeded = false;
    FailureReason reason = FailureReason::kDns;
    std::optional<Message> answer;
  };

  void Start() override;
  // OnDeadline and OnCancel end every exchange (as `dns` failures).
  void OnDeadline() override;
  void OnCancel(std::string_view why) override;
  void Report(ProbeResult* result) override;

  void StartExchange(Exchange& ex);
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
  void MaybeFinish();

  const DnsProbe& config_;
  std::vector<uint8_t> query_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;  // [0] is the primary
  std::string cancel_reason_;                         // why pending exchanges were cut short
  bool started_ = false;                              // every exchange has been started
};

}  // namespace outage::dns
