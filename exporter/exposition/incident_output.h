// The incident record's metrics on /metrics: incidents opened by service and
// first reason, which services have one open, how long closed ones lasted,
// and whether the incident file is being written.
#pragma once

#include "diagnosis/incidents/incident_recorder.h"
#include "diagnosis/incidents/store_writer.h"
#include "exporter/exposition/family_set.h"

namespace outage {

// AddIncidentMetrics adds `stats` and the state of `writer` (null: the
// record is kept in memory by choice, which counts as up).
void AddIncidentMetrics(const IncidentStats& stats, const StoreWriter* writer, FamilySet* out);

}  // namespace outage
