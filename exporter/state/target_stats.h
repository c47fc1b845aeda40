// TargetStats: each configured target's duration and phase histograms and
// probe/failure counters, which outlive a /metrics scrape. They are plain
// counts in the target's record (TargetStore), written straight to the
// exposition: a prometheus-cpp Registry would hand every series back as
// objects on each scrape (tens of MB at thousands of targets), which is what
// a streamed /metrics body avoids.
//
// Thread-safe: the store's lock guards the counts, taken once per target.
#pragma once

#include "collectors/probe_result.h"
#include "config/config.h"
#include "diagnosis/target_store.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

class TargetStats {
 public:
  // `store` must outlive this; its Sync decides which targets have series.
  explicit TargetStats(TargetStore* store) : store_(store) {}
  TargetStats(const TargetStats&) = delete;
  TargetStats& operator=(const TargetStats&) = delete;

  // Record adds one probe of `target`. Targets unknown to the store's last
  // Sync are ignored (a scrape that raced a reload).
  void Record(const Target& target, const ProbeResult& result);

  // Write adds the series of `target`, labelled with its identity's labels:
  // outage_probe_duration_seconds, outage_probe_phase_duration_seconds{phase}
  // (phases seen so far), outage_probes_total and
  // outage_probe_failures_total{reason}. Nothing for a target unknown to the
  // store's last Sync.
  void Write(const Target& target, SampleSink* out) const;

 private:
  TargetStore* store_;
};

}  // namespace outage
