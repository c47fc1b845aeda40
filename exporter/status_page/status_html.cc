// See status_html.h.
#include "exporter/status_page/status_html.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "collectors/logfmt.h"
#include "exporter/exposition/placement_output.h"
#include "exporter/status_page/html_escape.h"
#include "exporter/status_page/human_units.h"
#include "exporter/status_page/sparkline.h"

namespace outage {
namespace {

// kCss is the page's only style sheet. States have colour and always text.
constexpr char kCss[] = R"css(
:root{color-scheme:light dark;--up:#1a7f37;--degraded:#9a6700;--down:#cf222e;--maint:#0969da;--unknown:#6e7781;--line:#d0d7de}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .4rem}h3{font-size:1.05rem;margin:1rem 0 .3rem}
.meta,footer{color:var(--unknown);font-size:.9rem}
.banner{border:2px solid var(--down);padding:.5rem .8rem;border-radius:6px}
.verdicts{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.5rem}
.verdict{border:1px solid var(--line);border-left:.45rem solid var(--unknown);border-radius:6px;padding:.5rem .7rem}
.verdict .state{display:block;font-size:1.15rem}
.v-up{border-left-color:var(--up)}.v-degraded{border-left-color:var(--degraded)}.v-down{border-left-color:var(--down)}.v-maintenance{border-left-color:var(--maint)}
.s-up{color:var(--up)}.s-degraded{color:var(--degraded)}.s-down{color:var(--down)}.s-maintenance{color:var(--maint)}.s-unknown{color:var(--unknown)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;color:var(--unknown);padding:.2rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:middle}
th[scope=row]{font-weight:normal;overflow-wrap:anywhere;min-width:10rem}
.num{text-align:right;white-space:nowrap}
.spark{color:var(--unknown);display:block}.spark .fail{fill:var(--down)}
.strip{display:flex;gap:1px;list-style:none;padding:0;margin:.3rem 0;height:1.6rem}
.strip li{flex:1;min-width:2px;background:var(--up)}.strip a{display:block;height:100%}
.axis{display:flex;justify-content:space-between;color:var(--unknown);font-size:.8rem}
.strip .d-minor{background:var(--degraded)}.strip .d-down{background:var(--down)}.strip .d-excused{background:var(--maint)}
pre{white-space:pre-wrap;word-break:break-all}
)css";

std::string Sha256Base64(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string UtcText(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string Iso(double unix_seconds) {
  return Rfc3339Millis(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(unix_seconds))));
}

// Ago is a short "3 min" style age of `then` at `now`.
std::string Ago(double then, double now) {
  const double s = std::max(0.0, now - then);
  char buf[32];
  if (s < 90) {
    std::snprintf(buf, sizeof(buf), "%.0f s", s);
  } else if (s < 90 * 60) {
    std::snprintf(buf, sizeof(buf), "%.0f min", s / 60);
  } else if (s < 48 * 3600) {
    std::snprintf(buf, sizeof(buf), "%.1f h", s / 3600);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f days", s / 86400);
  }
  return buf;
}

// Stamp renders a <time> element with the UTC time.
std::string Stamp(double unix_seconds) {
  return "<time datetime=\"" + Iso(unix_seconds) + "\">" + UtcText(unix_seconds) + "</time>";
}

// Time is Stamp plus the age at `now`; a dash for "never".
std::string Time(double unix_seconds, double now) {
  if (unix_seconds <= 0) return "\u2014";
  return Stamp(unix_seconds) + " (" + Ago(unix_seconds, now) + ")";
}

std::string LogLink(const ProbeRecord& r) {
  const std::string id = std::to_string(r.id);
  return "<a class=\"log\" href=\"logs?id=" + id + "\">log #" + id + "</a>";
}

std::string CertExpiry(const TargetReport& t, double now) {
  if (!t.latest || !t.latest->cert_expiry_seconds) return "\u2014";
  const double at = *t.latest->cert_expiry_seconds;
  const double days = std::floor((at - now) / 86400);
  const std::string left =
      at < now ? "expired" : "in " + std::to_string(static_cast<long>(days)) + " days";
  return "<time datetime=\"" + Iso(at) + "\">" + UtcText(at).substr(0, 10) + "</time> (" + left +
         ")";
}

void AppendVerdicts(const StatusReport& report, std::string* out) {
  *out += "<section aria-labelledby=\"verdicts\"><h2 id=\"verdicts\">Services</h2>\n";
  if (report.services.empty()) {
    *out += "<p>No targets are configured: add a <code>targets:</code> list to the config.</p>\n";
  }
  *out += "<ul class=\"verdicts\">\n";
  for (size_t i = 0; i < report.services.size(); ++i) {
    const ServiceReport& s = report.services[i];
    const std::string v(OutageStateName(s.state));
    *out += "<li class=\"verdict v-" + v + "\" data-verdict=\"" + v + "\" data-service=\"" +
            HtmlEscape(s.name) + "\"><a href=\"#service-" + std::to_string(i) + "\">" +
            HtmlEscape(s.name) + "</a><strong class=\"state s-" + v + "\">" +
            HtmlEscape(s.Headline()) + "</strong>";
    if (s.since_seconds > 0) {
      *out += "<span class=\"since\">since " + Time(s.since_seconds, report.generated_seconds) +
              "</span>";
    }
    *out += "</li>\n";
  }
  *out += "</ul></section>\n";
}

// AppendVendorLine says what the vendor pages `s` links to say, with a link
// to each page's section.
void AppendVendorLine(const ServiceReport& s, const std::vector<VendorStatusView>& pages,
                      std::string* out) {
  for (const std::string& name : s.vendor_status_pages) {
    for (size_t i = 0; i < pages.size(); ++i) {
      if (pages[i].name != name) continue;
      *out += "<p class=\"vendor\">Vendor status page <a href=\"#page-" + std::to_string(i) +
              "\">" + HtmlEscape(name) + "</a>: ";
      if (!pages[i].summary) {
        *out += "not read yet.</p>\n";
        continue;
      }
      const size_t incidents = pages[i].summary->incidents.size();
      *out += "<strong>" + HtmlEscape(pages[i].summary->indicator) + "</strong>, " +
              std::to_string(incidents) + (incidents == 1 ? " open incident" : " open incidents") +
              ".</p>\n";
    }
  }
}

// ReasonCell says why the latest probe failed, how many of its addresses
// fail ("3 of 8 addresses failing (tls)"), which edge answered and where a
// path trace found the path broken; a dash when there is nothing to say.
std::string ReasonCell(const ProbeRecord* latest) {
  if (latest == nullptr) return "\u2014";
  std::vector<std::string> parts;
  if (!latest->success) {
    parts.push_back(HtmlEscape(ReasonText(latest->reason)) + " <code>" +
                    HtmlEscape(FailureReasonName(latest->reason)) + "</code>");
  }
  if (latest->addresses && latest->addresses->failed > 0) {
    const AddressTally& a = *latest->addresses;
    parts.push_back("<span class=\"addresses\">" + std::to_string(a.failed) + " of " +
                    std::to_string(a.probed) + " addresses failing (" +
                    std::string(FailureReasonName(a.reason)) + ")</span>");
  }
  if (!latest->edge.empty()) {
    parts.push_back("<small class=\"edge\">edge: " + HtmlEscape(latest->edge) + "</small>");
  }
  if (!latest->path_break.empty()) {
    parts.push_back("<small class=\"path\">path breaks: " + HtmlEscape(latest->path_break) +
                    "</small>");
  }
  if (parts.empty()) return "\u2014";
  std::string cell = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) cell += " " + parts[i];
  return cell;
}

void AppendService(const ServiceReport& s, size_t index, const StatusReport& report,
                   std::string* out) {
  const double now = report.generated_seconds;
  const std::string id = "service-" + std::to_string(index);
  const std::string v(OutageStateName(s.state));
  *out += "<section id=\"" + id + "\" aria-labelledby=\"" + id + "-h\"><h2 id=\"" + id + "-h\">" +
          HtmlEscape(s.name) + ": <span class=\"s-" + v + "\">" + HtmlEscape(s.Headline()) +
          "</span></h2>\n";
  AppendVendorLine(s, report.vendor_status_pages, out);
  *out +=
      "<div class=\"scroll\"><table>"
      "<caption>Targets of " +
      HtmlEscape(s.name) +
      "</caption>\n<thead><tr>"
      "<th scope=\"col\">Target</th><th scope=\"col\">Module</th>"
      "<th scope=\"col\">State</th><th scope=\"col\">Reason</th>"
      "<th scope=\"col\">Since</th><th scope=\"col\">Last duration</th>"
      "<th scope=\"col\">Recent durations</th><th scope=\"col\">Certificate expires</th>"
      "<th scope=\"col\">Latest log</th></tr></thead>\n<tbody>\n";
  for (const TargetReport& t : s.targets) {
    const std::string state(OutageStateName(t.state));
    const std::string reason = ReasonCell(t.latest.get());
    *out += "<tr data-target=\"" + HtmlEscape(t.target) + "\" data-state=\"" + state +
            "\"><th scope=\"row\">" + HtmlEscape(t.target) +
            (t.control ? " <small>(control)</small>" : "") + "</th><td>" + HtmlEscape(t.module) +
            "</td><td class=\"state s-" + state + "\">" + state + "</td><td class=\"reason\">" +
            reason + "</td><td>" + Time(t.since_seconds, now) + "</td><td class=\"num\">" +
            (t.latest ? FormatDuration(t.latest->duration_seconds) : "\u2014") + "</td><td>" +
            Sparkline(t.trend) + "</td><td class=\"cert\">" + CertExpiry(t, now) + "</td><td>" +
            (t.latest ? LogLink(*t.latest) : "\u2014") + "</td></tr>\n";
  }
  *out += "</tbody></table></div></section>\n";
}

void AppendVendorStatusPage(const VendorStatusView& page, size_t index, double now,
                            std::string* out) {
  *out += "<h3 id=\"page-" + std::to_string(index) + "\">" + HtmlEscape(page.name) + "</h3>\n<p>";
  // The fetch error is vendor- and network-controlled text: escaped like the rest.
  const std::string failure =
      page.last_error.empty() ? "" : " (" + HtmlEscape(page.last_error) + ")";
  if (!page.summary) {
    *out += page.up ? "Not read yet." : "Could not be read yet" + failure + ".";
    *out += "</p>\n";
    return;
  }
  const VendorStatusSummary& s = *page.summary;
  *out += "Overall: <strong>" + HtmlEscape(s.indicator) + "</strong>. Last read " +
          Time(page.last_success_seconds, now) +
          (page.up ? "" : "; the latest fetch failed" + failure) + ".</p>\n";
  if (!s.components.empty()) {
    *out += "<div class=\"scroll\"><table><caption>Components of " + HtmlEscape(page.name) +
            "</caption><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Group</th>"
            "<th scope=\"col\">Status</th></tr></thead><tbody>\n";
    for (const VendorStatusComponent& c : s.components) {
      *out += "<tr><th scope=\"row\">" + HtmlEscape(c.name) + "</th><td>" + HtmlEscape(c.group) +
              "</td><td>" + HtmlEscape(c.status) + "</td></tr>\n";
    }
    *out += "</tbody></table></div>\n";
  }
  if (s.incidents.empty() && s.maintenances.empty()) {
    *out += "<p>No open incidents.</p>\n";
    return;
  }
  *out += "<ul class=\"incidents\">\n";
  for (const VendorStatusIncident& i : s.incidents) {
    const std::string link = SafeLinkUrl(i.shortlink);
    *out += "<li>Incident: <strong>" + HtmlEscape(i.name) + "</strong> (impact " +
            HtmlEscape(i.impact) + ", " + HtmlEscape(i.status) + ")";
    if (!link.empty()) {
      *out +=
          " <a rel=\"noopener noreferrer nofollow\" href=\"" + HtmlEscape(link) + "\">details</a>";
    }
    *out += "</li>\n";
  }
  for (const VendorStatusMaintenance& m : s.maintenances) {
    *out += "<li>Maintenance in progress: <strong>" + HtmlEscape(m.name) + "</strong></li>\n";
  }
  *out += "</ul>\n";
}

// DayClass colours one day of a service's history: no incident, only time
// not blamed on the service, under an hour down, an hour or more.
const char* DayClass(const DayRecord& day) {
  if (day.incident_seconds <= 0) return "d-ok";
  if (day.downtime_seconds <= 0) return "d-excused";
  return day.downtime_seconds < 3600 ? "d-minor" : "d-down";
}

// AppendHistory draws a service's last 90 days, a cell a day (linking to
// the day's longest incident), and this month against its objective.
void AppendHistory(const ServiceHistory& h, std::string* out) {
  std::string month = h.month + " so far: " + PercentText(h.month_availability) + " available";
  if (h.month_budget) {
    const Budget& b = *h.month_budget;
    month += " (objective " + PercentText(b.objective) + ", " +
             (b.met ? MinutesText(b.left_seconds) + " of error budget left"
                    : "error budget spent, " + MinutesText(-b.left_seconds) + " over") +
             ")";
  } else {
    month += " (no objective set)";
  }
  *out += "<p class=\"meta\">" + HtmlEscape(month) + "</p>\n";
  *out += "<ol class=\"strip\" aria-label=\"" + HtmlEscape(h.service) +
          ", the last 90 days, one cell a day\">";
  for (const DayRecord& day : h.days) {
    std::string label = day.date + ": ";
    if (day.incident_seconds <= 0) {
      label += "no incident";
    } else {
      label += MinutesText(day.downtime_seconds) + " down";
      if (day.incident_seconds > day.downtime_seconds) {
        label += ", " + MinutesText(day.incident_seconds - day.downtime_seconds) +
                 " not blamed on the service";
      }
    }
    *out += std::string("<li class=\"") + DayClass(day) + "\" title=\"" + HtmlEscape(label) + "\">";
    if (day.incident_id != 0) {
      *out += "<a href=\"incidents/" + std::to_string(day.incident_id) + "\" aria-label=\"" +
              HtmlEscape(label) + "\"></a>";
    }
    *out += "</li>";
  }
  *out += "</ol><div class=\"axis\"><span>90 days ago</span><span>today</span></div>\n";
}

// AppendIncidents shows each service's history and lists its incidents,
// each linking to its report.
void AppendIncidents(const StatusReport& report, std::string* out) {
  const IncidentOverview& overview = report.incidents;
  *out +=
      "<section aria-labelledby=\"incidents\"><h2 id=\"incidents\">Incidents</h2>\n"
      "<p class=\"meta\">The last 90 days by service, open incidents first (<a "
      "href=\"api/v1/incidents\">/api/v1/incidents</a>, <a "
      "href=\"api/v1/availability\">/api/v1/availability</a>).</p>\n";
  if (overview.histories.empty()) *out += "<p>None.</p>\n";
  for (const ServiceHistory& h : overview.histories) {
    *out += "<h3>" + HtmlEscape(h.service) + "</h3>\n";
    AppendHistory(h, out);
    std::string items;
    for (const IncidentLine& line : overview.lines) {
      if (line.service != h.service) continue;
      items += std::string("<li>") + (line.open ? "<strong>Open:</strong> " : "") +
               "<a href=\"incidents/" + std::to_string(line.id) + "\">" + HtmlEscape(line.summary) +
               "</a></li>\n";
    }
    *out +=
        items.empty() ? "<p>No incidents.</p>\n" : "<ul class=\"incidents\">\n" + items + "</ul>\n";
  }
  *out += "</section>\n";
}

void AppendRecent(const StatusReport& report, size_t rows, std::string* out) {
  *out += "<section aria-labelledby=\"recent\"><h2 id=\"recent\">Recent probes</h2>\n";
  if (report.recent.empty()) {
    *out +=
        "<p>No probes yet: they run when Prometheus scrapes <a href=\"metrics\">/metrics</a>"
        " or <code>/probe</code>.</p></section>\n";
    return;
  }
  *out += "<div class=\"scroll\"><table><caption>The newest " +
          std::to_string(std::min(rows, report.recent.size())) + " of " +
          std::to_string(report.recent.size()) +
          " probes kept (recent failures are kept longer)</caption><thead><tr>"
          "<th scope=\"col\">Time</th><th scope=\"col\">Target</th><th scope=\"col\">Module</th>"
          "<th scope=\"col\">Result</th><th scope=\"col\">Duration</th>"
          "<th scope=\"col\">Log</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < report.recent.size() && i < rows; ++i) {
    const ProbeRecord& r = *report.recent[i];
    const double at = std::chrono::duration<double>(r.time.time_since_epoch()).count();
    const std::string result =
        r.success
            ? "<span class=\"s-up\">success</span>"
            : "<span class=\"s-down\">failed: " + HtmlEscape(ReasonText(r.reason)) + "</span>";
    *out += "<tr><td>" + Time(at, report.generated_seconds) + "</td><th scope=\"row\">" +
            HtmlEscape(r.target) + "</th><td>" + HtmlEscape(r.module) + "</td><td>" + result +
            "</td><td class=\"num\">" + FormatDuration(r.duration_seconds) + "</td><td>" +
            LogLink(r) + "</td></tr>\n";
  }
  *out += "</tbody></table></div></section>\n";
}

std::string Title(const StatusReport& report) {
  int down = 0;
  int troubled = 0;
  for (const ServiceReport& s : report.services) {
    down += s.state == OutageState::kDown ? 1 : 0;
    troubled += s.state == OutageState::kDegraded || s.state == OutageState::kMaintenance ? 1 : 0;
  }
  if (down > 0) return std::to_string(down) + " down \u2014 outage_exporter";
  if (troubled > 0) return std::to_string(troubled) + " degraded \u2014 outage_exporter";
  return "Status \u2014 outage_exporter";
}

}  // namespace

const std::string& StatusPageCsp() {
  static const std::string kCsp =
      "default-src 'none'; style-src 'sha256-" + Sha256Base64(kCss) +
      "'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return kCsp;
}

std::string RenderStatusHtml(const StatusReport& report, const StatusPageOptions& options) {
  const double now = report.generated_seconds;
  std::string out;
  out.reserve(size_t{16} * 1024);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  if (options.refresh_seconds > 0) {
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(options.refresh_seconds) +
           "\">\n";
  }
  out += "<title>" + HtmlEscape(Title(report)) + "</title>\n<style>" + std::string(kCss) +
         "</style>\n</head><body>\n<header><h1>Service status</h1>\n<p class=\"meta\">As of " +
         Stamp(now) + ".";
  if (options.refresh_seconds > 0) {
    out += " This page reloads every " + std::to_string(options.refresh_seconds) +
           " s (<a href=\"?refresh=0\">stop reloading</a>).";
  } else {
    out += " Automatic reload is off (<a href=\"./\">turn it on</a>).";
  }
  out += " Machine-readable: <a href=\"api/v1/status\">/api/v1/status</a>.</p>\n";
  const std::string placement = PlacementSummary(report.placement, report.served_targets);
  if (!placement.empty()) {
    out += "<p class=\"meta placement\">" + HtmlEscape(placement) + "</p>\n";
  }
  if (report.vantage_network_up && !*report.vantage_network_up) {
    out +=
        "<p class=\"banner\" role=\"alert\"><strong>Our own network is down:</strong> every "
        "control target fails, so failures below say nothing about the services.</p>\n";
  }
  out += "</header>\n<main>\n";
  AppendVerdicts(report, &out);
  for (size_t i = 0; i < report.services.size(); ++i) {
    AppendService(report.services[i], i, report, &out);
  }
  if (!report.vendor_status_pages.empty()) {
    out += "<section aria-labelledby=\"vendors\"><h2 id=\"vendors\">Vendor status pages</h2>\n";
    for (size_t i = 0; i < report.vendor_status_pages.size(); ++i) {
      AppendVendorStatusPage(report.vendor_status_pages[i], i, now, &out);
    }
    out += "</section>\n";
  }
  AppendIncidents(report, &out);
  AppendRecent(report, options.recent_rows, &out);
  out += "</main>\n<footer><p>outage_exporter version " + HtmlEscape(report.version) +
         " (revision " + HtmlEscape(report.revision) + "). Configuration " +
         HtmlEscape(report.config_source) + ": ";
  out += report.config_reload_successful ? "last reload successful"
                                         : "<strong>last reload failed</strong>, still running "
                                           "the previous configuration";
  out += report.config_reload_success_seconds > 0
             ? " (last loaded " + Time(report.config_reload_success_seconds, now) + ")."
             : ".";
  out += " Targets are grouped by the <code>" + HtmlEscape(report.group_label) +
         "</code> label. <a href=\"metrics\">Metrics</a> \u00b7 <a href=\"config\">Configuration"
         "</a></p></footer>\n</body></html>\n";
  return out;
}

}  // namespace outage
