// See address_fan_out.h.
#include "collectors/address_fan_out.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "collectors/metric_catalog.h"
#include "collectors/probe_target.h"
#include "collectors/target_policy.h"

namespace outage {
namespace {

// IpChoice is the module's preferred_ip_protocol and ip_protocol_fallback,
// from its prober's section (config validation admits only these probers).
AddressChoice IpChoice(const Module& m) {
  if (m.prober == "http") return ChoiceOf(m.http);
  if (m.prober == "tcp") return ChoiceOf(m.tcp);
  if (m.prober == "icmp") return ChoiceOf(m.icmp);
  return ChoiceOf(m.grpc);
}

// Unbracketed turns a URL's "[2001:db8::1]" into the literal to look up.
std::string Unbracketed(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// FamilyCount is one family's addresses and failures.
struct FamilyCount {
  const char* name;
  int family;
  int probed = 0;
  int failed = 0;
};

// DominantReason is the most frequent reason among `failed` (in address
// order), the earliest on a tie; kNone when nothing failed.
FailureReason DominantReason(const std::vector<FailureReason>& failed) {
  FailureReason best = FailureReason::kNone;
  long best_count = 0;
  for (FailureReason reason : failed) {
    const long count = std::count(failed.begin(), failed.end(), reason);
    if (count > best_count) {
      best = reason;
      best_count = count;
    }
  }
  return best;
}

}  // namespace

struct AddressFanOut::Run {
  Prober* prober = nullptr;
  ProbeRequest request;
  ProbeCallback done;
  ProbeLog log;  // the lookup's lines
  AsyncResolver::RequestId lookup_id = 0;
  EventLoop::Clock::time_point lookup_start;
  std::vector<ResolvedAddress> addresses;
  std::vector<ProbeResult> results;  // by address
  size_t pending = 0;
  bool starting = false;  // inside the loop that starts the probes
};

AddressFanOut::AddressFanOut(AsyncResolver* resolver) : resolver_(resolver) {}

AddressFanOut::~AddressFanOut() {
  for (const auto& [run, owned] : runs_) {
    if (run->lookup_id != 0) resolver_->Cancel(run->lookup_id);
  }
}

void AddressFanOut::Start(Prober* prober, ProbeRequest request, ProbeCallback done) {
  auto owned = std::make_unique<Run>();
  Run* run = owned.get();
  runs_.emplace(run, std::move(owned));
  run->prober = prober;
  run->request = std::move(request);
  run->done = std::move(done);
  run->log = ProbeLog(run->request.debug);
  const std::optional<std::string> host = prober->CheckTarget(run->request.target).host;
  const std::string name = Unbracketed(host.value_or(run->request.target));
  if (!TargetPolicy(run->request.config->probe_policy).Allows(name)) {
    ProbeUnpinned(run);  // which refuses it, saying why
    return;
  }
  const AddressChoice choice = IpChoice(*run->request.module);
  run->lookup_start = EventLoop::Clock::now();
  run->lookup_id =
      resolver_->Resolve(name, choice.preferred, choice.fallback, run->request.deadline,
                         [this, run](const ResolveResult& resolved) {
                           run->lookup_id = 0;
                           OnResolved(run, resolved);
                         });
}

void AddressFanOut::CancelAll() {
  std::vector<Run*> looking_up;
  for (const auto& [run, owned] : runs_) {
    if (run->lookup_id != 0) looking_up.push_back(run);
  }
  for (Run* run : looking_up) {
    resolver_->Cancel(run->lookup_id);
    run->lookup_id = 0;
    run->log.Error("Probe cancelled");
    ProbeUnpinned(run);
  }
}

void AddressFanOut::OnResolved(Run* run, const ResolveResult& resolved) {
  if (!resolved.error.empty()) {
    run->log.Error("Error resolving address", {{"err", resolved.error}});
    ProbeUnpinned(run);
    return;
  }
  const double seconds =
      std::chrono::duration<double>(EventLoop::Clock::now() - run->lookup_start).count();
  const size_t limit = static_cast<size_t>(run->request.module->addresses.max_addresses);
  run->addresses.assign(resolved.addresses.begin(),
                        resolved.addresses.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                         limit, resolved.addresses.size())));
  run->log.Info("Probing every address", {{"addresses", std::to_string(run->addresses.size())},
                                          {"resolved", std::to_string(resolved.addresses.size())}});
  run->results.resize(run->addresses.size());
  run->pending = run->addresses.size();
  // A prober may report at once (from inside Start): Finish waits for the
  // loop to end.
  run->starting = true;
  for (size_t i = 0; i < run->addresses.size(); ++i) {
    ProbeRequest one = run->request;
    one.pinned = PinnedAddress{run->addresses[i], seconds};
    run->prober->Start(std::move(one), [this, run, i](ProbeResult result) {
      OnAddressDone(run, i, std::move(result));
    });
  }
  run->starting = false;
  if (run->pending == 0) Finish(run);
}

void AddressFanOut::ProbeUnpinned(Run* run) {
  run->results.resize(1);
  run->pending = 1;
  run->starting = true;
  run->prober->Start(run->request,
                     [this, run](ProbeResult result) { OnAddressDone(run, 0, std::move(result)); });
  run->starting = false;
  if (run->pending == 0) Finish(run);
}

void AddressFanOut::OnAddressDone(Run* run, size_t index, ProbeResult result) {
  run->results[index] = std::move(result);
  if (--run->pending == 0 && !run->starting) Finish(run);
}

void AddressFanOut::Finish(Run* run) {
  ProbeResult out;
  out.log = std::move(run->log);
  if (run->addresses.empty()) {  // ProbeUnpinned's: the prober's own result
    ProbeLog log = std::move(out.log);
    out = std::move(run->results.front());
    log.Include(out.log, {});
    out.log = std::move(log);
    run->results.clear();
  }
  std::array<FamilyCount, 2> families = {FamilyCount{"ip4", AF_INET}, FamilyCount{"ip6", AF_INET6}};
  std::vector<FailureReason> failed;
  const ProbeResult* first_success = nullptr;
  for (size_t i = 0; i < run->results.size(); ++i) {
    const ProbeResult& r = run->results[i];
    const ResolvedAddress& address = run->addresses[i];
    out.log.Include(r.log, {{"address", address.text}});
    for (FamilyCount& f : families) {
      if (f.family != address.family()) continue;
      ++f.probed;
      f.failed += r.success ? 0 : 1;
    }
    if (r.success) {
      if (first_success == nullptr) first_success = &r;
      out.log.Info("Address succeeded", {{"address", address.text}});
    } else {
      failed.push_back(r.reason);
      out.log.Error("Address failed", {{"address", address.text},
                                       {"reason", std::string(FailureReasonName(r.reason))}});
    }
  }
  const int probed = static_cast<int>(run->results.size());
  const FailureReason dominant = DominantReason(failed);
  const bool any_ok = first_success != nullptr;
  const bool success = run->request.module->addresses.succeed_on_any ? any_ok : failed.empty();
  // The whole is shown by one address: a successful one when the probe
  // succeeds, else the first that failed for the dominant reason.
  const ProbeResult* shown = first_success;
  if (!success) {
    for (const ProbeResult& r : run->results) {
      if (!r.success && r.reason == dominant) {
        shown = &r;
        break;
      }
    }
  }
  if (probed > 0) {
    out.samples = shown->samples;
    out.phases = shown->phases;
    out.peer_ip = shown->peer_ip;  // a path trace follows the address shown
    out.success = success;
    out.reason = success ? FailureReason::kNone : dominant;
    out.addresses = AddressTally{probed, static_cast<int>(failed.size()), dominant};
    out.log.Info("Addresses probed", {{"probed", std::to_string(probed)},
                                      {"failed", std::to_string(failed.size())},
                                      {"reason", std::string(FailureReasonName(dominant))}});
  }
  for (const FamilyCount& f : families) {
    out.Add(metric::kAddresses, {{"family", f.name}}, f.probed);
    out.Add(metric::kAddressesFailed, {{"family", f.name}}, f.failed);
  }
  for (FailureReason reason : kAllFailureReasons) {
    if (reason == FailureReason::kNone) continue;
    out.Add(metric::kAddressesFailureReason, {{"reason", std::string(FailureReasonName(reason))}},
            static_cast<double>(std::count(failed.begin(), failed.end(), reason)));
  }
  ProbeCallback done = std::move(run->done);
  runs_.erase(run);
  done(std::move(out));
}

}  // namespace outage
