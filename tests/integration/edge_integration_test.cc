// The edge that answered: the real exporter's /probe against loopback HTTP
// servers that send each CDN's response headers, checking
// probe_http_edge_info{cdn,pop} and that nothing unrecognised is attributed.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

constexpr char kConfig[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  acme_edge:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      edge:
        rules:
          - header: X-Acme-Edge
            regexp: 'site=([a-z]+[0-9]*)'
            cdn: acme
)";

struct Env {
  TempDir tmp;
  std::unique_ptr<TestHttpServer> http;
  std::unique_ptr<ExporterProcess> exporter;
};
std::unique_ptr<Env> shared_env;
std::string shared_setup_error;

class EdgeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_env = std::make_unique<Env>();
    std::string error;
    shared_env->http = TestHttpServer::Start({}, &error);
    if (!shared_env->http) {
      shared_setup_error = "server: " + error;
      return;
    }
    TestHttpServer& s = *shared_env->http;
    s.Route("/fastly", Reply(200, {{"X-Served-By", "cache-sjc10043-SJC, cache-fra19120-FRA"}}));
    s.Route("/cloudflare", Reply(200, {{"CF-RAY", "230b030023ae2822-SJC"}}));
    s.Route("/cloudfront", Reply(200, {{"X-Amz-Cf-Pop", "JFK52-P2"}}));
    s.Route("/akamai",
            Reply(200, {{"X-Cache", "TCP_HIT from a23-67-252-148.deploy.akamaitechnologies.com"}}));
    s.Route("/google", Reply(200, {{"Via", "1.1 google"}}));
    s.Route("/plain", Reply(200, {{"Server", "nginx"}, {"X-Cache", "HIT"}}));
    s.Route("/fastly-503", Reply(503, {{"X-Served-By", "cache-lcy1128-LCY"}}));
    // A Cloudflare-fronted redirect to a Fastly-served page: the final
    // response names the edge.
    s.Route("/cf-redirect", [](const ServerRequest&, ResponseWriter& w) {
      w.Respond(302, {{"Location", "/fastly"}, {"CF-RAY", "230b030023ae2822-AMS"}}, "");
    });
    s.Route("/acme", Reply(200, {{"X-Acme-Edge", "site=ams3"}, {"CF-RAY", "1-SJC"}}));
    const std::string config = shared_env->tmp.WriteFile("edge.yml", kConfig);
    shared_env->exporter = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error);
    if (!shared_env->exporter) shared_setup_error = "exporter: " + error;
  }

  static void TearDownTestSuite() { shared_env.reset(); }

  void SetUp() override { ASSERT_TRUE(shared_setup_error.empty()) << shared_setup_error; }

  // Probe runs one /probe of `path` and returns its metrics, after checking
  // that the output is well formed.
  static MetricsText Probe(const std::string& path, const std::string& module = "http_2xx",
                           std::string* body = nullptr) {
    const HttpResponse r = HttpGet(shared_env->exporter->BaseUrl() +
                                       "/probe?target=" + UrlEncode(shared_env->http->Url(path)) +
                                       "&module=" + module + (body != nullptr ? "&debug=true" : ""),
                                   {}, std::chrono::seconds(30));
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << r.body;
    if (body != nullptr) {
      *body = r.body;
      return {};
    }
    ExpectPromtoolClean(r.body);
    MetricsText metrics = MetricsText::Parse(r.body);
    ExpectWellFormedProbe(metrics);
    return metrics;
  }

  // Edge is "cdn/pop" from probe_http_edge_info, "none" without a series.
  static std::string Edge(const MetricsText& m) {
    const auto samples = m.Find("probe_http_edge_info");
    if (samples.empty()) return "none";
    EXPECT_EQ(samples.size(), 1u);
    EXPECT_EQ(samples[0].value, 1);
    return samples[0].labels.at("cdn") + "/" + samples[0].labels.at("pop");
  }
};

TEST_F(EdgeTest, EachCdnIsRecognisedFromItsOwnHeaders) {
  EXPECT_EQ(Edge(Probe("/fastly")), "fastly/FRA");
  EXPECT_EQ(Edge(Probe("/cloudflare")), "cloudflare/SJC");
  EXPECT_EQ(Edge(Probe("/cloudfront")), "cloudfront/JFK52");
  EXPECT_EQ(Edge(Probe("/akamai")), "akamai/");
  EXPECT_EQ(Edge(Probe("/google")), "google/");
}

TEST_F(EdgeTest, UnrecognisedResponseHasNoSeries) { EXPECT_EQ(Edge(Probe("/plain")), "none"); }

TEST_F(EdgeTest, FailingResponseStillNamesItsEdge) {
  const MetricsText m = Probe("/fastly-503");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(Edge(m), "fastly/LCY");
}

TEST_F(EdgeTest, TheFinalResponseOfARedirectChainCounts) {
  EXPECT_EQ(Edge(Probe("/cf-redirect")), "fastly/FRA");
}

TEST_F(EdgeTest, ModuleRulesWinOverBuiltIns) {
  EXPECT_EQ(Edge(Probe("/acme", "acme_edge")), "acme/ams3");
  EXPECT_EQ(Edge(Probe("/cloudflare", "acme_edge")), "cloudflare/SJC");
}

TEST_F(EdgeTest, TheProbeLogNamesTheEdge) {
  std::string body;
  Probe("/cloudflare", "http_2xx", &body);
  EXPECT_NE(body.find("msg=\"Edge that answered\" cdn=cloudflare pop=SJC"), std::string::npos)
      << body;
}

}  // namespace
}  // namespace outage::test
