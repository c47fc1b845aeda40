// The http module's `oauth2` (client credentials) through the real binary:
// a loopback token server written here checks the token request's form and
// client authentication and counts requests, so the cache is observable; a
// loopback target accepts only the token it issued.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"
#include "tests/support/text_edit.h"

namespace outage::test {
namespace {

// The token request obeys probe_policy: "localhost" is denied by name, so
// oauth_policy's token URL is refused while 127.0.0.1 is probed.
constexpr char kConfig[] = R"(probe_policy:
  deny: ['local*']
modules:
  oauth:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      oauth2:
        client_id: probe-client
        client_secret_file: SECRET_FILE
        token_url: TOKEN_URL/oauth/token
        scopes: [read, write]
        endpoint_params:
          audience: probes
  oauth_short:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      oauth2:
        client_id: probe-client
        client_secret: inline-SECRET
        token_url: TOKEN_URL/oauth/short
  oauth_denied:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      oauth2:
        client_id: probe-client
        client_secret: inline-SECRET
        token_url: TOKEN_URL/oauth/deny
  oauth_policy:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      oauth2:
        client_id: probe-client
        client_secret: inline-SECRET
        token_url: LOCALHOST_URL/oauth/token
)";

// "probe-client:s3cret" in base64: the Basic auth of the token request.
constexpr char kClientAuth[] = "Basic cHJvYmUtY2xpZW50OnMzY3JldA==";

struct Env {
  TempDir tmp;
  std::unique_ptr<TestHttpServer> server;  // token endpoint and target
  std::unique_ptr<ExporterProcess> exporter;
};

class OAuth2Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env = std::make_unique<Env>();
    std::string error;
    env->server = TestHttpServer::Start({}, &error);
    if (!env->server) {
      setup_error = "server: " + error;
      return;
    }
    env->server->Route("/oauth/token", [](const ServerRequest& r, ResponseWriter& w) {
      const bool ok = r.method == "POST" && r.Header("Authorization") == kClientAuth &&
                      r.Header("Content-Type") == "application/x-www-form-urlencoded" &&
                      r.body == "grant_type=client_credentials&scope=read%20write&audience=probes";
      if (!ok) {
        w.Respond(400, {}, R"({"error":"invalid_request"})");
        return;
      }
      w.Respond(200, {{"Content-Type", "application/json"}},
                R"({"access_token":"at-LONG","token_type":"Bearer","expires_in":3600})");
    });
    // Expires within the renewal margin: every probe fetches a new token.
    env->server->Route("/oauth/short", Reply(200, {{"Content-Type", "application/json"}},
                                             R"({"access_token":"at-SHORT","expires_in":5})"));
    env->server->Route("/oauth/deny", Reply(401, {}, R"({"error":"invalid_client"})"));
    env->server->Route("/api", [](const ServerRequest& r, ResponseWriter& w) {
      const std::string auth = r.Header("Authorization");
      const bool ok = auth == "Bearer at-LONG" || auth == "Bearer at-SHORT";
      w.Respond(ok ? 200 : 401, {}, ok ? "welcome\n" : "who are you?\n");
    });
    const std::string config = env->tmp.WriteFile(
        "oauth2.yml",
        Substitute(kConfig,
                   {{"SECRET_FILE", env->tmp.WriteFile("secret", "s3cret\n")},
                    {"TOKEN_URL", env->server->Url("")},
                    {"LOCALHOST_URL", "http://localhost:" + std::to_string(env->server->Port())}}));
    env->exporter = ExporterProcess::StartWithFlags({"--config.file=" + config}, &error);
    if (!env->exporter) setup_error = "exporter: " + error;
  }

  static void TearDownTestSuite() { env.reset(); }

  void SetUp() override {
    ASSERT_TRUE(setup_error.empty()) << setup_error;
    env->server->ResetCounts();
  }

  void TearDown() override {
    if (HasFailure() && env->exporter != nullptr) {
      std::cerr << "---- exporter stderr ----\n" << Tail(env->exporter->Stderr(), 40) << "\n";
    }
  }

  static HttpResponse ProbeRaw(const std::string& module, const std::string& extra = "") {
    return HttpGet(env->exporter->BaseUrl() + "/probe?target=" +
                   UrlEncode(env->server->Url("/api")) + "&module=" + module + extra);
  }

  static MetricsText Probe(const std::string& module) {
    const HttpResponse response = ProbeRaw(module);
    EXPECT_EQ(response.status, 200) << response.error << response.body;
    return MetricsText::Parse(response.body);
  }

  // ExpectFailedWithoutTarget probes `module` with debug output, which must
  // hold every line of `log` and fail with `reason`; /api is never asked.
  static void ExpectFailedWithoutTarget(const std::string& module,
                                        const std::vector<std::string>& log,
                                        const std::string& reason) {
    const HttpResponse r = ProbeRaw(module, "&debug=true");
    EXPECT_EQ(r.status, 200);
    for (const std::string& line : log) {
      EXPECT_NE(r.body.find(line), std::string::npos) << line << "\n" << r.body;
    }
    EXPECT_NE(r.body.find("probe_failure_reason{reason=\"" + reason + "\"} 1"), std::string::npos)
        << r.body;
    EXPECT_EQ(env->server->RequestCount("/api"), 0);
  }

  static inline std::unique_ptr<Env> env;
  static inline std::string setup_error;
};

TEST_F(OAuth2Test, TokenIsFetchedOnceAndSentAsBearer) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Probe("oauth").Value("probe_success"), 1) << "probe " << i;
  }
  EXPECT_EQ(env->server->RequestCount("/api"), 3);
  // The first probe of the suite fetched it; later ones use the cache.
  EXPECT_LE(env->server->RequestCount("/oauth/token"), 1);
}

TEST_F(OAuth2Test, TokenAboutToExpireIsFetchedAgain) {
  EXPECT_EQ(Probe("oauth_short").Value("probe_success"), 1);
  EXPECT_EQ(Probe("oauth_short").Value("probe_success"), 1);
  EXPECT_EQ(env->server->RequestCount("/oauth/short"), 2);
}

TEST_F(OAuth2Test, TokenEndpointRefusalFailsTheProbeBeforeTheTarget) {
  ExpectFailedWithoutTarget("oauth_denied",
                            {"Error fetching OAuth 2.0 token", "token endpoint answered HTTP 401"},
                            "protocol");
}

TEST_F(OAuth2Test, TokenRequestObeysProbePolicy) {
  ExpectFailedWithoutTarget("oauth_policy", {"Request blocked by probe_policy"}, "network");
  EXPECT_EQ(env->server->RequestCount("/oauth/token"), 0);
}

TEST_F(OAuth2Test, SecretsAndTokensStayOutOfConfigDebugAndLogs) {
  const HttpResponse debug = ProbeRaw("oauth", "&debug=true");
  const HttpResponse config = HttpGet(env->exporter->BaseUrl() + "/config");
  EXPECT_EQ(config.status, 200);
  EXPECT_NE(config.body.find("probe-client"), std::string::npos) << config.body;
  for (const std::string& text : {debug.body, config.body, env->exporter->Stderr()}) {
    EXPECT_EQ(text.find("inline-SECRET"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
    EXPECT_EQ(text.find("at-LONG"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace outage::test
