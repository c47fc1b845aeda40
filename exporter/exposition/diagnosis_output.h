// Renders the diagnosis (outage_state and friends) and the status pages
// (statuspage_*) into exposition samples for /metrics.
#pragma once

#include <vector>

#include "collectors/vendor_status/vendor_status_cache.h"
#include "diagnosis/diagnosis.h"
#include "exporter/exposition/family_set.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

// AddTargetDiagnosis appends, for one target (labelled `labels`, as its
// probe samples): outage_state{state} one-hot, outage_consecutive_failures,
// outage_state_changes_total, outage_last_state_change_timestamp_seconds,
// outage_down_seconds_total, outage_vendor_confirmed,
// outage_maintenance_active, outage_probe_last_run_timestamp_seconds.
void AddTargetDiagnosis(const TargetDiagnosis& diagnosis, const LabelPairs& labels,
                        SampleSink* out);

// AddVantage appends outage_vantage_network_up (labelled `vantage_labels`)
// when control targets are configured.
void AddVantage(const DiagnosisSnapshot& snapshot, const LabelPairs& vantage_labels,
                FamilySet* out);

// AddVendorStatusPages appends statuspage_up, _last_success_timestamp_seconds,
// and, once a page was read, statuspage_indicator{indicator} one-hot,
// statuspage_component_status{component,group,status} one-hot,
// statuspage_incidents{impact}, statuspage_incident_info and
// statuspage_maintenance_active, all labelled with `page`.
void AddVendorStatusPages(const std::vector<VendorStatusView>& pages, FamilySet* out);

}  // namespace outage
