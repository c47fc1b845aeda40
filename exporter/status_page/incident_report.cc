// See incident_report.h.
#include "exporter/status_page/incident_report.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

#include "exporter/status_page/html_escape.h"
#include "exporter/status_page/human_units.h"

namespace outage {
namespace {

// UtcFormat renders `t` with strftime's `format` in UTC.
std::string UtcFormat(WallTime t, const char* format) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

std::string DateTime(WallTime t) { return UtcFormat(t, "%Y-%m-%d %H:%M:%S UTC"); }

// Row is one line of a table, already as text (escaped by the renderer).
using Row = std::vector<std::string>;

struct Section {
  std::string title;
  Row header;
  std::vector<Row> rows;
  std::string without_rows = "None.";  // what the section says when it has no rows
};

// Facts are the report's labelled values, in order.
std::vector<std::pair<std::string, std::string>> Facts(const Incident& i, WallTime now) {
  std::vector<std::pair<std::string, std::string>> facts = {
      {"Service", i.service},
      {"State", i.open() ? "open" : "closed"},
      {"Start", DateTime(i.start)},
      {"End", i.end ? DateTime(*i.end) : "ongoing"},
      {"Duration", MinutesText(i.DurationSeconds(now))},
      {"First reason", i.FirstReason()},
      {"Dominant reason", i.DominantReason()},
      {"Vendor confirmed", i.vendor
                               ? DateTime(i.vendor->first_seen) + ": " + i.vendor->name +
                                     " (impact " + i.vendor->impact + ") " + i.vendor->shortlink
                               : "no"},
      {"During maintenance", MinutesText(SpanSeconds(i.maintenance))},
      {"Our own network down (not blamed on the service)",
       MinutesText(SpanSeconds(i.local_network))},
  };
  for (const Span& g : i.gaps) {
    facts.emplace_back("Exporter not running (no data)",
                       DateTime(g.from) + " to " + DateTime(g.to));
  }
  return facts;
}

// BudgetLeft says what is left of the allowed downtime, or how far over it.
std::string BudgetLeft(const Budget& b) {
  if (b.left_seconds >= 0) return MinutesText(b.left_seconds) + " left";
  return "spent, " + MinutesText(-b.left_seconds) + " over";
}

Row ImpactRow(const ObjectiveFigures& f, double incident_seconds) {
  return {f.period.label,
          PercentText(f.budget.objective),
          MinutesText(f.budget.allowed_seconds),
          MinutesText(incident_seconds),
          MinutesText(f.downtime.downtime_seconds) + " in " + std::to_string(f.downtime.incidents) +
              (f.downtime.incidents == 1 ? " incident" : " incidents"),
          BudgetLeft(f.budget),
          PercentText(f.downtime.Availability())};
}

// ImpactSection sets the incident against its service's objective.
Section ImpactSection(const std::optional<IncidentImpact>& impact) {
  Section s{"Against the objective",
            {"Period", "Objective", "Allowed downtime", "This incident", "All downtime",
             "Error budget", "Availability"},
            {},
            "No objective is set for this service (objective: under services: in the "
            "configuration)."};
  if (!impact) return s;
  // This incident's share of each period is its downtime inside it.
  s.rows.push_back(ImpactRow(impact->month, impact->incident_downtime_seconds));
  s.rows.push_back(ImpactRow(impact->window, impact->incident_downtime_seconds));
  return s;
}

std::vector<Section> Sections(const Incident& i, const std::optional<IncidentImpact>& impact) {
  Section timeline{"Timeline", {"Time", "Target", "Change"}, {}};
  for (const StateChange& c : i.changes) {
    timeline.rows.push_back({DateTime(c.at), c.target, c.from + " → " + c.to});
  }
  Section reasons{"Reasons", {"Reason", "First seen", "Failed probes"}, {}};
  for (const ReasonSeen& r : i.reasons) {
    reasons.rows.push_back({r.reason, DateTime(r.first), std::to_string(r.probes)});
  }
  Section targets{
      "Targets",
      {"Target", "Start", "End", "First reason", "First failing phase", "Latency before"},
      {}};
  for (const IncidentPart& p : i.parts) {
    char latency[32] = "unknown";
    if (p.latency_before_seconds) {
      std::snprintf(latency, sizeof latency, "%.3f s", *p.latency_before_seconds);
    }
    targets.rows.push_back({p.target, DateTime(p.start), p.end ? DateTime(*p.end) : "ongoing",
                            p.first_reason, p.first_phase.empty() ? "-" : p.first_phase, latency});
  }
  Section notes{"Notes", {"Time", "Note"}, {}};
  for (const Note& n : i.notes) notes.rows.push_back({DateTime(n.at), n.text});
  return {timeline, reasons, targets, ImpactSection(impact), notes};
}

// MarkdownText escapes `text` for a Markdown paragraph or table cell: no
// markup, no HTML, no line break.
std::string MarkdownText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      if (std::string_view("\\`*_{}[]()#+-.!|~").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

// Fenced puts `text` in a code block whose fence no line of it can close.
std::string Fenced(const std::string& text) {
  std::string fence = "```";
  while (text.find(fence) != std::string::npos) fence += '`';
  return fence + "text\n" + text + (text.empty() || text.back() != '\n' ? "\n" : "") + fence + "\n";
}

}  // namespace

std::string IncidentSummary(const Incident& i, WallTime now) {
  std::string out =
      i.service + (i.open() ? " down since " : " down ") + UtcFormat(i.start, "%Y-%m-%d %H:%M");
  if (i.end) out += "–" + UtcFormat(*i.end, "%H:%M");
  out += " UTC, " + MinutesText(i.DurationSeconds(now));
  if (!i.DominantReason().empty()) out += ", " + i.DominantReason();
  if (i.vendor) out += "; vendor confirmed " + UtcFormat(i.vendor->first_seen, "%H:%M");
  if (!i.maintenance.empty()) out += "; maintenance " + MinutesText(SpanSeconds(i.maintenance));
  out += !i.local_network.empty()
             ? "; our network down " + MinutesText(SpanSeconds(i.local_network))
             : "; our network fine";
  return out;
}

std::string IncidentMarkdown(const Incident& i, WallTime now,
                             const std::optional<IncidentImpact>& impact) {
  std::string out =
      "# Incident " + std::to_string(i.id) + ": " + MarkdownText(IncidentSummary(i, now)) + "\n\n";
  for (const auto& [name, value] : Facts(i, now)) {
    out += "- **" + name + "**: " + MarkdownText(value) + "\n";
  }
  for (const Section& s : Sections(i, impact)) {
    out += "\n## " + s.title + "\n\n";
    if (s.rows.empty()) {
      out += s.without_rows + "\n";
      continue;
    }
    std::string rule = "|";
    out += "|";
    for (const std::string& h : s.header) {
      out += " " + h + " |";
      rule += " --- |";
    }
    out += "\n" + rule + "\n";
    for (const Row& row : s.rows) {
      out += "|";
      for (const std::string& cell : row) out += " " + MarkdownText(cell) + " |";
      out += "\n";
    }
  }
  for (const IncidentPart& p : i.parts) {
    out += "\n## Probe logs of " + MarkdownText(p.target) + "\n\nFirst failure:\n\n" +
           Fenced(p.first_failure_log) + "\nLast failure:\n\n" + Fenced(p.last_failure_log);
  }
  out +=
      "\n## Impact\n\n_Who was affected, and how._\n"
      "\n## Root cause\n\n_To be written._\n"
      "\n## Remediation\n\n_To be written._\n"
      "\n## Prevention\n\n_To be written._\n";
  return out;
}

std::string IncidentHtml(const Incident& i, WallTime now,
                         const std::optional<IncidentImpact>& impact,
                         const std::string& status_page_link) {
  const std::string title = "Incident " + std::to_string(i.id) + ": " + IncidentSummary(i, now);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      HtmlEscape(title) + "</title>\n</head>\n<body>\n<main>\n<p><a href=\"" +
      HtmlEscape(status_page_link) + "\">Status page</a> · <a href=\"" + std::to_string(i.id) +
      "?format=md\">Markdown draft</a></p>\n<h1>" + HtmlEscape(title) + "</h1>\n<dl>\n";
  for (const auto& [name, value] : Facts(i, now)) {
    out += "<dt>" + HtmlEscape(name) + "</dt><dd>" + HtmlEscape(value) + "</dd>\n";
  }
  out += "</dl>\n";
  for (const Section& s : Sections(i, impact)) {
    out += "<h2>" + HtmlEscape(s.title) + "</h2>\n";
    if (s.rows.empty()) {
      out += "<p>" + HtmlEscape(s.without_rows) + "</p>\n";
      continue;
    }
    out += "<table>\n<thead><tr>";
    for (const std::string& h : s.header) out += "<th scope=\"col\">" + HtmlEscape(h) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const Row& row : s.rows) {
      out += "<tr>";
      for (const std::string& cell : row) out += "<td>" + HtmlEscape(cell) + "</td>";
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  for (const IncidentPart& p : i.parts) {
    out += "<h2>Probe logs of " + HtmlEscape(p.target) + "</h2>\n<h3>First failure</h3>\n<pre>" +
           HtmlEscape(p.first_failure_log) + "</pre>\n<h3>Last failure</h3>\n<pre>" +
           HtmlEscape(p.last_failure_log) + "</pre>\n";
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

const std::string& IncidentPageCsp() {
  static const std::string kCsp = "default-src 'none'; base-uri 'none'; form-action 'self'";
  return kCsp;
}

}  // namespace outage
