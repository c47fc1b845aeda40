// The blackbox_exporter options from 0.23 to 0.28 that this exporter serves,
// each run through the real binary against loopback servers; where
// blackbox 0.23 has the option, the same module also runs through the
// installed blackbox 0.23 and both must agree.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/blackbox_reference.h"
#include "tests/support/connect_proxy.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/security_netns.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

// Modules blackbox 0.23 loads too: run through both binaries.
constexpr char kParityModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  no_follow:
    prober: http
    timeout: 5s
    http:
      no_follow_redirects: true
      preferred_ip_protocol: ip4
  follow:
    prober: http
    timeout: 5s
    http:
      no_follow_redirects: false
      preferred_ip_protocol: ip4
  skip_resolve:
    prober: http
    timeout: 5s
    http:
      skip_resolve_phase_with_proxy: true
      preferred_ip_protocol: ip4
  tcp_leftover_http:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
    http:
      method: POST
      valid_status_codes: [204]
    dns:
      query_name: example.test
  token:
    prober: http
    timeout: 5s
    http:
      authorization:
        type: Token
        credentials: tok-42
      enable_http2: false
      preferred_ip_protocol: ip4
  gzip:
    prober: http
    timeout: 5s
    http:
      compression: gzip
      preferred_ip_protocol: ip4
  deflate:
    prober: http
    timeout: 5s
    http:
      compression: deflate
      preferred_ip_protocol: ip4
  small_limit:
    prober: http
    timeout: 5s
    http:
      body_size_limit: 1KiB
      preferred_ip_protocol: ip4
  relative_token:
    prober: http
    timeout: 5s
    http:
      authorization:
        type: Token
        credentials_file: relative-token
      preferred_ip_protocol: ip4
  connect_header:
    prober: http
    timeout: 5s
    http:
      proxy_url: PROXY_URL
      proxy_connect_header:
        X-Proxy-Token: [pt-SECRET]
        X-Proxy-Team: [sre, oncall]
      tls_config:
        ca_file: CA_FILE
      preferred_ip_protocol: ip4
)";

// "hello gzip\n", gzip-compressed.
constexpr char kGzipBody[] =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\x57\x48\xaf\xca\x2c\xe0\x02\x00"
    "\x39\x7c\x63\x56\x0b\x00\x00\x00";
constexpr int64_t kBigBodyBytes = 64 * 1024;

// Modules with options newer than 0.23: this exporter only.
constexpr char kNewerModules[] = R"(  client_options:
    prober: http
    timeout: 5s
    http:
      method: POST
      body_file: BODY_FILE
      http_headers:
        X-Team:
          values: [sre, oncall]
        X-Api-Key:
          secrets: [k-SECRET]
        X-From-File:
          files: [HEADER_FILE]
      authorization:
        type: Token
        credentials_file: TOKEN_FILE
      preferred_ip_protocol: ip4
  basic_from_files:
    prober: http
    timeout: 5s
    http:
      basic_auth:
        username_file: USER_FILE
        password_file: PASSWORD_FILE
      preferred_ip_protocol: ip4
  inline_ca:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        ca: |
INLINE_CA
  tcp_inline_ca:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      tls: true
      tls_config:
        ca: |
INLINE_CA
  host_header:
    prober: http
    timeout: 5s
    http:
      headers:
        Host: configured.example
      preferred_ip_protocol: ip4
)";

struct Env {
  TempDir tmp;
  TestCerts certs;
  std::unique_ptr<TestHttpServer> http;
  std::unique_ptr<TestHttpServer> https;
  std::unique_ptr<ConnectProxy> proxy;
  std::string parity_config;
  std::string full_config;
  std::unique_ptr<ExporterProcess> exporter;
};

class BlackboxOptionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env = std::make_unique<Env>();
    setup_error.clear();
    std::string error;
    auto certs = GenerateTestCerts(env->tmp.path(), 30, &error);
    if (!certs) {
      setup_error = "certificates: " + error;
      return;
    }
    env->certs = *certs;
    env->http = TestHttpServer::Start({}, &error);
    TestHttpServerOptions tls;
    tls.cert_path = env->certs.leaf.cert_path;
    tls.key_path = env->certs.leaf.key_path;
    env->https = TestHttpServer::Start(tls, &error);
    env->proxy = ConnectProxy::Start(&error);
    if (!env->http || !env->https || !env->proxy) {
      setup_error = "servers: " + error;
      return;
    }
    env->http->AddStandardRoutes();
    env->https->AddStandardRoutes();
    env->http->Route("/status/302", RedirectTo("/ok"));
    env->http->Route("/echo", Reply(200, {}, "echo\n"));
    env->http->Route("/gzip", Reply(200, {{"Content-Encoding", "gzip"}},
                                    std::string(kGzipBody, sizeof kGzipBody - 1)));
    env->http->Route("/big", HugeBody(kBigBodyBytes));
    env->http->Route("/token", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.Header("Authorization") == "Token tok-42";
      w.Respond(ok ? 200 : 401, {}, ok ? "welcome\n" : "who are you?\n");
    });
    // "ops:pa55" in base64.
    env->http->Route("/basic", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.Header("Authorization") == "Basic b3BzOnBhNTU=";
      w.Respond(ok ? 200 : 401, {}, ok ? "welcome\n" : "who are you?\n");
    });
    const std::string parity = Substitute(
        kParityModules, {{"PROXY_URL", env->proxy->Url()}, {"CA_FILE", env->certs.ca.cert_path}});
    env->parity_config = env->tmp.WriteFile("parity.yml", parity);
    const std::string inline_ca = Indent(ReadFileText(env->certs.ca.cert_path), 10);
    env->full_config = env->tmp.WriteFile(
        "full.yml",
        parity + Substitute(kNewerModules,
                            {{"BODY_FILE", env->tmp.WriteFile("body.json", "{\"ping\":true}")},
                             {"HEADER_FILE", env->tmp.WriteFile("header.txt", "from-file\n")},
                             {"TOKEN_FILE", env->tmp.WriteFile("token", "tok-42\n")},
                             {"USER_FILE", env->tmp.WriteFile("user", "ops\n")},
                             {"PASSWORD_FILE", env->tmp.WriteFile("password", "pa55\n")},
                             {"INLINE_CA\n", inline_ca}}));
    env->exporter = ExporterProcess::StartWithFlags({"--config.file=" + env->full_config}, &error);
    if (!env->exporter) setup_error = "exporter: " + error;
  }

  static void TearDownTestSuite() { env.reset(); }

  void TearDown() override {
    if (HasFailure() && env->exporter != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << Tail(env->exporter->Stderr(), 40) << "\n";
    }
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error.empty()) << setup_error;
    env->http->ResetCounts();
    env->https->ResetCounts();
    env->proxy->ClearRequests();
  }

  // Probe runs /probe on `exporter` with extra query parameters.
  static HttpResponse ProbeOn(const ExporterProcess& exporter, const std::string& target,
                              const std::string& module, const std::string& extra = "") {
    return HttpGet(exporter.BaseUrl() + "/probe?target=" + UrlEncode(target) + "&module=" + module +
                   extra);
  }

  static MetricsText Probe(const std::string& target, const std::string& module,
                           const std::string& extra = "") {
    const HttpResponse response = ProbeOn(*env->exporter, target, module, extra);
    EXPECT_EQ(response.status, 200) << response.error << response.body;
    return MetricsText::Parse(response.body);
  }

  static inline std::unique_ptr<Env> env;
  static inline std::string setup_error;
};

TEST_F(BlackboxOptionsTest, LeftoverSectionOfAnotherProberIsIgnoredWithOneWarning) {
  const MetricsText m =
      Probe("127.0.0.1:" + std::to_string(env->http->Port()), "tcp_leftover_http");
  EXPECT_EQ(m.Value("probe_success"), 1);
  const std::string log = env->exporter->Stderr();
  EXPECT_NE(log.find("modules.tcp_leftover_http: ignoring the section(s) for other probers "
                     "(http, dns)"),
            std::string::npos)
      << log;
}

TEST_F(BlackboxOptionsTest, NoFollowRedirectsStopsAtTheRedirect) {
  const MetricsText m = Probe(env->http->Url("/status/302"), "no_follow");
  EXPECT_EQ(m.Value("probe_success"), 0);
  EXPECT_EQ(m.Value("probe_http_status_code"), 302);
  EXPECT_EQ(env->http->RequestCount("/ok"), 0);
  EXPECT_NE(env->exporter->Stderr().find("no_follow_redirects is deprecated"), std::string::npos);
}

TEST_F(BlackboxOptionsTest, BodyInAnotherEncodingThanCompressionFails) {
  EXPECT_EQ(Probe(env->http->Url("/gzip"), "gzip").Value("probe_success"), 1);
  const MetricsText m = Probe(env->http->Url("/gzip"), "deflate");
  EXPECT_EQ(m.FailureReason(), "protocol");
}

TEST_F(BlackboxOptionsTest, BodyOverLimitStillReportsItsLengths) {
  const MetricsText m = Probe(env->http->Url("/big"), "small_limit");
  EXPECT_EQ(m.FailureReason(), "protocol");
  EXPECT_EQ(m.Value("probe_http_content_length"), kBigBodyBytes);
  EXPECT_EQ(m.Value("probe_http_uncompressed_body_length"), 1024);
}

TEST_F(BlackboxOptionsTest, HttpClientOptionsShapeTheRequest) {
  const MetricsText m = Probe(env->http->Url("/echo"), "client_options");
  EXPECT_EQ(m.Value("probe_success"), 1);
  const std::optional<ServerRequest> r = env->http->LastRequest("/echo");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->body, "{\"ping\":true}");
  EXPECT_EQ(r->Header("X-Team"), "sre, oncall");
  EXPECT_EQ(r->Header("X-Api-Key"), "k-SECRET");
  EXPECT_EQ(r->Header("X-From-File"), "from-file");
  EXPECT_EQ(r->Header("Authorization"), "Token tok-42");
}

TEST_F(BlackboxOptionsTest, SecretsStayOutOfTheDebugOutput) {
  const HttpResponse r =
      ProbeOn(*env->exporter, env->http->Url("/echo"), "client_options", "&debug=true");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("k-SECRET"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("X-Team"), std::string::npos) << r.body;
}

TEST_F(BlackboxOptionsTest, BasicAuthUsernameFileIsRead) {
  EXPECT_EQ(Probe(env->http->Url("/basic"), "basic_from_files").Value("probe_success"), 1);
}

TEST_F(BlackboxOptionsTest, InlineCaIsTrustedByHttpAndTcp) {
  EXPECT_EQ(Probe(env->https->Url("/ok"), "inline_ca").Value("probe_success"), 1);
  // The same server is untrusted without it.
  const MetricsText plain = Probe(env->https->Url("/ok"), "http_2xx");
  EXPECT_EQ(plain.FailureReason(), "tls");
  const MetricsText tcp = Probe("localhost:" + std::to_string(env->https->Port()), "tcp_inline_ca");
  EXPECT_EQ(tcp.Value("probe_success"), 1);
}

// Go sends proxy_connect_header on the tunnel's CONNECT only: neither the
// target nor a plain http request through the proxy sees it.
TEST_F(BlackboxOptionsTest, ProxyConnectHeaderGoesOnTheConnectOnly) {
  EXPECT_EQ(Probe(env->https->Url("/ok"), "connect_header").Value("probe_success"), 1);
  std::vector<ProxyRequest> seen = env->proxy->Requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "CONNECT");
  EXPECT_EQ(seen[0].Values("X-Proxy-Token"), std::vector<std::string>{"pt-SECRET"});
  EXPECT_EQ(seen[0].Values("X-Proxy-Team"), (std::vector<std::string>{"sre", "oncall"}));
  const std::optional<ServerRequest> at_target = env->https->LastRequest("/ok");
  ASSERT_TRUE(at_target.has_value());
  EXPECT_EQ(at_target->Header("X-Proxy-Token"), "");

  env->proxy->ClearRequests();
  EXPECT_EQ(Probe(env->http->Url("/ok"), "connect_header").Value("probe_success"), 1);
  seen = env->proxy->Requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_TRUE(seen[0].Values("X-Proxy-Token").empty());
}

TEST_F(BlackboxOptionsTest, ProxyConnectHeaderValuesAreSecrets) {
  const HttpResponse debug =
      ProbeOn(*env->exporter, env->https->Url("/ok"), "connect_header", "&debug=true");
  EXPECT_EQ(debug.status, 200);
  EXPECT_EQ(debug.body.find("pt-SECRET"), std::string::npos) << debug.body;
  EXPECT_NE(debug.body.find("X-Proxy-Token"), std::string::npos) << debug.body;
  const HttpResponse config = HttpGet(env->exporter->BaseUrl() + "/config");
  EXPECT_EQ(config.body.find("pt-SECRET"), std::string::npos) << config.body;
  EXPECT_NE(config.body.find("X-Proxy-Team"), std::string::npos) << config.body;
  EXPECT_EQ(env->exporter->Stderr().find("pt-SECRET"), std::string::npos);
}

// --log.prober sets the level of each probe's own lines in the process log;
// --log.level still filters them.
TEST_F(BlackboxOptionsTest, LogProberWritesProbeLinesAtItsLevel) {
  for (const char* prober_level : {"debug", "info"}) {
    ExporterOptions options;
    options.log_level = "info";
    options.flags = {"--config.file=" + env->parity_config,
                     std::string("--log.prober=") + prober_level};
    std::string error;
    auto exporter = ExporterProcess::Start(options, &error);
    ASSERT_NE(exporter, nullptr) << error;
    EXPECT_EQ(ProbeOn(*exporter, env->http->Url("/ok"), "http_2xx").status, 200);
    exporter->Stop();  // then its log is complete
    const std::string log = exporter->Stderr();
    const bool shown = log.find("msg=\"Probe log line\" module=http_2xx") != std::string::npos &&
                       log.find("Received HTTP response") != std::string::npos;
    EXPECT_EQ(shown, std::string(prober_level) == "info") << prober_level << "\n" << log;
  }
}

// SerialOf asks the openssl CLI for a certificate's serial, in lower case.
std::string SerialOf(const std::string& cert_path) {
  SubprocessOptions options;
  options.program = "openssl";
  options.args = {"x509", "-noout", "-serial", "-in", cert_path};
  const RunResult run = RunSubprocess(options, std::chrono::seconds(10));
  std::string serial = run.stdout_text;
  const size_t eq = serial.find('=');
  serial = eq == std::string::npos ? "" : serial.substr(eq + 1);
  while (!serial.empty() && (serial.back() == '\n' || serial.back() == '\r')) serial.pop_back();
  for (char& c : serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return serial;
}

TEST_F(BlackboxOptionsTest, TlsFactsNameTheCipherAndTheLeafSerial) {
  const MetricsText m = Probe(env->https->Url("/ok"), "inline_ca");
  const std::vector<Sample> cipher = m.Find("probe_tls_cipher_info");
  ASSERT_EQ(cipher.size(), 1u);
  ASSERT_EQ(cipher[0].labels.count("cipher"), 1u);
  EXPECT_EQ(cipher[0].labels.at("cipher").rfind("TLS_", 0), 0u) << "an IANA name";
  const std::vector<Sample> chain = m.Find("probe_ssl_last_chain_info");
  ASSERT_EQ(chain.size(), 1u);
  const std::string serial = SerialOf(env->certs.leaf.cert_path);
  ASSERT_FALSE(serial.empty()) << "openssl (Debian package openssl) printed no serial";
  ASSERT_EQ(chain[0].labels.count("serialnumber"), 1u);
  EXPECT_EQ(chain[0].labels.at("serialnumber"), serial);
}

TEST_F(BlackboxOptionsTest, HostnameParameterSetsHostAndServerName) {
  const MetricsText m = Probe(env->http->Url("/echo"), "http_2xx", "&hostname=www.example.test");
  EXPECT_EQ(m.Value("probe_success"), 1);
  EXPECT_EQ(env->http->LastRequest("/echo")->Header("Host"), "www.example.test");
  // Over TLS the name is also the one verified: the leaf is for localhost.
  const std::string target = "https://127.0.0.1:" + std::to_string(env->https->Port()) + "/ok";
  EXPECT_EQ(Probe(target, "inline_ca", "&hostname=localhost").Value("probe_success"), 1);
  EXPECT_EQ(Probe(target, "inline_ca", "&hostname=wrong.example").FailureReason(), "tls");
}

TEST_F(BlackboxOptionsTest, HostnameParameterConflictsAreRefused) {
  EXPECT_EQ(
      ProbeOn(*env->exporter, env->http->Url("/echo"), "host_header", "&hostname=other.example")
          .status,
      400);
  EXPECT_EQ(ProbeOn(*env->exporter, env->http->Url("/echo"), "http_2xx",
                    "&hostname=" + UrlEncode("a.example\r\nX-Evil: 1"))
                .status,
            400);
}

TEST_F(BlackboxOptionsTest, ProbeTimeoutSecondsIsTheEffectiveTimeout) {
  const HttpResponse r =
      HttpGet(env->exporter->BaseUrl() + "/probe?target=" + UrlEncode(env->http->Url("/ok")) +
                  "&module=http_2xx",
              {{"X-Prometheus-Scrape-Timeout-Seconds", "3"}});
  const MetricsText m = MetricsText::Parse(r.body);
  const std::optional<double> timeout = m.Value("probe_timeout_seconds");
  ASSERT_TRUE(timeout.has_value()) << r.body;
  EXPECT_GT(*timeout, 2.0);
  EXPECT_LE(*timeout, 3.0);
}

TEST_F(BlackboxOptionsTest, BlackboxReloadMetricsAreExported) {
  const HttpResponse r = HttpGet(env->exporter->BaseUrl() + "/metrics");
  const MetricsText m = MetricsText::Parse(r.body);
  EXPECT_EQ(m.Value("blackbox_exporter_config_last_reload_successful"), 1);
  EXPECT_GT(m.Value("blackbox_exporter_config_last_reload_success_timestamp_seconds").value_or(0),
            1.6e9);
}

// A relative *_file path is read from the working directory, as blackbox
// 0.23 reads it (not from the config file's folder): the file here is only
// in the working directory, never beside the config.
TEST_F(BlackboxOptionsTest, RelativeFilePathsAreReadFromTheWorkingDirectory) {
  const std::string work = env->tmp.PathOf("work");
  env->tmp.WriteFile("work/relative-token", "tok-42\n");
  std::string why;
  const std::optional<std::string> blackbox = BlackboxBinary(&why);
  ASSERT_TRUE(blackbox.has_value()) << why;
  for (const std::string& binary : {std::string(), *blackbox}) {
    ExporterOptions options;
    options.binary = binary;
    options.flags = {"--config.file=" + env->parity_config};
    options.working_dir = work;
    std::string error;
    auto exporter = ExporterProcess::Start(options, &error);
    ASSERT_NE(exporter, nullptr) << error;
    const MetricsText m =
        MetricsText::Parse(ProbeOn(*exporter, env->http->Url("/token"), "relative_token").body);
    EXPECT_EQ(m.Value("probe_success"), 1) << (binary.empty() ? "ours" : binary);
  }
  // From another working directory the same module finds no file.
  EXPECT_EQ(Probe(env->http->Url("/token"), "relative_token").Value("probe_success"), 0);
}

// The parity cases: module, target, and whether it passes.
TEST_F(BlackboxOptionsTest, Blackbox023AgreesOnEveryParityModule) {
  std::string why;
  const std::optional<std::string> binary = BlackboxBinary(&why);
  ASSERT_TRUE(binary.has_value()) << why;
  ExporterOptions options;
  options.binary = *binary;
  options.flags = {"--config.file=" + env->parity_config};
  std::string error;
  auto blackbox = ExporterProcess::Start(options, &error);
  ASSERT_NE(blackbox, nullptr) << error;
  const std::string tcp_target = "127.0.0.1:" + std::to_string(env->http->Port());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no_follow", env->http->Url("/status/302")},
      {"follow", env->http->Url("/status/302")},
      {"skip_resolve", env->http->Url("/ok")},
      {"tcp_leftover_http", tcp_target},
      {"token", env->http->Url("/token")},
      {"http_2xx", env->http->Url("/token")},
      {"gzip", env->http->Url("/gzip")},
      {"deflate", env->http->Url("/gzip")},
      {"small_limit", env->http->Url("/big")},
      {"connect_header", env->https->Url("/ok")},
  };
  for (const auto& [module, target] : cases) {
    const MetricsText ours = MetricsText::Parse(ProbeOn(*env->exporter, target, module).body);
    const MetricsText theirs = MetricsText::Parse(ProbeOn(*blackbox, target, module).body);
    for (const char* name : {"probe_success", "probe_http_status_code", "probe_http_redirects",
                             "probe_http_content_length", "probe_http_uncompressed_body_length"}) {
      EXPECT_EQ(ours.Value(name), theirs.Value(name)) << module << " " << name;
    }
  }
  // Both send the same CONNECT headers.
  for (const ExporterProcess* exporter : {env->exporter.get(), blackbox.get()}) {
    env->proxy->ClearRequests();
    ProbeOn(*exporter, env->https->Url("/ok"), "connect_header");
    const std::vector<ProxyRequest> seen = env->proxy->Requests();
    ASSERT_EQ(seen.size(), 1u) << exporter->BaseUrl();
    EXPECT_EQ(seen[0].Values("X-Proxy-Token"), std::vector<std::string>{"pt-SECRET"});
    EXPECT_EQ(seen[0].Values("X-Proxy-Team"), (std::vector<std::string>{"sre", "oncall"}));
  }
  const MetricsText theirs = MetricsText::Parse(HttpGet(blackbox->BaseUrl() + "/metrics").body);
  EXPECT_EQ(theirs.Value("blackbox_exporter_config_last_reload_successful"), 1);
}

// no_proxy and proxy_from_environment choose the proxy per request. They run
// in a private network namespace whose /etc/hosts knows direct.test and
// which has no DNS server, so a request that goes direct reaches the test
// server and nothing can leave the machine.
class ProxyRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!InsidePrivateNetns()) return;
    ASSERT_EQ(SetUpPrivateNetwork("127.0.0.1 direct.test\n"), "");
    std::string error;
    proxy_ = ConnectProxy::Start(&error);
    ASSERT_NE(proxy_, nullptr) << error;
    http_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(http_, nullptr) << error;
    http_->AddStandardRoutes();
    config_ = tmp_.WriteFile("proxies.yml", Substitute(R"(modules:
  no_proxy:
    prober: http
    timeout: 5s
    http:
      proxy_url: PROXY_URL
      no_proxy: direct.test, 10.0.0.0/8
      preferred_ip_protocol: ip4
  from_env:
    prober: http
    timeout: 5s
    http:
      proxy_from_environment: true
      preferred_ip_protocol: ip4
  plain:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
)",
                                                       {{"PROXY_URL", proxy_->Url()}}));
  }

  // ExpectRouting probes, with `module`: a name only the proxy can answer
  // for (proxied), direct.test (excluded, so direct to the test server) and
  // 127.0.0.1 (loopback, never proxied once no_proxy or the environment is
  // in play, as in Go).
  void ExpectRouting(const ExporterProcess& exporter, const std::string& module) {
    const auto probe = [&](const std::string& target) {
      return MetricsText::Parse(
          HttpGet(exporter.BaseUrl() + "/probe?target=" + UrlEncode(target) + "&module=" + module)
              .body);
    };
    EXPECT_EQ(probe("http://via.example/ok").Value("probe_success"), 1);
    const std::vector<ProxyRequest> seen = proxy_->Requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].target, "http://via.example/ok");
    const std::string port = std::to_string(http_->Port());
    EXPECT_EQ(probe("http://direct.test:" + port + "/ok").Value("probe_success"), 1);
    EXPECT_EQ(probe(http_->Url("/ok")).Value("probe_success"), 1);
    EXPECT_EQ(proxy_->Requests().size(), 1u);
    EXPECT_EQ(http_->RequestCount("/ok"), 2);
  }

  TempDir tmp_;
  std::unique_ptr<ConnectProxy> proxy_;
  std::unique_ptr<TestHttpServer> http_;
  std::string config_;
};

TEST_F(ProxyRoutingTest, NoProxyExemptsListedHostsFromProxyUrl) {
  OUTAGE_IN_PRIVATE_NETNS();
  std::string error;
  auto exporter = ExporterProcess::StartWithFlags({"--config.file=" + config_}, &error);
  ASSERT_NE(exporter, nullptr) << error;
  ExpectRouting(*exporter, "no_proxy");
}

// Upper case first, then lower case, as Go's http.ProxyFromEnvironment.
TEST_F(ProxyRoutingTest, ProxyFromEnvironmentReadsTheChildsEnvironment) {
  OUTAGE_IN_PRIVATE_NETNS();
  for (const auto& [proxy_var, no_proxy_var] :
       {std::pair{"HTTP_PROXY", "NO_PROXY"}, std::pair{"http_proxy", "no_proxy"}}) {
    SCOPED_TRACE(proxy_var);
    ExporterOptions options;
    options.flags = {"--config.file=" + config_};
    options.extra_env = {{proxy_var, proxy_->Url()}, {no_proxy_var, "direct.test"}};
    std::string error;
    auto exporter = ExporterProcess::Start(options, &error);
    ASSERT_NE(exporter, nullptr) << error;
    proxy_->ClearRequests();
    http_->ResetCounts();
    ExpectRouting(*exporter, "from_env");
    // Without proxy_from_environment the environment is ignored (libcurl
    // would otherwise apply a lower-case http_proxy by itself).
    const HttpResponse plain = HttpGet(
        exporter->BaseUrl() + "/probe?target=" +
        UrlEncode("http://direct.test:" + std::to_string(http_->Port()) + "/ok") + "&module=plain");
    EXPECT_EQ(MetricsText::Parse(plain.body).Value("probe_success"), 1) << plain.body;
    EXPECT_EQ(proxy_->Requests().size(), 1u);
  }
}

}  // namespace
}  // namespace outage::test
