// The status page in a real browser: the exporter runs against local
// healthy, failing, half-failing and maintenance targets and a vendor status
// page that names a component "<script>...", Prometheus-style scrapes fill
// in the state, and headless chromium loads /. The test reads the DOM the
// browser built (verdicts, reasons, escaped vendor text, no script), follows
// every log link and in-page link, checks chromium reported no CSP
// violation, and saves desktop and phone screenshots in the build folder.
// It also follows the status page's incidents section to a report page.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "tests/browser/headless_chromium.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/rfc3339.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A vendor summary with a hostile component name and an open incident.
std::string VendorSummary() {
  return std::string(R"({"page": {"id": "p1", "name": "Vendor"},
    "status": {"indicator": "minor", "description": "x"},
    "components": [
      {"id": "c1", "name": ")") +
         "<script>alert(1)<\\/script>" + R"json(", "status": "partial_outage", "group": false},
      {"id": "c2", "name": "Payments", "status": "operational", "group": false}],
    "incidents": [{"id": "i1", "name": "Elevated API errors", "status": "investigating",
      "impact": "minor", "shortlink": "javascript:alert(2)", "components": []}],
    "scheduled_maintenances": []})json";
}

// Verdict returns the headline text of `service`'s verdict in the DOM,
// or "<missing>".
std::string Verdict(const std::string& dom, const std::string& service) {
  const std::regex re("<li class=\"verdict v-[a-z]+\" data-verdict=\"([a-z]+)\" data-service=\"" +
                      service + "\">.*?<strong class=\"state s-\\1\">([^<]*)</strong>");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[2].str() : "<missing>";
}

// Cell returns the text of the `cls` cell in the row of `target`.
std::string Cell(const std::string& dom, const std::string& target, const std::string& cls) {
  const std::regex re("<tr data-target=\"" + target + "\"[^>]*>.*?<td class=\"" + cls +
                      "[^\"]*\">(.*?)</td>");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[1].str() : "<missing>";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::set<std::string> Matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

class StatusPageBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Route("/web", Reply(200, {}, "ok\n"));
    server_->Route("/control", Reply(200, {}, "ok\n"));
    server_->Route("/api", Reply(503, {}, "overloaded\n"));
    server_->Route("/search-a", Reply(200, {}, "ok\n"));
    server_->Route("/search-b", Reply(500, {}, "bug\n"));
    server_->Route("/billing", Reply(503, {}, "upgrading\n"));
    auto certs = GenerateTestCerts(tmp_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    TestHttpServerOptions tls;
    tls.cert_path = certs->leaf.cert_path;
    tls.key_path = certs->leaf.key_path;
    https_ = TestHttpServer::Start(tls, &error);
    ASSERT_NE(https_, nullptr) << error;
    https_->Route("/web", Reply(200, {}, "ok\n"));
    server_->Route("/vendor/api/v2/summary.json",
                   Reply(200, {{"Content-Type", "application/json"}}, VendorSummary()));
    const std::time_t now = std::time(nullptr);
    // Target is one flow-style entry of `targets:`.
    auto target = [](const std::string& url, const std::string& module, const std::string& extra) {
      return "  - {target: '" + url + "', module: " + module + extra + "}\n";
    };
    const std::string maintenance =
        ", maintenance: [{name: upgrade, start: " + Rfc3339Utc(now - 600) +
        ", end: " + Rfc3339Utc(now + 3600) + "}]";
    std::string yaml = "modules:\n";
    yaml += "  http_2xx: {prober: http, timeout: 3s, http: {preferred_ip_protocol: ip4}}\n";
    yaml +=
        "  https_2xx: {prober: http, timeout: 3s, http: {preferred_ip_protocol: ip4, "
        "fail_if_not_ssl: true, tls_config: {ca_file: '" +
        certs->ca.cert_path + "'}}}\n";
    yaml += "global: {failure_threshold: 1, recovery_threshold: 1}\n";
    yaml += "status_pages: [{name: vendor, url: '" + server_->Url("/vendor") + "'}]\n";
    yaml += "targets:\n";
    yaml += target(server_->Url("/control"), "http_2xx", ", control: true");
    yaml += target(server_->Url("/web"), "http_2xx", ", labels: {service: web}");
    yaml += target(https_->Url("/web"), "https_2xx", ", labels: {service: web}");
    yaml += target(server_->Url("/api"), "http_2xx", ", labels: {service: api}");
    yaml += target(server_->Url("/search-a"), "http_2xx", ", labels: {service: search}");
    yaml += target(server_->Url("/search-b"), "http_2xx", ", labels: {service: search}");
    yaml += target(server_->Url("/billing"), "http_2xx",
                   ", labels: {service: billing}, status_page: {page: vendor}" + maintenance);
    exporter_ = ExporterProcess::StartWithFlags(
        {"--config.file=" + tmp_.WriteFile("config.yml", yaml)}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
    // Three scrapes, as Prometheus would, give every target a state and a
    // trend; one /probe shows up among the recent probes.
    for (int i = 0; i < 3; ++i) {
      const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/metrics");
      ASSERT_EQ(r.status, 200) << r.error << r.body;
    }
    const HttpResponse probe = HttpGet(
        exporter_->BaseUrl() + "/probe?module=http_2xx&target=" + UrlEncode(server_->Url("/web")));
    ASSERT_EQ(probe.status, 200) << probe.body;
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<TestHttpServer> https_;  // serves a leaf valid for 30 days
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(StatusPageBrowserTest, VerdictsReasonsAndLinksInTheBrowsersDom) {
  const BrowserResult page = DumpDom(exporter_->BaseUrl() + "/?refresh=0");
  ASSERT_TRUE(page.ok) << page.error << "\n" << page.log;
  const std::string& dom = page.output;
  ASSERT_THAT(dom, HasSubstr("<h1>Service status</h1>")) << dom;

  EXPECT_EQ(Verdict(dom, "web"), "Up") << dom;
  EXPECT_EQ(Verdict(dom, "api"), "Down \u2014 server errors (5xx)");
  EXPECT_EQ(Verdict(dom, "search"), "Degraded");
  EXPECT_EQ(Verdict(dom, "billing"), "Maintenance");
  // The control target is grouped with the other canaries of our network
  // (the service name is a regex here, hence the escaped parentheses).
  EXPECT_EQ(Verdict(dom, "Our network \\(control targets\\)"), "Up");

  EXPECT_EQ(Cell(dom, server_->Url("/api"), "state"), "down");
  EXPECT_EQ(Cell(dom, server_->Url("/api"), "reason"), "server errors (5xx) <code>http_5xx</code>");
  EXPECT_EQ(Cell(dom, server_->Url("/billing"), "state"), "maintenance");
  EXPECT_EQ(Cell(dom, server_->Url("/billing"), "reason"), "maintenance <code>maintenance</code>");
  EXPECT_EQ(Cell(dom, server_->Url("/web"), "state"), "up");
  EXPECT_EQ(Cell(dom, https_->Url("/web"), "state"), "up");
  EXPECT_THAT(Cell(dom, https_->Url("/web"), "cert"), HasSubstr("(in 29 days)"));
  EXPECT_EQ(Cell(dom, server_->Url("/web"), "cert"), "\u2014");
  // Every configured target has a sparkline of its three probes.
  EXPECT_EQ(Count(dom, "<svg class=\"spark\""), 7u);
  EXPECT_THAT(dom, HasSubstr("aria-label=\"3 recent probes, 3 failed;"));

  // The vendor's component name is text, not markup, and its javascript:
  // link is not a link.
  EXPECT_THAT(dom, HasSubstr("<th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th>"));
  EXPECT_THAT(dom, Not(HasSubstr("<script")));
  EXPECT_THAT(dom, Not(HasSubstr("javascript:")));
  EXPECT_THAT(dom, HasSubstr("Elevated API errors"));
  EXPECT_THAT(dom, HasSubstr("Vendor status page <a href=\"#page-0\">vendor</a>: "
                             "<strong>minor</strong>, 1 open incident."));

  // Every log link resolves to that probe's log.
  const std::set<std::string> ids = Matches(dom, "href=\"logs\\?id=([0-9]+)\"");
  EXPECT_GE(ids.size(), 8u) << "seven configured targets and one /probe";
  for (const std::string& id : ids) {
    const HttpResponse log = HttpGet(exporter_->BaseUrl() + "/logs?id=" + id);
    EXPECT_EQ(log.status, 200) << "log " << id;
    EXPECT_THAT(log.body, HasSubstr("msg=\"Beginning probe\"")) << "log " << id;
  }
  // Every in-page link has its anchor; every other link answers 200.
  for (const std::string& anchor : Matches(dom, "href=\"#([^\"]+)\"")) {
    EXPECT_THAT(dom, HasSubstr("id=\"" + anchor + "\"")) << anchor;
  }
  for (const std::string& path : Matches(dom, "href=\"([a-z][^\"#]*)\"")) {
    if (path.rfind("logs?", 0) == 0) continue;
    const HttpResponse r = HttpGet(exporter_->BaseUrl() + "/" + path);
    EXPECT_EQ(r.status, 200) << path;
  }

  // The strict CSP let the page's one style sheet through: chromium logs
  // every blocked resource on stderr.
  EXPECT_THAT(page.log, Not(HasSubstr("Content Security Policy"))) << page.log;
}

TEST_F(StatusPageBrowserTest, IncidentsSectionLeadsToTheReport) {
  const BrowserResult page = DumpDom(exporter_->BaseUrl() + "/?refresh=0");
  ASSERT_TRUE(page.ok) << page.error << "\n" << page.log;
  ASSERT_THAT(page.output, HasSubstr("<h2 id=\"incidents\">Incidents</h2>")) << page.output;
  // api (5xx) and search (one target failing) are down; billing's outage is
  // planned maintenance, which opens no incident. Each service has its 90
  // days, a cell a day; today's cell links to api's open incident.
  const std::regex open_api(
      "<h3>api</h3>\\s*<p class=\"meta\">[0-9]{4}-[0-9]{2} so far: [0-9.]+% available \\(no "
      "objective set\\)</p>\\s*<ol class=\"strip\"[^>]*>(<li class=\"d-ok\" "
      "title=\"[^\"]*\"></li>){89}<li class=\"d-minor\" title=\"[^\"]*\"><a "
      "href=\"incidents/([0-9]+)\"[^>]*></a></li></ol><div class=\"axis\">.*?</div>\\s*<ul "
      "class=\"incidents\">\\s*<li><strong>Open:</strong> "
      "<a href=\"incidents/([0-9]+)\">api down since [^<]*http_5xx; our network fine</a>");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.output, m, open_api)) << page.output;
  EXPECT_EQ(m[2].str(), m[3].str()) << "today's cell and the list name the same incident";
  EXPECT_THAT(page.output, HasSubstr("<h3>search</h3>"));
  const std::regex quiet_billing(
      "<h3>billing</h3>\\s*<p class=\"meta\">[^<]*</p>\\s*<ol class=\"strip\"[^>]*>(<li "
      "class=\"d-ok\" title=\"[^\"]*: no incident\"></li>){90}</ol><div "
      "class=\"axis\">.*?</div>\\s*<p>No incidents.</p>");
  EXPECT_TRUE(std::regex_search(page.output, quiet_billing)) << page.output;
  const std::string id = m[3].str();

  const BrowserResult report = DumpDom(exporter_->BaseUrl() + "/incidents/" + id);
  ASSERT_TRUE(report.ok) << report.error << "\n" << report.log;
  EXPECT_THAT(report.output, HasSubstr("<h1>Incident " + id + ": api down since"));
  EXPECT_THAT(report.output, HasSubstr("<h2>Timeline</h2>"));
  EXPECT_THAT(report.output, HasSubstr("unknown \u2192 down"));
  EXPECT_THAT(report.output, HasSubstr("href=\"" + id + "?format=md\""));
  EXPECT_THAT(report.log, Not(HasSubstr("Content Security Policy"))) << report.log;
  const HttpResponse md = HttpGet(exporter_->BaseUrl() + "/incidents/" + id + "?format=md");
  EXPECT_EQ(md.status, 200);
  EXPECT_THAT(md.body, HasSubstr("## Root cause"));
}

TEST_F(StatusPageBrowserTest, ScreenshotsForPeopleToLookAt) {
  const std::map<std::string, std::pair<int, int>> sizes = {{"desktop", {1280, 1100}},
                                                            {"phone", {412, 1400}}};
  for (const auto& [name, size] : sizes) {
    const std::string png = std::string(BROWSER_ARTIFACT_DIR) + "/status-page-" + name + ".png";
    std::remove(png.c_str());
    const BrowserResult shot =
        Screenshot(exporter_->BaseUrl() + "/?refresh=0", png, size.first, size.second);
    ASSERT_TRUE(shot.ok) << shot.error << "\n" << shot.log;
    std::ifstream in(png, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n") << png;
    EXPECT_GT(bytes.size(), 20000u) << png << " looks blank";
    std::cout << "Screenshot: " << png << "\n";
  }
}

}  // namespace
}  // namespace outage::test
