// See incident_output.h.
#include "exporter/exposition/incident_output.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

namespace outage {

void AddIncidentMetrics(const IncidentStats& stats, const StoreWriter* writer, FamilySet* out) {
  for (const auto& [key, count] : stats.opened) {
    out->AddCounter("outage_incidents_total",
                    "Incidents opened since start-up, by service and first failure reason",
                    {{"service", key.first}, {"reason", key.second}}, static_cast<double>(count));
  }
  for (const auto& [service, open] : stats.open) {
    out->AddGauge("outage_incident_open", "Whether the service has an open incident",
                  {{"service", service}}, open ? 1 : 0);
  }
  if (!stats.durations.empty()) {
    prometheus::MetricFamily family;
    family.name = "outage_incident_duration_seconds";
    family.help = "Duration of closed incidents, observed when they close";
    family.type = prometheus::MetricType::Histogram;
    const std::vector<double>& bounds = IncidentDurationBuckets();
    for (const auto& [service, h] : stats.durations) {
      prometheus::ClientMetric m;
      m.label = {{"service", service}};
      uint64_t cumulative = 0;
      for (size_t i = 0; i < bounds.size(); ++i) {
        cumulative += static_cast<uint64_t>(h.counts[i]);
        m.histogram.bucket.push_back({cumulative, bounds[i]});
      }
      m.histogram.sample_count = cumulative + static_cast<uint64_t>(h.counts.back());
      m.histogram.sample_sum = h.sum;
      family.metric.push_back(std::move(m));
    }
    out->AddFamilies({family});
  }
  out->AddGauge("outage_storage_up",
                "Whether incidents are being written to --storage.path (1 also when it is empty: "
                "memory by choice)",
                {}, writer == nullptr || writer->up() ? 1 : 0);
  out->AddCounter("outage_storage_errors_total",
                  "Failures to open or write the incident file (each one retried later)", {},
                  writer != nullptr ? static_cast<double>(writer->errors_total()) : 0);
  out->AddCounter("outage_storage_dropped_total",
                  "Incident updates dropped because the write queue was full", {},
                  writer != nullptr ? static_cast<double>(writer->dropped_total()) : 0);
}

}  // namespace outage
