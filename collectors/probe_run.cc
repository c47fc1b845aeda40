// See probe_run.h.
#include "collectors/probe_run.h"

#include <chrono>
#include <utility>
#include <vector>

#include "collectors/logfmt.h"

namespace outage {

ProbeRun::ProbeRun(const ProbeContext& context, ProbeRequest request, ProbeCallback done)
    : context_(context),
      request_(std::move(request)),
      done_(std::move(done)),
      lookup_(context.resolver) {
  result_.log = ProbeLog(request_.debug);
}

ProbeRun::~ProbeRun() {
  if (deadline_timer_ != 0) context_.loop->CancelTimer(deadline_timer_);
}

std::string ProbeRun::TimeLeft() const {
  return SecondsText(std::chrono::duration<double>(request_.deadline - Clock::now()).count());
}

void ProbeRun::Begin() {
  result_.log.Info("Beginning probe",
                   {{"probe", module().prober}, {"timeout_seconds", TimeLeft()}});
  deadline_timer_ = context_.loop->AddTimer(request_.deadline, [this] {
    deadline_timer_ = 0;
    if (lookup_.pending()) {
      Fail(FailureReason::kDns, "Deadline passed while resolving the target");
    } else {
      OnDeadline();
    }
  });
  Start();
}

void ProbeRun::Cancel(std::string_view why) {
  if (finished_) return;
  OnCancel(why);
  if (!finished_) Fail(FailureReason::kTimeout, "Probe cancelled", std::string(why));
}

LookupOptions ProbeRun::Options(AddressChoice choice) const {
  LookupOptions options;
  options.choice = choice;
  options.deadline = request_.deadline;
  if (request_.pinned) options.pinned = &*request_.pinned;
  return options;
}

void ProbeRun::LookUp(const std::string& host, AddressChoice choice, ConnectTo connect) {
  LookUp(host, Options(choice),
         [this, connect = std::move(connect)](const ResolvedAddress* address) {
           if (address == nullptr) {
             Finish();
           } else {
             connect(*address);
           }
         });
}

void ProbeRun::LookUp(const std::string& host, const LookupOptions& options,
                      const TargetLookup::Done& done) {
  // A host the policy refuses is the lookup's failure too (recorded).
  if (!lookup_.Start(policy(), host, options, &result_, done)) done(nullptr);
}

bool ProbeRun::TargetParsed(const std::string& error, std::string_view message) {
  if (error.empty()) return true;
  Fail(FailureReason::kProtocol, message, error);
  return false;
}

void ProbeRun::Fail(FailureReason reason, std::string_view message, const std::string& error) {
  result_.Fail(reason, message, error);
  Finish();
}

void ProbeRun::Finish() {
  if (finished_) return;
  finished_ = true;
  if (deadline_timer_ != 0) context_.loop->CancelTimer(deadline_timer_);
  deadline_timer_ = 0;
  lookup_.Stop();
  Report(&result_);
  Stop();
  ProbeCallback done = std::move(done_);
  done(std::move(result_));
  if (release_) release_();
}

ProbeRunSet::~ProbeRunSet() { runs_.clear(); }

void ProbeRunSet::Start(std::unique_ptr<ProbeRun> run) {
  ProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  std::weak_ptr<ProbeRunSet*> weak = self_;
  raw->release_ = [this, raw, weak] {
    loop_->Post([raw, weak] {
      if (std::shared_ptr<ProbeRunSet*> self = weak.lock()) (*self)->runs_.erase(raw);
    });
  };
  raw->Begin();
}

bool ProbeRunSet::Running(const ProbeRun* run) const {
  const auto it = runs_.find(run);
  return it != runs_.end() && !it->second->finished();
}

void ProbeRunSet::CancelAll(std::string_view why) {
  std::vector<ProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(owned.get());
  for (ProbeRun* run : running) run->Cancel(why);
}

}  // namespace outage
