// See incident_json.h.
#include "diagnosis/incidents/incident_json.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "collectors/logfmt.h"

namespace outage {
namespace {

using nlohmann::json;

json Time(WallTime t) { return Rfc3339Millis(t); }

json TimeOrNull(const std::optional<WallTime>& t) {
  if (!t) return nullptr;
  return Time(*t);
}

WallTime TimeOf(const json& j) {
  std::optional<WallTime> t = ParseRfc3339(j.get<std::string>());
  if (!t) throw std::invalid_argument("bad time \"" + j.get<std::string>() + "\"");
  return *t;
}

std::optional<WallTime> OptionalTime(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return TimeOf(j.at(key));
}

json Reasons(const std::vector<ReasonSeen>& reasons) {
  json out = json::array();
  for (const ReasonSeen& r : reasons) {
    out.push_back({{"reason", r.reason}, {"first_seen", Time(r.first)}, {"probes", r.probes}});
  }
  return out;
}

json Spans(const std::vector<Span>& spans) {
  json out = json::array();
  for (const Span& s : spans) out.push_back({{"from", Time(s.from)}, {"to", Time(s.to)}});
  return out;
}

std::vector<Span> SpansOf(const json& j) {
  std::vector<Span> out;
  for (const json& s : j) out.push_back(Span{TimeOf(s.at("from")), TimeOf(s.at("to"))});
  return out;
}

json Part(const IncidentPart& p) {
  json out = {{"target", p.target},
              {"module", p.module},
              {"start", Time(p.start)},
              {"end", TimeOrNull(p.end)},
              {"first_reason", p.first_reason},
              {"first_phase", p.first_phase},
              {"latency_before_seconds", nullptr},
              {"probes", p.probes},
              {"failures", p.failures},
              {"first_failure_log", p.first_failure_log},
              {"last_failure_log", p.last_failure_log}};
  if (p.latency_before_seconds) out["latency_before_seconds"] = *p.latency_before_seconds;
  return out;
}

IncidentPart PartOf(const json& j) {
  IncidentPart p;
  p.target = j.at("target").get<std::string>();
  p.module = j.at("module").get<std::string>();
  p.start = TimeOf(j.at("start"));
  p.end = OptionalTime(j, "end");
  p.first_reason = j.at("first_reason").get<std::string>();
  p.first_phase = j.at("first_phase").get<std::string>();
  if (!j.at("latency_before_seconds").is_null()) {
    p.latency_before_seconds = j.at("latency_before_seconds").get<double>();
  }
  p.probes = j.at("probes").get<int64_t>();
  p.failures = j.at("failures").get<int64_t>();
  p.first_failure_log = j.at("first_failure_log").get<std::string>();
  p.last_failure_log = j.at("last_failure_log").get<std::string>();
  return p;
}

}  // namespace

std::optional<WallTime> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  int millis = 0;
  if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (std::string(rest) != "Z") return std::nullopt;
  return WallTime(std::chrono::seconds(timegm(&tm))) + std::chrono::milliseconds(millis);
}

std::string IncidentJson(const Incident& incident, WallTime now) {
  json parts = json::array();
  for (const IncidentPart& p : incident.parts) parts.push_back(Part(p));
  json changes = json::array();
  for (const StateChange& c : incident.changes) {
    changes.push_back({{"at", Time(c.at)}, {"target", c.target}, {"from", c.from}, {"to", c.to}});
  }
  json notes = json::array();
  for (const Note& n : incident.notes) notes.push_back({{"at", Time(n.at)}, {"text", n.text}});
  json vendor = nullptr;
  if (incident.vendor) {
    vendor = {{"first_seen", Time(incident.vendor->first_seen)},
              {"name", incident.vendor->name},
              {"impact", incident.vendor->impact},
              {"shortlink", incident.vendor->shortlink}};
  }
  const json out = {{"id", incident.id},
                    {"service", incident.service},
                    {"state", incident.open() ? "open" : "closed"},
                    {"start", Time(incident.start)},
                    {"end", TimeOrNull(incident.end)},
                    {"last_seen", Time(incident.last_seen)},
                    {"duration_seconds", incident.DurationSeconds(now)},
                    {"first_reason", incident.FirstReason()},
                    {"dominant_reason", incident.DominantReason()},
                    {"reasons", Reasons(incident.reasons)},
                    {"vendor_confirmed", vendor},
                    {"maintenance_seconds", SpanSeconds(incident.maintenance)},
                    {"maintenance", Spans(incident.maintenance)},
                    {"local_network_seconds", SpanSeconds(incident.local_network)},
                    {"local_network", Spans(incident.local_network)},
                    {"parts", parts},
                    {"changes", changes},
                    {"gaps", Spans(incident.gaps)},
                    {"notes", notes}};
  // Replace, never throw, on invalid UTF-8 from a probe log or a note.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Incident> ParseIncidentJson(const std::string& text, std::string* error) {
  try {
    const json j = json::parse(text);
    Incident incident;
    incident.id = j.at("id").get<int64_t>();
    incident.service = j.at("service").get<std::string>();
    incident.start = TimeOf(j.at("start"));
    incident.end = OptionalTime(j, "end");
    incident.last_seen = TimeOf(j.at("last_seen"));
    for (const json& p : j.at("parts")) incident.parts.push_back(PartOf(p));
    for (const json& c : j.at("changes")) {
      incident.changes.push_back(StateChange{TimeOf(c.at("at")), c.at("target").get<std::string>(),
                                             c.at("from").get<std::string>(),
                                             c.at("to").get<std::string>()});
    }
    for (const json& r : j.at("reasons")) {
      incident.reasons.push_back(ReasonSeen{r.at("reason").get<std::string>(),
                                            TimeOf(r.at("first_seen")),
                                            r.at("probes").get<int64_t>()});
    }
    if (const json& v = j.at("vendor_confirmed"); !v.is_null()) {
      incident.vendor = VendorConfirmation{
          TimeOf(v.at("first_seen")), v.at("name").get<std::string>(),
          v.at("impact").get<std::string>(), v.at("shortlink").get<std::string>()};
    }
    incident.maintenance = SpansOf(j.at("maintenance"));
    incident.local_network = SpansOf(j.at("local_network"));
    incident.gaps = SpansOf(j.at("gaps"));
    for (const json& n : j.at("notes")) {
      incident.notes.push_back(Note{TimeOf(n.at("at")), n.at("text").get<std::string>()});
    }
    return incident;
  } catch (const std::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

}  // namespace outage
