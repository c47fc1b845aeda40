// The standard process_* metrics, read from /proc at scrape time.
#pragma once

#include "exporter/exposition/family_set.h"

namespace outage {

// AddProcessMetrics appends process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds. A value
// that cannot be read is left out rather than reported wrong.
void AddProcessMetrics(FamilySet* out);

}  // namespace outage
