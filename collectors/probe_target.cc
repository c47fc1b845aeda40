#include "collectors/probe_target.h"

#include <sys/socket.h>

#include <utility>

#include "collectors/ip_facts.h"
#include "collectors/metric_catalog.h"
#include "collectors/target_policy.h"

namespace outage {
namespace {

constexpr char kBlocked[] = "Connection blocked by probe_policy";

}  // namespace

bool HostAllowed(const ProbePolicy& policy, const std::string& host, ProbeResult* result) {
  std::string refused;
  if (TargetPolicy(policy).Allows(host, &refused)) return true;
  result->Fail(FailureReason::kNetwork, kBlocked, refused);
  return false;
}

const ResolvedAddress* PickAddress(const std::string& host, IpProtocol preferred,
                                   const ResolveResult& resolved, ProbeResult* result) {
  if (!resolved.error.empty()) {
    result->log.Error("Error resolving address", {{"target", host}, {"err", resolved.error}});
    result->Fail(FailureReason::kDns);
    return nullptr;
  }
  // The resolver puts the preferred family first: with none of it, every
  // address is of the other family, and blackbox's fallback is its last.
  const int want = preferred == IpProtocol::kIp6 ? AF_INET6 : AF_INET;
  const ResolvedAddress& address = resolved.addresses.front().family() == want
                                       ? resolved.addresses.front()
                                       : resolved.addresses.back();
  result->log.Info("Resolved target address", {{"target", host}, {"ip", address.text}});
  return &address;
}

bool AddressAllowed(const ProbePolicy& policy, const std::string& host,
                    const ResolvedAddress& address, ProbeResult* result) {
  const TargetPolicy target_policy(policy);
  std::string refused;
  if (target_policy.Allows(reinterpret_cast<const sockaddr*>(&address.addr), address.addr_len,
                           target_policy.HostListed(host), &refused)) {
    return true;
  }
  result->Fail(FailureReason::kNetwork, kBlocked, refused);
  return false;
}

bool TargetLookup::Start(const ProbePolicy& policy, const std::string& host,
                         const LookupOptions& options, ProbeResult* result, Done done) {
  Stop();
  if (options.check_host && !HostAllowed(policy, host, result)) return false;
  policy_ = &policy;
  result_ = result;
  host_ = host;
  policy_host_ = options.policy_host.empty() ? host : options.policy_host;
  preferred_ = options.choice.preferred;
  ip_.clear();
  seconds_ = 0;
  pinned_.reset();
  if (options.pinned != nullptr) pinned_ = *options.pinned;
  done_ = std::move(done);
  start_ = EventLoop::Clock::now();
  // A pinned address is an IP literal: the resolver answers it as it is,
  // from the loop, like any lookup.
  request_ = resolver_->Resolve(pinned_ ? pinned_->address.text : host_, options.choice.preferred,
                                options.choice.fallback, options.deadline,
                                [this](const ResolveResult& resolved) {
                                  request_ = 0;
                                  OnResolved(resolved);
                                });
  return true;
}

void TargetLookup::Stop() {
  if (request_ == 0) return;
  resolver_->Cancel(request_);
  request_ = 0;
  EndTiming();
}

void TargetLookup::AddSamples(ProbeResult* result) const {
  result->Add(metric::kDnsLookupTime, seconds_);
  AddIpFacts(ip_, result);
}

void TargetLookup::OnResolved(const ResolveResult& resolved) {
  EndTiming();
  const ResolvedAddress* address = PickAddress(host_, preferred_, resolved, result_);
  if (address != nullptr) {
    ip_ = address->text;
    if (!AddressAllowed(*policy_, policy_host_, *address, result_)) address = nullptr;
  }
  // `done` may destroy this object: call it from the stack, last.
  Done done = std::move(done_);
  done(address);
}

void TargetLookup::EndTiming() {
  seconds_ = pinned_ ? pinned_->resolve_seconds
                     : std::chrono::duration<double>(EventLoop::Clock::now() - start_).count();
}

}  // namespace outage
