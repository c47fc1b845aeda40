// See incident_recorder.h.
#include "diagnosis/incidents/incident_recorder.h"

#include <algorithm>
#include <string_view>

#include "config/target_identity.h"
#include "config/url.h"
#include "diagnosis/service_name.h"

namespace outage {
namespace {

// Probe logs kept in a record are cut to this size.
constexpr size_t kMaxLogBytes = 16 * 1024;

// Closed incidents past retention leave memory at most this often.
constexpr std::chrono::minutes kForgetInterval{1};

// kRemoved is the `to` of the change that ends the part of a target the
// config no longer has.
constexpr std::string_view kRemoved = "removed";

bool Failing(OutageState s) { return s == OutageState::kDown || s == OutageState::kDegraded; }

std::string Truncated(std::string log) {
  if (log.size() > kMaxLogBytes) log.resize(kMaxLogBytes);
  return log;
}

// ReasonOf names what the probe saw: its failure reason, or "slow" for a
// success slower than degraded_latency (a degraded target's evidence).
std::string ReasonOf(const TargetEvent& e) {
  if (e.result->success) return "slow";
  return std::string(FailureReasonName(e.result->reason));
}

// LatestState is the state `part`'s target is last recorded in: the `to` of
// its latest change since the part opened ("unknown" when there is none).
std::string LatestState(const Incident& incident, const IncidentPart& part) {
  for (auto c = incident.changes.rbegin(); c != incident.changes.rend(); ++c) {
    if (c->at < part.start) break;
    if (c->target == part.target) return c->to;
  }
  return std::string(OutageStateName(OutageState::kUnknown));
}

void CountReason(Incident* incident, const std::string& reason, WallTime now) {
  for (ReasonSeen& r : incident->reasons) {
    if (r.reason == reason) {
      ++r.probes;
      return;
    }
  }
  incident->reasons.push_back(ReasonSeen{reason, now, 1});
}

}  // namespace

IncidentRecorder::IncidentRecorder(const Clock* clock, TargetStore* store, StoreWriter* writer,
                                   IncidentRecorderOptions options)
    : clock_(clock),
      store_(store),
      writer_(writer),
      options_(std::move(options)),
      last_forget_(clock->Now()) {}

void IncidentRecorder::Restore(std::vector<Incident> incidents, bool file_unread) {
  const WallTime now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (file_unread) {
    next_id_ = std::max<int64_t>(
        next_id_, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  }
  for (Incident& incident : incidents) {
    next_id_ = std::max(next_id_, incident.id + 1);
    // A record written before targets were kept redacted shows them so too.
    for (IncidentPart& p : incident.parts) p.target = RedactUrlPassword(p.target);
    for (StateChange& c : incident.changes) c.target = RedactUrlPassword(c.target);
    if (incident.open()) {
      if (now > incident.last_seen) AddSpan(&incident.gaps, incident.last_seen, now);
      incident.last_seen = now;
      open_by_service_[incident.service] = incident.id;
      for (size_t i = 0; i < incident.parts.size(); ++i) {
        const IncidentPart& p = incident.parts[i];
        if (!p.end) open_parts_[TargetKey(p.target, p.module)] = PartRef{incident.id, i};
      }
      uint64_t seq = 0;
      Save(incident, false, &seq);
    }
    if (incident.end) closed_.emplace(*incident.end, incident.id);
    incidents_[incident.id] = std::move(incident);
  }
  TrimClosed();
}

uint64_t IncidentRecorder::OnScrape(const ScrapeEvent& event) {
  const WallTime now = event.now;
  const bool network_down = event.vantage_network_up == false;
  std::set<int64_t> touched;
  std::set<int64_t> maintenance;
  bool changed = false;
  std::lock_guard<std::mutex> lock(mu_);
  for (const TargetEvent& e : event.targets) {
    const Target& t = *e.target;
    if (t.control) continue;  // canaries of our own network, not a service
    // The record keeps a target as it is shown (its URL password redacted),
    // since reports and the API show what it keeps; it finds it by that too.
    const std::string& key = t.identity.shown_key;
    auto open = open_parts_.find(key);
    if (open == open_parts_.end()) {
      if (e.result->success && e.after == OutageState::kUp) KeepLatency(t, *e.result);
      if (!Failing(e.after)) continue;
      // The target left up (or unknown) for down or degraded: its part opens,
      // unless a reload took it out of the config while this scrape ran.
      std::optional<double> latency_before;
      if (!store_->Read(t, [&](const TargetRecord& r) { latency_before = r.latency_before; })) {
        continue;
      }
      const std::string service = ServiceName(t, options_.group_label);
      auto by_service = open_by_service_.find(service);
      if (by_service == open_by_service_.end()) {
        Incident incident;
        incident.id = next_id_++;
        incident.service = service;
        incident.start = now;
        incident.last_seen = now;
        ++stats_.opened[{service, ReasonOf(e)}];
        by_service = open_by_service_.emplace(service, incident.id).first;
        incidents_[incident.id] = std::move(incident);
      }
      Incident& incident = incidents_[by_service->second];
      IncidentPart part;
      part.target = t.identity.display;
      part.module = t.module;
      part.start = now;
      part.first_reason = ReasonOf(e);
      if (!e.result->success && !e.result->phases.empty()) {
        part.first_phase = std::string(e.result->phases.back().phase);
      }
      part.latency_before_seconds = latency_before;
      incident.parts.push_back(std::move(part));
      open = open_parts_.emplace(key, PartRef{incident.id, incident.parts.size() - 1}).first;
    }
    Incident& incident = incidents_[open->second.incident];
    IncidentPart& part = incident.parts[open->second.part];
    touched.insert(incident.id);
    if (e.maintenance) maintenance.insert(incident.id);
    ++part.probes;
    if (!e.result->success || e.after == OutageState::kDegraded) {
      CountReason(&incident, ReasonOf(e), now);
    }
    if (!e.result->success) {
      ++part.failures;
      part.last_failure_log = Truncated(e.result->log.Text());
      if (part.first_failure_log.empty()) part.first_failure_log = part.last_failure_log;
    }
    if (e.vendor.outage && !incident.vendor) {
      VendorConfirmation v{now, "", "", ""};
      if (e.vendor.incident) {
        v.name = e.vendor.incident->name;
        v.impact = e.vendor.incident->impact;
        v.shortlink = e.vendor.incident->shortlink;
      }
      incident.vendor = v;
    }
    if (e.before != e.after) {
      changed = true;
      incident.changes.push_back(StateChange{now, t.identity.display,
                                             std::string(OutageStateName(e.before)),
                                             std::string(OutageStateName(e.after))});
    }
    if (e.after == OutageState::kUp) {
      // Recovered: the part closes, and the incident with its last part.
      if (e.result->success) KeepLatency(t, *e.result);
      ClosePart(open, now);
    }
  }
  uint64_t seq = 0;
  for (int64_t id : touched) {
    Incident& incident = incidents_[id];
    // Time since the incident's previous scrape is charged to what held now.
    if (maintenance.count(id) != 0) AddSpan(&incident.maintenance, incident.last_seen, now);
    if (network_down) AddSpan(&incident.local_network, incident.last_seen, now);
    incident.last_seen = now;
    Save(incident, changed, &seq);
  }
  // After the saves above: an incident closed in this scrape is on its way
  // to the file before it may leave memory.
  TrimClosed();
  if (now - last_forget_ >= kForgetInterval) Forget(now);
  return seq;
}

void IncidentRecorder::SyncTargets(const Config& config) {
  std::set<std::string_view> configured;
  for (const Target& t : config.targets) {
    if (!t.control) configured.insert(t.identity.shown_key);
  }
  const WallTime now = clock_->Now();
  uint64_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<int64_t> touched;
    for (auto open = open_parts_.begin(); open != open_parts_.end();) {
      if (configured.count(open->first) != 0) {
        ++open;
        continue;
      }
      // Nothing probes the target any more: its part ends here, and the
      // record says why.
      Incident& incident = incidents_[open->second.incident];
      const IncidentPart& part = incident.parts[open->second.part];
      incident.changes.push_back(
          StateChange{now, part.target, LatestState(incident, part), std::string(kRemoved)});
      touched.insert(incident.id);
      open = ClosePart(open, now);
    }
    for (int64_t id : touched) Save(incidents_[id], true, &seq);
    TrimClosed();
  }
  if (seq != 0) writer_->WaitWritten(seq, options_.durable_wait);
}

IncidentRecorder::OpenParts::iterator IncidentRecorder::ClosePart(OpenParts::iterator open,
                                                                  WallTime now) {
  Incident& incident = incidents_[open->second.incident];
  incident.parts[open->second.part].end = now;
  const auto next = open_parts_.erase(open);
  const bool last = std::all_of(incident.parts.begin(), incident.parts.end(),
                                [](const IncidentPart& p) { return p.end.has_value(); });
  if (!last) return next;
  incident.end = now;
  closed_.emplace(now, incident.id);
  open_by_service_.erase(incident.service);
  IncidentStats::Histogram& h = stats_.durations[incident.service];
  const std::vector<double>& bounds = IncidentDurationBuckets();
  h.counts.resize(bounds.size() + 1);
  const double seconds = incident.DurationSeconds(now);
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  ++h.counts[static_cast<size_t>(bucket)];
  h.sum += seconds;
  return next;
}

void IncidentRecorder::KeepLatency(const Target& target, const ProbeResult& result) {
  store_->Update(target, [&](TargetRecord& r) { r.latency_before = result.duration_seconds; });
}

void IncidentRecorder::AfterScrape(uint64_t ticket) {
  // A state change is on disk before the scrape that reported it answers
  // (bounded: a slow or broken disk never stalls a scrape for long).
  if (writer_ != nullptr) writer_->WaitWritten(ticket, options_.durable_wait);
}

void IncidentRecorder::Save(const Incident& incident, bool durable, uint64_t* seq) {
  if (writer_ == nullptr) return;
  const uint64_t s = writer_->Enqueue(incident);
  if (durable && s != 0) *seq = s;
}

void IncidentRecorder::Forget(WallTime now) {
  last_forget_ = now;
  const WallTime cutoff = now - options_.retention;
  for (auto it = incidents_.begin(); it != incidents_.end();) {
    const bool old = it->second.end && *it->second.end < cutoff;
    if (old) closed_.erase({*it->second.end, it->first});
    it = old ? incidents_.erase(it) : std::next(it);
  }
}

void IncidentRecorder::TrimClosed() {
  while (closed_.size() > options_.max_closed) {
    incidents_.erase(closed_.begin()->second);
    closed_.erase(closed_.begin());
  }
}

std::vector<Incident> IncidentRecorder::List(const IncidentFilter& filter) const {
  std::vector<Incident> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, incident] : incidents_) {
      if (!filter.service.empty() && incident.service != filter.service) continue;
      if (!filter.target.empty() &&
          std::none_of(incident.parts.begin(), incident.parts.end(), [&](const IncidentPart& p) {
            return p.target == filter.target || p.target == RedactUrlPassword(filter.target);
          })) {
        continue;
      }
      if (filter.open && incident.open() != *filter.open) continue;
      if (filter.since && incident.end && *incident.end < *filter.since) continue;
      if (filter.until && incident.start > *filter.until) continue;
      out.push_back(incident);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) {
    if (a.open() != b.open()) return a.open();
    return a.start > b.start;
  });
  return out;
}

std::optional<Incident> IncidentRecorder::Get(int64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = incidents_.find(id);
  if (it == incidents_.end()) return std::nullopt;
  return it->second;
}

bool IncidentRecorder::AddNote(int64_t id, const std::string& text) {
  const WallTime now = clock_->Now();
  uint64_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = incidents_.find(id);
    if (it == incidents_.end()) return false;
    it->second.notes.push_back(Note{now, text});
    Save(it->second, true, &seq);
  }
  if (seq != 0) writer_->WaitWritten(seq, options_.durable_wait);
  return true;
}

IncidentStats IncidentRecorder::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  IncidentStats stats = stats_;
  for (const auto& [id, incident] : incidents_) stats.open[incident.service] |= incident.open();
  return stats;
}

}  // namespace outage
