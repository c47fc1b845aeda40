// The incident record's endpoints: /api/v1/incidents (a filtered list) and
// /api/v1/incidents/{id} as JSON, /incidents/{id} as an HTML report and
// /incidents/{id}?format=md as a Markdown draft of the post-outage analysis,
// POST /incidents/{id}/notes (a text/plain body) to add a note, and
// /api/v1/availability (downtime against the objectives).
//
// Thread-safe: handlers run concurrently on the server's worker threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diagnosis/clock.h"
#include "diagnosis/incidents/incident_recorder.h"
#include "diagnosis/incidents/store_writer.h"
#include "exporter/exposition/family_set.h"
#include "exporter/server/http_server.h"
#include "exporter/server/web_paths.h"
#include "exporter/state/config_state.h"
#include "exporter/status_page/incident_report.h"
#include "exporter/status_page/status_report.h"

namespace outage {

class IncidentHandlers {
 public:
  // `writer` is null when incidents are kept in memory only; `config` gives
  // the targets and objectives, `group_label` names their service.
  IncidentHandlers(IncidentRecorder* recorder, const StoreWriter* writer, const Clock* clock,
                   const ConfigState* config, std::string group_label);

  // Register routes the endpoints on `server` under `paths.route_prefix`.
  // Call once, before the server starts.
  void Register(HttpServer* server, const WebPaths& paths);

  // AddMetrics adds the outage_incident* and outage_storage* metrics.
  void AddMetrics(FamilySet* out) const;
  // Overview is the status page's incidents section: the incidents of the
  // 90 days before `now`, and every service's history.
  IncidentOverview Overview(const Config& config, WallTime now) const;

  HttpResponse List(const HttpRequest& request) const;
  HttpResponse One(const HttpRequest& request) const;
  HttpResponse Report(const HttpRequest& request) const;
  HttpResponse AddNote(const HttpRequest& request);
  HttpResponse Availability(const HttpRequest& request) const;

 private:
  // IdAfter parses the id that ends `path` after `prefix`; nullopt unless it
  // is a positive decimal number.
  static std::optional<int64_t> IdAfter(const std::string& path, const std::string& prefix);
  // ImpactOn is `incident` against its service's objective; nullopt without one.
  std::optional<IncidentImpact> ImpactOn(const Incident& incident, WallTime now) const;

  IncidentRecorder* recorder_;
  const StoreWriter* writer_;
  const Clock* clock_;
  const ConfigState* config_;
  const std::string group_label_;
  WebPaths paths_;  // set by Register, read-only afterwards
};

}  // namespace outage
