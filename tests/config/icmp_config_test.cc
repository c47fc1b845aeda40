// The `icmp:` module section: blackbox's options (and Debian's blackbox.yml
// icmp modules) load unchanged, `packets` and `interval` have defaults and
// limits, and each mistake is an error with its exact text and position.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "tests/config/config_test_util.h"
#include "tests/support/readme_example.h"

namespace outage {
namespace {

using testing::ErrorText;

ConfigResult Load(const std::string& icmp_section) {
  return testing::LoadModule("icmp", icmp_section);
}

TEST(IcmpConfigTest, EveryOption) {
  ConfigResult result = Load(R"yaml(      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      source_ip_address: 192.0.2.7
      payload_size: 1400
      dont_fragment: true
      ttl: 5
      packets: 5
      interval: 200ms
)yaml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const LoadedConfig& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  const Module& m = loaded.config->modules.at("m");
  const IcmpProbe& icmp = m.icmp;
  EXPECT_EQ(icmp.preferred_ip_protocol, IpProtocol::kIp4);
  EXPECT_FALSE(icmp.ip_protocol_fallback);
  EXPECT_EQ(icmp.source_ip_address, "192.0.2.7");
  EXPECT_EQ(icmp.payload_size, 1400);
  EXPECT_TRUE(icmp.dont_fragment);
  EXPECT_EQ(icmp.ttl, 5);
  EXPECT_EQ(icmp.packets, 5);
  EXPECT_EQ(icmp.interval, Duration(200));
}

TEST(IcmpConfigTest, DefaultsAreBlackboxsAndOneEcho) {
  ConfigResult result = LoadConfigString("modules:\n  m:\n    prober: icmp\n", "t.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const LoadedConfig& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  const IcmpProbe& icmp = loaded.config->modules.at("m").icmp;
  EXPECT_EQ(icmp.preferred_ip_protocol, IpProtocol::kIp6);
  EXPECT_TRUE(icmp.ip_protocol_fallback);
  EXPECT_EQ(icmp.payload_size, 0);
  EXPECT_FALSE(icmp.dont_fragment);
  EXPECT_EQ(icmp.ttl, 0);
  EXPECT_EQ(icmp.packets, 1);
  EXPECT_EQ(icmp.interval, Duration(1000));
}

// Debian's /etc/prometheus/blackbox.yml icmp modules, as shipped.
TEST(IcmpConfigTest, DebianBlackboxModulesLoad) {
  ConfigResult result = LoadConfigString(R"yaml(modules:
  icmp:
    prober: icmp
  icmp_ttl5:
    prober: icmp
    timeout: 5s
    icmp:
      ttl: 5
)yaml",
                                         "blackbox.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const LoadedConfig& loaded = std::get<LoadedConfig>(result);
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(loaded.config->modules.at("icmp_ttl5").icmp.ttl, 5);
}

// The reference page's ICMP example is documentation users copy: it must load.
TEST(IcmpConfigTest, ReadmeExampleLoads) {
  const std::string example = test::ReadmeYamlExample(OUTAGE_REFERENCE_DOC, "### ICMP");
  ASSERT_FALSE(example.empty());
  ConfigResult result = LoadConfigString(example, "docs/reference.md");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(result)) << ErrorText(result);
  const IcmpProbe& icmp = std::get<LoadedConfig>(result).config->modules.at("ping").icmp;
  EXPECT_EQ(icmp.packets, 5);
  EXPECT_EQ(icmp.interval, Duration(200));
}

struct BadCase {
  const char* section;
  const char* error;
};

TEST(IcmpConfigTest, MistakesAreErrorsWithPositions) {
  const BadCase cases[] = {
      {"      pakets: 3\n", "t.yml:5:7: modules.m.icmp.pakets: unknown key \"pakets\""},
      {"      ttl: 256\n",
       "t.yml:5:12: modules.m.icmp.ttl: ttl 256 is out of range (want 0 to 255)"},
      {"      ttl: -1\n", "t.yml:5:12: modules.m.icmp.ttl: ttl -1 is out of range (want 0 to 255)"},
      {"      payload_size: 70000\n",
       "t.yml:5:21: modules.m.icmp.payload_size: payload_size 70000 is out of range (want 0 to "
       "65507)"},
      {"      packets: 0\n",
       "t.yml:5:16: modules.m.icmp.packets: packets 0 is out of range (want 1 to 100)"},
      {"      packets: 101\n",
       "t.yml:5:16: modules.m.icmp.packets: packets 101 is out of range (want 1 to 100)"},
      {"      interval: 5ms\n",
       "t.yml:5:17: modules.m.icmp.interval: interval 5ms is shorter than the minimum 10ms"},
      {"      interval: soon\n",
       "t.yml:5:17: modules.m.icmp.interval: invalid duration \"soon\" (use e.g. 200ms, 1s)"},
      {"      dont_fragment: maybe\n",
       "t.yml:5:22: modules.m.icmp.dont_fragment: expected a boolean, got \"maybe\""},
      {"      source_ip_address: example.com\n",
       "t.yml:5:26: modules.m.icmp.source_ip_address: invalid source_ip_address "
       "\"example.com\" (want an IPv4 or IPv6 address)"},
      {"      preferred_ip_protocol: ip5\n",
       "t.yml:5:30: modules.m.icmp.preferred_ip_protocol: invalid value \"ip5\" (want \"ip4\" or "
       "\"ip6\")"},
  };
  for (const BadCase& c : cases) {
    EXPECT_EQ(ErrorText(Load(c.section)), c.error) << c.section;
  }
}

TEST(IcmpConfigTest, PacketsMustFitInTheModuleTimeout) {
  const std::string yaml = R"yaml(modules:
  m:
    prober: icmp
    timeout: 2s
    icmp:
      packets: 5
      interval: 500ms
)yaml";
  EXPECT_EQ(ErrorText(LoadConfigString(yaml, "t.yml")),
            "t.yml:6:16: modules.m.icmp.packets: 5 packets 500ms apart do not fit in timeout 2s");
  // 4 packets 500ms apart are all sent by 1.5s: fine.
  std::string fits = yaml;
  fits.replace(fits.find("packets: 5"), 10, "packets: 4");
  EXPECT_EQ(ErrorText(LoadConfigString(fits, "t.yml")), "loaded");
}

TEST(IcmpConfigTest, SectionOfAnotherProberIsIgnored) {
  EXPECT_EQ(ErrorText(LoadConfigString(
                "modules:\n  m:\n    prober: icmp\n    tcp:\n      tls: true\n", "t.yml")),
            "loaded");
}

}  // namespace
}  // namespace outage
