#include "collectors/probe_target.h"

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

const ResolvedAddress* PickAddress(const std::string& host, const ResolveResult& resolved,
                                   ProbeResult* result) {
  if (!resolved.error.empty()) {
    result->Fail(FailureReason::kDns, "Error resolving address", resolved.error);
    return nullptr;
  }
  const ResolvedAddress& address = resolved.addresses.front();
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

}  // namespace outage
