// ProbeEngine owns the event loop thread and the table of probers, and is the
// one entry point the HTTP handlers use to run probes.
//
// Thread-safe: Probe() may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "collectors/address_fan_out.h"
#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/path/path_trace.h"
#include "collectors/prober.h"

namespace outage {

class ProbeEngine {
 public:
  ProbeEngine();
  ~ProbeEngine();  // cancels running probes and joins the loop thread
  ProbeEngine(const ProbeEngine&) = delete;
  ProbeEngine& operator=(const ProbeEngine&) = delete;

  // FindProber returns the prober registered under `name` ("http", ...), or
  // nullptr when that prober is not built.
  const Prober* FindProber(std::string_view name) const;

  // ProbeDone receives a finished probe's result, exactly once, on the
  // loop thread (or at once, on the caller's thread, when the module's
  // prober is not built). It must be quick and must not block: every other
  // probe waits while it runs.
  using ProbeDone = std::function<void(ProbeResult)>;

  // Probe starts `request` on the loop and calls `done` with its result by
  // the deadline or shortly after. No thread waits for it.
  void Probe(ProbeRequest request, ProbeDone done);
  // Probe is the blocking form for callers that have a thread to spare: the
  // future is always fulfilled, by the deadline or shortly after.
  // `finished`, when set, runs once just before the future is fulfilled (on
  // the loop thread, or on the caller's when the probe cannot start): it
  // must not block.
  std::future<ProbeResult> Probe(ProbeRequest request, std::function<void()> finished = nullptr);

  // CancelAll ends every running probe now (used on shutdown).
  void CancelAll();

  // InFlight is the number of probes started and not yet finished.
  int64_t InFlight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  EventLoop loop_;
  AsyncResolver resolver_;  // the one resolver of every probe; outlives the probers
  std::map<std::string, std::unique_ptr<Prober>, std::less<>> probers_;
  AddressFanOut fan_out_;  // modules with addresses: all
  PathTracer tracer_;      // modules with path_on_failure: true
  std::atomic<int64_t> in_flight_{0};
  std::thread thread_;  // runs loop_; declared last so it starts last
};

}  // namespace outage
