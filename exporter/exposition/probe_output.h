// Turns a ProbeResult into exposition samples: the same code serves /probe
// (no base labels) and /metrics (a configured target's identity labels).
#pragma once

#include "collectors/probe_result.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

// AddProbeResult appends probe_success, probe_duration_seconds, the one-hot
// probe_failure_reason and every prober sample, each labelled with
// `base_labels` followed by the sample's own labels (a sample's own label
// wins over a base label of the same name).
void AddProbeResult(const ProbeResult& result, const LabelPairs& base_labels, SampleSink* out);

}  // namespace outage
