#include "collectors/probe_engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <utility>

#include "collectors/dns/dns_prober.h"
#include "collectors/exception_text.h"
#include "collectors/grpc/grpc_prober.h"
#include "collectors/http/http_prober.h"
#include "collectors/icmp/icmp_prober.h"
#include "collectors/logfmt.h"
#include "collectors/tcp/tcp_prober.h"

namespace outage {

ProbeEngine::ProbeEngine() : resolver_(&loop_), fan_out_(&resolver_), tracer_(&loop_) {
  // The prober table: a plain name -> implementation map, no self-registration.
  const ProbeContext context{&loop_, &resolver_};
  probers_.emplace("http", std::make_unique<HttpProber>(context));
  probers_.emplace("dns", std::make_unique<DnsProber>(context));
  probers_.emplace("tcp", std::make_unique<TcpProber>(context));
  probers_.emplace("icmp", std::make_unique<IcmpProber>(context));
  probers_.emplace("grpc", std::make_unique<GrpcProber>(context));
  probers_.emplace("unix", std::make_unique<TcpProber>(context, StreamTransport::kUnix));
  probers_.emplace("websocket", std::make_unique<TcpProber>(context, StreamTransport::kWebsocket));
  thread_ = std::thread([this] { loop_.Run(); });
}

ProbeEngine::~ProbeEngine() {
  CancelAll();
  loop_.Stop();
  thread_.join();
  probers_.clear();  // before resolver_ and loop_ go: runs stop lookups, unwatch fds
}

const Prober* ProbeEngine::FindProber(std::string_view name) const {
  auto it = probers_.find(name);
  return it == probers_.end() ? nullptr : it->second.get();
}

namespace {

// A trace is skipped when less than this is left before the scrape's deadline.
constexpr std::chrono::milliseconds kMinPathBudget{250};

// Traceable: a failure that a path can explain (no answer, or too late).
bool Traceable(const Module& module, const ProbeResult& result) {
  return module.path.on_failure && !result.success && !result.peer_ip.empty() &&
         (result.reason == FailureReason::kNetwork || result.reason == FailureReason::kTimeout);
}

// AddPath puts a finished trace into the probe's metrics and log.
void AddPath(const PathReport& report, ProbeResult* result) {
  if (!report.error.empty()) {
    result->log.Error("Path trace could not run",
                      {{"target", report.target}, {"err", report.error}});
  }
  for (const PathHop& hop : report.hops) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, "%.3f", hop.rtt_seconds * 1000);
    result->log.Info("Path hop", {{"ttl", std::to_string(hop.ttl)},
                                  {"address", hop.address},
                                  {"answer", hop.answer},
                                  {"rtt_ms", rtt}});
  }
  result->log.Info("Path trace finished",
                   {{"target", report.target},
                    {"hops_answered", std::to_string(report.hops.size())},
                    {"reached", report.reached ? "true" : "false"},
                    {"break", std::string(PathSegmentName(report.segment))}});
  result->Add(metric::kPathHops, static_cast<double>(report.hops.size()));
  result->Add(metric::kPathLastHop, report.LastHop());
  for (PathSegment s : kAllPathSegments) {
    result->Add(metric::kPathBreak, {{"segment", std::string(PathSegmentName(s))}},
                s == report.segment ? 1 : 0);
  }
}

}  // namespace

std::future<ProbeResult> ProbeEngine::Probe(ProbeRequest request, std::function<void()> finished) {
  auto promise = std::make_shared<std::promise<ProbeResult>>();
  std::future<ProbeResult> future = promise->get_future();
  Probe(std::move(request), [promise, finished = std::move(finished)](ProbeResult result) {
    if (finished) finished();
    promise->set_value(std::move(result));
  });
  return future;
}

void ProbeEngine::Probe(ProbeRequest request, ProbeDone on_done) {
  auto it = probers_.find(request.module->prober);
  if (it == probers_.end()) {
    ProbeResult result;
    result.Fail(FailureReason::kProtocol);
    result.log.Error("Prober is not built", {{"prober", request.module->prober}});
    on_done(std::move(result));
    return;
  }
  Prober* prober = it->second.get();
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  loop_.Post([this, prober, on_done = std::move(on_done), request = std::move(request)]() mutable {
    const auto start = std::chrono::steady_clock::now();
    // One owner for on_done: `finish` is copied into the path trace's
    // callback, and exactly one copy of it runs.
    auto finish = [this, on_done = std::make_shared<ProbeDone>(std::move(on_done)),
                   start](ProbeResult result) {
      result.duration_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string duration = SecondsText(result.duration_seconds);
      if (result.success) {
        result.log.Info("Probe succeeded", {{"duration_seconds", duration}});
      } else {
        result.log.Error("Probe failed", {{"reason", std::string(FailureReasonName(result.reason))},
                                          {"duration_seconds", duration}});
      }
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      result.log.Compact();  // its last line is written: a scrape holds thousands
      (*on_done)(std::move(result));
    };
    // After a failure the path may say where it broke, within the scrape's
    // deadline (the module and its config are kept alive by `keep`).
    auto done = [this, finish, keep = request.config, variant = request.request_module,
                 module = request.module,
                 scrape_deadline = std::max(request.deadline, request.scrape_deadline)](
                    ProbeResult result) mutable {
      if (!Traceable(*module, result)) return finish(std::move(result));
      const PathTrace& path = module->path;
      const auto now = std::chrono::steady_clock::now();
      if (scrape_deadline - now < kMinPathBudget) {
        result.log.Info("Path trace skipped: less than 250ms left before the scrape's deadline");
        return finish(std::move(result));
      }
      if (tracer_.RecentlyTraced(result.peer_ip, path.timeout * 10)) {
        result.log.Info(
            "Path trace skipped: this address was traced less than path_timeout x 10 "
            "ago",
            {{"target", result.peer_ip}});
        return finish(std::move(result));
      }
      result.log.Info("Path trace started",
                      {{"target", result.peer_ip}, {"max_hops", std::to_string(path.max_hops)}});
      const std::string ip = result.peer_ip;
      tracer_.Start(ip, path, std::min(scrape_deadline, now + path.timeout),
                    [finish, result = std::move(result)](const PathReport& report) mutable {
                      AddPath(report, &result);
                      finish(std::move(result));
                    });
    };
    std::string err;
    try {
      if (request.module->addresses.all) {
        fan_out_.Start(prober, std::move(request), std::move(done));
      } else {
        prober->Start(std::move(request), std::move(done));
      }
      return;
    } catch (...) {
      err = CurrentExceptionText();
    }
    // Probers report failures as data; an exception here is a bug, but it
    // must not take the loop thread (and every other probe) down with it.
    ProbeResult result;
    result.Fail(FailureReason::kProtocol);
    result.log.Error("Internal error starting probe", {{"err", err}});
    finish(std::move(result));
  });
}

void ProbeEngine::CancelAll() {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  loop_.Post([this, &done] {
    // Lookups first: their probes go to the probers, cancelled next.
    fan_out_.CancelAll();
    for (auto& [name, prober] : probers_) prober->CancelAll();
    tracer_.CancelAll();
    done.set_value();
  });
  finished.wait();
}

}  // namespace outage
