// See incident_handlers.h.
#include "exporter/incident_handlers.h"

#include <cstdlib>
#include <utility>

#include "config/utf8.h"
#include "diagnosis/incidents/incident_json.h"
#include "exporter/exposition/incident_output.h"
#include "exporter/status_page/availability_report.h"
#include "exporter/status_page/incident_report.h"

namespace outage {
namespace {

// Ids are at most 18 digits, so they always fit an int64_t.
constexpr size_t kMaxIdDigits = 18;

// A note is at most this long.
constexpr size_t kMaxNoteBytes = 4096;

// The status page lists the incidents of this many days.
constexpr std::chrono::hours kStatusPageDays{90 * 24};

// The longest objective window the configuration accepts.
constexpr std::chrono::hours kLongestWindow{400 * 24};

HttpResponse Json(std::string body) {
  HttpResponse r;
  r.content_type = "application/json";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = std::move(body);
  return r;
}

// TimeParam reads ?name= as RFC 3339 or Unix seconds.
bool TimeParam(const HttpRequest& request, const char* name, std::optional<WallTime>* out,
               std::string* error) {
  const std::optional<std::string> text = request.Param(name);
  if (!text) return true;
  if ((*out = ParseRfc3339(*text))) return true;
  char* end = nullptr;
  const double seconds = std::strtod(text->c_str(), &end);
  if (!text->empty() && *end == '\0' && seconds >= 0 && seconds < 1e11) {
    *out = WallTime(
        std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(seconds)));
    return true;
  }
  *error = std::string(name) + " must be an RFC 3339 time (2026-11-04T14:02:00Z) or Unix seconds\n";
  return false;
}

}  // namespace

IncidentHandlers::IncidentHandlers(IncidentRecorder* recorder, const StoreWriter* writer,
                                   const Clock* clock, const ConfigState* config,
                                   std::string group_label)
    : recorder_(recorder),
      writer_(writer),
      clock_(clock),
      config_(config),
      group_label_(std::move(group_label)) {}

void IncidentHandlers::Register(HttpServer* server, const WebPaths& paths) {
  paths_ = paths;
  RouteOptions subtree;
  subtree.subtree = true;
  server->Handle(paths.Route("/api/v1/incidents"),
                 [this](const HttpRequest& r) { return List(r); });
  server->Handle(paths.Route("/api/v1/availability"),
                 [this](const HttpRequest& r) { return Availability(r); });
  server->Handle(
      paths.Route("/api/v1/incidents/"), [this](const HttpRequest& r) { return One(r); }, subtree);
  RouteOptions reports = subtree;
  reports.methods = "GET, HEAD, POST";
  reports.max_body_bytes = kMaxNoteBytes;
  server->Handle(
      paths.Route("/incidents/"),
      [this](const HttpRequest& r) { return r.method == "POST" ? AddNote(r) : Report(r); },
      reports);
}

void IncidentHandlers::AddMetrics(FamilySet* out) const {
  AddIncidentMetrics(recorder_->Stats(), writer_, out);
}

HttpResponse IncidentHandlers::AddNote(const HttpRequest& request) {
  const std::string base = paths_.Route("/incidents/");
  constexpr std::string_view kSuffix = "/notes";
  const std::string& path = request.path;
  if (path.size() <= base.size() + kSuffix.size() ||
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return HttpResponse::Text(405, "POST goes to /incidents/{id}/notes\n");
  }
  const std::optional<int64_t> id = IdAfter(path.substr(0, path.size() - kSuffix.size()), base);
  if (!id || !recorder_->Get(*id)) return HttpResponse::Text(404, "No such incident\n");
  // A page of another site must not add notes with the user's credentials.
  if (const auto site = request.Header("Sec-Fetch-Site");
      site && *site != "same-origin" && *site != "none") {
    return HttpResponse::Text(403, "Notes are not accepted from other sites\n");
  }
  const std::string type = request.Header("Content-Type").value_or("");
  if (type.rfind("text/plain", 0) != 0) {
    return HttpResponse::Text(415, "Send the note as Content-Type: text/plain\n");
  }
  if (request.body.empty() || !IsValidUtf8(request.body)) {
    return HttpResponse::Text(400, "A note is non-empty UTF-8 text\n");
  }
  recorder_->AddNote(*id, request.body);
  HttpResponse r = HttpResponse::Text(201, "Note added\n");
  r.headers.emplace_back("Location", paths_.Link("/incidents/" + std::to_string(*id)));
  return r;
}

IncidentOverview IncidentHandlers::Overview(const Config& config, WallTime now) const {
  IncidentFilter filter;
  filter.since = now - kStatusPageDays;
  const std::vector<Incident> recent = recorder_->List(filter);
  IncidentOverview overview;
  for (const Incident& i : recent) {
    overview.lines.push_back(IncidentLine{i.id, i.service, i.open(), IncidentSummary(i, now)});
  }
  // This month's availability needs the month's incidents, which may have
  // started before the 90 days.
  filter.since = MonthOf(now).from;
  const std::vector<Incident> month = recorder_->List(filter);
  for (const std::string& service : ServiceNames(config, group_label_, recent)) {
    std::vector<Incident> own;
    for (const Incident& i : recent) {
      if (i.service == service) own.push_back(i);
    }
    for (const Incident& i : month) {
      if (i.service == service && i.start < now - kStatusPageDays) own.push_back(i);
    }
    overview.histories.push_back(HistoryOf(service, own, ServiceObjective(config, service), now));
  }
  return overview;
}

std::optional<int64_t> IncidentHandlers::IdAfter(const std::string& path,
                                                 const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string id = path.substr(prefix.size());
  if (id.empty() || id.size() > kMaxIdDigits || id[0] == '0') return std::nullopt;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::strtoll(id.c_str(), nullptr, 10);
}

HttpResponse IncidentHandlers::List(const HttpRequest& request) const {
  IncidentFilter filter;
  filter.service = request.Param("service").value_or("");
  filter.target = request.Param("target").value_or("");
  std::string error;
  if (!TimeParam(request, "since", &filter.since, &error) ||
      !TimeParam(request, "until", &filter.until, &error)) {
    return HttpResponse::Text(400, error);
  }
  if (auto state = request.Param("state")) {
    if (*state != "open" && *state != "closed") {
      return HttpResponse::Text(400, "state must be open or closed\n");
    }
    filter.open = *state == "open";
  }
  const WallTime now = clock_->Now();
  std::string body = "{\"incidents\":[";
  bool first = true;
  for (const Incident& incident : recorder_->List(filter)) {
    if (!first) body += ',';
    first = false;
    body += IncidentJson(incident, now);
  }
  return Json(body + "]}");
}

HttpResponse IncidentHandlers::One(const HttpRequest& request) const {
  const std::optional<int64_t> id = IdAfter(request.path, paths_.Route("/api/v1/incidents/"));
  std::optional<Incident> incident = id ? recorder_->Get(*id) : std::nullopt;
  if (!incident) return HttpResponse::Text(404, "No such incident\n");
  return Json(IncidentJson(*incident, clock_->Now()));
}

HttpResponse IncidentHandlers::Report(const HttpRequest& request) const {
  const std::optional<int64_t> id = IdAfter(request.path, paths_.Route("/incidents/"));
  std::optional<Incident> incident = id ? recorder_->Get(*id) : std::nullopt;
  if (!incident) return HttpResponse::Text(404, "No such incident\n");
  const std::string format = request.Param("format").value_or("html");
  const WallTime now = clock_->Now();
  const std::optional<IncidentImpact> impact = ImpactOn(*incident, now);
  if (format == "md") {
    HttpResponse r = HttpResponse::Text(200, IncidentMarkdown(*incident, now, impact));
    r.content_type = "text/markdown; charset=utf-8";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"incident-" + std::to_string(*id) + ".md\"");
    return r;
  }
  if (format != "html") return HttpResponse::Text(400, "format must be html or md\n");
  return HttpResponse::Html(IncidentHtml(*incident, now, impact, paths_.Link("/")),
                            IncidentPageCsp());
}

std::optional<IncidentImpact> IncidentHandlers::ImpactOn(const Incident& incident,
                                                         WallTime now) const {
  const std::optional<Objective> objective =
      ServiceObjective(*config_->Current(), incident.service);
  if (!objective) return std::nullopt;
  IncidentFilter filter;
  filter.service = incident.service;
  filter.since = std::min(MonthOf(incident.start).from, now - objective->window);
  return ImpactOf(incident, recorder_->List(filter), *objective, now);
}

HttpResponse IncidentHandlers::Availability(const HttpRequest& request) const {
  const WallTime now = clock_->Now();
  AvailabilityQuery query;
  query.service = request.Param("service").value_or("");
  query.target = request.Param("target").value_or("");
  query.month = MonthOf(now);
  if (auto month = request.Param("month")) {
    const std::optional<Period> parsed = CalendarMonth(*month);
    if (!parsed) return HttpResponse::Text(400, "month must be YYYY-MM, e.g. 2026-11\n");
    query.month = *parsed;
  }
  const std::shared_ptr<const Config> config = config_->Current();
  IncidentFilter filter;
  filter.since = std::min(query.month.from, now - kLongestWindow);
  const std::optional<std::string> body =
      AvailabilityJson(*config, group_label_, recorder_->List(filter), query, now);
  if (!body) return HttpResponse::Text(404, "No such service or target\n");
  return Json(*body);
}

}  // namespace outage
