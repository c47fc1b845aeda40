// ProbeRun: the one probe start-up and life cycle that every prober builds
// on, so that a prober implements only its protocol. A run logs "Beginning
// probe", holds one timer at the request's deadline, turns a host into the
// address it may send to (TargetLookup: policy on the host, the lookup on
// the engine's one AsyncResolver bounded by the deadline, blackbox's address
// choice, policy on the address, the lookup's timing; a pinned address of
// `addresses: all` stands for the lookup), ends on Fail/Finish or Cancel,
// and hands its result to `done` exactly once. ProbeRunSet owns a prober's
// runs and destroys each once it has finished, from a posted task, so no
// run is destroyed inside one of its own callbacks (or c-ares', or curl's).
// RunProber is the Prober around them: a prober adds its target syntax and
// the run it starts.
//
// Contract for a prober's run (a subclass):
//   Start()      parses the target and starts the protocol, usually with
//                LookUp(host, choice, connect); it may Fail at once.
//   OnDeadline() the deadline passed while the protocol (not the lookup) was
//                under way; it must Fail or Finish, or leave the run to a
//                bound of its own (curl's timeout). The base fails a lookup
//                still pending as `dns`.
//   OnCancel()   adjusts the result before a cancelled run fails (or
//                finishes it itself).
//   Report()     adds the prober's phases and samples, once, when the run
//                finishes.
//   Stop()       then releases the protocol's sockets, transfers and
//                timers, before `done`; idempotent (the subclass's own
//                destructor calls it for a run destroyed unfinished).
//
// Thread-safety: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/probe_result.h"
#include "collectors/probe_target.h"
#include "collectors/prober.h"

namespace outage {

// ProbeContext is what the engine lends every prober and its runs: the loop
// and the one resolver. Both outlive the probers.
struct ProbeContext {
  EventLoop* loop = nullptr;
  AsyncResolver* resolver = nullptr;
};

class ProbeRun {
 public:
  ProbeRun(const ProbeContext& context, ProbeRequest request, ProbeCallback done);
  virtual ~ProbeRun();
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;

  // Begin starts the probe (or finishes at once on a bad target).
  void Begin();
  // Cancel ends the probe now with a failed result (`timeout`, unless
  // OnCancel decides otherwise).
  void Cancel(std::string_view why);

  bool finished() const { return finished_; }

 protected:
  using Clock = EventLoop::Clock;
  // ConnectTo receives the address a probe may use (valid during the call).
  using ConnectTo = std::function<void(const ResolvedAddress& address)>;

  virtual void Start() = 0;
  virtual void OnDeadline() {}
  virtual void OnCancel(std::string_view /*why*/) {}
  virtual void Report(ProbeResult* result) = 0;
  virtual void Stop() {}

  // LookUp takes `host` to an address with the request's policy, deadline
  // and pinned address, then calls `connect` from the loop; on any failure
  // the run finishes instead (the failure recorded), at once when the
  // policy refuses the host.
  void LookUp(const std::string& host, AddressChoice choice, ConnectTo connect);
  // LookUp with `options` (deadline and pinning as the caller decides);
  // `done` gets nullptr after a failure was recorded (at once, from inside
  // LookUp, when the policy refuses the host) and must then finish the run.
  // Starting a lookup drops the one pending.
  void LookUp(const std::string& host, const LookupOptions& options,
              const TargetLookup::Done& done);
  // Options is LookupOptions for the request: its deadline and pinned
  // address.
  LookupOptions Options(AddressChoice choice) const;

  // TargetParsed is false, the run failed as `protocol` with `message`
  // (err=`error`), when parsing the target left an `error`.
  bool TargetParsed(const std::string& error, std::string_view message);
  // Fail records `reason` (logging `message`, with `error` as err= when
  // set) and finishes the run.
  void Fail(FailureReason reason, std::string_view message, const std::string& error = "");
  // Finish ends the run: Report, Stop, then `done` with the result.
  void Finish();

  EventLoop* loop() const { return context_.loop; }
  AsyncResolver* resolver() const { return context_.resolver; }
  const ProbeRequest& request() const { return request_; }
  const Module& module() const { return *request_.module; }
  const ProbePolicy& policy() const { return request_.config->probe_policy; }
  const TargetLookup& lookup() const { return lookup_; }
  ProbeResult& result() { return result_; }
  // TimeLeft is the time until the deadline, as logged ("0.999871").
  std::string TimeLeft() const;

 private:
  friend class ProbeRunSet;

  ProbeContext context_;
  ProbeRequest request_;
  ProbeCallback done_;
  ProbeResult result_;
  TargetLookup lookup_;
  EventLoop::TimerId deadline_timer_ = 0;
  bool finished_ = false;
  std::function<void()> release_;  // set by ProbeRunSet
};

// ProbeRunSet owns the running probes of one prober.
//
// Thread-safety: loop thread only. Runs still here when it is destroyed are
// destroyed without their callback.
class ProbeRunSet {
 public:
  explicit ProbeRunSet(EventLoop* loop) : loop_(loop) {}
  ~ProbeRunSet();
  ProbeRunSet(const ProbeRunSet&) = delete;
  ProbeRunSet& operator=(const ProbeRunSet&) = delete;

  // Start takes `run` and begins it; it is destroyed soon after it finishes.
  void Start(std::unique_ptr<ProbeRun> run);
  // Running reports whether `run` is a run of this set still unfinished
  // (for a curl transfer mapped back to its run).
  bool Running(const ProbeRun* run) const;
  // CancelAll ends every running probe now, each with its callback.
  void CancelAll(std::string_view why = "exporter is shutting down");
  // Clear destroys every run now, without its callback.
  void Clear() { runs_.clear(); }

 private:
  EventLoop* loop_;
  std::unordered_map<const ProbeRun*, std::unique_ptr<ProbeRun>> runs_;
  // Posted releases hold a weak reference, so they do nothing once the set
  // is gone.
  std::shared_ptr<ProbeRunSet*> self_ = std::make_shared<ProbeRunSet*>(this);
};

// RunProber is a Prober whose probes are ProbeRuns, which it owns.
//
// Thread-safety: as Prober's.
class RunProber : public Prober {
 public:
  explicit RunProber(const ProbeContext& context) : context_(context), runs_(context.loop) {}
  RunProber(const RunProber&) = delete;
  RunProber& operator=(const RunProber&) = delete;

  void CancelAll() override { runs_.CancelAll(); }

 protected:
  const ProbeContext& context() const { return context_; }
  ProbeRunSet& runs() { return runs_; }

 private:
  ProbeContext context_;
  ProbeRunSet runs_;
};

}  // namespace outage
