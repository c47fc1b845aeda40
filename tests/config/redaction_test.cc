// Config::redacted_yaml shows the loaded file on /config: secrets hidden,
// everything else intact.
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace outage {
namespace {

using testing::Contains;
using testing::ExpectLoaded;
using testing::Lacks;
using testing::TestdataPath;

TEST(RedactionTest, SecretsNeverAppearInRedactedYaml) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigFile(TestdataPath("good/full_http.yml")));
  const std::string& yaml = loaded.config->redacted_yaml;
  // The config itself still carries them, for the probes.
  ASSERT_EQ(loaded.config->modules.at("http_bearer").http.bearer_token, "hunter2-bearer");
  for (const char* secret : {"hunter2-basic", "hunter2-proxy", "hunter2-bearer", "hunter2"}) {
    EXPECT_TRUE(Lacks(yaml, secret));
  }
  EXPECT_TRUE(Contains(yaml, "password: <secret>"));
  EXPECT_TRUE(Contains(yaml, "bearer_token: <secret>"));
  EXPECT_TRUE(Contains(yaml,
                       "proxy_url: http://proxyuser:<secret>@proxy.example."
                       "com:3128"));
}

TEST(RedactionTest, NonSecretsAreKept) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigFile(TestdataPath("good/full_http.yml")));
  const std::string& yaml = loaded.config->redacted_yaml;
  for (const char* kept : {
           "histogram_buckets: [0.01, 0.1, 1, 10]", "timeout: 1m30s",
           "valid_status_codes: [200, 204, 401]", "username: prober",
           "bearer_token_file: /var/run/secrets/token", "Accept-Encoding: gzip, br;q=0.5",
           "server_name: www.example.com", "body_size_limit: 1MB",
           "target: https://www.example.com/health", "team_name: sre",
           "query_name: www.example.com",  // unvalidated sections too
       }) {
    EXPECT_TRUE(Contains(yaml, kept));
  }
}

TEST(RedactionTest, RedactedYamlLoadsToTheSameShape) {
  const LoadedConfig original = ExpectLoaded(LoadConfigFile(TestdataPath("good/full_http.yml")));
  const LoadedConfig reloaded =
      ExpectLoaded(LoadConfigString(original.config->redacted_yaml, "redacted"));
  EXPECT_EQ(reloaded.config->modules.size(), original.config->modules.size());
  EXPECT_EQ(reloaded.config->targets.size(), original.config->targets.size());
  EXPECT_EQ(reloaded.warnings, original.warnings);
  const HttpProbe& http = reloaded.config->modules.at("http_everything").http;
  EXPECT_EQ(http.basic_auth->password, "<secret>");
  EXPECT_EQ(http.body, R"({"ping": true})");
  // A quoted "yes" stays a string, not a boolean.
  EXPECT_EQ(reloaded.config->targets[0].labels.back().second, "yes");
  // Redacting is idempotent.
  EXPECT_EQ(reloaded.config->redacted_yaml, original.config->redacted_yaml);
}

TEST(RedactionTest, CredentialsElsewhereAreHiddenToo) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"(
modules:
  m:
    prober: http
    http:
      headers:
        authorization: Bearer s3cr3t-header
        Cookie: session=s3cr3t-cookie
        X-Request-Source: outage-exporter
  # gRPC metadata is redacted like HTTP headers.
  t:
    prober: grpc
    grpc:
      metadata:
        authorization: [Bearer s3cr3t-metadata]
        x-team: sre
targets:
  - target: https://user:s3cr3t-target@www.example.com/
    module: m
)",
                                                            "inline"));
  const std::string& yaml = loaded.config->redacted_yaml;
  EXPECT_TRUE(Lacks(yaml, "s3cr3t"));
  EXPECT_TRUE(Contains(yaml, "authorization: <secret>"));
  EXPECT_TRUE(Contains(yaml, "Cookie: <secret>"));
  EXPECT_TRUE(Contains(yaml, "X-Request-Source: outage-exporter"));
  EXPECT_TRUE(Contains(yaml, "x-team: sre"));
  EXPECT_TRUE(Contains(yaml, "https://user:<secret>@www.example.com/"));
}

TEST(RedactionTest, EachModuleCarriesItsOwnRedactedYaml) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigFile(TestdataPath("good/full_http.yml")));
  EXPECT_EQ(loaded.config->modules.at("http_bearer").redacted_yaml,
            "prober: http\n"
            "timeout: 500ms\n"
            "http:\n"
            "  bearer_token: <secret>\n"
            "  body_size_limit: 0\n"
            "  valid_http_versions: [HTTP/1.0, HTTP/2, HTTP/3]\n");
  EXPECT_EQ(loaded.config->modules.at("icmp").redacted_yaml, "prober: icmp\n");
}

TEST(RedactionTest, EmptySecretsStayEmpty) {
  const LoadedConfig loaded = ExpectLoaded(
      LoadConfigString("modules:\n  m:\n    prober: http\n    http:\n      bearer_token: "
                       "\"\"\n",
                       "inline"));
  EXPECT_TRUE(Contains(loaded.config->redacted_yaml, "bearer_token: \"\""));
}

}  // namespace
}  // namespace outage
