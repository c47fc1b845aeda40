// The `tcp:` module section: blackbox's options load (Debian's blackbox.yml
// tcp modules unchanged), and each mistake is an error with its exact text
// and file:line:column.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "tests/config/config_test_util.h"
#include "tests/support/readme_example.h"

namespace outage {
namespace {

using testing::ErrorText;

ConfigResult Load(const std::string& tcp_section) {
  return testing::LoadModule("tcp", tcp_section);
}

TEST(TcpConfigTest, EveryOption) {
  ConfigResult result = Load(R"yaml(      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      source_ip_address: 192.0.2.7
      tls: false
      tls_config:
        ca_file: /etc/ca.pem
        server_name: mail.example.com
        insecure_skip_verify: true
        min_version: TLS12
      query_response:
        - expect: "^220 ([^ ]+)"
          labels:
            - name: host
              value: "${1}"
        - send: "EHLO prober"
        - expect_bytes: "\x00OK"
        - send: "STARTTLS"
          starttls: true
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const auto& config = std::get<LoadedConfig>(result).config;
  const Module& m = config->modules.at("m");
  const TcpProbe& tcp = m.tcp;
  EXPECT_EQ(tcp.preferred_ip_protocol, IpProtocol::kIp4);
  EXPECT_FALSE(tcp.ip_protocol_fallback);
  EXPECT_EQ(tcp.source_ip_address, "192.0.2.7");
  EXPECT_EQ(tcp.tls_config.server_name, "mail.example.com");
  EXPECT_TRUE(tcp.tls_config.insecure_skip_verify);
  ASSERT_EQ(tcp.query_response.size(), 4u);
  ASSERT_TRUE(tcp.query_response[0].expect.has_value());
  EXPECT_EQ(tcp.query_response[0].expect->pattern, "^220 ([^ ]+)");
  EXPECT_EQ(tcp.query_response[0].labels, (LabelPairs{{"host", "${1}"}}));
  EXPECT_EQ(tcp.query_response[1].send, "EHLO prober");
  EXPECT_EQ(tcp.query_response[2].expect_bytes, std::string("\0OK", 3));
  EXPECT_TRUE(tcp.query_response[3].starttls);
}

TEST(TcpConfigTest, Defaults) {
  ConfigResult result = LoadConfigString("modules:\n  m:\n    prober: tcp\n", "t.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const TcpProbe& tcp = std::get<LoadedConfig>(result).config->modules.at("m").tcp;
  EXPECT_EQ(tcp.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_TRUE(tcp.ip_protocol_fallback);
  EXPECT_FALSE(tcp.tls);
  EXPECT_TRUE(tcp.query_response.empty());
}

// Debian's /etc/prometheus/blackbox.yml tcp modules, as shipped.
TEST(TcpConfigTest, DebianBlackboxModulesLoad) {
  ConfigResult result = LoadConfigString(R"yaml(modules:
  tcp_connect:
    prober: tcp
  pop3s_banner:
    prober: tcp
    tcp:
      query_response:
      - expect: "^+OK"
      tls: true
      tls_config:
        insecure_skip_verify: false
  ssh_banner:
    prober: tcp
    tcp:
      query_response:
      - expect: "^SSH-2.0-"
      - send: "SSH-2.0-blackbox-ssh-check"
  irc_banner:
    prober: tcp
    tcp:
      query_response:
      - send: "NICK prober"
      - send: "USER prober prober prober :prober"
      - expect: "PING :([^ ]+)"
        send: "PONG ${1}"
      - expect: "^:[^ ]+ 001"
)yaml",
                                         "blackbox.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const auto& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(loaded.config->modules.at("irc_banner").tcp.query_response[2].send, "PONG ${1}");
}

// The reference page's TCP example is documentation users copy: it must load.
TEST(TcpConfigTest, ReadmeExampleLoads) {
  const std::string example =
      test::ReadmeYamlExample(OUTAGE_REFERENCE_DOC, "### TCP, TLS and STARTTLS");
  ASSERT_FALSE(example.empty());
  ConfigResult result = LoadConfigString(example, "docs/reference.md");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const auto& modules = std::get<LoadedConfig>(result).config->modules;
  EXPECT_EQ(modules.at("smtp_starttls").tcp.query_response[1].send, "EHLO prober.example.com\r");
  EXPECT_EQ(modules.at("imaps").tcp.query_response[0].expect->pattern, "^\\* OK");
}

struct BadSection {
  const char* yaml;      // the tcp: section body, from line 5
  const char* expected;  // ToString()
};

// clang-format off
constexpr BadSection kBadSections[] = {
    {"      retries: 3\n",
     "t.yml:5:7: modules.m.tcp.retries: unknown key \"retries\""},
    {"      preferred_ip_protocol: ipv4\n",
     "t.yml:5:30: modules.m.tcp.preferred_ip_protocol: invalid value \"ipv4\" (want \"ip4\" or \"ip6\")"},
    {"      tls: yes please\n",
     "t.yml:5:12: modules.m.tcp.tls: expected a boolean, got \"yes please\""},
    {"      source_ip_address: eth0\n",
     "t.yml:5:26: modules.m.tcp.source_ip_address: invalid source_ip_address \"eth0\" (want an IPv4 or IPv6 address)"},
    {"      query_response: \"^SSH\"\n",
     "t.yml:5:23: modules.m.tcp.query_response: expected a list, got \"^SSH\""},
    {"      query_response:\n        - \"^SSH\"\n",
     "t.yml:6:11: modules.m.tcp.query_response[0]: expected a map, got \"^SSH\""},
    {"      query_response:\n        - expect: \"(\"\n",
     "t.yml:6:19: modules.m.tcp.query_response[0].expect: invalid regexp \"(\": missing ): ("},
    {"      query_response:\n        - {}\n",
     "t.yml:6:11: modules.m.tcp.query_response[0]: step does nothing (want expect, expect_bytes, send or starttls)"},
    {"      query_response:\n        - expect: a\n          expct: b\n",
     "t.yml:7:11: modules.m.tcp.query_response[0].expct: unknown key \"expct\""},
    {"      query_response:\n        - expect: a\n          expect_bytes: b\n",
     "t.yml:7:11: modules.m.tcp.query_response[0].expect_bytes: expect and expect_bytes are mutually exclusive"},
    {"      query_response:\n        - send: a\n          starttls: maybe\n",
     "t.yml:7:21: modules.m.tcp.query_response[0].starttls: expected a boolean, got \"maybe\""},
    {"      query_response:\n        - send: [a]\n",
     "t.yml:6:17: modules.m.tcp.query_response[0].send: expected a string, got a list"},
    {"      query_response:\n        - send: a\n          labels:\n            - name: x\n              value: y\n",
     "t.yml:7:11: modules.m.tcp.query_response[0].labels: labels need an expect in the same step (their values may use its ${N} captures)"},
    {"      query_response:\n        - expect: a\n          labels:\n            - name: 1x\n",
     "t.yml:8:21: modules.m.tcp.query_response[0].labels[0].name: invalid label name \"1x\" (must match [a-zA-Z_][a-zA-Z0-9_]*)"},
    {"      query_response:\n        - expect: a\n          labels:\n            - value: y\n",
     "t.yml:8:15: modules.m.tcp.query_response[0].labels[0]: missing required key \"name\""},
    {"      query_response:\n        - expect: a\n          labels:\n            - {name: v, value: a}\n            - {name: v, value: b}\n",
     "t.yml:9:22: modules.m.tcp.query_response[0].labels[1].name: duplicate label name \"v\""},
    {"      query_response:\n        - expect: a\n          labels:\n            - {name: v, valu: a}\n",
     "t.yml:8:25: modules.m.tcp.query_response[0].labels[0].valu: unknown key \"valu\""},
    {"      query_response:\n        - send: a\n          starttls: true\n        - send: b\n          starttls: true\n",
     "t.yml:8:11: modules.m.tcp.query_response[1]: only one step may use starttls"},
    {"      tls: true\n      query_response:\n        - send: a\n          starttls: true\n",
     "t.yml:7:11: modules.m.tcp.query_response[0]: starttls upgrades a plain connection; it cannot be used with tls: true"},
    {"      tls_config:\n        ca_path: /x\n",
     "t.yml:6:9: modules.m.tcp.tls_config.ca_path: unknown key \"ca_path\""},
    {"      tls_config:\n        min_version: TLS14\n",
     "t.yml:6:22: modules.m.tcp.tls_config.min_version: invalid value \"TLS14\" (want one of \"\", \"TLS10\", \"TLS11\", \"TLS12\", \"TLS13\")"},
};
// clang-format on

TEST(TcpConfigTest, BadSectionsFailWithExactErrors) {
  for (const BadSection& bad : kBadSections) {
    EXPECT_EQ(ErrorText(Load(bad.yaml)), bad.expected) << bad.yaml;
  }
}

}  // namespace
}  // namespace outage
