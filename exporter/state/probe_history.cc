// See probe_history.h.
#include "exporter/state/probe_history.h"

#include <algorithm>
#include <cstddef>
#include <set>
#include <string_view>
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

}  // namespace

uint64_t ProbeHistory::Record(const std::string& target, const std::string& module,
                              const ProbeResult& result,
                              std::chrono::system_clock::time_point time) {
  return Add(NewRecord(RedactUrlPassword(target), module, result, time), nullptr);
}

uint64_t ProbeHistory::RecordConfigured(const Target& target, const ProbeResult& result,
                                        std::chrono::system_clock::time_point time) {
  return Add(NewRecord(target.identity.display, target.module, result, time), &target.identity.key);
}

uint64_t ProbeHistory::Add(std::shared_ptr<ProbeRecord> record, const std::string* configured_key) {
  const bool success = record->success;
  const double duration_seconds = record->duration_seconds;
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  record->id = id;
  by_id_[id].record = std::move(record);
  Hold(id);
  all_.push_back(id);
  Trim(&all_);
  if (!success) {
    Hold(id);
    failures_.push_back(id);
    Trim(&failures_);
  }
  if (configured_key != nullptr) {
    Configured& c = configured_[*configured_key];
    if (c.latest != 0) Release(c.latest);
    Hold(id);
    c.latest = id;
    const TrendPoint point{duration_seconds, success};
    if (c.trend.size() < kTrendPoints) {
      if (c.trend.empty()) c.trend.reserve(kTrendPoints);
      c.trend.push_back(point);
    } else {
      c.trend[c.oldest] = point;
      c.oldest = (c.oldest + 1) % kTrendPoints;
    }
  }
  return id;
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

void ProbeHistory::Sync(const Config& config) {
  std::set<std::string_view> wanted;
  for (const Target& t : config.targets) wanted.insert(t.identity.key);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = configured_.begin(); it != configured_.end();) {
    if (wanted.count(it->first) != 0) {
      ++it;
      continue;
    }
    if (it->second.latest != 0) Release(it->second.latest);
    it = configured_.erase(it);
  }
}

std::shared_ptr<const ProbeRecord> ProbeHistory::Get(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.record;
}

std::shared_ptr<const ProbeRecord> ProbeHistory::Latest(const std::string& target,
                                                        const std::string& module) const {
  const std::string redacted = RedactUrlPassword(target);
  std::lock_guard<std::mutex> lock(mu_);
  // by_id_ holds every kept record; the newest match is the one wanted.
  for (auto it = by_id_.rbegin(); it != by_id_.rend(); ++it) {
    const ProbeRecord& r = *it->second.record;
    if (r.target == redacted && r.module == module) return it->second.record;
  }
  return nullptr;
}

TargetHistory ProbeHistory::OfTarget(const Target& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = configured_.find(target.identity.key);
  if (it == configured_.end()) return {};
  TargetHistory out;
  out.latest = by_id_.at(it->second.latest).record;
  const Configured& c = it->second;
  const auto oldest = c.trend.begin() + static_cast<std::ptrdiff_t>(c.oldest);
  out.trend.assign(oldest, c.trend.end());
  out.trend.insert(out.trend.end(), c.trend.begin(), oldest);
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
