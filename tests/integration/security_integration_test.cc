// Security of the real binary: probe_policy (including DNS rebinding and
// redirects, inside a private network namespace so nothing can leave the
// machine), non-http schemes, TLS / mTLS / basic auth on the exporter's own
// server (--web.config.file), and secrets that must never be shown.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/security_listener.h"
#include "tests/integration/security_tls_client.h"
#include "tests/support/basic_auth_client.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/security_netns.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

using std::chrono::seconds;

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
  tcp_connect:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
  dns_tcp:
    prober: dns
    timeout: 2s
    dns:
      query_name: example.test
      transport_protocol: tcp
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
)";

// StartExporter runs the exporter with kModules plus `extra` config.
std::unique_ptr<ExporterProcess> StartExporter(const TempDir& tmp, const std::string& extra,
                                               std::vector<std::string> flags = {}) {
  static int n = 0;
  const std::string path =
      tmp.WriteFile("config" + std::to_string(++n) + ".yml", std::string(kModules) + extra);
  flags.push_back("--config.file=" + path);
  std::string error;
  auto exporter = ExporterProcess::StartWithFlags(flags, &error);
  EXPECT_NE(exporter, nullptr) << error;
  return exporter;
}

struct Probe {
  HttpResponse response;
  MetricsText metrics;
};

Probe DoProbe(const ExporterProcess& exporter, const std::string& target,
              const std::string& module = "http_2xx", bool debug = false) {
  Probe p;
  p.response = HttpGet(exporter.BaseUrl() + "/probe?module=" + module +
                       "&target=" + UrlEncode(target) + (debug ? "&debug=true" : ""));
  if (!debug) p.metrics = MetricsText::Parse(p.response.body);
  return p;
}

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// ExpectBlockedAtConnect probes `target` (metrics, then the debug log) and
// expects a `network` failure that the log puts down to probe_policy, with
// `why` in it when given.
void ExpectBlockedAtConnect(const ExporterProcess& exporter, const std::string& target,
                            const std::string& module, const std::string& why = "") {
  SCOPED_TRACE(module + " " + target);
  Probe p = DoProbe(exporter, target, module);
  EXPECT_EQ(p.response.status, 200) << p.response.body;
  EXPECT_EQ(p.metrics.Value("probe_success"), 0.0) << p.response.body;
  EXPECT_EQ(p.metrics.FailureReason(), "network");
  p = DoProbe(exporter, target, module, /*debug=*/true);
  EXPECT_TRUE(Contains(p.response.body, "blocked by probe_policy")) << p.response.body;
  if (!why.empty()) {
    EXPECT_TRUE(Contains(p.response.body, why)) << p.response.body;
  }
}

// ---------------------------------------------------------------------------
// probe_policy on loopback only (safe without a namespace).

TEST(ProbePolicyTest, DeniedHostGlobIs403AndNeverFetched) {
  TempDir tmp;
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  auto exporter = StartExporter(tmp, "probe_policy:\n  deny: ['local*', '*.internal']\n");
  ASSERT_NE(exporter, nullptr);
  const std::string url = "http://localhost:" + std::to_string(server->Port()) + "/ok";
  Probe p = DoProbe(*exporter, url);
  EXPECT_EQ(p.response.status, 403) << p.response.body;
  EXPECT_EQ(p.response.body,
            "Target not allowed by probe_policy: host \"localhost\" matches denied pattern "
            "\"local*\"\n");
  p = DoProbe(*exporter, "vault.internal:8200", "tcp_connect");
  EXPECT_EQ(p.response.status, 403) << p.response.body;
  // The address itself is not denied: the same server by IP is probed.
  p = DoProbe(*exporter, server->Url("/ok"));
  EXPECT_EQ(p.response.status, 200);
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  EXPECT_EQ(server->RequestCount("/ok"), 1);
}

TEST(ProbePolicyTest, AllowListRefusesOtherAddressesAtConnectTime) {
  TempDir tmp;
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  // Only 127.0.0.2 may be probed; the server listens on 127.0.0.1.
  auto exporter = StartExporter(tmp, "probe_policy:\n  allow: [127.0.0.2/32]\n");
  ASSERT_NE(exporter, nullptr);
  Probe p = DoProbe(*exporter, server->Url("/ok"));
  EXPECT_EQ(p.response.status, 403) << p.response.body;
  EXPECT_EQ(p.response.body,
            "Target not allowed by probe_policy: address 127.0.0.1 is in no allowed network\n");
  // A name passes the host check and is refused on its address.
  ExpectBlockedAtConnect(*exporter, "http://localhost:" + std::to_string(server->Port()) + "/ok",
                         "http_2xx", "address 127.0.0.1 is in no allowed network");
  EXPECT_EQ(server->TotalRequests(), 0);
  EXPECT_EQ(server->ConnectionsAccepted(), 0);
}

TEST(ProbePolicyTest, RedirectToDeniedHostIsNotFollowed) {
  TempDir tmp;
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  const std::string port = std::to_string(server->Port());
  server->Route("/to-name", RedirectTo("http://localhost:" + port + "/ok"));
  auto exporter = StartExporter(tmp, "probe_policy:\n  deny: [localhost]\n");
  ASSERT_NE(exporter, nullptr);
  Probe p = DoProbe(*exporter, server->Url("/to-name"));
  EXPECT_EQ(p.response.status, 200);
  EXPECT_EQ(p.metrics.Value("probe_success"), 0.0);
  EXPECT_EQ(p.metrics.FailureReason(), "network");
  EXPECT_EQ(server->RequestCount("/to-name"), 1);
  EXPECT_EQ(server->RequestCount("/ok"), 0);
}

// ---------------------------------------------------------------------------
// probe_policy against 169.254.169.254, inside a private network namespace.

// StartMetadataListener gives the namespace's network a metadata.test name
// for 169.254.169.254 and listens there; nullptr (a test failure) when either
// cannot be done.
std::unique_ptr<CountingListener> StartMetadataListener() {
  const std::string problem = SetUpPrivateNetwork("169.254.169.254 metadata.test\n");
  EXPECT_EQ(problem, "");
  if (!problem.empty()) return nullptr;
  std::string error;
  auto listener = CountingListener::Start("169.254.169.254", &error);
  EXPECT_NE(listener, nullptr) << error;
  return listener;
}

TEST(ProbePolicyNetnsTest, MetadataAddressIsForbiddenByDefault) {
  OUTAGE_IN_PRIVATE_NETNS();
  auto metadata = StartMetadataListener();
  ASSERT_NE(metadata, nullptr);
  const std::string port = std::to_string(metadata->Port());
  TempDir tmp;
  auto exporter = StartExporter(tmp, "");  // the default policy
  ASSERT_NE(exporter, nullptr);
  Probe p = DoProbe(*exporter, "http://169.254.169.254:" + port + "/latest/meta-data/");
  EXPECT_EQ(p.response.status, 403) << p.response.body;
  EXPECT_EQ(p.response.body,
            "Target not allowed by probe_policy: address 169.254.169.254 is in denied network "
            "169.254.169.254/32\n");
  p = DoProbe(*exporter, "169.254.169.254:" + port, "tcp_connect");
  EXPECT_EQ(p.response.status, 403) << p.response.body;
  EXPECT_EQ(metadata->Accepted(), 0);

  // Control: with the default dropped, the same probes reach the listener,
  // so the refusals above are the policy's doing.
  auto open = StartExporter(tmp, "probe_policy:\n  deny: []\n");
  ASSERT_NE(open, nullptr);
  p = DoProbe(*open, "http://169.254.169.254:" + port + "/latest/meta-data/");
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  EXPECT_EQ(metadata->AcceptedOnceSettled(1), 1);
}

TEST(ProbePolicyNetnsTest, NameResolvingToMetadataIsRefusedAtConnectTime) {
  OUTAGE_IN_PRIVATE_NETNS();
  auto metadata = StartMetadataListener();
  ASSERT_NE(metadata, nullptr);
  const std::string port = std::to_string(metadata->Port());
  TempDir tmp;
  auto exporter = StartExporter(tmp, "");
  ASSERT_NE(exporter, nullptr);

  // HTTP: the name passes the host check; its address is refused. TCP and
  // DNS (a resolver given by name): the same, on the address c-ares found.
  const std::string url = "http://metadata.test:" + port + "/latest/meta-data/";
  const std::string why = "169.254.169.254 is in denied network";
  ExpectBlockedAtConnect(*exporter, url, "http_2xx", why);
  ExpectBlockedAtConnect(*exporter, "metadata.test:" + port, "tcp_connect", why);
  ExpectBlockedAtConnect(*exporter, "metadata.test:" + port, "dns_tcp", why);
  EXPECT_EQ(metadata->Accepted(), 0);

  // Control: the name does resolve to the listener when the policy allows.
  auto open = StartExporter(tmp, "probe_policy:\n  deny: []\n");
  ASSERT_NE(open, nullptr);
  Probe p = DoProbe(*open, url);
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  p = DoProbe(*open, "metadata.test:" + port, "tcp_connect");
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  // The listener speaks no DNS: the DNS probe fails, but after connecting.
  DoProbe(*open, "metadata.test:" + port, "dns_tcp");
  EXPECT_EQ(metadata->AcceptedOnceSettled(3), 3);
}

TEST(ProbePolicyNetnsTest, RedirectToMetadataIsRefused) {
  OUTAGE_IN_PRIVATE_NETNS();
  auto metadata = StartMetadataListener();
  ASSERT_NE(metadata, nullptr);
  const std::string port = std::to_string(metadata->Port());
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->Route("/to-ip", RedirectTo("http://169.254.169.254:" + port + "/latest/"));
  server->Route("/to-name", RedirectTo("http://metadata.test:" + port + "/latest/"));
  TempDir tmp;
  auto exporter = StartExporter(tmp, "");
  ASSERT_NE(exporter, nullptr);
  for (const char* path : {"/to-ip", "/to-name"}) {
    ExpectBlockedAtConnect(*exporter, server->Url(path), "http_2xx");
    EXPECT_EQ(server->RequestCount(path), 2);
  }
  EXPECT_EQ(metadata->Accepted(), 0);
}

// ---------------------------------------------------------------------------
// HTTP names are looked up by the exporter's own resolver (c-ares on the probe
// loop), never by libcurl: each redirect hop's host, and with proxy_url the
// proxy's host only.

TEST(HttpResolverNetnsTest, EveryHopAndTheProxyAreResolvedByTheExporter) {
  OUTAGE_IN_PRIVATE_NETNS();
  ASSERT_EQ(SetUpPrivateNetwork("127.0.0.1 web.test other.test proxy.test\n"), "");
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  const std::string port = std::to_string(server->Port());
  server->Route("/hop", RedirectTo("http://other.test:" + port + "/ok"));
  // As the proxy, the server is asked for a name that only the proxy could
  // resolve (it is in no hosts file and there is no DNS server).
  server->Route("http://unlisted.test:" + port + "/ok", Reply(200, {}, "via proxy\n"));
  TempDir tmp;
  auto exporter = StartExporter(tmp,
                                "  via_proxy:\n    prober: http\n    timeout: 5s\n"
                                "    http:\n      preferred_ip_protocol: ip4\n"
                                "      proxy_url: http://proxy.test:" +
                                    port + "\n");
  ASSERT_NE(exporter, nullptr);

  const std::string url = "http://web.test:" + port + "/hop";
  Probe p = DoProbe(*exporter, url);
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  EXPECT_EQ(p.metrics.Value("probe_http_redirects"), 1.0);
  EXPECT_EQ(p.metrics.Value("probe_ip_protocol"), 4.0);
  EXPECT_GT(p.metrics.Value("probe_dns_lookup_time_seconds"), 0.0);
  p = DoProbe(*exporter, url, "http_2xx", /*debug=*/true);
  for (const char* host : {"web.test", "other.test"}) {
    EXPECT_TRUE(Contains(p.response.body,
                         std::string("Resolved target address\" target=") + host + " ip=127.0.0.1"))
        << host << "\n"
        << p.response.body;
  }
  EXPECT_EQ(server->RequestCount("/hop"), 2);
  EXPECT_EQ(server->RequestCount("/ok"), 2);

  // A name nobody can resolve fails in our resolver, with reason dns.
  p = DoProbe(*exporter, "http://unlisted.test:" + port + "/ok");
  EXPECT_EQ(p.metrics.Value("probe_success"), 0.0) << p.response.body;
  EXPECT_EQ(p.metrics.FailureReason(), "dns");
  p = DoProbe(*exporter, "http://unlisted.test:" + port + "/ok", "http_2xx", /*debug=*/true);
  EXPECT_TRUE(Contains(p.response.body, "Error resolving address")) << p.response.body;

  // Through the proxy, only the proxy's name is resolved here.
  p = DoProbe(*exporter, "http://unlisted.test:" + port + "/ok", "via_proxy");
  EXPECT_EQ(p.metrics.Value("probe_success"), 1.0) << p.response.body;
  EXPECT_EQ(server->RequestCount("http://unlisted.test:" + port + "/ok"), 1);
  p = DoProbe(*exporter, "http://unlisted.test:" + port + "/ok", "via_proxy", /*debug=*/true);
  EXPECT_TRUE(Contains(p.response.body, "Resolved target address\" target=proxy.test"))
      << p.response.body;
}

// ---------------------------------------------------------------------------
// Only http and https, including after redirects.

TEST(SchemeTest, NonHttpTargetsAre400) {
  TempDir tmp;
  auto exporter = StartExporter(tmp, "");
  ASSERT_NE(exporter, nullptr);
  for (const char* target :
       {"file:///etc/passwd", "FILE:///etc/passwd", "gopher://127.0.0.1:70/_x",
        "dict://127.0.0.1:2628/d:x", "ftp://127.0.0.1/", "ftps://127.0.0.1/", "ldap://127.0.0.1/",
        "telnet://127.0.0.1/", "tftp://127.0.0.1/x", "smtp://127.0.0.1/", "scp://127.0.0.1/x"}) {
    Probe p = DoProbe(*exporter, target);
    EXPECT_EQ(p.response.status, 400) << target << ": " << p.response.body;
    EXPECT_TRUE(Contains(p.response.body, "only http and https are probed")) << p.response.body;
  }
}

TEST(SchemeTest, RedirectToOtherSchemesIsNeverFollowed) {
  TempDir tmp;
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  auto listener = CountingListener::Start("127.0.0.1", &error);
  ASSERT_NE(listener, nullptr) << error;
  const std::string port = std::to_string(listener->Port());
  server->Route("/file", RedirectTo("file:///etc/passwd"));
  server->Route("/gopher", RedirectTo("gopher://127.0.0.1:" + port + "/_GET%20/"));
  server->Route("/dict", RedirectTo("dict://127.0.0.1:" + port + "/d:x"));
  server->Route("/ftp", RedirectTo("ftp://127.0.0.1:" + port + "/x"));
  auto exporter = StartExporter(tmp, "");
  ASSERT_NE(exporter, nullptr);
  for (const char* path : {"/file", "/gopher", "/dict", "/ftp"}) {
    Probe p = DoProbe(*exporter, server->Url(path));
    EXPECT_EQ(p.response.status, 200);
    EXPECT_EQ(p.metrics.Value("probe_success"), 0.0) << path;
    EXPECT_EQ(p.metrics.FailureReason(), "protocol") << path;
    EXPECT_EQ(p.metrics.Value("probe_http_uncompressed_body_length"), 0.0) << path;
    p = DoProbe(*exporter, server->Url(path), "http_2xx", /*debug=*/true);
    EXPECT_TRUE(Contains(p.response.body, "Redirect to a scheme that is not probed"))
        << p.response.body;
    EXPECT_FALSE(Contains(p.response.body, "root:")) << p.response.body;
  }
  EXPECT_EQ(listener->Accepted(), 0);
}

// ---------------------------------------------------------------------------
// --web.config.file: TLS, mTLS, basic auth.

class WebConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto certs = GenerateTestCerts(tmp_.path(), 30, &error);
    ASSERT_TRUE(certs.has_value()) << error;
    certs_ = *certs;
  }

  std::unique_ptr<ExporterProcess> Start(const std::string& web_yaml) {
    const std::string web = tmp_.WriteFile("web.yml", web_yaml);
    return StartExporter(tmp_, "", {"--web.config.file=" + web});
  }

  std::string HttpsUrl(const ExporterProcess& e, const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(e.Port()) + path;
  }

  std::string TlsSection(const std::string& extra = "") const {
    return "tls_server_config:\n  cert_file: " + certs_.leaf.cert_path +
           "\n  key_file: " + certs_.leaf.key_path + "\n" + extra;
  }

  TempDir tmp_;
  TestCerts certs_;
};

TEST_F(WebConfigTest, ServesHttpsWithTheConfiguredCertificate) {
  auto exporter = Start(TlsSection());
  ASSERT_NE(exporter, nullptr);
  HttpRequest request;
  request.url = HttpsUrl(*exporter, "/-/healthy");
  request.ca_file = certs_.ca.cert_path;
  HttpResponse r = HttpDo(request);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  request.url = HttpsUrl(*exporter, "/probe?target=" + UrlEncode("http://127.0.0.1:1/"));
  r = HttpDo(request);
  EXPECT_EQ(r.status, 200) << r.error;
  // Plain HTTP to the TLS port gets no HTTP answer.
  r = HttpGet(exporter->BaseUrl() + "/-/healthy", {}, seconds(5));
  EXPECT_FALSE(r.ok && r.status == 200) << r.status << " " << r.body;
  EXPECT_TRUE(Contains(exporter->Stderr(), "tls=true")) << exporter->Stderr();
}

TEST_F(WebConfigTest, MinVersionTls13RefusesTls12Clients) {
  auto exporter = Start(TlsSection("  min_version: TLS13\n"));
  ASSERT_NE(exporter, nullptr);
  // A TLS 1.2-only client (the test server's tls_version option is for
  // servers; use curl through the support client with its defaults first).
  TlsGetResult ok = TlsGet(HttpsUrl(*exporter, "/-/healthy"), certs_.ca.cert_path);
  EXPECT_TRUE(ok.ok) << ok.error;
  SubprocessOptions options;
  options.program = "openssl";
  options.args = {"s_client", "-connect", "127.0.0.1:" + std::to_string(exporter->Port()),
                  "-tls1_2",  "-CAfile",  certs_.ca.cert_path};
  options.stdin_data = "";
  std::string error;
  auto client = Subprocess::Start(options, &error);
  if (client == nullptr) GTEST_SKIP() << "no openssl binary: " << error;
  const auto status = client->Wait(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(*status, 0) << client->Stdout() << client->Stderr();
}

TEST_F(WebConfigTest, RequireAndVerifyClientCert) {
  auto exporter =
      Start(TlsSection("  client_auth_type: RequireAndVerifyClientCert\n"
                       "  client_ca_file: " +
                       certs_.ca.cert_path + "\n"));
  ASSERT_NE(exporter, nullptr);
  const std::string url = HttpsUrl(*exporter, "/-/healthy");
  TlsGetResult none = TlsGet(url, certs_.ca.cert_path);
  EXPECT_FALSE(none.ok) << "status " << none.status;
  TlsGetResult untrusted =
      TlsGet(url, certs_.ca.cert_path, certs_.self_signed.cert_path, certs_.self_signed.key_path);
  EXPECT_FALSE(untrusted.ok) << "status " << untrusted.status;
  TlsGetResult good = TlsGet(url, certs_.ca.cert_path, certs_.leaf.cert_path, certs_.leaf.key_path);
  ASSERT_TRUE(good.ok) << good.error;
  EXPECT_EQ(good.status, 200);
}

TEST_F(WebConfigTest, RequireAnyClientCertAcceptsAnUnverifiedOne) {
  auto exporter = Start(TlsSection("  client_auth_type: RequireAnyClientCert\n"));
  ASSERT_NE(exporter, nullptr);
  const std::string url = HttpsUrl(*exporter, "/-/healthy");
  EXPECT_FALSE(TlsGet(url, certs_.ca.cert_path).ok);
  TlsGetResult any =
      TlsGet(url, certs_.ca.cert_path, certs_.self_signed.cert_path, certs_.self_signed.key_path);
  ASSERT_TRUE(any.ok) << any.error;
  EXPECT_EQ(any.status, 200);
}

TEST_F(WebConfigTest, BasicAuthGuardsEveryPath) {
  const std::string password = "Tr0ub4dor-and-3-horses";
  const std::string hash = BcryptHash(password);
  ASSERT_EQ(hash.rfind("$2b$05$", 0), 0u) << hash;
  auto exporter = Start("basic_auth_users:\n  prometheus: '" + hash + "'\n");
  ASSERT_NE(exporter, nullptr);
  const std::string base = exporter->BaseUrl();
  for (const char* path : {"/-/healthy", "/-/ready", "/metrics", "/config", "/", "/nope",
                           "/probe?target=127.0.0.1:1"}) {
    HttpResponse r = HttpGet(base + path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.headers["www-authenticate"], "Basic realm=\"outage_exporter\"") << path;
    r = HttpGet(base + path, BasicAuth("prometheus", "wrong"));
    EXPECT_EQ(r.status, 401) << path;
    r = HttpGet(base + path, BasicAuth("nobody", password));
    EXPECT_EQ(r.status, 401) << path;
  }
  HttpResponse r = HttpGet(base + "/-/healthy", BasicAuth("prometheus", password));
  EXPECT_EQ(r.status, 200);
  r = HttpGet(base + "/config", BasicAuth("prometheus", password));
  EXPECT_EQ(r.status, 200);
  // A burst of authenticated scrapes stays fast: verifications are cached.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(HttpGet(base + "/-/healthy", BasicAuth("prometheus", password)).status, 200);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
  exporter->Stop();
  EXPECT_FALSE(Contains(exporter->Stderr(), password));
  EXPECT_FALSE(Contains(exporter->Stderr(), hash));
}

TEST_F(WebConfigTest, TlsAndBasicAuthTogether) {
  const std::string hash = BcryptHash("pw");
  auto exporter = Start(TlsSection() + "basic_auth_users:\n  u: '" + hash + "'\n");
  ASSERT_NE(exporter, nullptr);
  HttpRequest request;
  request.url = HttpsUrl(*exporter, "/-/healthy");
  request.ca_file = certs_.ca.cert_path;
  EXPECT_EQ(HttpDo(request).status, 401);
  request.headers = {{"Authorization", "Basic dTpwdw=="}};  // u:pw
  EXPECT_EQ(HttpDo(request).status, 200);
}

TEST_F(WebConfigTest, BadWebConfigIsOneLineAndExit1) {
  struct Bad {
    std::string yaml;
    std::string error;
  };
  const std::vector<Bad> bad = {
      {"tls_server_config:\n  key_file: x\n", ":2:3: tls_server_config: missing required key"},
      {TlsSection("  client_auth_type: Sometimes\n"),
       "tls_server_config.client_auth_type: invalid value"},
      {TlsSection("  client_auth_type: RequireAndVerifyClientCert\n"),
       "RequireAndVerifyClientCert needs client_ca_file to verify against"},
      {"basic_auth_users:\n  alice: plaintext-password\n",
       ":2:3: basic_auth_users.alice: the password must be a bcrypt hash"},
      {"tls_server_config:\n  cert_file: /nonexistent.pem\n  key_file: /nonexistent.key\n",
       "tls_server_config.cert_file: cannot read"},
      {"tls_server_config:\n  cert_file: " + certs_.leaf.cert_path +
           "\n  key_file: " + certs_.wrong_host.key_path + "\n",
       "cannot load key_file"},
      {"tls_config: {}\n", ":1:1: tls_config: unknown key"},
  };
  for (const Bad& b : bad) {
    const std::string web = tmp_.WriteFile("bad.yml", b.yaml);
    SubprocessOptions options;
    options.program = ExporterBinaryPath();
    options.args = {"--web.listen-address=127.0.0.1:0", "--web.config.file=" + web};
    std::string error;
    auto process = Subprocess::Start(options, &error);
    ASSERT_NE(process, nullptr) << error;
    const auto status = process->Wait(seconds(10));
    if (!status) process->Kill();
    ASSERT_TRUE(status.has_value()) << "kept running with " << b.yaml;
    EXPECT_EQ(*status, 1) << b.yaml;
    const std::string err = process->Stderr();
    EXPECT_TRUE(Contains(err, b.error)) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_FALSE(Contains(err, "plaintext-password")) << err;
  }
}

// ---------------------------------------------------------------------------
// Secrets never shown: logs, /probe?debug=true, /config.

TEST(SecretsTest, NeverInLogsDebugOutputOrConfig) {
  TempDir tmp;
  std::string error;
  auto server = TestHttpServer::Start({}, &error);
  ASSERT_NE(server, nullptr) << error;
  server->AddStandardRoutes();
  const std::string port = std::to_string(server->Port());
  // Every secret contains "SeCrEt" so one search finds any of them.
  const std::string config = R"(
  with_bearer:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      bearer_token: bearer-SeCrEt-1
  with_basic:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      basic_auth:
        username: alice
        password: basic-SeCrEt-2
  with_proxy:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      proxy_url: http://puser:proxy-SeCrEt-3@127.0.0.1:)" +
                             port + R"(
  with_header:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      headers:
        Authorization: Bearer header-SeCrEt-4
targets:
  - {target: "http://127.0.0.1:)" +
                             port + R"(/ok", module: with_bearer}
  - {target: "http://127.0.0.1:)" +
                             port + R"(/ok", module: with_basic}
  - {target: "http://127.0.0.1:)" +
                             port + R"(/ok", module: with_proxy}
  - {target: "http://127.0.0.1:)" +
                             port + R"(/ok", module: with_header}
  - {target: "http://tuser:target-SeCrEt-5@127.0.0.1:)" +
                             port + R"(/ok", module: http_2xx}
)";
  auto exporter = StartExporter(tmp, config);  // at --log.level=debug
  ASSERT_NE(exporter, nullptr);
  std::string shown;
  for (const char* module : {"with_bearer", "with_basic", "with_proxy", "with_header"}) {
    Probe p = DoProbe(*exporter, server->Url("/ok"), module, /*debug=*/true);
    EXPECT_EQ(p.response.status, 200) << module;
    EXPECT_TRUE(Contains(p.response.body, "<secret>")) << module << ":\n" << p.response.body;
    shown += p.response.body;
  }
  Probe p = DoProbe(*exporter, "http://tuser:target-SeCrEt-5@127.0.0.1:" + port + "/ok", "http_2xx",
                    /*debug=*/true);
  shown += p.response.body;
  shown += HttpGet(exporter->BaseUrl() + "/metrics").body;
  HttpResponse config_page = HttpGet(exporter->BaseUrl() + "/config");
  EXPECT_TRUE(Contains(config_page.body, "<secret>")) << config_page.body;
  shown += config_page.body;
  exporter->Stop();
  shown += exporter->Stderr();
  EXPECT_FALSE(Contains(shown, "SeCrEt")) << shown;
  // Control: the secrets were really used on the wire.
  auto last = server->LastRequest("/ok");
  ASSERT_TRUE(last.has_value());
  EXPECT_GE(server->RequestCount("/ok"), 6);
}

}  // namespace
}  // namespace outage::test
