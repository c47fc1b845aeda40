// Every class of config error, each pinned to its exact text: one small file
// under testdata/bad/ per case, like blackbox_exporter's config tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace outage {
namespace {

using testing::ErrorText;
using testing::TestdataPath;

struct BadFile {
  const char* name;      // under testdata/bad/
  const char* expected;  // ToString() after "<path>:"
};

// clang-format off
constexpr BadFile kBadFiles[] = {
      // A file without modules would refuse every /probe.
      {"empty.yml", " the config defines no modules (and so no targets)"},
      {"comments_only.yml", " the config defines no modules (and so no targets)"},
      {"modules_empty.yml", " the config defines no modules (and so no targets)"},
      {"buckets_empty.yml",
       "2:22: global.histogram_buckets: at least one bucket is required"},
      {"buckets_not_increasing.yml",
       "2:33: global.histogram_buckets[2]: buckets must be strictly increasing, got 0.25 after 0.5"},
      {"buckets_not_number.yml",
       "2:28: global.histogram_buckets[1]: expected a number, got \"fast\""},
      {"buckets_not_positive.yml",
       "2:23: global.histogram_buckets[0]: buckets must be positive, got 0"},
      {"global_unknown_key.yml",
       "2:3: global.scrape_interval: unknown key \"scrape_interval\""},
      {"http_authorization_and_bearer.yml",
       "6:7: modules.m.http.authorization: bearer_token and authorization are mutually exclusive"},
      {"http_authorization_basic.yml",
       "6:15: modules.m.http.authorization.type: authorization type cannot be \"Basic\"; use basic_auth"},
      {"http_authorization_credentials_and_file.yml",
       "7:9: modules.m.http.authorization.credentials_file: credentials and credentials_file are mutually exclusive"},
      {"http_basic_auth_username_and_file.yml",
       "7:9: modules.m.http.basic_auth.username_file: username and username_file are mutually exclusive"},
      {"http_body_and_body_file.yml",
       "6:7: modules.m.http.body_file: body and body_file are mutually exclusive"},
      {"http_cel.yml",
       "5:7: modules.m.http.fail_if_body_json_not_matches_cel: blackbox option \"fail_if_body_json_not_matches_cel\" is not supported: CEL expressions need a CEL implementation, and Debian 12 packages none for C++"},
      {"http_enable_http3.yml",
       "5:21: modules.m.http.enable_http3: enable_http3 is not supported: HTTP/3 needs a libcurl built with QUIC, and Debian 12's libcurl 7.88 has none"},
      {"http_headers_reserved.yml",
       "6:9: modules.m.http.http_headers.user-agent: setting header \"user-agent\" is not allowed"},
      {"http_headers_unknown_key.yml",
       "7:11: modules.m.http.http_headers.X-Team.value: unknown key \"value\""},
      {"http_tls_ca_and_ca_file.yml",
       "7:9: modules.m.http.tls_config.ca: ca_file and ca are mutually exclusive"},
      {"http_tls_key_ref.yml",
       "7:9: modules.m.http.tls_config.key_ref: \"key_ref\" needs a secret manager, which blackbox_exporter does not configure either; use the inline value or the _file form"},
      {"http_basic_auth_and_bearer.yml",
       "7:7: modules.m.http.bearer_token: basic_auth and bearer_token are mutually exclusive"},
      {"http_basic_auth_password_and_file.yml",
       "8:9: modules.m.http.basic_auth.password_file: password and password_file are mutually exclusive"},
      {"http_basic_auth_unknown_key.yml",
       "6:9: modules.m.http.basic_auth.user: unknown key \"user\""},
      {"http_bearer_token_and_file.yml",
       "6:7: modules.m.http.bearer_token_file: bearer_token and bearer_token_file are mutually exclusive"},
      {"http_body_regexp_invalid.yml",
       "7:11: modules.m.http.fail_if_body_matches_regexp[1]: invalid regexp \"(\": missing ): ("},
      {"http_body_size_negative.yml",
       "5:24: modules.m.http.body_size_limit: invalid size \"-1\" (use bytes or e.g. 512KiB, 10MB; 0 means unlimited)"},
      {"http_body_size_space.yml",
       "5:24: modules.m.http.body_size_limit: invalid size \"10 MB\" (use bytes or e.g. 512KiB, 10MB; 0 means unlimited)"},
      {"http_bool_maybe.yml",
       "5:25: modules.m.http.follow_redirects: expected a boolean, got \"maybe\""},
      {"http_compression.yml",
       "5:20: modules.m.http.compression: invalid value \"zip\" (want one of \"\", \"gzip\", \"br\", \"deflate\", \"identity\")"},
      {"http_compression_not_accepted.yml",
       "7:20: modules.m.http.compression: compression \"gzip\" is not accepted by header \"Accept-Encoding: deflate\""},
      {"http_header_duplicate_case.yml",
       "7:9: modules.m.http.headers.host: duplicate header \"host\" (header names ignore case)"},
      {"http_header_match_missing_header.yml",
       "6:11: modules.m.http.fail_if_header_matches[0]: missing required key \"header\""},
      {"http_header_match_missing_regexp.yml",
       "6:11: modules.m.http.fail_if_header_matches[0]: missing required key \"regexp\""},
      {"http_header_match_unknown_key.yml",
       "7:11: modules.m.http.fail_if_header_matches[0].regex: unknown key \"regex\""},
      {"addresses_bad_value.yml",
       "4:16: modules.m.addresses: invalid value \"every\" (want one of \"one\", \"all\")"},
      {"addresses_dns_prober.yml",
       "4:16: modules.m.addresses: addresses: all is not built for the \"dns\" prober (only http, tcp, icmp and grpc)"},
      {"addresses_max_zero.yml",
       "5:20: modules.m.max_addresses: max_addresses must be between 1 and 256, got 0"},
      {"addresses_success_when_bad.yml",
       "5:19: modules.m.success_when: invalid value \"most\" (want one of \"all\", \"any\")"},
      {"addresses_with_proxy.yml",
       "4:16: modules.m.addresses: addresses: all cannot be used with proxy_url: the proxy chooses the address it connects to"},
      {"http_edge_bad_regexp.yml",
       "8:21: modules.m.http.edge.rules[0].regexp: invalid regexp \"pop=([\": missing ]: ["},
      {"http_edge_missing_cdn.yml",
       "7:13: modules.m.http.edge.rules[0]: missing required key \"cdn\""},
      {"http_edge_missing_header.yml",
       "7:13: modules.m.http.edge.rules[0]: missing required key \"header\""},
      {"http_edge_missing_regexp.yml",
       "7:13: modules.m.http.edge.rules[0]: missing required key \"regexp\""},
      {"http_edge_unknown_key.yml",
       "6:9: modules.m.http.edge.rule: unknown key \"rule\""},
      {"http_edge_bad_header.yml",
       "7:21: modules.m.http.edge.rules[0].header: invalid header name \"X Edge\""},
      {"http_edge_empty_cdn.yml",
       "9:18: modules.m.http.edge.rules[0].cdn: empty cdn (want a name such as \"fastly\")"},
      {"http_header_name_invalid.yml",
       "6:9: modules.m.http.headers.X Foo: invalid header name \"X Foo\""},
      {"http_header_regexp_invalid.yml",
       "7:19: modules.m.http.fail_if_header_not_matches[0].regexp: invalid regexp \"[a-\": missing ]: [a-"},
      {"http_header_value_newline.yml",
       "6:16: modules.m.http.headers.X-Foo: header value must not contain CR, LF or NUL"},
      {"http_headers_string.yml",
       "5:16: modules.m.http.headers: expected a map, got \"X-Foo: bar\""},
      {"http_ip_protocol.yml",
       "5:30: modules.m.http.preferred_ip_protocol: invalid value \"ipv4\" (want \"ip4\" or \"ip6\")"},
      {"http_method_invalid.yml",
       "5:15: modules.m.http.method: invalid HTTP method \"GE T\""},
      {"http_method_list.yml",
       "5:15: modules.m.http.method: expected a string, got a list"},
      {"http_not_a_map.yml",
       "4:11: modules.m.http: expected a map, got a list"},
      {"http_oauth2_and_basic_auth.yml",
       "7:7: modules.m.http.oauth2: basic_auth and oauth2 are mutually exclusive"},
      {"http_oauth2_no_token_url.yml",
       "6:9: modules.m.http.oauth2: missing required key \"token_url\""},
      {"http_oauth2_tls_config.yml",
       "7:9: modules.m.http.oauth2.tls_config: \"tls_config\" for the token request is not supported: the token is fetched directly, with the system's CA certificates"},
      {"http_proxy_connect_header_no_proxy.yml",
       "5:7: modules.m.http.proxy_connect_header: proxy_connect_header needs proxy_url or proxy_from_environment"},
      {"http_proxy_connect_header_value.yml",
       "7:18: modules.m.http.proxy_connect_header.X-Token: header value must not contain CR, LF or NUL"},
      {"http_no_proxy_without_proxy_url.yml",
       "5:7: modules.m.http.no_proxy: no_proxy needs proxy_url"},
      {"http_proxy_from_environment_and_url.yml",
       "6:7: modules.m.http.proxy_from_environment: proxy_from_environment and proxy_url are mutually exclusive"},
      {"http_proxy_url_port.yml",
       "5:18: modules.m.http.proxy_url: invalid proxy URL \"http://proxy.example.com:99999\" (want http://host:port or https://host:port)"},
      {"http_proxy_url_scheme.yml",
       "5:18: modules.m.http.proxy_url: invalid proxy URL \"ftp://user:<secret>@proxy.example.com:21\" (want http://host:port or https://host:port)"},
      {"http_status_code_range.yml",
       "5:33: modules.m.http.valid_status_codes[1]: invalid HTTP status code 1000 (want 100-599)"},
      {"http_status_code_text.yml",
       "5:33: modules.m.http.valid_status_codes[1]: expected an integer, got \"2xx\""},
      {"http_status_codes_map.yml",
       "5:27: modules.m.http.valid_status_codes: expected a list, got a map"},
      {"http_tls_bad_version.yml",
       "6:22: modules.m.http.tls_config.min_version: invalid value \"TLS1.2\" (want one of \"\", \"TLS10\", \"TLS11\", \"TLS12\", \"TLS13\")"},
      {"http_tls_bool.yml",
       "6:31: modules.m.http.tls_config.insecure_skip_verify: expected a boolean, got \"1\""},
      {"http_tls_cert_without_key.yml",
       "6:9: modules.m.http.tls_config: a client certificate (cert or cert_file) and its key (key or key_file) must be set together"},
      {"http_tls_min_above_max.yml",
       "7:22: modules.m.http.tls_config.max_version: max_version TLS12 is lower than min_version TLS13"},
      {"http_unknown_key.yml",
       "6:7: modules.http_2xx.http.foo: unknown key \"foo\""},
      {"http_version_invalid.yml",
       "5:39: modules.m.http.valid_http_versions[1]: invalid value \"HTTP/1.2\" (want one of \"HTTP/1.0\", \"HTTP/1.1\", \"HTTP/2\", \"HTTP/2.0\", \"HTTP/3\")"},
      {"merge_key_scalar.yml",
       "3:9: modules.m.<<: merge key needs a map or a list of maps, got \"base\""},
      {"module_bad_timeout.yml",
       "4:14: modules.m.timeout: invalid duration \"5\" (use e.g. 5s, 1m30s)"},
      {"module_decimal_timeout.yml",
       "4:14: modules.m.timeout: invalid duration \"1.5s\" (use e.g. 5s, 1m30s)"},
      {"module_duplicate_key.yml",
       "5:5: modules.m.prober: duplicate key \"prober\" (first at line 3)"},
      {"module_empty_prober.yml",
       "3:13: modules.m.prober: empty prober (want one of \"http\", \"tcp\", \"dns\", \"icmp\", \"grpc\", \"unix\", \"websocket\")"},
      {"module_missing_prober.yml",
       "2:3: modules.m: missing required key \"prober\""},
      {"module_negative_timeout.yml",
       "4:14: modules.m.timeout: invalid duration \"-5s\" (use e.g. 5s, 1m30s)"},
      {"module_null.yml",
       "2:3: modules.m: missing required key \"prober\""},
      {"module_unknown_key.yml",
       "4:5: modules.m.retries: unknown key \"retries\""},
      {"module_unknown_prober.yml",
       "3:13: modules.m.prober: unknown prober \"htp\" (want one of \"http\", \"tcp\", \"dns\", \"icmp\", \"grpc\", \"unix\", \"websocket\")"},
      {"module_unordered_timeout.yml",
       "4:14: modules.m.timeout: invalid duration \"30s1m\" (use e.g. 5s, 1m30s)"},
      {"modules_is_list.yml",
       "2:3: modules: expected a map, got a list"},
      {"objective_100.yml",
       "7:16: targets[0].objective: must be a percentage above 0% and below 100%, e.g. \"99.9%\"; got \"100%\""},
      {"objective_not_percent.yml",
       "7:16: targets[0].objective: must be a percentage above 0% and below 100%, e.g. \"99.9%\"; got \"0.999\""},
      {"objective_window_alone.yml",
       "7:5: targets[0].objective_window: objective_window needs an objective"},
      {"objective_window_too_short.yml",
       "7:23: services.spotify.objective_window: must be a duration from 1h to 400d, e.g. 30d; got \"10m\""},
      {"path_destination_prefix_too_long.yml",
       "4:36: modules.m.path_destination_prefix.ip4: must be between 0 and 32, got 33"},
      {"path_local_networks_bad.yml",
       "4:39: modules.m.path_local_networks[1]: invalid CIDR \"10.0.0.0/33\": prefix length must be 0-32"},
      {"path_max_hops_zero.yml",
       "4:15: modules.m.max_hops: must be between 1 and 64, got 0"},
      {"path_on_failure_dns.yml",
       "4:22: modules.m.path_on_failure: path_on_failure is not built for the \"dns\" prober (only http, tcp, icmp and grpc)"},
      {"path_timeout_too_long.yml",
       "4:19: modules.m.path_timeout: must be a duration more than 0 and at most 30s, got \"1m\""},
      {"services_is_list.yml",
       "5:3: services: expected a map, got a list"},
      {"services_missing_objective.yml",
       "6:5: services.spotify: missing required key \"objective\""},
      {"services_unknown_key.yml",
       "7:5: services.spotify.window: unknown key \"window\""},
      {"target_duplicate.yml",
       "9:5: targets[2]: duplicate target \"http://x\" with module \"http_2xx\" (first at line 5)"},
      {"target_empty.yml",
       "5:13: targets[0].target: must not be empty"},
      {"target_label_double_underscore.yml",
       "8:7: targets[0].labels.__address__: label name \"__address__\" is reserved (names starting with \"__\" are internal to Prometheus)"},
      {"target_label_invalid.yml",
       "8:7: targets[0].labels.1abc: invalid label name \"1abc\" (must match [a-zA-Z_][a-zA-Z0-9_]*)"},
      {"target_label_reserved.yml",
       "8:7: targets[0].labels.job: label name \"job\" is reserved (the exporter or Prometheus sets it)"},
      {"target_label_value_list.yml",
       "8:13: targets[0].labels.team: expected a string, got a list"},
      {"target_missing_module.yml",
       "5:5: targets[0]: missing required key \"module\""},
      {"target_missing_target.yml",
       "5:5: targets[0]: missing required key \"target\""},
      {"target_not_a_map.yml",
       "5:5: targets[0]: expected a map, got \"https://www.example.com/\""},
      {"target_unknown_key.yml",
       "7:5: targets[0].interval: unknown key \"interval\""},
      {"target_unknown_module.yml",
       "8:13: targets[1].module: unknown module \"nope\""},
      {"targets_is_map.yml",
       "5:3: targets: expected a list, got a map"},
      {"top_level_list.yml",
       "1:1: the top level must be a map, got a list"},
      {"top_level_unknown_key.yml",
       "2:1: scrape_configs: unknown key \"scrape_configs\""},
      {"unavailable_prober_bad_timeout.yml",
       "4:14: modules.t.timeout: invalid duration \"soon\" (use e.g. 5s, 1m30s)"},
      // yaml-cpp's LoadAll looped forever on this (found by fuzz_config_loader).
      {"yaml_stray_comma.yml",
       "2:5: yaml: unexpected \",\" outside a flow collection"},
      {"yaml_syntax.yml",
       "3:1: yaml: end of sequence flow not found"},
      {"yaml_two_documents.yml",
       "3:1: yaml: expected one document, found 2"},
};
// clang-format on

TEST(ConfigErrorTest, BadFilesFailWithExactMessages) {
  for (const BadFile& bad : kBadFiles) {
    const std::string path = TestdataPath(std::string("bad/") + bad.name);
    EXPECT_EQ(ErrorText(LoadConfigFile(path)), path + ":" + bad.expected) << bad.name;
  }
}

// A file under bad/ that no case names would be a test that never runs.
TEST(ConfigErrorTest, EveryBadFileIsInTheTable) {
  std::set<std::string> names;
  for (const BadFile& bad : kBadFiles) {
    EXPECT_TRUE(names.insert(bad.name).second) << "listed twice: " << bad.name;
  }
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TestdataPath("bad"))) {
    ++files;
    EXPECT_EQ(names.count(entry.path().filename().string()), 1u)
        << "not in kBadFiles: " << entry.path();
  }
  EXPECT_EQ(files, names.size());
}

TEST(ConfigErrorTest, MissingFileCannotBeRead) {
  const std::string path = TestdataPath("does_not_exist.yml");
  const ConfigResult result = LoadConfigFile(path);
  const auto* error = std::get_if<ConfigError>(&result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->source, path);
  EXPECT_EQ(error->line, 0);
  EXPECT_EQ(error->ToString(), path + ": cannot read file: No such file or directory");
}

TEST(ConfigErrorTest, DirectoryCannotBeRead) {
  const std::string path = TestdataPath("bad");
  EXPECT_EQ(ErrorText(LoadConfigFile(path)), path + ": not a regular file");
}

TEST(ConfigErrorTest, ModulesAndYamlNodesAreCapped) {
  std::string modules = "modules:\n";
  for (size_t i = 0; i <= kMaxModules; ++i) {
    modules += "  m" + std::to_string(i) + ": {prober: tcp}\n";
  }
  EXPECT_EQ(ErrorText(LoadConfigString(modules, "big")),
            "big:2:3: modules: more than 10000 modules");
  // Counted before yaml-cpp builds its tree, whatever the nodes are.
  std::string nodes = "x: [";
  for (size_t i = 0; i <= kMaxYamlNodes; ++i) nodes += "1,";
  nodes += "1]\n";
  EXPECT_EQ(ErrorText(LoadConfigString(nodes, "big")), "big: more than 500000 YAML nodes");
}

TEST(ConfigErrorTest, StringSourceNamesItself) {
  EXPECT_EQ(
      ErrorText(LoadConfigString("modules:\n  m: {prober: ftp}\n", "reload request")),
      "reload request:2:15: modules.m.prober: unknown prober \"ftp\" "
      "(want one of \"http\", \"tcp\", \"dns\", \"icmp\", \"grpc\", \"unix\", \"websocket\")");
}

TEST(ConfigErrorTest, OnlyTheFirstErrorIsReported) {
  EXPECT_EQ(ErrorText(LoadConfigString(R"(modules:
  a:
    prober: http
    timeout: soon
  b:
    prober: nope
)",
                                       "x")),
            "x:4:14: modules.a.timeout: invalid duration \"soon\" (use e.g. "
            "5s, 1m30s)");
}

TEST(ConfigErrorTest, TabIndentationIsAYamlError) {
  EXPECT_EQ(ErrorText(LoadConfigString("modules:\n\tm: {}\n", "x")),
            "x:2:3: yaml: illegal map value");
}

TEST(ConfigErrorTest, ControlCharactersAreEscapedInMessages) {
  EXPECT_EQ(ErrorText(LoadConfigString("modules:\n  m:\n    prober: \"ht\\ttp\\u0001\"\n", "x")),
            "x:3:13: modules.m.prober: unknown prober \"ht\\ttp\\x01\" (want "
            "one of \"http\", \"tcp\", \"dns\", \"icmp\", \"grpc\", \"unix\", \"websocket\")");
}

TEST(ConfigErrorTest, ToStringOmitsUnknownPositions) {
  EXPECT_EQ((ConfigError{"f.yml", 3, 7, "m"}).ToString(), "f.yml:3:7: m");
  EXPECT_EQ((ConfigError{"f.yml", 3, 0, "m"}).ToString(), "f.yml:3: m");
  EXPECT_EQ((ConfigError{"f.yml", 0, 0, "m"}).ToString(), "f.yml: m");
}

}  // namespace
}  // namespace outage
