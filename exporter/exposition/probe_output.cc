#include "exporter/exposition/probe_output.h"

#include <algorithm>
#include <string>
#include <utility>

#include "collectors/metric_catalog.h"

namespace outage {
namespace {

LabelPairs Merge(const LabelPairs& base, const LabelPairs& own) {
  if (own.empty()) return base;
  LabelPairs out;
  out.reserve(base.size() + own.size());
  for (const auto& label : base) {
    const bool shadowed =
        std::any_of(own.begin(), own.end(), [&](const auto& o) { return o.first == label.first; });
    if (!shadowed) out.push_back(label);
  }
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

}  // namespace

void AddProbeResult(const ProbeResult& result, const LabelPairs& base_labels, SampleSink* out) {
  for (const Sample& s : result.samples) {
    const bool one_new_label =
        s.labels.size() == 1 &&
        std::none_of(base_labels.begin(), base_labels.end(),
                     [&](const auto& b) { return b.first == s.labels[0].first; });
    if (one_new_label) {  // the common case (phase="..."), without copying the labels
      out->AddGauge(s.desc->name, s.desc->help, base_labels, s.labels[0].first, s.labels[0].second,
                    s.value);
    } else {
      out->AddGauge(s.desc->name, s.desc->help, Merge(base_labels, s.labels), s.value);
    }
  }
  out->AddGauge(metric::kProbeDuration.name, metric::kProbeDuration.help, base_labels,
                result.duration_seconds);
  out->AddGauge(metric::kProbeSuccess.name, metric::kProbeSuccess.help, base_labels,
                result.success ? 1 : 0);
  FailureReason reason = result.success ? FailureReason::kNone : result.reason;
  // A failure must name a cause: one-hot "none" with probe_success 0 would
  // contradict itself. Probers always set one; this guards the invariant.
  if (!result.success && reason == FailureReason::kNone) reason = FailureReason::kProtocol;
  for (FailureReason r : kAllFailureReasons) {
    out->AddGauge(metric::kFailureReason.name, metric::kFailureReason.help, base_labels, "reason",
                  FailureReasonName(r), r == reason ? 1 : 0);
  }
}

}  // namespace outage
