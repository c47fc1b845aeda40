// See probe_history.h.
#include "exporter/state/probe_history.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "collectors/metric_catalog.h"
#include "config/url.h"

namespace outage {
namespace {

// CutLog keeps the first kMaxLogBytes of `text`, ending on a whole line.
std::string CutLog(std::string text) {
  if (text.size() <= ProbeHistory::kMaxLogBytes) return text;
  size_t end = text.rfind('\n', ProbeHistory::kMaxLogBytes - 1);
  end = end == std::string::npos ? 0 : end + 1;
  const size_t cut = text.size() - end;
  text.resize(end);
  text += "... " + std::to_string(cut) + " more bytes not kept in the history\n";
  return text;
}

std::optional<double> CertExpiry(const ProbeResult& result) {
  for (const Sample& s : result.samples) {
    if (s.desc == &metric::kSslEarliestCertExpiry) return s.value;
  }
  return std::nullopt;
}

// EdgeText is probe_http_edge_info in words: "fastly FRA", "google" (no
// site named); empty when no CDN was recognised.
std::string EdgeText(const ProbeResult& result) {
  for (const Sample& s : result.samples) {
    if (s.desc != &metric::kHttpEdgeInfo) continue;
    std::string text;
    for (const auto& [name, value] : s.labels) {
      if (!value.empty()) text += (text.empty() ? "" : " ") + value;
    }
    return text;
  }
  return "";
}

// PathText is outage_path_break and outage_path_last_hop in words:
// "transit, last answer at hop 2", "none (the target answered the trace)";
// empty when no trace ran.
std::string PathText(const ProbeResult& result) {
  std::string segment;
  double last_hop = 0;
  for (const Sample& s : result.samples) {
    if (s.desc == &metric::kPathBreak && s.value == 1 && !s.labels.empty()) {
      segment = s.labels.front().second;
    }
    if (s.desc == &metric::kPathLastHop) last_hop = s.value;
  }
  if (segment.empty()) return "";
  if (segment == "none") return "none (the target answered the trace)";
  if (last_hop == 0) return segment + ", no hop answered";
  return segment + ", last answer at hop " + std::to_string(static_cast<int>(last_hop));
}

// NewRecord is what the history keeps of `result`, shown as `display`.
std::shared_ptr<ProbeRecord> NewRecord(std::string display, const std::string& module,
                                       const ProbeResult& result,
                                       std::chrono::system_clock::time_point time) {
  auto record = std::make_shared<ProbeRecord>();
  record->target = std::move(display);
  record->module = module;
  record->time = time;
  record->success = result.success;
  record->reason = result.success ? FailureReason::kNone : result.reason;
  record->duration_seconds = result.duration_seconds;
  record->cert_expiry_seconds = CertExpiry(result);
  record->edge = EdgeText(result);
  record->path_break = PathText(result);
  record->addresses = result.addresses;
  record->log = CutLog(result.log.Text());  // formatted outside the lock
  return record;
}

// AddToTrend makes `record` the latest of `trend` and adds its point.
void AddToTrend(std::shared_ptr<const ProbeRecord> record, ProbeTrend* trend) {
  const TrendPoint point{record->duration_seconds, record->success};
  // Two scrapes may record the same target at once: the newer record wins.
  if (trend->latest == nullptr || trend->latest->id < record->id) trend->latest = std::move(record);
  if (trend->ring.size() < ProbeTrend::kPoints) {
    if (trend->ring.empty()) trend->ring.reserve(ProbeTrend::kPoints);
    trend->ring.push_back(point);
  } else {
    trend->ring[trend->oldest] = point;
    trend->oldest = (trend->oldest + 1) % ProbeTrend::kPoints;
  }
}

bool IsOf(const ProbeRecord& r, const std::string& redacted_target, const std::string& module) {
  return r.target == redacted_target && r.module == module;
}

}  // namespace

uint64_t ProbeHistory::Record(const std::string& target, const std::string& module,
                              const ProbeResult& result,
                              std::chrono::system_clock::time_point time) {
  return Add(NewRecord(RedactUrlPassword(target), module, result, time))->id;
}

uint64_t ProbeHistory::RecordConfigured(const Target& target, const ProbeResult& result,
                                        std::chrono::system_clock::time_point time) {
  std::shared_ptr<const ProbeRecord> record =
      Add(NewRecord(target.identity.display, target.module, result, time));
  const uint64_t id = record->id;
  store_->Update(target, [&](TargetRecord& r) { AddToTrend(std::move(record), &r.trend); });
  return id;
}

std::shared_ptr<const ProbeRecord> ProbeHistory::Add(std::shared_ptr<ProbeRecord> record) {
  const bool success = record->success;
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  record->id = id;
  by_id_[id].record = record;
  Hold(id);
  all_.push_back(id);
  Trim(&all_);
  if (!success) {
    Hold(id);
    failures_.push_back(id);
    Trim(&failures_);
  }
  return record;
}

void ProbeHistory::Hold(uint64_t id) { ++by_id_.at(id).holders; }

void ProbeHistory::Release(uint64_t id) {
  auto it = by_id_.find(id);
  if (it != by_id_.end() && --it->second.holders <= 0) by_id_.erase(it);
}

void ProbeHistory::Trim(std::deque<uint64_t>* ids) {
  while (ids->size() > limit_) {
    Release(ids->front());
    ids->pop_front();
  }
}

std::shared_ptr<const ProbeRecord> ProbeHistory::Get(uint64_t id) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(id);
    if (it != by_id_.end()) return it->second.record;
  }
  // A configured target's latest outlives the ring, in its record.
  std::shared_ptr<const ProbeRecord> found;
  store_->ReadAll([&](const TargetRecord& r) {
    if (r.trend.latest != nullptr && r.trend.latest->id == id) found = r.trend.latest;
  });
  return found;
}

std::shared_ptr<const ProbeRecord> ProbeHistory::Latest(const std::string& target,
                                                        const std::string& module) const {
  const std::string redacted = RedactUrlPassword(target);
  std::shared_ptr<const ProbeRecord> newest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // by_id_ is in id order; the newest match is the one wanted.
    for (auto it = by_id_.rbegin(); it != by_id_.rend() && newest == nullptr; ++it) {
      if (IsOf(*it->second.record, redacted, module)) newest = it->second.record;
    }
  }
  store_->ReadAll([&](const TargetRecord& r) {
    const std::shared_ptr<const ProbeRecord>& latest = r.trend.latest;
    if (latest != nullptr && IsOf(*latest, redacted, module) &&
        (newest == nullptr || latest->id > newest->id)) {
      newest = latest;
    }
  });
  return newest;
}

TargetHistory ProbeHistory::OfTarget(const Target& target) const {
  TargetHistory out;
  store_->Read(target, [&](const TargetRecord& r) {
    const ProbeTrend& t = r.trend;
    out.latest = t.latest;
    const auto oldest = t.ring.begin() + static_cast<std::ptrdiff_t>(t.oldest);
    out.trend.reserve(t.ring.size());
    out.trend.assign(oldest, t.ring.end());
    out.trend.insert(out.trend.end(), t.ring.begin(), oldest);
  });
  return out;
}

std::vector<std::shared_ptr<const ProbeRecord>> ProbeHistory::Recent() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> ids(all_.begin(), all_.end());
  ids.insert(ids.end(), failures_.begin(), failures_.end());
  std::sort(ids.begin(), ids.end(), std::greater<>());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::shared_ptr<const ProbeRecord>> out;
  out.reserve(ids.size());
  for (uint64_t id : ids) out.push_back(by_id_.at(id).record);
  return out;
}

}  // namespace outage
