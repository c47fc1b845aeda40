// Runs the real exporter's /probe against local HTTP(S) and raw TCP servers
// and checks, case by case, the verdict (probe_success, the one-hot
// probe_failure_reason) and the facts blackbox users rely on.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/metrics_text.h"
#include "tests/support/probe_assertions.h"
#include "tests/support/raw_tcp_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kLeafValidDays = 45;
constexpr int64_t kHugeBodyBytes = int64_t{32} * 1024 * 1024;  // vs a 1 KiB limit
// 200 KiB whose only "all good" starts 4 bytes before 8 KiB: the match spans
// the prober's receive buffers, whatever their size below 8 KiB.
const std::string kDeepGoodBody =
    std::string(8188, 'x') + "all good" + std::string(200 * 1024 - 8196, 'y');

// The modules every test may use; CA_FILE is replaced with the generated CA.
constexpr char kConfigTemplate[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  timeout_1s:
    prober: http
    timeout: 1s
    http:
      preferred_ip_protocol: ip4
  no_redirects:
    prober: http
    timeout: 5s
    http:
      follow_redirects: false
      preferred_ip_protocol: ip4
  no_redirects_302_valid:
    prober: http
    timeout: 5s
    http:
      follow_redirects: false
      valid_status_codes: [302]
      preferred_ip_protocol: ip4
  valid_404:
    prober: http
    timeout: 5s
    http:
      valid_status_codes: [404]
      preferred_ip_protocol: ip4
  body_must_not_match:
    prober: http
    timeout: 5s
    http:
      fail_if_body_matches_regexp: ["maintenance mode"]
      preferred_ip_protocol: ip4
  body_must_match:
    prober: http
    timeout: 5s
    http:
      fail_if_body_not_matches_regexp: ["all good"]
      preferred_ip_protocol: ip4
  header_must_not_match:
    prober: http
    timeout: 5s
    http:
      fail_if_header_matches:
        - header: X-Status
          regexp: degraded
      preferred_ip_protocol: ip4
  header_must_not_match_allow_missing:
    prober: http
    timeout: 5s
    http:
      fail_if_header_matches:
        - header: X-Status
          regexp: degraded
          allow_missing: true
      preferred_ip_protocol: ip4
  small_body_limit:
    prober: http
    timeout: 5s
    http:
      body_size_limit: 1KiB
      preferred_ip_protocol: ip4
  tls_ca:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: CA_FILE
  tls_insecure:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        insecure_skip_verify: true
  require_ssl:
    prober: http
    timeout: 5s
    http:
      fail_if_not_ssl: true
      preferred_ip_protocol: ip4
  forbid_ssl:
    prober: http
    timeout: 5s
    http:
      fail_if_ssl: true
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: CA_FILE
  basic_auth:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      basic_auth:
        username: alice
        password: s3cret
  bearer:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      bearer_token: tok-123
  post_json:
    prober: http
    timeout: 5s
    http:
      method: POST
      headers:
        Content-Type: application/json
        X-Custom: hello
      body: '{"ping":true}'
      preferred_ip_protocol: ip4
)";

// Lookup returns m[key], or "<missing KEY>" so a failed expectation says so.
std::string Lookup(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "<missing " + key + ">" : it->second;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Env is everything the tests share: certificates, servers and one exporter.
struct Env {
  TempDir tmp;
  TestCerts certs;
  std::unique_ptr<TestHttpServer> http;
  std::unique_ptr<TestHttpServer> https_leaf;
  std::unique_ptr<TestHttpServer> https_tls12;
  std::unique_ptr<TestHttpServer> https_self_signed;
  std::unique_ptr<TestHttpServer> https_expired;
  std::unique_ptr<RawTcpServer> never_answers;
  std::unique_ptr<RawTcpServer> closes_at_once;
  std::unique_ptr<RawTcpServer> resets;
  RefusedPort refused;
  std::string config_path;
  std::unique_ptr<ExporterProcess> exporter;
};

// ProbeOutcome is one /probe call: the HTTP answer and its parsed metrics.
struct ProbeOutcome {
  HttpResponse response;
  MetricsText metrics;
};

// Shared by every test of the suite; built in SetUpTestSuite.
std::unique_ptr<Env> shared_env;
std::string shared_setup_error;

class HttpProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_env = std::make_unique<Env>();
    shared_setup_error.clear();
    std::string error;
    auto certs = GenerateTestCerts(shared_env->tmp.path(), kLeafValidDays, &error);
    if (!certs) {
      shared_setup_error = "certificates: " + error;
      return;
    }
    shared_env->certs = *certs;
    const auto https = [&](const CertFiles& cert, const std::string& version) {
      TestHttpServerOptions o;
      o.cert_path = cert.cert_path;
      o.key_path = cert.key_path;
      o.tls_version = version;
      auto server = TestHttpServer::Start(o, &error);
      if (server) server->AddStandardRoutes();
      return server;
    };
    shared_env->http = TestHttpServer::Start({}, &error);
    shared_env->https_leaf = https(shared_env->certs.leaf, "");
    shared_env->https_tls12 = https(shared_env->certs.leaf, "TLS1.2");
    shared_env->https_self_signed = https(shared_env->certs.self_signed, "");
    shared_env->https_expired = https(shared_env->certs.expired, "");
    shared_env->never_answers = RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
    shared_env->closes_at_once = RawTcpServer::Start(RawBehavior::kCloseImmediately, &error);
    shared_env->resets = RawTcpServer::Start(RawBehavior::kReset, &error);
    if (!shared_env->http || !shared_env->https_leaf || !shared_env->https_tls12 ||
        !shared_env->https_self_signed || !shared_env->https_expired ||
        !shared_env->never_answers || !shared_env->closes_at_once || !shared_env->resets ||
        shared_env->refused.port() == 0) {
      shared_setup_error = "servers: " + error;
      return;
    }
    AddRoutes(*shared_env->http);
    shared_env->config_path = shared_env->tmp.WriteFile(
        "probe.yml", ReplaceAll(kConfigTemplate, "CA_FILE", shared_env->certs.ca.cert_path));
    StartExporter();
  }

  static void TearDownTestSuite() { shared_env.reset(); }

  static void StartExporter() {
    std::string error;
    shared_env->exporter =
        ExporterProcess::StartWithFlags({"--config.file=" + shared_env->config_path}, &error);
    if (!shared_env->exporter) shared_setup_error = "exporter: " + error;
  }

  static void AddRoutes(TestHttpServer& s) {
    s.AddStandardRoutes();
    const HeaderList text = {{"Content-Type", "text/plain"}};
    s.Route("/status/404", Reply(404, text, "nope\n"));
    s.Route("/status/429", Reply(429, {{"Retry-After", "1"}}, "slow down\n"));
    s.Route("/status/503", Reply(503, text, "unavailable\n"));
    s.Route("/status/302", RedirectTo("/ok"));
    s.Route("/body/maintenance", Reply(200, text, "<p>site is in maintenance mode</p>\n"));
    s.Route("/body/good", Reply(200, text, "status: all good\n"));
    s.Route("/body/good-deep", Reply(200, text, kDeepGoodBody));
    s.Route("/header/degraded", Reply(200, {{"X-Status", "degraded"}}, "ok\n"));
    s.Route("/header/healthy", Reply(200, {{"X-Status", "healthy"}}, "ok\n"));
    s.Route("/last-modified",
            Reply(200, {{"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}}, "ok\n"));
    s.Route("/slow", Delay(seconds(3), Reply(200, text, "late\n")));
    s.Route("/huge", HugeBody(kHugeBodyBytes));
    // "alice:s3cret" in base64.
    s.Route("/basic", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.Header("Authorization") == "Basic YWxpY2U6czNjcmV0";
      w.Respond(ok ? 200 : 401, {}, ok ? "welcome\n" : "who are you?\n");
    });
    s.Route("/bearer", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.Header("Authorization") == "Bearer tok-123";
      w.Respond(ok ? 200 : 401, {}, ok ? "welcome\n" : "who are you?\n");
    });
    s.Route("/post", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.method == "POST" && r.body == "{\"ping\":true}" &&
                      r.Header("Content-Type") == "application/json" &&
                      r.Header("X-Custom") == "hello";
      w.Respond(ok ? 200 : 400, {}, ok ? "pong\n" : "unexpected request\n");
    });
  }

  void SetUp() override {
    ASSERT_TRUE(shared_setup_error.empty()) << shared_setup_error;
    // Counts are per test even when one process runs them all.
    for (TestHttpServer* s :
         {shared_env->http.get(), shared_env->https_leaf.get(), shared_env->https_tls12.get(),
          shared_env->https_self_signed.get(), shared_env->https_expired.get()}) {
      s->ResetCounts();
    }
    // A crash in an earlier test must not hide behind this one's failure.
    if (shared_env->exporter == nullptr || !shared_env->exporter->process().Running()) {
      ADD_FAILURE() << "the exporter died before this test; stderr:\n"
                    << (shared_env->exporter != nullptr ? shared_env->exporter->Stderr() : "");
      StartExporter();
      ASSERT_TRUE(shared_setup_error.empty()) << shared_setup_error;
    }
  }

  void TearDown() override {
    if (HasFailure() && shared_env != nullptr && shared_env->exporter != nullptr) {
      std::cerr << "---- exporter stderr (last 3000 bytes) ----\n"
                << LastBytes(shared_env->exporter->Stderr(), 3000) << "\n";
    }
  }

  static std::string LastBytes(const std::string& s, size_t n) {
    return s.size() <= n ? s : s.substr(s.size() - n);
  }

  static std::string ProbeUrl(const std::string& target, const std::string& module) {
    std::string url = shared_env->exporter->BaseUrl() + "/probe?target=" + UrlEncode(target);
    if (!module.empty()) url += "&module=" + UrlEncode(module);
    return url;
  }

  // Probe runs one /probe and checks what must hold for any outcome: a 200
  // with promtool-clean, well-formed probe metrics.
  static ProbeOutcome Probe(const std::string& target, const std::string& module,
                            const HeaderList& headers = {}) {
    ProbeOutcome out;
    out.response = HttpGet(ProbeUrl(target, module), headers, seconds(30));
    EXPECT_TRUE(out.response.ok) << out.response.error;
    EXPECT_EQ(out.response.status, 200) << out.response.body;
    const std::string type = out.response.headers["content-type"];
    EXPECT_NE(type.find("text/plain"), std::string::npos) << type;
    out.metrics = MetricsText::Parse(out.response.body);
    ExpectPromtoolClean(out.response.body);
    ExpectWellFormedProbe(out.metrics);
    return out;
  }

  static double Val(const ProbeOutcome& p, const std::string& name, const Labels& l = {}) {
    const std::optional<double> v = p.metrics.Value(name, l);
    EXPECT_TRUE(v.has_value()) << "no single " << name << FormatLabels(l) << " in:\n"
                               << p.response.body;
    return v.value_or(-12345);
  }

  static void ExpectFailure(const ProbeOutcome& p, const std::string& reason) {
    EXPECT_EQ(Val(p, "probe_success"), 0) << p.response.body;
    EXPECT_EQ(p.metrics.FailureReason(), reason) << p.response.body;
  }

  static void ExpectSuccess(const ProbeOutcome& p) {
    EXPECT_EQ(Val(p, "probe_success"), 1) << p.response.body;
    EXPECT_EQ(p.metrics.FailureReason(), "none") << p.response.body;
  }

  static std::string Url(const std::string& path) { return shared_env->http->Url(path); }
};

// --- Status codes -----------------------------------------------------------

TEST_F(HttpProbeTest, Status200Succeeds) {
  const ProbeOutcome p = Probe(Url("/ok"), "http_2xx");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_status_code"), 200);
  EXPECT_EQ(Val(p, "probe_http_content_length"), 3);
  EXPECT_EQ(Val(p, "probe_http_uncompressed_body_length"), 3);
  EXPECT_EQ(Val(p, "probe_http_redirects"), 0);
  EXPECT_EQ(Val(p, "probe_http_ssl"), 0);
  EXPECT_EQ(Val(p, "probe_http_version"), 1.1);
  EXPECT_EQ(Val(p, "probe_ip_protocol"), 4);
  EXPECT_TRUE(p.metrics.Has("probe_ip_addr_hash"));
  EXPECT_TRUE(p.metrics.Has("probe_dns_lookup_time_seconds"));
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 0);
  EXPECT_FALSE(p.metrics.Has("probe_http_last_modified_timestamp_seconds"));
  EXPECT_GT(Val(p, "probe_duration_seconds"), 0);
  EXPECT_LT(Val(p, "probe_duration_seconds"), 5);
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 1);
}

TEST_F(HttpProbeTest, Status404FailsWithHttpStatus) {
  const ProbeOutcome p = Probe(Url("/status/404"), "http_2xx");
  ExpectFailure(p, "http_status");
  EXPECT_EQ(Val(p, "probe_http_status_code"), 404);
}

TEST_F(HttpProbeTest, Status429FailsWithHttp429) {
  const ProbeOutcome p = Probe(Url("/status/429"), "http_2xx");
  ExpectFailure(p, "http_429");
  EXPECT_EQ(Val(p, "probe_http_status_code"), 429);
}

TEST_F(HttpProbeTest, Status503FailsWithHttp5xx) {
  const ProbeOutcome p = Probe(Url("/status/503"), "http_2xx");
  ExpectFailure(p, "http_5xx");
  EXPECT_EQ(Val(p, "probe_http_status_code"), 503);
}

TEST_F(HttpProbeTest, ValidStatusCodes404Succeeds) {
  const ProbeOutcome p = Probe(Url("/status/404"), "valid_404");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_status_code"), 404);
}

// --- Redirects --------------------------------------------------------------

TEST_F(HttpProbeTest, RedirectChainIsFollowed) {
  const ProbeOutcome p = Probe(Url("/redirect/3"), "http_2xx");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_redirects"), 3);
  EXPECT_EQ(Val(p, "probe_http_status_code"), 200);
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 1);
  EXPECT_EQ(shared_env->http->RequestCount("/redirect/1"), 1);
}

TEST_F(HttpProbeTest, RedirectLoopFailsWithProtocol) {
  const ProbeOutcome p = Probe(Url("/loop/a"), "http_2xx");
  ExpectFailure(p, "protocol");
  const int hops =
      shared_env->http->RequestCount("/loop/a") + shared_env->http->RequestCount("/loop/b");
  EXPECT_GE(hops, 10);
  EXPECT_LE(hops, 12) << "the redirect limit is 10";
}

TEST_F(HttpProbeTest, NoFollowRedirectsReports302AsHttpStatus) {
  const ProbeOutcome p = Probe(Url("/status/302"), "no_redirects");
  ExpectFailure(p, "http_status");
  EXPECT_EQ(Val(p, "probe_http_status_code"), 302);
  EXPECT_EQ(Val(p, "probe_http_redirects"), 1) << "blackbox counts the redirect it did not follow";
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 0);
}

TEST_F(HttpProbeTest, NoFollowRedirectsWith302ValidSucceeds) {
  const ProbeOutcome p = Probe(Url("/status/302"), "no_redirects_302_valid");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_status_code"), 302);
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 0);
}

// --- Content assertions -------------------------------------------------------

TEST_F(HttpProbeTest, BodyMatchesRegexpFailsWithContent) {
  const ProbeOutcome p = Probe(Url("/body/maintenance"), "body_must_not_match");
  ExpectFailure(p, "content");
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 1);
  EXPECT_EQ(Val(p, "probe_http_status_code"), 200);
}

TEST_F(HttpProbeTest, BodyMatchesRegexpNotMatchingSucceeds) {
  const ProbeOutcome p = Probe(Url("/body/good"), "body_must_not_match");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 0);
}

TEST_F(HttpProbeTest, BodyNotMatchesRegexpMatchingSucceeds) {
  const ProbeOutcome p = Probe(Url("/body/good"), "body_must_match");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 0);
}

TEST_F(HttpProbeTest, BodyRegexpFindsTextAcrossReads) {
  const ProbeOutcome p = Probe(Url("/body/good-deep"), "body_must_match");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 0);
  EXPECT_EQ(Val(p, "probe_http_content_length"), static_cast<double>(kDeepGoodBody.size()));
}

TEST_F(HttpProbeTest, BodyNotMatchesRegexpMissingFailsWithContent) {
  const ProbeOutcome p = Probe(Url("/ok"), "body_must_match");
  ExpectFailure(p, "content");
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 1);
}

TEST_F(HttpProbeTest, HeaderMatchesFailsWithContent) {
  const ProbeOutcome p = Probe(Url("/header/degraded"), "header_must_not_match");
  ExpectFailure(p, "content");
  EXPECT_EQ(Val(p, "probe_failed_due_to_regex"), 1);
}

TEST_F(HttpProbeTest, HeaderMatchesWithoutTheHeaderFailsUnlessAllowMissing) {
  // blackbox semantics: a missing header fails unless allow_missing is set.
  ExpectFailure(Probe(Url("/ok"), "header_must_not_match"), "content");
  ExpectSuccess(Probe(Url("/ok"), "header_must_not_match_allow_missing"));
}

TEST_F(HttpProbeTest, HeaderMatchesNotMatchingSucceeds) {
  ExpectSuccess(Probe(Url("/header/healthy"), "header_must_not_match"));
}

TEST_F(HttpProbeTest, LastModifiedHeaderIsReported) {
  const ProbeOutcome p = Probe(Url("/last-modified"), "http_2xx");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_last_modified_timestamp_seconds"), 1445412480);
}

// --- Timeouts and broken peers ------------------------------------------------

TEST_F(HttpProbeTest, SlowResponsePastModuleTimeoutTimesOut) {
  const ProbeOutcome p = Probe(Url("/slow"), "timeout_1s");
  ExpectFailure(p, "timeout");
  EXPECT_GE(Val(p, "probe_duration_seconds"), 0.9);
  EXPECT_LT(Val(p, "probe_duration_seconds"), 1.3);
  EXPECT_LT(p.response.elapsed.count(), 1.4) << "the probe must end at its deadline";
}

TEST_F(HttpProbeTest, ScrapeTimeoutHeaderShortensDeadline) {
  // 1.5 s scrape timeout - 0.5 s default offset = 1 s, below the module's 5 s.
  const ProbeOutcome p =
      Probe(Url("/slow"), "http_2xx", {{"X-Prometheus-Scrape-Timeout-Seconds", "1.5"}});
  ExpectFailure(p, "timeout");
  EXPECT_GE(Val(p, "probe_duration_seconds"), 0.9);
  EXPECT_LT(p.response.elapsed.count(), 1.4);
}

TEST_F(HttpProbeTest, ServerThatNeverAnswersTimesOut) {
  const ProbeOutcome p = Probe(shared_env->never_answers->Url("/"), "timeout_1s");
  ExpectFailure(p, "timeout");
  EXPECT_GE(shared_env->never_answers->AcceptedCount(), 1);
  EXPECT_LT(p.response.elapsed.count(), 1.4);
}

TEST_F(HttpProbeTest, ServerThatClosesAtOnceIsProtocol) {
  const ProbeOutcome p = Probe(shared_env->closes_at_once->Url("/"), "http_2xx");
  ExpectFailure(p, "protocol");
  EXPECT_GE(shared_env->closes_at_once->AcceptedCount(), 1);
}

TEST_F(HttpProbeTest, ConnectionResetIsNetwork) {
  // DESIGN.md: "connect refused, reset, unreachable" → network.
  const ProbeOutcome p = Probe(shared_env->resets->Url("/"), "http_2xx");
  ExpectFailure(p, "network");
}

TEST_F(HttpProbeTest, BodyOverSizeLimitIsProtocol) {
  const ProbeOutcome p = Probe(Url("/huge"), "small_body_limit");
  ExpectFailure(p, "protocol");
  // As blackbox: the response's Content-Length, and what was read up to the limit.
  EXPECT_EQ(Val(p, "probe_http_content_length"), kHugeBodyBytes);
  EXPECT_EQ(Val(p, "probe_http_uncompressed_body_length"), 1024);
  EXPECT_LT(p.response.elapsed.count(), 5);
}

TEST_F(HttpProbeTest, RefusedPortIsNetwork) {
  const ProbeOutcome p =
      Probe("http://127.0.0.1:" + std::to_string(shared_env->refused.port()) + "/", "http_2xx");
  ExpectFailure(p, "network");
}

TEST_F(HttpProbeTest, UnresolvableNameIsDns) {
  const ProbeOutcome p = Probe("http://nothing.invalid/", "http_2xx");
  ExpectFailure(p, "dns");
}

// --- TLS ------------------------------------------------------------------------

TEST_F(HttpProbeTest, SelfSignedCertificateIsTls) {
  const ProbeOutcome p = Probe(shared_env->https_self_signed->Url("/ok"), "http_2xx");
  ExpectFailure(p, "tls");
  EXPECT_EQ(shared_env->https_self_signed->RequestCount("/ok"), 0);
}

TEST_F(HttpProbeTest, ExpiredCertificateIsTls) {
  // The CA is trusted, so expiry is the only thing wrong.
  const ProbeOutcome p = Probe(shared_env->https_expired->Url("/ok"), "tls_ca");
  ExpectFailure(p, "tls");
  EXPECT_EQ(shared_env->https_expired->RequestCount("/ok"), 0);
}

TEST_F(HttpProbeTest, CaSignedCertificateSucceedsWithCertFacts) {
  const ProbeOutcome p = Probe(shared_env->https_leaf->Url("/ok"), "tls_ca");
  ExpectSuccess(p);
  const CertFiles& leaf = shared_env->certs.leaf;
  EXPECT_EQ(Val(p, "probe_http_ssl"), 1);
  EXPECT_EQ(Val(p, "probe_ssl_earliest_cert_expiry"), static_cast<double>(leaf.not_after));
  EXPECT_EQ(Val(p, "probe_ssl_last_chain_expiry_timestamp_seconds"),
            static_cast<double>(leaf.not_after));
  EXPECT_EQ(Val(p, "probe_tls_version_info", {{"version", "TLS 1.3"}}), 1);
  const std::vector<Sample> info = p.metrics.Find("probe_ssl_last_chain_info");
  ASSERT_EQ(info.size(), 1u) << p.response.body;
  EXPECT_EQ(info[0].value, 1);
  EXPECT_EQ(Lookup(info[0].labels, "fingerprint_sha256"), CertSha256Fingerprint(leaf.cert_path));
  EXPECT_NE(Lookup(info[0].labels, "subject").find("CN=localhost"), std::string::npos);
  EXPECT_NE(Lookup(info[0].labels, "issuer").find("CN=outage test CA"), std::string::npos);
  EXPECT_NE(Lookup(info[0].labels, "subjectalternative").find("localhost"), std::string::npos);
  EXPECT_GT(Val(p, "probe_http_duration_seconds", {{"phase", "tls"}}), 0);
  EXPECT_EQ(shared_env->https_leaf->RequestCount("/ok"), 1);
}

TEST_F(HttpProbeTest, TlsVersionInfoReportsNegotiatedTls12) {
  const ProbeOutcome p = Probe(shared_env->https_tls12->Url("/ok"), "tls_ca");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_tls_version_info", {{"version", "TLS 1.2"}}), 1);
  EXPECT_EQ(p.metrics.Find("probe_tls_version_info").size(), 1u) << p.response.body;
}

TEST_F(HttpProbeTest, InsecureSkipVerifyAcceptsSelfSigned) {
  const ProbeOutcome p = Probe(shared_env->https_self_signed->Url("/ok"), "tls_insecure");
  ExpectSuccess(p);
  EXPECT_EQ(Val(p, "probe_http_ssl"), 1);
}

TEST_F(HttpProbeTest, FailIfNotSslOnPlainHttpIsTls) {
  const ProbeOutcome p = Probe(Url("/ok"), "require_ssl");
  ExpectFailure(p, "tls");
  EXPECT_EQ(Val(p, "probe_http_ssl"), 0);
}

TEST_F(HttpProbeTest, FailIfSslOnHttpsIsProtocol) {
  const ProbeOutcome p = Probe(shared_env->https_leaf->Url("/ok"), "forbid_ssl");
  ExpectFailure(p, "protocol");
  EXPECT_EQ(Val(p, "probe_http_ssl"), 1);
}

// --- Request shaping ----------------------------------------------------------

TEST_F(HttpProbeTest, BasicAuthReachesServer) {
  const ProbeOutcome p = Probe(Url("/basic"), "basic_auth");
  ExpectSuccess(p);
  const std::optional<ServerRequest> seen = shared_env->http->LastRequest("/basic");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Authorization"), "Basic YWxpY2U6czNjcmV0");
}

TEST_F(HttpProbeTest, BearerTokenReachesServer) {
  const ProbeOutcome p = Probe(Url("/bearer"), "bearer");
  ExpectSuccess(p);
  const std::optional<ServerRequest> seen = shared_env->http->LastRequest("/bearer");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Authorization"), "Bearer tok-123");
}

TEST_F(HttpProbeTest, PostWithBodyAndHeadersReachesServer) {
  const ProbeOutcome p = Probe(Url("/post"), "post_json");
  ExpectSuccess(p);
  const std::optional<ServerRequest> seen = shared_env->http->LastRequest("/post");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->body, "{\"ping\":true}");
  EXPECT_EQ(seen->Header("Content-Type"), "application/json");
  EXPECT_EQ(seen->Header("X-Custom"), "hello");
}

TEST_F(HttpProbeTest, ModuleDefaultsToHttp2xx) {
  const ProbeOutcome p = Probe(Url("/ok"), "");
  ExpectSuccess(p);
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 1);
}

// --- Bad requests to /probe -----------------------------------------------------

TEST_F(HttpProbeTest, MissingTargetIs400WithOneLineReason) {
  const HttpResponse r = HttpGet(shared_env->exporter->BaseUrl() + "/probe?module=http_2xx");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CountLines(r.body), 1) << r.body;
  EXPECT_NE(Lower(r.body).find("target"), std::string::npos) << r.body;
}

TEST_F(HttpProbeTest, UnknownModuleIs400WithOneLineReason) {
  const HttpResponse r = HttpGet(ProbeUrl(Url("/ok"), "no_such_module"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CountLines(r.body), 1) << r.body;
  EXPECT_NE(r.body.find("no_such_module"), std::string::npos) << r.body;
  EXPECT_EQ(shared_env->http->RequestCount("/ok"), 0);
}

TEST_F(HttpProbeTest, NonHttpSchemesAre400AndNeverFetched) {
  std::string error;
  const std::unique_ptr<RawTcpServer> listener =
      RawTcpServer::Start(RawBehavior::kNeverAnswer, &error);
  ASSERT_NE(listener, nullptr) << error;
  const std::string port = std::to_string(listener->Port());
  const std::vector<std::string> targets = {"gopher://127.0.0.1:" + port + "/",
                                            "file:///etc/passwd", "ftp://127.0.0.1:" + port + "/"};
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    const HttpResponse r = HttpGet(ProbeUrl(target, "http_2xx"));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(CountLines(r.body), 1) << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
  EXPECT_EQ(listener->AcceptedCount(), 0) << "nothing may connect for a non-http target";
}

TEST_F(HttpProbeTest, DebugReturnsLogsMetricsAndModule) {
  const HttpResponse r = HttpGet(ProbeUrl(Url("/status/503"), "http_2xx") + "&debug=true");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(Lookup(r.headers, "content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("probe_success 0"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("probe_http_status_code 503"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("prober: http"), std::string::npos) << "module as YAML:\n" << r.body;
  EXPECT_NE(r.body.find("/status/503"), std::string::npos) << "log lines:\n" << r.body;
  EXPECT_EQ(shared_env->http->RequestCount("/status/503"), 1);
}

}  // namespace
}  // namespace outage::test
