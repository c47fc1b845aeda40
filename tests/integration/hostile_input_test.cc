// The real binary against hostile input from every side, on loopback only:
// an open redirector that collects what follows a redirect, targets spelt to
// slip a password past redaction or to cut themselves short, a vendor status
// page that redirects to a denied address, and servers that send bytes that
// are not UTF-8 or framing that is not HTTP.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/security_listener.h"
#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace outage::test {
namespace {

constexpr char kModules[] = R"(modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
)";

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = TestHttpServer::Start({}, &error);
    ASSERT_NE(server_, nullptr) << error;
    server_->AddStandardRoutes();
  }
  void TearDown() override {
    if (HasFailure() && exporter_ != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << exporter_->Stderr() << "\n";
    }
  }

  // Start runs the exporter on kModules followed by `extra`.
  void Start(const std::string& extra) {
    const std::string path = tmp_.WriteFile("config.yml", std::string(kModules) + extra);
    std::string error;
    exporter_ = ExporterProcess::StartWithFlags({"--config.file=" + path}, &error);
    ASSERT_NE(exporter_, nullptr) << error;
  }

  HttpResponse Get(const std::string& path) { return HttpGet(exporter_->BaseUrl() + path); }

  // Probe asks /probe for `target`, URL-encoded, with `module`.
  HttpResponse Probe(const std::string& target, const std::string& module = "http_2xx",
                     bool debug = false) {
    return Get("/probe?module=" + module + "&target=" + UrlEncode(target) +
               (debug ? "&debug=true" : ""));
  }

  std::string Port() const { return std::to_string(server_->Port()); }

  TempDir tmp_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<ExporterProcess> exporter_;
};

// ---------------------------------------------------------------------------
// Leaks and SSRF.

TEST_F(HostileInputTest, CredentialHeadersDoNotFollowARedirectToAnotherHost) {
  ASSERT_NO_FATAL_FAILURE(Start(R"(  with_headers:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      headers:
        Authorization: Bearer header-token
        proxy-authorization: Basic cHJveHk6cHc=
        Cookie: session=header-cookie
        X-Trace: keep-me
  with_http_headers:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      authorization: {credentials: authorization-token}
      http_headers:
        Cookie: {secrets: [session=http-headers-cookie]}
        X-Trace: {values: [keep-me-too]}
)"));
  server_->Route("/log", Reply(200, {}, "logged"));
  // Another name for the same address is another host.
  server_->Route("/open-redirect", RedirectTo("http://localhost:" + Port() + "/log"));
  server_->Route("/same-host", RedirectTo("/log"));

  HttpResponse r = Probe(server_->Url("/open-redirect"), "with_headers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(MetricsText::Parse(r.body).Value("probe_success"), 1.0) << r.body;
  auto seen = server_->LastRequest("/log");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Host"), "localhost:" + Port());
  EXPECT_EQ(seen->Header("Authorization"), "");
  EXPECT_EQ(seen->Header("Proxy-Authorization"), "");
  EXPECT_EQ(seen->Header("Cookie"), "");
  EXPECT_EQ(seen->Header("X-Trace"), "keep-me");

  // Control: on the same host, all of them are sent again.
  server_->ResetCounts();
  r = Probe(server_->Url("/same-host"), "with_headers");
  ASSERT_EQ(r.status, 200) << r.body;
  seen = server_->LastRequest("/log");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Authorization"), "Bearer header-token");
  EXPECT_EQ(seen->Header("Proxy-Authorization"), "Basic cHJveHk6cHc=");
  EXPECT_EQ(seen->Header("Cookie"), "session=header-cookie");

  // The same for blackbox's newer spellings: authorization and http_headers.
  r = Probe(server_->Url("/open-redirect"), "with_http_headers");
  ASSERT_EQ(r.status, 200) << r.body;
  seen = server_->LastRequest("/log");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Host"), "localhost:" + Port());
  EXPECT_EQ(seen->Header("Authorization"), "");
  EXPECT_EQ(seen->Header("Cookie"), "");
  EXPECT_EQ(seen->Header("X-Trace"), "keep-me-too");
  r = Probe(server_->Url("/same-host"), "with_http_headers");
  ASSERT_EQ(r.status, 200) << r.body;
  seen = server_->LastRequest("/log");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Header("Authorization"), "Bearer authorization-token");
  EXPECT_EQ(seen->Header("Cookie"), "session=http-headers-cookie");
}

TEST_F(HostileInputTest, NoSpellingOfATargetPasswordIsEverShown) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  const std::string host = "127.0.0.1:" + Port();
  // Scheme-less and percent-encoded forms are probed with their credentials.
  for (const std::string& target :
       {"alice:PaSs1@" + host + "/ok", "http://alice:PaSs2@" + host + "/ok",
        "http://alice%3APaSs4@" + host + "/ok", "http://alice%3aPaSs3@" + host + "/ok"}) {
    const HttpResponse r = Probe(target, "http_2xx", /*debug=*/true);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    EXPECT_FALSE(Contains(r.body, "PaSs")) << r.body;
  }
  const auto sent = server_->LastRequest("/ok");
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->Header("Authorization"), "Basic YWxpY2U6UGFTczM6");  // "alice:PaSs3:"
  // Malformed schemes are refused, without echoing the password.
  for (const std::string& target :
       {"http:alice:PaSs5@" + host + "/ok", "http:\\\\alice:PaSs6@" + host + "/ok",
        "HTTPS:alice:PaSs7@" + host + "/ok"}) {
    const HttpResponse r = Probe(target);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.body;
    EXPECT_FALSE(Contains(r.body, "PaSs")) << r.body;
  }
  std::string shown = Get("/").body + Get("/api/v1/status").body + Get("/metrics").body;
  EXPECT_TRUE(Contains(shown, "alice:&lt;secret&gt;@") || Contains(shown, "alice:<secret>@"))
      << shown;
  exporter_->Stop();
  shown += exporter_->Stderr();
  EXPECT_FALSE(Contains(shown, "PaSs")) << shown;
}

TEST_F(HostileInputTest, VendorStatusRedirectToADeniedAddressIsNeverConnected) {
  std::string error;
  auto internal = CountingListener::Start("127.0.0.2", &error);
  ASSERT_NE(internal, nullptr) << error;
  const std::string internal_url =
      "http://127.0.0.2:" + std::to_string(internal->Port()) + "/summary.json";
  server_->Route("/vendor.json", RedirectTo(internal_url));
  server_->Route("/vendor-by-name.json", RedirectTo("http://internal.test:" + Port() + "/x.json"));
  ASSERT_NO_FATAL_FAILURE(Start(R"(probe_policy:
  deny: [127.0.0.2/32, "*.test"]
status_pages:
  - name: vendor
    url: ")" + server_->Url("/vendor.json") +
                                R"("
  - name: by_name
    url: ")" + server_->Url("/vendor-by-name.json") +
                                R"("
targets:
  - {target: ")" + server_->Url("/ok") +
                                R"(", module: http_2xx, status_page: {page: vendor}}
)"));
  const HttpResponse metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(server_->RequestCount("/vendor.json"), 1);
  EXPECT_EQ(server_->RequestCount("/vendor-by-name.json"), 1);
  EXPECT_EQ(internal->AcceptedOnceSettled(0), 0);
  const MetricsText m = MetricsText::Parse(metrics.body);
  EXPECT_EQ(m.Value("statuspage_up", {{"page", "vendor"}}), 0.0) << metrics.body;
  EXPECT_EQ(m.Value("statuspage_up", {{"page", "by_name"}}), 0.0) << metrics.body;
  const std::string log = exporter_->Stderr();
  EXPECT_TRUE(Contains(log, "address 127.0.0.2 is in denied network 127.0.0.2/32")) << log;
  EXPECT_TRUE(Contains(log, "host \\\"internal.test\\\" matches denied pattern")) << log;
}

// The proxy is a connection of the exporter's too: a proxy_url at a denied
// address is never connected, however the target is spelled.
TEST_F(HostileInputTest, AProxyAtADeniedAddressIsNeverConnected) {
  std::string error;
  auto internal = CountingListener::Start("127.0.0.2", &error);
  ASSERT_NE(internal, nullptr) << error;
  ASSERT_NO_FATAL_FAILURE(Start(R"(  via_proxy:
    prober: http
    timeout: 5s
    http:
      proxy_url: "http://127.0.0.2:)" +
                                std::to_string(internal->Port()) +
                                R"("
probe_policy:
  deny: [127.0.0.2/32]
)"));
  // libcurl never proxies 127.0.0.1 or localhost, so the target is a name only
  // the proxy would resolve.
  const HttpResponse r = Probe("http://target.invalid/ok", "via_proxy", /*debug=*/true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Contains(r.body, "probe_success 0")) << r.body;
  EXPECT_TRUE(Contains(r.body, "127.0.0.2/32")) << r.body;
  EXPECT_EQ(internal->AcceptedOnceSettled(0), 0);
}

// ---------------------------------------------------------------------------
// Correct answers.

TEST_F(HostileInputTest, ATargetWithANulByteIs400) {
  ASSERT_NO_FATAL_FAILURE(Start(R"(  tcp_connect:
    prober: tcp
    timeout: 5s
)"));
  // UrlEncode would encode the NUL too; spell the query by hand.
  for (const std::string& query :
       {"module=http_2xx&target=http%3A%2F%2F127.0.0.1%3A" + Port() + "%2Fok%00evil",
        "module=http_2xx&target=127.0.0.1%00.evil%3A" + Port(),
        "module=tcp_connect&target=127.0.0.1%3A" + Port() + "%00x"}) {
    const HttpResponse r = Get("/probe?" + query);
    EXPECT_EQ(r.status, 400) << query << "\n" << r.body;
    EXPECT_TRUE(Contains(r.body, "control character 0x00")) << r.body;
  }
  EXPECT_EQ(server_->TotalRequests(), 0);
}

// RawReply answers with `bytes` as they are, then hangs up.
Handler RawReply(std::string bytes) {
  return [bytes = std::move(bytes)](const ServerRequest&, ResponseWriter& w) {
    w.Write(bytes);
    w.CloseConnection();
  };
}

TEST_F(HostileInputTest, AHugeHeaderOrABadChunkSizeIsProtocol) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  server_->Route("/huge-header", RawReply("HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') +
                                          "\r\nContent-Length: 2\r\n\r\nok"));
  server_->Route("/many-headers", RawReply("HTTP/1.1 200 OK\r\n" + [] {
                   std::string lines;
                   for (int i = 0; i < 20000; ++i) lines += "X-A" + std::to_string(i) + ": a\r\n";
                   return lines;
                 }() + "Content-Length: 2\r\n\r\nok"));
  server_->Route("/bad-chunk", RawReply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        "zz\r\nhello\r\n0\r\n\r\n"));
  for (const char* path : {"/huge-header", "/many-headers", "/bad-chunk"}) {
    const HttpResponse r = Probe(server_->Url(path));
    ASSERT_EQ(r.status, 200) << path;
    const MetricsText m = MetricsText::Parse(r.body);
    EXPECT_EQ(m.Value("probe_success"), 0.0) << path;
    EXPECT_EQ(m.FailureReason(), "protocol") << path << "\n" << r.body;
  }
}

// ---------------------------------------------------------------------------
// Bounds: config files that are not files, or not configs.

TEST_F(HostileInputTest, ReloadRefusesSpecialEmptyAndOversizedFilesAndKeepsTheConfig) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  const std::string path = tmp_.path() + "/config.yml";
  const std::string huge =
      tmp_.WriteFile("huge.yml", std::string(kModules) + "# " + std::string(5 << 20, 'x') + "\n");
  const std::string empty = tmp_.WriteFile("empty.yml", "# nothing but a comment\n");
  struct Case {
    const char* what;
    std::function<bool()> make;  // turns `path` into the hostile file
    const char* error;
  };
  const std::vector<Case> cases = {
      {"FIFO", [&] { return mkfifo(path.c_str(), 0600) == 0; }, "not a regular file"},
      {"/dev/zero", [&] { return symlink("/dev/zero", path.c_str()) == 0; }, "not a regular file"},
      {"5 MiB", [&] { return symlink(huge.c_str(), path.c_str()) == 0; },
       "file is larger than 4 MiB"},
      {"comment only", [&] { return symlink(empty.c_str(), path.c_str()) == 0; },
       "the config defines no modules"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ASSERT_EQ(unlink(path.c_str()), 0);
    ASSERT_TRUE(c.make());
    HttpRequest reload;
    reload.method = "POST";
    reload.url = exporter_->BaseUrl() + "/-/reload";
    reload.timeout = std::chrono::seconds(10);
    const HttpResponse r = HttpDo(reload);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_TRUE(Contains(r.body, c.error)) << r.body;
    EXPECT_LT(r.elapsed.count(), 5.0);
    // SIGHUP goes the same way and leaves the server answering.
    ASSERT_EQ(kill(exporter_->Pid(), SIGHUP), 0);
    const HttpResponse probe = Probe(server_->Url("/ok"));
    EXPECT_EQ(probe.status, 200) << probe.body;
    EXPECT_EQ(MetricsText::Parse(probe.body).Value("probe_success"), 1.0);
    const MetricsText m = MetricsText::Parse(Get("/metrics").body);
    EXPECT_EQ(m.Value("outage_exporter_config_last_reload_successful"), 0.0);
  }
}

}  // namespace
}  // namespace outage::test
