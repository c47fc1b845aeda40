// "Proven, not hoped": every PromQL expression that deploy/ ships
// (Grafana panels, variables and annotations; recording and alerting rules),
// as listed by tests/deploy/extract_queries.py, is evaluated by the real
// Prometheus while it holds real exporter data, and the scenario below makes
// every one of them return data.
//
// Scenario, all on loopback:
//   vantage "local" (exporter A, scraped every 1 s by the shipped
//   `outage_exporter` job, and through the shipped `/probe` job):
//     healthy      200                                   -> up
//     down         503, linked to a vendor status page
//                  whose "API" component is major_outage -> down, http_5xx,
//                                                           vendor confirmed
//     refused      a port nobody listens on              -> down, network
//     maintenance  503 inside an open maintenance window -> maintenance
//     tls_soon     HTTPS, certificate valid for 2 days   -> up, cert alerts
//     tls_expired  HTTPS, expired certificate            -> down, tls
//     split.test   two DNS resolvers answering differently -> resolvers disagree
//     control      200, control: true                    -> network up
//   status pages: "vendor" (major incident, major_outage component) and
//   "broken" (404: unreachable).
//   vantage "b" (exporter B, a clone of the shipped job every 4 s):
//     control      refused, control: true -> its network is down
//     down         503 -> unknown / local_network
//     slow         200 after 2.1 s -> p90 above the 2 s latency objective
//   plus a dead exporter in vantage "b" (up == 0), and a failed config
//   reload on exporter B.
//
// The Prometheus config is deploy/prometheus/prometheus.yml itself, with
// only addresses, intervals and rule file paths rewritten (so its relabelling
// is what gets tested), and it loads deploy/prometheus/rules/*.yml in place.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/collectors/dns/dns_test_server.h"
#include "tests/e2e/prometheus_process.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"
#include "tests/support/text_edit.h"

#ifndef OUTAGE_SOURCE_DIR
#error "OUTAGE_SOURCE_DIR must name the source tree (set by tests/e2e/CMakeLists.txt)"
#endif

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Budgets (ctest TIMEOUT 300): exporters start within 10 s each, Prometheus
// within 30 s, every expression is non-empty within kDataTimeout, then one
// final pass and teardown. A healthy run takes about 60 s, nearly all of it
// waiting for OutageErrorBudgetBurn1h: a 14.4x burn of a 99.9% objective
// over 1 h needs 52 s of down time.
constexpr seconds kPrometheusReadyTimeout{30};
constexpr seconds kDataTimeout{90};
constexpr milliseconds kPollInterval{1000};
constexpr seconds kExtractTimeout{30};
constexpr size_t kLogTailLines = 150;

// Vantage B is scraped this often; its slow target answers after kSlowDelay,
// above the 2 s latency objective of deploy/prometheus/rules/objectives.yml
// and inside B's probe deadline (scrape timeout 4 s - 0.5 s offset).
constexpr char kVantageBInterval[] = "4s";
constexpr milliseconds kSlowDelay{2100};

// ExpressionsAllowedEmpty names (kind/name, as extract_queries.py prints
// them) the expressions this scenario cannot make non-empty, with why. Every
// other expression must return data: a new panel or rule that the scenario
// does not cover fails this test until the scenario is extended (or it is
// listed here with a reason).
const std::map<std::string, std::string>& ExpressionsAllowedEmpty() {
  // rate() divides the increase by the whole window, so a target down for
  // the ~1 minute this test runs is down 60 s / 6 h = 0.3% of the 6h window,
  // under the 6x burn threshold of 0.6% (it takes 130 s), and 60 s / 3 d is
  // under the 1x threshold of 0.1% (it takes 259 s). The 1h/5m page at 14.4x
  // (52 s of down time) is what this test waits for instead.
  static const std::map<std::string, std::string> allowed = {
      {"alert/OutageErrorBudgetBurn6h",
       "needs > 130 s of down time in its 6h window (6 x 0.1% of 6 h)"},
      {"alert/OutageErrorBudgetBurn3d",
       "needs > 259 s of down time in its 3d window (1 x 0.1% of 3 d)"},
      {"alert/OutageDownFromQuorum",
       "needs one target down from two vantages whose own network works; "
       "scale_out_e2e proves it with three vantages"},
  };
  return allowed;
}

struct Expression {
  std::string source;
  std::string kind;
  std::string name;
  std::string expr;

  [[nodiscard]] std::string Key() const { return kind + "/" + name; }
};

// OneLine squeezes whitespace runs into one space and cuts to `width`.
std::string OneLine(const std::string& text, size_t width) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > width) out = out.substr(0, width - 3) + "...";
  return out;
}

// Rfc3339 formats unix seconds as UTC RFC 3339.
std::string Rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ExtractQueries runs tests/deploy/extract_queries.py and parses its lines.
bool ExtractQueries(std::vector<Expression>* out, std::string* error) {
  SubprocessOptions options;
  options.program = "python3";
  options.args = {std::string(OUTAGE_SOURCE_DIR) + "/tests/deploy/extract_queries.py"};
  const RunResult r = RunSubprocess(options, milliseconds(kExtractTimeout));
  if (!r.started || r.exit_code != 0) {
    *error = "extract_queries.py failed (" +
             (r.started ? (r.exit_code ? "exit " + std::to_string(*r.exit_code) : "timed out")
                        : r.error) +
             "):\n" + r.stderr_text;
    return false;
  }
  for (const std::string& line : SplitLines(r.stdout_text)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      *error = "extract_queries.py printed a line that is not a JSON object: " + line;
      return false;
    }
    out->push_back(
        {j.value("source", ""), j.value("kind", ""), j.value("name", ""), j.value("expr", "")});
  }
  if (out->empty()) {
    *error = "extract_queries.py printed no expressions";
    return false;
  }
  return true;
}

// The Atlassian Statuspage v2 summary.json of the vendor: the "API"
// component (in group "Platform") has a major outage, one major incident is
// unresolved, and "Web" is fine.
constexpr char kVendorSummary[] = R"({
  "page": {"id": "p1", "name": "Vendor", "url": "https://status.vendor.example",
           "time_zone": "Etc/UTC", "updated_at": "2024-05-02T09:31:05.624Z"},
  "status": {"indicator": "major", "description": "Major System Outage"},
  "components": [
    {"id": "g1", "name": "Platform", "status": "major_outage", "group": true,
     "group_id": null, "components": ["c1", "c2"]},
    {"id": "c1", "name": "API", "status": "major_outage", "group": false, "group_id": "g1"},
    {"id": "c2", "name": "Web", "status": "operational", "group": false, "group_id": "g1"}
  ],
  "incidents": [
    {"id": "i1", "name": "API errors", "status": "investigating", "impact": "major",
     "resolved_at": null, "shortlink": "https://stspg.io/x1",
     "created_at": "2024-05-02T09:12:44.011Z", "components": []}
  ],
  "scheduled_maintenances": []
})";

class DeployQueriesE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    // Plain HTTP targets and the status pages.
    http_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(http_, nullptr) << error;
    http_->Route("/healthy", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));
    http_->Route("/control", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));
    http_->Route("/down", Reply(503, {{"Content-Type", "text/plain"}}, "down\n"));
    http_->Route("/maintenance", Reply(503, {{"Content-Type", "text/plain"}}, "down\n"));
    http_->Route("/slow", Delay(kSlowDelay, Reply(200, {{"Content-Type", "text/plain"}}, "ok\n")));
    http_->Route("/vendor/api/v2/summary.json",
                 Reply(200, {{"Content-Type", "application/json"}}, kVendorSummary));
    // /broken/api/v2/summary.json is not routed: 404, an unreachable page.

    // HTTPS targets: one certificate expiring in 2 days, one expired.
    const std::optional<TestCerts> certs = GenerateTestCerts(tmp_.path(), /*valid_days=*/2, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    ca_file_ = certs->ca.cert_path;
    TestHttpServerOptions soon;
    soon.cert_path = certs->leaf.cert_path;
    soon.key_path = certs->leaf.key_path;
    tls_soon_ = TestHttpServer::Start(soon, &error);
    ASSERT_NE(tls_soon_, nullptr) << error;
    tls_soon_->Route("/", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));
    TestHttpServerOptions expired;
    expired.cert_path = certs->expired.cert_path;
    expired.key_path = certs->expired.key_path;
    tls_expired_ = TestHttpServer::Start(expired, &error);
    ASSERT_NE(tls_expired_, nullptr) << error;
    tls_expired_->Route("/", Reply(200, {{"Content-Type", "text/plain"}}, "ok\n"));

    // Two resolvers that disagree about split.test.
    Zone zone_a;
    zone_a["split.test."].answer = {ARecord("split.test.", "192.0.2.1")};
    Zone zone_b;
    zone_b["split.test."].answer = {ARecord("split.test.", "192.0.2.2")};
    dns_a_ = DnsTestServer::Start(zone_a);
    dns_b_ = DnsTestServer::Start(zone_b);
    ASSERT_TRUE(dns_a_ != nullptr && dns_b_ != nullptr) << "cannot start the DNS test servers";

    healthy_url_ = http_->Url("/healthy");
    down_url_ = http_->Url("/down");
    refused_url_ = "http://127.0.0.1:" + std::to_string(refused_.port()) + "/";
    maintenance_url_ = http_->Url("/maintenance");
    control_url_ = http_->Url("/control");
    slow_url_ = http_->Url("/slow");
    tls_soon_url_ = tls_soon_->Url("/");
    tls_expired_url_ = tls_expired_->Url("/");
    blind_control_url_ = "http://127.0.0.1:" + std::to_string(blind_control_.port()) + "/";
  }

  void TearDown() override {
    if (HasFailure() && prometheus_ != nullptr) {
      std::cerr << "---- Prometheus scrape targets ----\n"
                << DescribeScrapeTargets(prometheus_->BaseUrl());
    }
    if (prometheus_ != nullptr) {
      const std::optional<int> code = prometheus_->Stop();
      if (code != 0) {
        std::cerr << "note: Prometheus exit status after SIGTERM: "
                  << (code ? std::to_string(*code) : "none (killed)") << "\n";
      }
    }
    for (auto* exporter : {&exporter_a_, &exporter_b_}) {
      if (*exporter != nullptr) {
        const std::optional<int> code = (*exporter)->Stop();
        EXPECT_EQ(code, 0) << "an exporter must exit 0 on SIGTERM within 5 s";
      }
    }
    if (HasFailure()) {
      if (prometheus_ != nullptr) {
        std::cerr << "---- Prometheus log (tail) ----\n"
                  << Tail(prometheus_->Log(), kLogTailLines) << "\n";
      }
      if (exporter_a_ != nullptr) {
        std::cerr << "---- exporter A log (tail) ----\n"
                  << Tail(exporter_a_->Stderr(), kLogTailLines) << "\n";
      }
      if (exporter_b_ != nullptr) {
        std::cerr << "---- exporter B log (tail) ----\n"
                  << Tail(exporter_b_->Stderr(), kLogTailLines) << "\n";
      }
    }
  }

  // StartExporterA runs vantage "local": every target kind of the scenario,
  // both status pages, failure and recovery after one probe.
  bool StartExporterA() {
    const std::time_t now = std::time(nullptr);
    const std::string config = Substitute(R"(global:
  failure_threshold: 1
  recovery_threshold: 1
modules:
  http_2xx:
    prober: http
    timeout: 2s
    http:
      preferred_ip_protocol: ip4
  http_tls:
    prober: http
    timeout: 2s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: "$CA_FILE"
  dns_split:
    prober: dns
    timeout: 2s
    dns:
      query_name: split.test
      query_type: A
      resolvers: ["$DNS_A", "$DNS_B"]
status_pages:
  - name: vendor
    url: "$VENDOR_PAGE"
    refresh_interval: 1s
  - name: broken
    url: "$BROKEN_PAGE"
    refresh_interval: 1s
targets:
  - target: "$CONTROL"
    module: http_2xx
    control: true
    labels: {service: canary}
  - target: "$HEALTHY"
    module: http_2xx
    labels: {service: web}
  - target: "$DOWN"
    module: http_2xx
    labels: {service: api}
    status_page: {page: vendor, components: [API]}
  - target: "$REFUSED"
    module: http_2xx
    labels: {service: edge}
  - target: "$MAINTENANCE"
    module: http_2xx
    labels: {service: batch}
    maintenance:
      - name: e2e window
        start: "$WINDOW_START"
        end: "$WINDOW_END"
  - target: "$TLS_SOON"
    module: http_tls
    labels: {service: tls}
  - target: "$TLS_EXPIRED"
    module: http_tls
    labels: {service: tls}
  - target: split.test
    module: dns_split
    labels: {service: dns}
)",
                                          {{"$CA_FILE", ca_file_},
                                           {"$DNS_A", dns_a_->address()},
                                           {"$DNS_B", dns_b_->address()},
                                           {"$VENDOR_PAGE", http_->Url("/vendor")},
                                           {"$BROKEN_PAGE", http_->Url("/broken")},
                                           {"$CONTROL", control_url_},
                                           {"$HEALTHY", healthy_url_},
                                           {"$DOWN", down_url_},
                                           {"$REFUSED", refused_url_},
                                           {"$MAINTENANCE", maintenance_url_},
                                           {"$WINDOW_START", Rfc3339(now - 3600)},
                                           {"$WINDOW_END", Rfc3339(now + 3600)},
                                           {"$TLS_SOON", tls_soon_url_},
                                           {"$TLS_EXPIRED", tls_expired_url_}});
    std::string error;
    exporter_a_ = ExporterProcess::StartWithFlags(
        {"--config.file=" + tmp_.WriteFile("outage_a.yml", config)}, &error);
    EXPECT_NE(exporter_a_, nullptr) << error;
    return exporter_a_ != nullptr;
  }

  // StartExporterB runs vantage "b", whose only control target is refused
  // (its own network is "down"), then fails a config reload on it.
  bool StartExporterB() {
    const std::string config =
        Substitute(R"(global:
  failure_threshold: 1
  recovery_threshold: 1
modules:
  http_2xx:
    prober: http
    timeout: 10s
    http:
      preferred_ip_protocol: ip4
targets:
  - target: "$CONTROL"
    module: http_2xx
    control: true
    labels: {service: canary}
  - target: "$DOWN"
    module: http_2xx
    labels: {service: api}
  - target: "$SLOW"
    module: http_2xx
    labels: {service: slow}
)",
                   {{"$CONTROL", blind_control_url_}, {"$DOWN", down_url_}, {"$SLOW", slow_url_}});
    const std::string path = tmp_.WriteFile("outage_b.yml", config);
    std::string error;
    exporter_b_ = ExporterProcess::StartWithFlags({"--config.file=" + path}, &error);
    EXPECT_NE(exporter_b_, nullptr) << error;
    if (exporter_b_ == nullptr) return false;
    // A broken file and SIGHUP: B keeps its config and reports the failure.
    tmp_.WriteFile("outage_b.yml", "targets: [this is: not valid\n");
    EXPECT_TRUE(exporter_b_->process().Signal(SIGHUP));
    return true;
  }

  // PrometheusConfig rewrites deploy/prometheus/prometheus.yml for this
  // scenario; "" with *error when its shape is not the one expected.
  std::string PrometheusConfig(std::string* error) {
    const std::string dir = std::string(OUTAGE_SOURCE_DIR) + "/deploy/prometheus";
    YAML::Node config;
    try {
      config = YAML::LoadFile(dir + "/prometheus.yml");
    } catch (const YAML::Exception& e) {
      *error = std::string("cannot load deploy/prometheus/prometheus.yml: ") + e.what();
      return "";
    }
    config["global"]["scrape_interval"] = "1s";
    config["global"]["scrape_timeout"] = "1s";
    config["global"]["evaluation_interval"] = "1s";
    config.remove("alerting");  // no Alertmanager here
    YAML::Node rule_files(YAML::NodeType::Sequence);
    for (const YAML::Node& f : config["rule_files"]) {
      const auto path = f.as<std::string>();
      std::string absolute = dir;
      absolute.append("/").append(path);
      rule_files.push_back(path.rfind('/', 0) == 0 ? path : absolute);
    }
    if (rule_files.size() == 0) {
      *error = "deploy/prometheus/prometheus.yml loads no rule_files";
      return "";
    }
    config["rule_files"] = rule_files;

    const std::string exporter_a = "127.0.0.1:" + std::to_string(exporter_a_->Port());
    const std::string exporter_b = "127.0.0.1:" + std::to_string(exporter_b_->Port());
    const std::string dead_exporter = "127.0.0.1:" + std::to_string(dead_exporter_.port());
    // The first /metrics job is the sidecar job, the first /probe job the
    // multi-target one. (A default-constructed YAML::Node counts as defined,
    // hence the optionals.)
    std::optional<YAML::Node> sidecar_job;
    std::optional<YAML::Node> probe_job;
    for (YAML::Node job : config["scrape_configs"]) {
      const std::string path =
          job["metrics_path"] ? job["metrics_path"].as<std::string>() : "/metrics";
      if (path == "/metrics" && !sidecar_job) sidecar_job = job;
      if (path == "/probe" && !probe_job) probe_job = job;
    }
    if (!sidecar_job || !probe_job) {
      *error = "deploy/prometheus/prometheus.yml needs a /metrics job and a /probe job";
      return "";
    }
    YAML::Node sidecar = *sidecar_job;
    YAML::Node probe = *probe_job;
    auto static_targets = [](const std::vector<std::string>& targets,
                             const std::map<std::string, std::string>& labels = {}) {
      YAML::Node block;
      for (const std::string& t : targets) block["targets"].push_back(t);
      for (const auto& [k, v] : labels) block["labels"][k] = v;
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back(block);
      return list;
    };
    // Relabel rules that set `vantage`, and the /probe job's final
    // __address__ rewrite, are the shipped ones with new values.
    auto set_replacement = [](YAML::Node job, const std::string& label, const std::string& value) {
      bool found = false;
      for (YAML::Node rule : job["relabel_configs"]) {
        if (rule["target_label"] && rule["target_label"].as<std::string>() == label &&
            !rule["source_labels"]) {
          rule["replacement"] = value;
          found = true;
        }
      }
      return found;
    };
    YAML::Node vantage_b = YAML::Clone(sidecar);
    sidecar.remove("scrape_timeout");
    sidecar["static_configs"] = static_targets({exporter_a});
    if (!set_replacement(sidecar, "vantage", "local")) {
      *error = "the /metrics job of deploy/prometheus/prometheus.yml sets no `vantage` label";
      return "";
    }
    vantage_b["job_name"] = sidecar["job_name"].as<std::string>() + "_b";
    vantage_b["scrape_interval"] = kVantageBInterval;
    vantage_b["scrape_timeout"] = kVantageBInterval;
    vantage_b["static_configs"] = static_targets({exporter_b, dead_exporter});
    set_replacement(vantage_b, "vantage", "b");
    config["scrape_configs"].push_back(vantage_b);

    probe.remove("scrape_timeout");
    probe["static_configs"] =
        static_targets({healthy_url_, down_url_}, {{"__param_module", "http_2xx"}});
    if (!set_replacement(probe, "__address__", exporter_a)) {
      *error = "the /probe job of deploy/prometheus/prometheus.yml does not rewrite __address__";
      return "";
    }
    YAML::Emitter out;
    out << config;
    return out.c_str();
  }

  bool StartPrometheus() {
    std::string error;
    const std::string config = PrometheusConfig(&error);
    EXPECT_FALSE(config.empty()) << error;
    if (config.empty()) return false;
    const std::string path = tmp_.WriteFile("prometheus.yml", config);
    prometheus_ = PrometheusProcess::Start(path, tmp_.PathOf("tsdb"),
                                           milliseconds(kPrometheusReadyTimeout), &error);
    EXPECT_NE(prometheus_, nullptr) << error << "\nconfig:\n" << config;
    return prometheus_ != nullptr;
  }

  QueryResult Query(const std::string& expr) {
    return QueryPrometheus(prometheus_->BaseUrl(), expr);
  }

  // LabelBy evaluates `expr` and maps each sample's `key` label to its
  // `value` label (or its value when `value` is empty), keeping samples whose
  // labels include every pair of `where`.
  std::map<std::string, std::string> LabelBy(const std::string& expr, const std::string& key,
                                             const std::string& value,
                                             const std::map<std::string, std::string>& where,
                                             std::string* described) {
    const QueryResult r = Query(expr);
    *described = r.Describe();
    std::map<std::string, std::string> out;
    for (const QuerySample& s : r.samples) {
      bool keep = true;
      for (const auto& [k, v] : where) {
        const auto it = s.labels.find(k);
        keep = keep && it != s.labels.end() && it->second == v;
      }
      const auto k = s.labels.find(key);
      if (!keep || k == s.labels.end()) continue;
      if (value.empty()) {
        out[k->second] = std::to_string(s.value);
      } else {
        const auto v = s.labels.find(value);
        out[k->second] = v == s.labels.end() ? "<none>" : v->second;
      }
    }
    return out;
  }

  // Declaration order is teardown order reversed: Prometheus and the
  // exporters stop (in TearDown) before the targets and the directory go.
  TempDir tmp_;
  RefusedPort refused_;
  RefusedPort blind_control_;
  RefusedPort dead_exporter_;
  std::unique_ptr<TestHttpServer> http_;
  std::unique_ptr<TestHttpServer> tls_soon_;
  std::unique_ptr<TestHttpServer> tls_expired_;
  std::unique_ptr<DnsTestServer> dns_a_;
  std::unique_ptr<DnsTestServer> dns_b_;
  std::string ca_file_;
  std::string healthy_url_, down_url_, refused_url_, maintenance_url_, control_url_, slow_url_,
      tls_soon_url_, tls_expired_url_, blind_control_url_;
  std::unique_ptr<ExporterProcess> exporter_a_;
  std::unique_ptr<ExporterProcess> exporter_b_;
  std::unique_ptr<PrometheusProcess> prometheus_;
};

TEST_F(DeployQueriesE2eTest, EveryShippedQueryEvaluatesAndTheScenarioFillsIt) {
  const Clock::time_point started = Clock::now();
  std::vector<Expression> expressions;
  std::string error;
  ASSERT_TRUE(ExtractQueries(&expressions, &error)) << error;
  std::set<std::string> keys;
  for (const Expression& e : expressions) {
    EXPECT_FALSE(e.expr.empty()) << e.Key() << " has an empty expression";
    keys.insert(e.Key());
  }
  for (const auto& [key, why] : ExpressionsAllowedEmpty()) {
    EXPECT_EQ(keys.count(key), 1u)
        << "ExpressionsAllowedEmpty lists " << key << ", which deploy/ no longer ships: remove it";
  }

  ASSERT_TRUE(StartExporterA());
  ASSERT_TRUE(StartExporterB());
  ASSERT_TRUE(StartPrometheus());

  // Poll until every expression evaluates and each one not allowed to be
  // empty returns data (recording rules over recording rules and the slower
  // vantage B need a few evaluations).
  std::vector<QueryResult> results(expressions.size());
  std::vector<double> first_data(expressions.size(), -1);  // s since Prometheus started
  const Clock::time_point prometheus_started = Clock::now();
  const Clock::time_point deadline = prometheus_started + kDataTimeout;
  while (true) {
    size_t pending = 0;
    for (size_t i = 0; i < expressions.size(); ++i) {
      results[i] = Query(expressions[i].expr);
      if (first_data[i] < 0 && results[i].ok && !results[i].samples.empty()) {
        first_data[i] = std::chrono::duration<double>(Clock::now() - prometheus_started).count();
      }
      const bool may_be_empty = ExpressionsAllowedEmpty().count(expressions[i].Key()) > 0;
      if (!results[i].ok || (results[i].samples.empty() && !may_be_empty)) ++pending;
    }
    if (pending == 0 || Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  const double waited = std::chrono::duration<double>(Clock::now() - started).count();

  // The table, and the verdict on each expression.
  std::ostringstream table;
  size_t non_empty = 0;
  size_t evaluated = 0;
  table << "\n  #  series  status  data@s  kind/name  ::  expression\n";
  for (size_t i = 0; i < expressions.size(); ++i) {
    const Expression& e = expressions[i];
    const QueryResult& r = results[i];
    const bool may_be_empty = ExpressionsAllowedEmpty().count(e.Key()) > 0;
    std::string status = "ok";
    if (r.ok) ++evaluated;
    if (!r.ok) {
      status = "ERROR";
    } else if (r.samples.empty()) {
      status = may_be_empty ? "empty" : "EMPTY!";
    } else {
      ++non_empty;
    }
    table << std::setw(3) << i << "  " << std::setw(6) << r.samples.size() << "  " << std::setw(6)
          << status << "  " << std::setw(6)
          << (first_data[i] < 0 ? std::string("-") : std::to_string(std::lround(first_data[i])))
          << "  " << e.Key() << "  ::  " << OneLine(e.expr, 110) << "\n";
    EXPECT_TRUE(r.ok) << e.Key() << " (" << e.source << ") does not evaluate:\n"
                      << e.expr << "\n-> " << r.error;
    if (r.ok && r.samples.empty() && !may_be_empty) {
      ADD_FAILURE() << e.Key() << " (" << e.source
                    << ") returned no data, but the scenario should fill it (extend the "
                       "scenario, or list it in ExpressionsAllowedEmpty with a reason):\n"
                    << e.expr;
    }
  }
  table << expressions.size() << " expressions, " << evaluated << " evaluated, " << non_empty
        << " non-empty (" << ExpressionsAllowedEmpty().size() << " allowed empty), data after "
        << std::fixed << std::setprecision(1) << waited << " s\n";
  std::cout << table.str();
  for (const auto& [key, why] : ExpressionsAllowedEmpty()) {
    std::cout << "  allowed empty: " << key << ": " << why << "\n";
  }

  // Every rule evaluated without error on this data (a many-to-many match or
  // duplicate alert label sets only show up here, not in a one-off query),
  // and every active alert's annotations expanded (their templates run
  // queries of their own).
  {
    const HttpResponse r = HttpGet(prometheus_->BaseUrl() + "/api/v1/rules");
    const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(r.ok && body.is_object() && body.contains("data")) << r.error << r.body;
    size_t rules = 0;
    const nlohmann::json groups = body["data"].value("groups", nlohmann::json::array());
    for (const nlohmann::json& group : groups) {
      const nlohmann::json group_rules = group.value("rules", nlohmann::json::array());
      for (const nlohmann::json& rule : group_rules) {
        ++rules;
        EXPECT_EQ(rule.value("health", ""), "ok")
            << "rule " << rule.value("name", "") << " in group " << group.value("name", "") << ": "
            << rule.value("lastError", "");
      }
    }
    EXPECT_GT(rules, 0u) << "Prometheus loaded no rules: " << r.body;
    const HttpResponse a = HttpGet(prometheus_->BaseUrl() + "/api/v1/alerts");
    const nlohmann::json alerts = nlohmann::json::parse(a.body, nullptr, false);
    ASSERT_TRUE(a.ok && alerts.is_object() && alerts.contains("data")) << a.error << a.body;
    size_t active = 0;
    const nlohmann::json active_alerts = alerts["data"].value("alerts", nlohmann::json::array());
    for (const nlohmann::json& alert : active_alerts) {
      ++active;
      const nlohmann::json labels = alert.value("labels", nlohmann::json::object());
      const nlohmann::json annotations = alert.value("annotations", nlohmann::json::object());
      for (const auto& [name, text] : annotations.items()) {
        const std::string value = text.is_string() ? text.get<std::string>() : text.dump();
        EXPECT_EQ(value.find("<error expanding template"), std::string::npos)
            << labels.dump() << " annotation " << name << ": " << value;
        EXPECT_FALSE(value.empty()) << labels.dump() << " annotation " << name << " is empty";
      }
    }
    std::cout << rules << " rules evaluated healthy; " << active
              << " alerts active (firing or pending), annotations expanded\n";
  }

  // Beyond non-empty: the alerts say the right thing about the right target.
  auto find = [&](const std::string& key) -> const Expression* {
    for (const Expression& e : expressions) {
      if (e.Key() == key) return &e;
    }
    ADD_FAILURE() << key << " is not shipped any more";
    return nullptr;
  };
  std::string seen;
  if (const Expression* down = find("alert/OutageTargetDown")) {
    // Each down target of vantage "local" with its reason; the maintenance
    // target and the healthy ones are not down.
    const std::map<std::string, std::string> want = {
        {down_url_, "http_5xx"}, {refused_url_, "network"}, {tls_expired_url_, "tls"}};
    EXPECT_EQ(LabelBy(down->expr, "target", "reason", {{"vantage", "local"}}, &seen), want) << seen;
    // Vantage b's targets behind its dead network are unknown, not down;
    // only its (failing) control target is down.
    const std::map<std::string, std::string> want_b = {{blind_control_url_, "network"}};
    EXPECT_EQ(LabelBy(down->expr, "target", "reason", {{"vantage", "b"}}, &seen), want_b) << seen;
  }
  if (const Expression* quorum = find("record/target:outage_down_quorum:bool")) {
    const std::map<std::string, std::string> got = LabelBy(quorum->expr, "target", "", {}, &seen);
    EXPECT_EQ(got.count(down_url_) ? got.at(down_url_) : "missing", std::to_string(1.0)) << seen;
    EXPECT_EQ(got.count(healthy_url_) ? got.at(healthy_url_) : "missing", std::to_string(0.0))
        << seen;
  }
  if (const Expression* vendor = find("alert/OutageVendorConfirmed")) {
    const std::map<std::string, std::string> got = LabelBy(vendor->expr, "target", "", {}, &seen);
    EXPECT_EQ(got.size(), 1u) << seen;
    EXPECT_EQ(got.count(down_url_), 1u) << seen;
  }
  if (const Expression* degraded = find("alert/OutageTargetDegraded")) {
    const std::map<std::string, std::string> got = LabelBy(degraded->expr, "target", "", {}, &seen);
    EXPECT_EQ(got.size(), 1u) << seen;
    EXPECT_EQ(got.count(slow_url_), 1u) << seen;
  }
  if (const Expression* maintenance = find("alert/OutageMaintenanceActive")) {
    const std::map<std::string, std::string> got =
        LabelBy(maintenance->expr, "target", "", {}, &seen);
    EXPECT_EQ(got.size(), 1u) << seen;
    EXPECT_EQ(got.count(maintenance_url_), 1u) << seen;
  }
  if (const Expression* network = find("alert/OutageVantageNetworkDown")) {
    const std::map<std::string, std::string> got = LabelBy(network->expr, "vantage", "", {}, &seen);
    EXPECT_EQ(got.size(), 1u) << seen;
    EXPECT_EQ(got.count("b"), 1u) << seen;
  }
}

}  // namespace
}  // namespace outage::test
