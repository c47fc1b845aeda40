// Runs the real exporter against a loopback target that fails and recovers,
// and reads the incident record back: from /api/v1/incidents, the report
// page and its Markdown draft, and /metrics; across a kill -9 and a restart
// on the same file; across a reload that removes the target; with a file
// that is not ours (refused, untouched); and with a read-only directory
// (served from memory, outage_storage_up 0).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/required_program.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using nlohmann::json;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 3s
)";

class IncidentIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->Route("/player", [this](const ServerRequest&, ResponseWriter& w) {
      w.Respond(status_.load(), {}, "player\n");
    });
    config_ = tmp_.WriteFile("config.yml", std::string(kModules) + R"(global:
  failure_threshold: 2
  recovery_threshold: 2
targets:
  - target: )" + server_->Url("/player") + R"(
    module: http_2xx
    labels: {service: "Spotify <web> player"}
    objective: 99.5%
services:
  "Spotify <web> player": {objective: 99.9%}
)");
  }

  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  bool Start(const std::string& storage_path, ExporterOptions options = {}) {
    options.flags.push_back("--config.file=" + config_);
    options.flags.push_back("--storage.path=" + storage_path);
    std::string error;
    exporter_ = ExporterProcess::Start(options, &error);
    EXPECT_NE(exporter_, nullptr) << error;
    return exporter_ != nullptr;
  }

  MetricsText Scrape() { return GetExposition(exporter_->BaseUrl() + "/metrics"); }
  void Scrapes(int n) {
    for (int i = 0; i < n; ++i) Scrape();
  }

  json Get(const std::string& path, int want_status = 200) {
    const HttpResponse r = HttpGet(exporter_->BaseUrl() + path);
    EXPECT_EQ(r.status, want_status) << path << ": " << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
  }
  std::string GetText(const std::string& path) {
    const HttpResponse r = HttpGet(exporter_->BaseUrl() + path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.body;
  }

  // Outage: up, then failing until the hysteresis says down.
  void Outage() {
    status_ = 200;
    Scrapes(2);
    status_ = 503;
    Scrapes(2);
  }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> server_;
  std::atomic<int> status_{200};
  std::string config_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(IncidentIntegrationTest, AnOutageIsRecordedServedAndDrafted) {
  ASSERT_TRUE(Start(tmp_.PathOf("data/outage.db")));
  Outage();
  json list = Get("/api/v1/incidents?state=open");
  ASSERT_EQ(list["incidents"].size(), 1u) << list.dump(2);
  const json incident = list["incidents"][0];
  EXPECT_EQ(incident["service"], "Spotify <web> player");
  EXPECT_EQ(incident["state"], "open");
  EXPECT_EQ(incident["first_reason"], "http_5xx");
  EXPECT_EQ(incident["parts"][0]["target"], server_->Url("/player"));
  const std::string id = std::to_string(incident["id"].get<int64_t>());
  EXPECT_EQ(Get("/api/v1/incidents/" + id)["id"], incident["id"]);

  MetricsText m = Scrape();
  EXPECT_EQ(m.Value("outage_incident_open", {{"service", "Spotify <web> player"}}), 1);
  EXPECT_EQ(m.Value("outage_incidents_total",
                    {{"service", "Spotify <web> player"}, {"reason", "http_5xx"}}),
            1);
  EXPECT_EQ(m.Value("outage_storage_up"), 1);

  const std::string page = GetText("/");
  EXPECT_NE(page.find("<h2 id=\"incidents\">Incidents</h2>"), std::string::npos) << page;
  EXPECT_NE(page.find("<strong>Open:</strong> <a href=\"incidents/" + id + "\">"),
            std::string::npos)
      << page;
  const std::string html = GetText("/incidents/" + id);
  EXPECT_NE(html.find("Spotify &lt;web&gt; player down since"), std::string::npos) << html;
  EXPECT_EQ(html.find("<web>"), std::string::npos) << "escaped";
  EXPECT_NE(html.find("http_5xx"), std::string::npos);
  const std::string md = GetText("/incidents/" + id + "?format=md");
  EXPECT_NE(md.find("# Incident " + id), std::string::npos) << md;
  EXPECT_NE(md.find("http\\_5xx"), std::string::npos) << md;
  EXPECT_NE(md.find("up → down"), std::string::npos) << md;
  EXPECT_NE(md.find(" UTC"), std::string::npos) << md;
  EXPECT_NE(md.find("## Root cause"), std::string::npos) << md;

  status_ = 200;
  Scrapes(2);
  list = Get("/api/v1/incidents?state=closed");
  ASSERT_EQ(list["incidents"].size(), 1u) << list.dump(2);
  EXPECT_FALSE(list["incidents"][0]["end"].is_null());
  m = Scrape();
  EXPECT_EQ(m.Value("outage_incident_open", {{"service", "Spotify <web> player"}}), 0);
  EXPECT_EQ(
      m.Value("outage_incident_duration_seconds_count", {{"service", "Spotify <web> player"}}), 1);
  EXPECT_TRUE(Get("/api/v1/incidents?state=open")["incidents"].empty());
}

TEST_F(IncidentIntegrationTest, AvailabilityIsMeasuredAgainstTheObjective) {
  ASSERT_TRUE(Start(""));
  Outage();
  status_ = 200;
  Scrapes(2);
  const json incident = Get("/api/v1/incidents?state=closed")["incidents"][0];
  const double lasted = incident["duration_seconds"].get<double>();
  ASSERT_GT(lasted, 0);
  const std::string id = std::to_string(incident["id"].get<int64_t>());

  const json all = Get("/api/v1/availability");
  ASSERT_EQ(all["services"].size(), 1u) << all.dump(2);
  const json& service = all["services"][0];
  EXPECT_EQ(service["service"], "Spotify <web> player");
  EXPECT_DOUBLE_EQ(service["objective"]["objective"].get<double>(), 0.999);
  EXPECT_EQ(service["objective"]["window_seconds"].get<double>(), 30 * 86400.0);
  for (const char* period : {"month", "window"}) {
    const json& f = service[period];
    EXPECT_EQ(f["incidents"], 1) << period;
    EXPECT_NEAR(f["downtime_seconds"].get<double>(), lasted, 0.01) << period;
    EXPECT_LT(f["availability"].get<double>(), 1) << period;
    EXPECT_NEAR(f["budget"]["left_seconds"].get<double>(),
                f["budget"]["allowed_seconds"].get<double>() - lasted, 0.01)
        << period;
    EXPECT_TRUE(f["budget"]["met"].get<bool>()) << period;
  }
  EXPECT_NEAR(service["window"]["budget"]["allowed_seconds"].get<double>(), 0.001 * 30 * 86400,
              0.01);
  const json& target = service["targets"][0];
  EXPECT_EQ(target["target"], server_->Url("/player"));
  EXPECT_DOUBLE_EQ(target["objective"]["objective"].get<double>(), 0.995);
  EXPECT_NEAR(target["month"]["downtime_seconds"].get<double>(), lasted, 0.01);

  const std::string month = all["month"].get<std::string>();
  const json one =
      Get("/api/v1/availability?month=" + month + "&service=Spotify%20%3Cweb%3E%20player");
  ASSERT_EQ(one["services"].size(), 1u) << one.dump(2);
  EXPECT_EQ(one["services"][0]["month"]["downtime_seconds"], service["month"]["downtime_seconds"]);
  EXPECT_EQ(Get("/api/v1/availability?month=2020-01")["services"][0]["month"]["incidents"], 0);
  Get("/api/v1/availability?month=2026-13", 400);
  Get("/api/v1/availability?service=nope", 404);
  Get("/api/v1/availability?target=nope", 404);

  const std::string html = GetText("/incidents/" + id);
  EXPECT_NE(html.find("<h2>Against the objective</h2>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>99.900%</td>"), std::string::npos) << html;
  const std::string md = GetText("/incidents/" + id + "?format=md");
  EXPECT_NE(md.find("## Against the objective"), std::string::npos) << md;
  const std::string page = GetText("/");
  EXPECT_NE(page.find("<ol class=\"strip\""), std::string::npos) << page;
  EXPECT_NE(page.find("<a href=\"incidents/" + id + "\""), std::string::npos) << page;
  EXPECT_NE(page.find("available (objective 99.900%"), std::string::npos) << page;
  const json status = Get("/api/v1/status");
  EXPECT_EQ(status["incidents"]["recent"][0]["id"], incident["id"]) << status.dump(2);
  EXPECT_DOUBLE_EQ(status["incidents"]["this_month"][0]["budget"]["objective"].get<double>(),
                   0.999);
}

TEST_F(IncidentIntegrationTest, NotesAreAddedAndEscapedEverywhere) {
  ASSERT_TRUE(Start(tmp_.PathOf("outage.db")));
  Outage();
  const std::string id =
      std::to_string(Get("/api/v1/incidents")["incidents"][0]["id"].get<int64_t>());
  const std::string url = exporter_->BaseUrl() + "/incidents/" + id + "/notes";
  const std::string note = "Resolver <script>alert(1)</script> | *restarted* at 14:09";
  const std::vector<std::pair<std::string, std::string>> plain = {
      {"Content-Type", "text/plain; charset=utf-8"}};
  HttpResponse r = HttpPost(url, note, plain);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Get("/api/v1/incidents/" + id)["notes"][0]["text"], note);
  const std::string html = GetText("/incidents/" + id);
  EXPECT_NE(html.find("Resolver &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  const std::string md = GetText("/incidents/" + id + "?format=md");
  EXPECT_NE(md.find("Resolver &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\*restarted\\*"),
            std::string::npos)
      << md;

  EXPECT_EQ(HttpPost(url, note).status, 415) << "a form post is not a note";
  EXPECT_EQ(HttpPost(url, "", plain).status, 400);
  EXPECT_EQ(HttpPost(url, std::string(5000, 'x'), plain).status, 413);
  auto cross_site = plain;
  cross_site.emplace_back("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(HttpPost(url, note, cross_site).status, 403);
  EXPECT_EQ(HttpPost(exporter_->BaseUrl() + "/incidents/999/notes", note, plain).status, 404);
  EXPECT_EQ(HttpPost(exporter_->BaseUrl() + "/incidents/" + id, note, plain).status, 405);
  EXPECT_EQ(Get("/api/v1/incidents/" + id)["notes"].size(), 1u);

  exporter_->Stop();  // notes are in the file too
  ASSERT_TRUE(Start(tmp_.PathOf("outage.db")));
  EXPECT_EQ(Get("/api/v1/incidents/" + id)["notes"][0]["text"], note);
}

TEST_F(IncidentIntegrationTest, UnknownAndMalformedIdsAreNotFound) {
  ASSERT_TRUE(Start(""));
  for (const std::string path :
       {"/api/v1/incidents/1", "/api/v1/incidents/abc", "/api/v1/incidents/-1",
        "/api/v1/incidents/01", "/api/v1/incidents/99999999999999999999", "/incidents/1",
        "/incidents/1/x"}) {
    Get(path, 404);
  }
  Get("/api/v1/incidents?state=maybe", 400);
  Get("/api/v1/incidents?since=yesterday", 400);
  EXPECT_TRUE(Get("/api/v1/incidents?since=2026-01-01T00:00:00Z")["incidents"].empty());
}

TEST_F(IncidentIntegrationTest, AnOpenIncidentSurvivesKillDashNine) {
  const std::string path = tmp_.PathOf("outage.db");
  ASSERT_TRUE(Start(path));
  Outage();  // the scrape that saw the target go down has answered
  exporter_->process().Kill();

  ASSERT_TRUE(Start(path));
  json list = Get("/api/v1/incidents");
  ASSERT_EQ(list["incidents"].size(), 1u) << list.dump(2);
  const json incident = list["incidents"][0];
  EXPECT_EQ(incident["state"], "open");
  EXPECT_EQ(incident["first_reason"], "http_5xx");
  ASSERT_EQ(incident["gaps"].size(), 1u) << "the time the exporter was not running is marked";
  Scrapes(2);  // still failing: the same incident goes on
  status_ = 200;
  Scrapes(2);
  list = Get("/api/v1/incidents");
  ASSERT_EQ(list["incidents"].size(), 1u) << list.dump(2);
  EXPECT_EQ(list["incidents"][0]["id"], incident["id"]);
  EXPECT_EQ(list["incidents"][0]["state"], "closed");
  EXPECT_EQ(list["incidents"][0]["start"], incident["start"]);
}

TEST_F(IncidentIntegrationTest, AReloadThatRemovesTheTargetClosesItsIncident) {
  ASSERT_TRUE(Start(tmp_.PathOf("outage.db")));
  Outage();
  ASSERT_EQ(Get("/api/v1/incidents?state=open")["incidents"].size(), 1u);
  tmp_.WriteFile("config.yml", kModules);  // no targets
  const HttpResponse r = HttpPost(exporter_->BaseUrl() + "/-/reload", "");
  EXPECT_EQ(r.status / 100, 2) << r.body;

  EXPECT_TRUE(Get("/api/v1/incidents?state=open")["incidents"].empty());
  const json list = Get("/api/v1/incidents?state=closed");
  ASSERT_EQ(list["incidents"].size(), 1u) << list.dump(2);
  const json incident = list["incidents"][0];
  EXPECT_FALSE(incident["end"].is_null());
  EXPECT_EQ(incident["parts"][0]["end"], incident["end"]);
  EXPECT_EQ(incident["changes"].back()["from"], "down");
  EXPECT_EQ(incident["changes"].back()["to"], "removed");
  const MetricsText m = Scrape();
  EXPECT_EQ(m.Value("outage_incident_open", {{"service", "Spotify <web> player"}}), 0);
  EXPECT_EQ(
      m.Value("outage_incident_duration_seconds_count", {{"service", "Spotify <web> player"}}), 1);
  const std::string id = std::to_string(incident["id"].get<int64_t>());
  const std::string md = GetText("/incidents/" + id + "?format=md");
  EXPECT_NE(md.find("down → removed"), std::string::npos) << md;
}

TEST_F(IncidentIntegrationTest, AFileThatIsNotOursIsRefusedUntouched) {
  const std::string contents = "SQLite format 3 -- no, a text file that happens to be here\n";
  const std::string path = tmp_.WriteFile("outage.db", contents);
  std::string error;
  ExporterOptions options;
  options.flags = {"--config.file=" + config_, "--storage.path=" + path};
  EXPECT_EQ(ExporterProcess::Start(options, &error), nullptr);
  EXPECT_NE(error.find("left untouched"), std::string::npos) << error;
  EXPECT_EQ(TempDir::ReadFile(path), contents);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_F(IncidentIntegrationTest, ASecondExporterOnTheSameFileStopsNamingTheFirst) {
  const std::string path = tmp_.PathOf("outage.db");
  ASSERT_TRUE(Start(path));
  Outage();
  std::string error;
  ExporterOptions options;
  options.flags = {"--config.file=" + config_, "--storage.path=" + path};
  EXPECT_EQ(ExporterProcess::Start(options, &error), nullptr);
  EXPECT_NE(error.find("in use by another outage_exporter (pid " +
                       std::to_string(exporter_->Pid()) + ","),
            std::string::npos)
      << error;
  EXPECT_EQ(Get("/api/v1/incidents?state=open")["incidents"].size(), 1u)
      << "the first exporter goes on";
}

// ReadOnly serves the exporter a read-only directory: as root (whom file
// modes do not stop) a read-only bind mount in a mount namespace of its own.
TEST_F(IncidentIntegrationTest, AReadOnlyDirectoryDegradesToMemory) {
  const std::string dir = tmp_.PathOf("readonly");
  std::filesystem::create_directories(dir);
  ExporterOptions options;
  if (geteuid() == 0) {
    for (const char* program : {"unshare", "mount"}) {
      const std::string missing = MissingProgram(program);
      if (!missing.empty()) GTEST_FAIL() << missing;
    }
    options.binary =
        tmp_.WriteFile("readonly-exporter.sh",
                       "#!/bin/sh\nexec unshare -m sh -c 'mount --bind \"$1\" \"$1\" && "
                       "mount -o remount,bind,ro \"$1\" \"$1\" && shift && exec \"$@\"' sh " +
                           dir + " " + ExporterBinaryPath() + " \"$@\"\n");
    std::filesystem::permissions(options.binary, std::filesystem::perms::owner_all);
  } else {
    std::filesystem::permissions(
        dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  }
  ASSERT_TRUE(Start(dir + "/outage.db", options));
  Outage();
  MetricsText m = Scrape();
  EXPECT_EQ(m.Value("outage_storage_up"), 0);
  EXPECT_GE(m.Value("outage_storage_errors_total").value_or(0), 1);
  EXPECT_EQ(m.Value("outage_incident_open", {{"service", "Spotify <web> player"}}), 1)
      << "incidents are kept in memory";
  EXPECT_EQ(Get("/api/v1/incidents")["incidents"].size(), 1u);
  EXPECT_NE(exporter_->Stderr().find("keeping incidents in memory"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/outage.db"));
}

}  // namespace
}  // namespace outage::test
