// See status_report.h.
#include "exporter/status_page/status_report.h"

#include <algorithm>
#include <map>

#include "exporter/build_info.h"

namespace outage {
namespace {

FailureReason LatestReason(const TargetReport& t) {
  return t.latest && !t.latest->success ? t.latest->reason : FailureReason::kNone;
}

// MostCommonReason is the most frequent latest failure reason among the
// down targets (the first one seen on a tie); kNone when none failed.
FailureReason MostCommonReason(const std::vector<const TargetReport*>& down) {
  std::map<FailureReason, int> counts;
  FailureReason best = FailureReason::kNone;
  int best_count = 0;
  for (const TargetReport* t : down) {
    const FailureReason r = LatestReason(*t);
    if (r == FailureReason::kNone) continue;
    if (++counts[r] > best_count) {
      best = r;
      best_count = counts[r];
    }
  }
  return best;
}

double LatestSince(const std::vector<const TargetReport*>& targets) {
  double since = 0;
  for (const TargetReport* t : targets) since = std::max(since, t->since_seconds);
  return since;
}

void Judge(ServiceReport* s) {
  std::vector<const TargetReport*> local, maintenance, down, troubled, up, known;
  for (const TargetReport& t : s->targets) {
    if (LatestReason(t) == FailureReason::kLocalNetwork) local.push_back(&t);
    if (t.state == OutageState::kUnknown) continue;
    known.push_back(&t);
    switch (t.state) {
      case OutageState::kMaintenance:
        maintenance.push_back(&t);
        troubled.push_back(&t);
        break;
      case OutageState::kDown:
        down.push_back(&t);
        troubled.push_back(&t);
        break;
      case OutageState::kDegraded:
        troubled.push_back(&t);
        break;
      case OutageState::kUp:
        up.push_back(&t);
        break;
      case OutageState::kUnknown:
        break;
    }
  }
  if (!local.empty()) {
    s->state = OutageState::kDown;
    s->reason = FailureReason::kLocalNetwork;
    s->since_seconds = LatestSince(local);
  } else if (!maintenance.empty() && maintenance.size() == known.size()) {
    s->state = OutageState::kMaintenance;
    s->reason = FailureReason::kMaintenance;
    s->since_seconds = LatestSince(maintenance);
  } else if (!down.empty() && down.size() == known.size()) {
    s->state = OutageState::kDown;
    s->reason = MostCommonReason(down);
    s->since_seconds = LatestSince(down);
  } else if (!troubled.empty()) {
    s->state = OutageState::kDegraded;
    s->since_seconds = LatestSince(troubled);
  } else if (!up.empty()) {
    s->state = OutageState::kUp;
    s->since_seconds = LatestSince(up);
  }
}

int Severity(OutageState v) {
  switch (v) {
    case OutageState::kDown:
      return 0;
    case OutageState::kDegraded:
      return 1;
    case OutageState::kMaintenance:
      return 2;
    case OutageState::kUnknown:
      return 3;
    case OutageState::kUp:
      return 4;
  }
  return 4;
}

}  // namespace

std::string_view ReasonText(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNone:
      return "";
    case FailureReason::kDns:
      return "DNS";
    case FailureReason::kNetwork:
      return "network";
    case FailureReason::kTls:
      return "TLS";
    case FailureReason::kTimeout:
      return "timeout";
    case FailureReason::kHttp5xx:
      return "server errors (5xx)";
    case FailureReason::kHttp429:
      return "overloaded (429)";
    case FailureReason::kHttpStatus:
      return "unexpected HTTP status";
    case FailureReason::kContent:
      return "wrong content";
    case FailureReason::kProtocol:
      return "protocol error";
    case FailureReason::kMaintenance:
      return "maintenance";
    case FailureReason::kLocalNetwork:
      return "our network";
  }
  return "";
}

std::string ServiceReport::Headline() const {
  switch (state) {
    case OutageState::kUp:
      return "Up";
    case OutageState::kDegraded:
      return "Degraded";
    case OutageState::kMaintenance:
      return "Maintenance";
    case OutageState::kUnknown:
      return "No data yet";
    case OutageState::kDown:
      break;
  }
  if (reason == FailureReason::kNone) return "Down";
  return "Down \u2014 " + std::string(ReasonText(reason));
}

StatusReport BuildStatusReport(const StatusInputs& in) {
  StatusReport report;
  report.version = kVersion;
  report.revision = kRevision;
  report.generated_seconds = UnixSeconds(in.now);
  report.group_label = in.group_label;
  report.config_source = in.config->source;
  report.config_reload_successful = in.config_reload_successful;
  report.config_reload_success_seconds = in.config_reload_success_seconds;
  report.vantage_network_up = in.diagnosis->vantage_network_up;
  report.placement = in.config->placement;
  report.served_targets = in.config->targets.size();
  report.vendor_status_pages = *in.vendor_status_pages;
  report.incidents = in.incidents;
  report.recent = in.history->Recent();

  std::map<const Target*, const TargetDiagnosis*> diagnosed;
  for (const TargetDiagnosis& d : in.diagnosis->targets) diagnosed[d.target] = &d;
  std::map<std::string, size_t> index;  // service name -> position
  for (const Target& t : in.config->targets) {
    TargetReport r;
    r.target = t.identity.display;
    r.module = t.module;
    r.labels = t.labels;
    r.control = t.control;
    if (auto it = diagnosed.find(&t); it != diagnosed.end()) {
      r.state = it->second->state;
      r.since_seconds = it->second->last_change_seconds;
    }
    TargetHistory h = in.history->OfTarget(t);
    r.latest = std::move(h.latest);
    r.trend = std::move(h.trend);

    const std::string name = ServiceName(t, in.group_label);
    auto [it, added] = index.emplace(name, report.services.size());
    if (added) {
      report.services.emplace_back();
      report.services.back().name = name;
    }
    ServiceReport& service = report.services[it->second];
    service.targets.push_back(std::move(r));
    if (t.vendor_status_link &&
        std::find(service.vendor_status_pages.begin(), service.vendor_status_pages.end(),
                  t.vendor_status_link->page) == service.vendor_status_pages.end()) {
      service.vendor_status_pages.push_back(t.vendor_status_link->page);
    }
  }
  for (ServiceReport& s : report.services) Judge(&s);
  // Worst first, so what is down is at the top; config order otherwise.
  std::stable_sort(report.services.begin(), report.services.end(),
                   [](const ServiceReport& a, const ServiceReport& b) {
                     return Severity(a.state) < Severity(b.state);
                   });
  return report;
}

}  // namespace outage
