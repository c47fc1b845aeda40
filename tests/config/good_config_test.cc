// Valid configurations load, with every field in the structs they describe.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace outage {
namespace {

using testing::ExpectLoaded;
using testing::TestdataPath;
using LabelPair = std::pair<std::string, std::string>;

std::vector<std::string> Patterns(const std::vector<Regex>& regexes) {
  std::vector<std::string> out;
  for (const Regex& regex : regexes) {
    EXPECT_NE(regex.re, nullptr) << regex.pattern;
    out.push_back(regex.pattern);
  }
  return out;
}

TEST(GoodConfigTest, FullHttpModuleSetsEveryField) {
  const std::string path = TestdataPath("good/full_http.yml");
  const LoadedConfig loaded = ExpectLoaded(LoadConfigFile(path));
  const Config& config = *loaded.config;
  EXPECT_EQ(config.source, path);
  EXPECT_EQ(config.global.histogram_buckets, (std::vector<double>{0.01, 0.1, 1, 10}));
  ASSERT_EQ(config.modules.count("http_everything"), 1u);
  const Module& module = config.modules.at("http_everything");
  EXPECT_EQ(module.name, "http_everything");
  EXPECT_EQ(module.prober, "http");
  EXPECT_EQ(module.timeout, Duration(90'000));

  const HttpProbe& http = module.http;
  EXPECT_EQ(http.valid_status_codes, (std::vector<int>{200, 204, 401}));
  EXPECT_EQ(http.valid_http_versions, (std::vector<std::string>{"HTTP/1.1", "HTTP/2.0"}));
  EXPECT_EQ(http.method, "POST");
  EXPECT_EQ(http.headers, (LabelPairs{{"Host", "www.example.com"},
                                      {"Accept-Encoding", "gzip, br;q=0.5"},
                                      {"X-Empty", ""}}));
  EXPECT_EQ(http.body, R"({"ping": true})");
  EXPECT_FALSE(http.follow_redirects);
  EXPECT_FALSE(http.fail_if_ssl);
  EXPECT_TRUE(http.fail_if_not_ssl);
  EXPECT_EQ(Patterns(http.fail_if_body_matches_regexp),
            (std::vector<std::string>{"Could not connect to database", "(?i)maintenance"}));
  EXPECT_EQ(Patterns(http.fail_if_body_not_matches_regexp),
            (std::vector<std::string>{"Download the latest version here"}));
  // The compiled pattern matches unanchored, case folding as written.
  EXPECT_TRUE(
      RE2::PartialMatch("Down for MAINTENANCE today", *http.fail_if_body_matches_regexp[1].re));

  ASSERT_EQ(http.fail_if_header_matches.size(), 1u);
  EXPECT_EQ(http.fail_if_header_matches[0].header, "Set-Cookie");
  EXPECT_EQ(http.fail_if_header_matches[0].regexp.pattern, "Expires=[0-9]+");
  EXPECT_TRUE(http.fail_if_header_matches[0].allow_missing);
  ASSERT_EQ(http.fail_if_header_not_matches.size(), 1u);
  EXPECT_EQ(http.fail_if_header_not_matches[0].header, "Access-Control-Allow-Origin");
  EXPECT_EQ(http.fail_if_header_not_matches[0].regexp.pattern, R"((\*|example\.com))");
  EXPECT_FALSE(http.fail_if_header_not_matches[0].allow_missing);

  ASSERT_TRUE(http.basic_auth.has_value());
  EXPECT_EQ(http.basic_auth->username, "prober");
  EXPECT_EQ(http.basic_auth->password, "hunter2-basic");
  EXPECT_EQ(http.basic_auth->password_file, "");
  EXPECT_EQ(http.bearer_token, "");
  EXPECT_EQ(http.bearer_token_file, "");

  EXPECT_EQ(http.tls_config.ca_file, "/etc/ssl/certs/ca.pem");
  EXPECT_EQ(http.tls_config.cert_file, "/etc/outage/client.pem");
  EXPECT_EQ(http.tls_config.key_file, "/etc/outage/client.key");
  EXPECT_EQ(http.tls_config.server_name, "www.example.com");
  EXPECT_TRUE(http.tls_config.insecure_skip_verify);
  EXPECT_EQ(http.tls_config.min_version, "TLS12");
  EXPECT_EQ(http.tls_config.max_version, "TLS13");

  EXPECT_EQ(http.proxy_url, "http://proxyuser:hunter2-proxy@proxy.example.com:3128");
  EXPECT_EQ(http.preferred_ip_protocol, IpProtocol::kIp4);
  EXPECT_FALSE(http.ip_protocol_fallback);
  EXPECT_EQ(http.body_size_limit, 1024 * 1024);
  EXPECT_EQ(http.compression, "gzip");
}

TEST(GoodConfigTest, FullFileOtherModulesAndTargets) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigFile(TestdataPath("good/full_http.yml")));
  const Config& config = *loaded.config;

  const HttpProbe& bearer_file = config.modules.at("http_bearer_file").http;
  EXPECT_EQ(bearer_file.bearer_token_file, "/var/run/secrets/token");
  EXPECT_FALSE(bearer_file.basic_auth.has_value());  // `basic_auth:` is null

  const Module& bearer = config.modules.at("http_bearer");
  EXPECT_EQ(bearer.timeout, Duration(500));
  EXPECT_EQ(bearer.http.bearer_token, "hunter2-bearer");
  EXPECT_EQ(bearer.http.body_size_limit, 0);  // unlimited
  EXPECT_EQ(bearer.http.valid_http_versions,
            (std::vector<std::string>{"HTTP/1.0", "HTTP/2", "HTTP/3"}));

  for (const char* name : {"tcp_connect", "dns_udp", "icmp", "grpc"}) {
    ASSERT_EQ(config.modules.count(name), 1u) << name;
  }
  EXPECT_EQ(config.modules.at("grpc").grpc.service, "checkout");
  EXPECT_TRUE(config.modules.at("tcp_connect").tcp.tls);
  EXPECT_EQ(config.modules.at("dns_udp").dns.query_name, "www.example.com");
  EXPECT_EQ(config.modules.at("tcp_connect").timeout, Duration(5000));
  EXPECT_EQ(config.modules.at("dns_udp").prober, "dns");

  ASSERT_EQ(config.targets.size(), 3u);
  EXPECT_EQ(config.targets[0].target, "https://www.example.com/health");
  EXPECT_EQ(config.targets[0].module, "http_everything");
  EXPECT_EQ(config.targets[0].labels,
            (LabelPairs{LabelPair{"service", "example"}, LabelPair{"team_name", "sre"},
                        LabelPair{"_private", "yes"}}));
  EXPECT_EQ(config.targets[1].module, "http_bearer");
  EXPECT_TRUE(config.targets[1].labels.empty());

  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(GoodConfigTest, HttpModuleWithoutSectionHasBlackboxDefaults) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigString("modules:\n  m:\n    prober: http\n", "inline"));
  const Module& module = loaded.config->modules.at("m");
  EXPECT_EQ(module.timeout, Duration(0));
  const HttpProbe& http = module.http;
  EXPECT_TRUE(http.valid_status_codes.empty());
  EXPECT_TRUE(http.valid_http_versions.empty());
  EXPECT_EQ(http.method, "GET");
  EXPECT_TRUE(http.headers.empty());
  EXPECT_TRUE(http.follow_redirects);
  EXPECT_FALSE(http.fail_if_ssl);
  EXPECT_FALSE(http.fail_if_not_ssl);
  EXPECT_FALSE(http.basic_auth.has_value());
  EXPECT_FALSE(http.tls_config.insecure_skip_verify);
  EXPECT_EQ(http.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_TRUE(http.ip_protocol_fallback);
  EXPECT_EQ(http.body_size_limit, kDefaultBodySizeLimit);
  EXPECT_EQ(http.compression, "");
  EXPECT_EQ(loaded.config->global.histogram_buckets, DefaultHistogramBuckets());
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(GoodConfigTest, DebianBlackboxFileLoadsWithoutWarnings) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigFile(TestdataPath("good/debian_blackbox.yml")));
  const Config& config = *loaded.config;
  EXPECT_EQ(config.modules.size(), 10u);
  EXPECT_TRUE(config.targets.empty());
  EXPECT_EQ(config.modules.at("http_post_2xx").http.method, "POST");
  EXPECT_TRUE(config.modules.at("pop3s_banner").tcp.tls);
  EXPECT_EQ(config.modules.at("icmp_ttl5").timeout, Duration(5000));
  EXPECT_EQ(config.modules.at("icmp_ttl5").icmp.ttl, 5);
  EXPECT_TRUE(config.modules.at("grpc").grpc.tls);
  EXPECT_EQ(config.modules.at("grpc_plain").grpc.service, "service1");
  // Every prober it uses is built: nothing to warn about.
  EXPECT_TRUE(loaded.warnings.empty());
}

// A fragment without modules is valid text; only a whole config file must
// define modules (see ConfigErrorTest).
TEST(GoodConfigTest, EmptyTextIsAValidFragment) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString("", "inline"));
  EXPECT_TRUE(loaded.config->modules.empty());
  EXPECT_TRUE(loaded.config->targets.empty());
  EXPECT_EQ(loaded.config->global.histogram_buckets, DefaultHistogramBuckets());
  EXPECT_EQ(loaded.config->redacted_yaml, "");
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(GoodConfigTest, OnlyEmptyModulesIsAValidFragment) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString("modules: {}\n", "inline"));
  EXPECT_TRUE(loaded.config->modules.empty());
  EXPECT_TRUE(loaded.config->targets.empty());
}

TEST(GoodConfigTest, CommentsAndNullSectionsAreValid) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigString("# nothing yet\nglobal:\nmodules:\ntargets:\n", "inline"));
  EXPECT_TRUE(loaded.config->modules.empty());
  EXPECT_EQ(loaded.config->source, "inline");
}

TEST(GoodConfigTest, MergeKeysExpandLikeGoYaml) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"(
modules:
  base: &base
    prober: http
    timeout: 5s
    http: &base_http
      method: HEAD
      valid_status_codes: [200]
  derived:
    <<: *base
    timeout: 10s
    http:
      <<: *base_http
      method: GET
)",
                                                            "inline"));
  const Module& derived = loaded.config->modules.at("derived");
  EXPECT_EQ(derived.prober, "http");
  EXPECT_EQ(derived.timeout, Duration(10'000));  // explicit key wins
  EXPECT_EQ(derived.http.method, "GET");
  EXPECT_EQ(derived.http.valid_status_codes, std::vector<int>{200});
}

TEST(GoodConfigTest, BooleansAcceptYamlOneOneSpellings) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"(
modules:
  m:
    prober: http
    http:
      follow_redirects: no
      fail_if_not_ssl: On
      ip_protocol_fallback: FALSE
)",
                                                            "inline"));
  const HttpProbe& http = loaded.config->modules.at("m").http;
  EXPECT_FALSE(http.follow_redirects);
  EXPECT_TRUE(http.fail_if_not_ssl);
  EXPECT_FALSE(http.ip_protocol_fallback);
}

TEST(GoodConfigTest, ContradictorySslChecksWarn) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"(
modules:
  m:
    prober: http
    http: {fail_if_ssl: true, fail_if_not_ssl: true}
)",
                                                            "inline"));
  EXPECT_EQ(loaded.warnings,
            std::vector<std::string>{"modules.m.http: fail_if_ssl and fail_if_not_ssl are both "
                                     "true; every probe with this module fails"});
}

TEST(GoodConfigTest, Blackbox023OptionsLoadWithWarnings) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigFile(TestdataPath("good/blackbox_0_23_options.yml")));
  const Config& config = *loaded.config;
  EXPECT_FALSE(config.modules.at("http_no_redirects").http.follow_redirects);
  EXPECT_TRUE(config.modules.at("http_via_proxy").http.skip_resolve_phase_with_proxy);
  EXPECT_EQ(
      config.modules.at("http_via_proxy").http.proxy_connect_header,
      (LabelPairs{
          {"X-Proxy-Token", "pt-s3cr3t"}, {"X-Proxy-Team", "sre"}, {"X-Proxy-Team", "oncall"}}));
  // Header names are shown, every value is a secret; the shown form loads.
  const std::string& shown = config.modules.at("http_via_proxy").redacted_yaml;
  EXPECT_NE(shown.find("X-Proxy-Token: [<secret>]"), std::string::npos) << shown;
  EXPECT_NE(shown.find("X-Proxy-Team: [<secret>, <secret>]"), std::string::npos) << shown;
  EXPECT_EQ(config.redacted_yaml.find("s3cr3t"), std::string::npos);
  ExpectLoaded(LoadConfigString(config.redacted_yaml, "redacted"));
  EXPECT_EQ(config.modules.at("tcp_with_leftover_http").prober, "tcp");
  // The leftover http section is not read into the module.
  EXPECT_TRUE(config.modules.at("tcp_with_leftover_http").http.valid_status_codes.empty());
  EXPECT_EQ(loaded.warnings,
            (std::vector<std::string>{
                "modules.http_no_redirects.http.no_follow_redirects: no_follow_redirects is "
                "deprecated; use follow_redirects: false",
                "modules.tcp_with_leftover_http: ignoring the section(s) for other probers "
                "(http); prober is \"tcp\""}));
}

TEST(GoodConfigTest, NoFollowRedirectsOverridesFollowRedirects) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"(
modules:
  m:
    prober: http
    http: {no_follow_redirects: false, follow_redirects: false}
)",
                                                            "inline"));
  EXPECT_TRUE(loaded.config->modules.at("m").http.follow_redirects);
  EXPECT_EQ(loaded.warnings.size(), 2u);
}

TEST(GoodConfigTest, Blackbox028HttpClientOptionsLoad) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigFile(TestdataPath("good/blackbox_0_28_options.yml")));
  EXPECT_TRUE(loaded.warnings.empty());
  const HttpProbe& http = loaded.config->modules.at("http_newer").http;
  EXPECT_FALSE(http.enable_http2);
  EXPECT_EQ(http.body_file, "/etc/outage/body.json");
  ASSERT_EQ(http.http_headers.size(), 3u);
  EXPECT_EQ(http.http_headers[0].name, "X-Team");
  EXPECT_EQ(http.http_headers[0].values, (std::vector<std::string>{"sre", "oncall"}));
  EXPECT_EQ(http.http_headers[1].secrets, std::vector<std::string>{"s3cr3t"});
  EXPECT_EQ(http.http_headers[2].files, std::vector<std::string>{"/etc/outage/header.txt"});
  ASSERT_TRUE(http.authorization.has_value());
  EXPECT_EQ(http.authorization->type, "Bearer");
  EXPECT_EQ(http.authorization->credentials_file, "/etc/outage/token");
  EXPECT_NE(http.tls_config.ca.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(http.tls_config.key.find("BEGIN PRIVATE KEY"), std::string::npos);
  // Secrets never reach /probe?debug=true.
  const std::string& shown = loaded.config->modules.at("http_newer").redacted_yaml;
  EXPECT_EQ(shown.find("s3cr3t"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("MIIE"), std::string::npos) << shown;
  const BasicAuth& basic = *loaded.config->modules.at("http_basic_file").http.basic_auth;
  EXPECT_EQ(basic.username_file, "/etc/outage/user");
  EXPECT_EQ(basic.password_file, "/etc/outage/password");
}

TEST(GoodConfigTest, ObjectivesOnServicesAndTargets) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"yaml(
modules:
  m:
    prober: http
services:
  spotify:
    objective: 99.9%
  web api:
    objective: "99.95%"
    objective_window: 7d
targets:
  - target: https://open.spotify.com/
    module: m
    labels: {service: spotify}
    objective: 99.5%
    objective_window: 90d
  - target: https://api.spotify.com/
    module: m
    labels: {service: web api}
)yaml",
                                                            "inline"));
  const Config& c = *loaded.config;
  ASSERT_EQ(c.service_objectives.size(), 2u);
  EXPECT_DOUBLE_EQ(c.service_objectives.at("spotify").ratio, 0.999);
  EXPECT_EQ(c.service_objectives.at("spotify").window, std::chrono::hours(30 * 24));
  EXPECT_DOUBLE_EQ(c.service_objectives.at("web api").ratio, 0.9995);
  EXPECT_EQ(c.service_objectives.at("web api").window, std::chrono::hours(7 * 24));
  ASSERT_EQ(c.targets.size(), 2u);
  ASSERT_TRUE(c.targets[0].objective.has_value());
  EXPECT_DOUBLE_EQ(c.targets[0].objective->ratio, 0.995);
  EXPECT_EQ(c.targets[0].objective->window, std::chrono::hours(90 * 24));
  EXPECT_FALSE(c.targets[1].objective.has_value());
}

TEST(GoodConfigTest, PathTraceKeys) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(R"yaml(
modules:
  traced:
    prober: http
    path_on_failure: true
    max_hops: 12
    path_timeout: 1500ms
    path_destination_prefix: {ip4: 20, ip6: 32}
    path_local_networks: [10.0.0.0/8, "fd00::/8"]
  plain:
    prober: tcp
)yaml",
                                                            "inline"));
  const PathTrace& traced = loaded.config->modules.at("traced").path;
  EXPECT_TRUE(traced.on_failure);
  EXPECT_EQ(traced.max_hops, 12);
  EXPECT_EQ(traced.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(traced.destination_prefix_v4, 20);
  EXPECT_EQ(traced.destination_prefix_v6, 32);
  ASSERT_EQ(traced.local_networks.size(), 2u);
  EXPECT_EQ(traced.local_networks[1].text, "fd00::/8");
  const PathTrace& plain = loaded.config->modules.at("plain").path;
  EXPECT_FALSE(plain.on_failure);
  EXPECT_EQ(plain.max_hops, 30);
  EXPECT_EQ(plain.timeout, std::chrono::seconds(2));
  EXPECT_EQ(plain.local_networks.size(), 5u) << "RFC 1918, 100.64/10, fc00::/7";
}

}  // namespace
}  // namespace outage
