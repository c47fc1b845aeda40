#include "collectors/probe_engine.h"

#include <chrono>
#include <exception>
#include <utility>

#include "collectors/dns/dns_prober.h"
#include "collectors/grpc/grpc_prober.h"
#include "collectors/http/http_prober.h"
#include "collectors/icmp/icmp_prober.h"
#include "collectors/tcp/tcp_prober.h"

namespace outage {

ProbeEngine::ProbeEngine() : fan_out_(&loop_) {
  // The prober table: a plain name -> implementation map, no self-registration.
  probers_.emplace("http", std::make_unique<HttpProber>(&loop_));
  probers_.emplace("dns", std::make_unique<DnsProber>(&loop_));
  probers_.emplace("tcp", std::make_unique<TcpProber>(&loop_));
  probers_.emplace("icmp", std::make_unique<IcmpProber>(&loop_));
  probers_.emplace("grpc", std::make_unique<GrpcProber>(&loop_));
  probers_.emplace("unix", std::make_unique<TcpProber>(&loop_, StreamTransport::kUnix));
  probers_.emplace("websocket", std::make_unique<TcpProber>(&loop_, StreamTransport::kWebsocket));
  thread_ = std::thread([this] { loop_.Run(); });
}

ProbeEngine::~ProbeEngine() {
  CancelAll();
  loop_.Stop();
  thread_.join();
  probers_.clear();  // before loop_ goes away: probers unwatch their fds
}

const Prober* ProbeEngine::FindProber(std::string_view name) const {
  auto it = probers_.find(name);
  return it == probers_.end() ? nullptr : it->second.get();
}

std::future<ProbeResult> ProbeEngine::Probe(ProbeRequest request) {
  auto promise = std::make_shared<std::promise<ProbeResult>>();
  std::future<ProbeResult> future = promise->get_future();
  auto it = probers_.find(request.module->prober);
  if (it == probers_.end()) {
    ProbeResult result;
    result.Fail(FailureReason::kProtocol);
    result.log.Error("Prober is not built", {{"prober", request.module->prober}});
    promise->set_value(std::move(result));
    return future;
  }
  Prober* prober = it->second.get();
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  loop_.Post([this, prober, promise, request = std::move(request)]() mutable {
    const auto start = std::chrono::steady_clock::now();
    auto done = [this, promise, start](ProbeResult result) {
      result.duration_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string duration = std::to_string(result.duration_seconds);
      if (result.success) {
        result.log.Info("Probe succeeded", {{"duration_seconds", duration}});
      } else {
        result.log.Error("Probe failed", {{"reason", std::string(FailureReasonName(result.reason))},
                                          {"duration_seconds", duration}});
      }
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      promise->set_value(std::move(result));
    };
    try {
      if (request.module->addresses.all) {
        fan_out_.Start(prober, std::move(request), std::move(done));
      } else {
        prober->Start(std::move(request), std::move(done));
      }
    } catch (const std::exception& e) {
      // Probers report failures as data; an exception here is a bug, but it
      // must not take the loop thread (and every other probe) down with it.
      ProbeResult result;
      result.Fail(FailureReason::kProtocol);
      result.log.Error("Internal error starting probe", {{"err", e.what()}});
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      promise->set_value(std::move(result));
    }
  });
  return future;
}

void ProbeEngine::CancelAll() {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  loop_.Post([this, &done] {
    // Lookups first: their probes go to the probers, cancelled next.
    fan_out_.CancelAll();
    for (auto& [name, prober] : probers_) prober->CancelAll();
    done.set_value();
  });
  finished.wait();
}

}  // namespace outage
