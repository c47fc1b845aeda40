// The `dns:` module section: blackbox's options and defaults, `resolvers:`,
// and a table of bad snippets each paired with its exact error.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "config/dns_address.h"
#include "tests/config/config_test_util.h"

namespace outage {
namespace {

std::string ErrorOf(const std::string& dns_section) {
  return testing::ErrorText(testing::LoadModule("dns", dns_section));
}

const DnsProbe& Loaded(const std::string& dns_section, LoadedConfig* keep) {
  const ConfigResult result = testing::LoadModule("dns", dns_section);
  if (const auto* error = std::get_if<ConfigError>(&result)) {
    ADD_FAILURE() << error->ToString();
    static const DnsProbe kEmpty;
    return kEmpty;
  }
  *keep = std::get<LoadedConfig>(result);
  return keep->config->modules.at("m").dns;
}

TEST(DnsConfigTest, DefaultsMatchBlackbox) {
  LoadedConfig keep;
  const DnsProbe& dns = Loaded("      query_name: example.com\n", &keep);
  EXPECT_EQ(dns.query_name, "example.com");
  EXPECT_EQ(dns.query_type, "ANY");
  EXPECT_EQ(dns.query_class, "IN");
  EXPECT_EQ(dns.valid_rcodes, std::vector<std::string>{"NOERROR"});
  EXPECT_TRUE(dns.recursion_desired);
  EXPECT_EQ(dns.transport_protocol, "udp");
  EXPECT_EQ(dns.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_TRUE(dns.ip_protocol_fallback);
  EXPECT_TRUE(dns.resolvers.empty());
}

TEST(DnsConfigTest, ReadsEveryOption) {
  LoadedConfig keep;
  const DnsProbe& dns = Loaded(R"(      query_name: example.com.
      query_type: MX
      query_class: CH
      valid_rcodes: [NOERROR, NXDOMAIN]
      recursion_desired: false
      transport_protocol: tcp
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      source_ip_address: 127.0.0.1
      dns_over_tls: false
      validate_answer_rrs:
        fail_if_matches_regexp: [".*127.0.0.1"]
        fail_if_all_match_regexp: ["a"]
        fail_if_not_matches_regexp: ["b"]
        fail_if_none_matches_regexp: ["c", "d"]
      validate_authority_rrs:
        fail_if_matches_regexp: ["e"]
      validate_additional_rrs:
        fail_if_none_matches_regexp: ["f"]
      resolvers: [system, "one.one.one.one", "127.0.0.1:5353", "[::1]:53"]
)",
                               &keep);
  EXPECT_EQ(dns.query_type, "MX");
  EXPECT_EQ(dns.query_class, "CH");
  EXPECT_EQ(dns.valid_rcodes, (std::vector<std::string>{"NOERROR", "NXDOMAIN"}));
  EXPECT_FALSE(dns.recursion_desired);
  EXPECT_EQ(dns.transport_protocol, "tcp");
  EXPECT_EQ(dns.preferred_ip_protocol, IpProtocol::kIp4);
  EXPECT_FALSE(dns.ip_protocol_fallback);
  EXPECT_EQ(dns.source_ip_address, "127.0.0.1");
  ASSERT_EQ(dns.validate_answer_rrs.fail_if_none_matches_regexp.size(), 2u);
  EXPECT_TRUE(RE2::PartialMatch("x d", *dns.validate_answer_rrs.fail_if_none_matches_regexp[1].re));
  EXPECT_EQ(dns.validate_authority_rrs.fail_if_matches_regexp.size(), 1u);
  EXPECT_EQ(dns.validate_additional_rrs.fail_if_none_matches_regexp.size(), 1u);
  EXPECT_EQ(dns.resolvers,
            (std::vector<std::string>{"system", "one.one.one.one", "127.0.0.1:5353", "[::1]:53"}));
}

TEST(DnsConfigTest, ReadsDnsOverTls) {
  LoadedConfig keep;
  const DnsProbe& dns = Loaded(R"(      query_name: example.com
      transport_protocol: tcp
      dns_over_tls: true
      tls_config:
        ca_file: /etc/outage/ca.pem
        server_name: dns.example.com
)",
                               &keep);
  EXPECT_TRUE(dns.dns_over_tls);
  EXPECT_EQ(dns.tls_config.ca_file, "/etc/outage/ca.pem");
  EXPECT_EQ(dns.tls_config.server_name, "dns.example.com");
  EXPECT_TRUE(keep.warnings.empty());
}

// blackbox loads DoT over udp and fails each probe; it loads here with a
// warning saying so.
TEST(DnsConfigTest, DnsOverTlsWithoutTcpLoadsWithAWarning) {
  LoadedConfig keep;
  const DnsProbe& dns = Loaded("      query_name: example.com\n      dns_over_tls: true\n", &keep);
  EXPECT_TRUE(dns.dns_over_tls);
  EXPECT_EQ(keep.warnings,
            std::vector<std::string>{"modules.m.dns.dns_over_tls: dns_over_tls needs "
                                     "transport_protocol: tcp; every probe with this module "
                                     "fails, as in blackbox"});
}

TEST(DnsConfigTest, EmptyValuesKeepBlackboxDefaults) {
  LoadedConfig keep;
  const DnsProbe& dns = Loaded(R"(      query_name: example.com
      query_type: ""
      transport_protocol: ""
      preferred_ip_protocol: ""
      valid_rcodes: []
)",
                               &keep);
  EXPECT_EQ(dns.query_type, "ANY");
  EXPECT_EQ(dns.transport_protocol, "udp");
  EXPECT_EQ(dns.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_EQ(dns.valid_rcodes, std::vector<std::string>{"NOERROR"});
}

TEST(DnsConfigTest, RejectsBadSectionsWithExactErrors) {
  const struct {
    const char* section;
    const char* error;
  } kCases[] = {
      {"      query_type: A\n", "t.yml:5:7: modules.m.dns: missing required key \"query_name\""},
      {"      query_name: \"\"\n", "t.yml:5:7: modules.m.dns: missing required key \"query_name\""},
      {"      query_name: a..b\n",
       "t.yml:5:19: modules.m.dns.query_name: invalid query name \"a..b\": empty label"},
      {"      query_name: x\n      query_type: AXFR\n",
       "t.yml:6:19: modules.m.dns.query_type: invalid value \"AXFR\" (want one of \"A\", "
       "\"AAAA\", \"CNAME\", \"MX\", \"NS\", \"SOA\", \"TXT\", \"SRV\", \"PTR\", \"CAA\", "
       "\"ANY\")"},
      {"      query_name: x\n      query_class: XX\n",
       "t.yml:6:20: modules.m.dns.query_class: invalid value \"XX\" (want one of \"IN\", \"CH\", "
       "\"HS\", \"ANY\")"},
      {"      query_name: x\n      valid_rcodes: [NOERROR, nope]\n",
       "t.yml:6:31: modules.m.dns.valid_rcodes[1]: invalid value \"nope\" (want one of "
       "\"NOERROR\", \"FORMERR\", \"SERVFAIL\", \"NXDOMAIN\", \"NOTIMP\", \"REFUSED\", "
       "\"YXDOMAIN\", \"YXRRSET\", \"NXRRSET\", \"NOTAUTH\", \"NOTZONE\", \"BADSIG\", "
       "\"BADVERS\", \"BADKEY\", \"BADTIME\", \"BADMODE\", \"BADNAME\", \"BADALG\", "
       "\"BADTRUNC\", \"BADCOOKIE\")"},
      {"      query_name: x\n      transport_protocol: quic\n",
       "t.yml:6:27: modules.m.dns.transport_protocol: invalid value \"quic\" (want one of "
       "\"udp\", \"tcp\")"},
      {"      query_name: x\n      preferred_ip_protocol: ip5\n",
       "t.yml:6:30: modules.m.dns.preferred_ip_protocol: invalid value \"ip5\" (want \"ip4\" or "
       "\"ip6\")"},
      {"      query_name: x\n      recursion_desired: maybe\n",
       "t.yml:6:26: modules.m.dns.recursion_desired: expected a boolean, got \"maybe\""},
      {"", "t.yml:5:1: modules.m.dns: missing required key \"query_name\""},
      {"      query_name: x\n      source_ip_address: 300.1.1.1\n",
       "t.yml:6:26: modules.m.dns.source_ip_address: invalid IP address \"300.1.1.1\""},
      {"      query_name: x\n      transport_protocol: tcp\n      dns_over_tls: true\n"
       "      resolvers: [system]\n",
       "t.yml:7:7: modules.m.dns.dns_over_tls: dns_over_tls cannot query the \"system\" "
       "resolver, which /etc/resolv.conf names without TLS"},
      {"      query_name: x\n      tls_config: {min_version: TLS9}\n",
       "t.yml:6:33: modules.m.dns.tls_config.min_version: invalid value \"TLS9\" (want one of "
       "\"\", \"TLS10\", \"TLS11\", \"TLS12\", \"TLS13\")"},
      {"      query_name: x\n      query_nmae: y\n",
       "t.yml:6:7: modules.m.dns.query_nmae: unknown key \"query_nmae\""},
      {"      query_name: x\n      validate_answer_rrs:\n        fail_if_matches: [a]\n",
       "t.yml:7:9: modules.m.dns.validate_answer_rrs.fail_if_matches: unknown key "
       "\"fail_if_matches\""},
      {"      query_name: x\n      validate_answer_rrs:\n        fail_if_matches_regexp: [\"(\"]\n",
       "t.yml:7:34: modules.m.dns.validate_answer_rrs.fail_if_matches_regexp[0]: invalid "
       "regexp \"(\": missing ): ("},
      {"      query_name: x\n      resolvers: [\"a:0\"]\n",
       "t.yml:6:19: modules.m.dns.resolvers[0]: invalid port \"0\" (want 1-65535)"},
      {"      query_name: x\n      resolvers: [\":53\"]\n",
       "t.yml:6:19: modules.m.dns.resolvers[0]: empty host in address \":53\""},
      {"      query_name: x\n      resolvers: [system, system]\n",
       "t.yml:6:27: modules.m.dns.resolvers[1]: duplicate resolver \"system\""},
      {"      query_name: x\n      resolvers: [\"[::1\"]\n",
       "t.yml:6:19: modules.m.dns.resolvers[0]: missing ']' in address \"[::1\""},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ErrorOf(c.section), c.error) << c.section;
  }
  EXPECT_EQ(ErrorOf("      query_name: " + std::string(64, 'a') + "\n"),
            "t.yml:5:19: modules.m.dns.query_name: invalid query name \"" + std::string(64, 'a') +
                "\": label longer than 63 characters");
}

TEST(DnsConfigTest, ParsesServerAddresses) {
  std::string error;
  auto a = ParseDnsServerAddress("dns.google", &error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "dns.google");
  EXPECT_EQ(a->port, 53);
  a = ParseDnsServerAddress("127.0.0.1:5353", &error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5353);
  a = ParseDnsServerAddress("2001:db8::1", &error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "2001:db8::1");
  EXPECT_EQ(a->port, 53);
  a = ParseDnsServerAddress("[2001:db8::1]:853", &error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "2001:db8::1");
  EXPECT_EQ(a->port, 853);
  EXPECT_TRUE(ParseDnsServerAddress("system", &error)->system);
  EXPECT_FALSE(ParseDnsServerAddress("", &error));
  EXPECT_EQ(error, "empty DNS server address");
  EXPECT_FALSE(ParseDnsServerAddress("host:99999", &error));
  EXPECT_EQ(error, "invalid port \"99999\" (want 1-65535)");
  EXPECT_FALSE(ParseDnsServerAddress("host:", &error));
  EXPECT_FALSE(ParseDnsServerAddress("[::1]x", &error));
}

}  // namespace
}  // namespace outage
