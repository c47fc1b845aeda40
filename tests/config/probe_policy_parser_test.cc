// probe_policy: the default, a full policy, and bad policies paired with
// their exact errors.
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace outage {
namespace {

using testing::ErrorText;
using testing::ExpectLoaded;

TEST(ProbePolicyParserTest, DefaultDeniesCloudMetadata) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString("modules: {}\n", "p.yml"));
  const ProbePolicy& p = loaded.config->probe_policy;
  EXPECT_TRUE(p.allow_hosts.empty());
  EXPECT_TRUE(p.allow_networks.empty());
  EXPECT_TRUE(p.deny_hosts.empty());
  ASSERT_EQ(p.deny_networks.size(), 2u);
  EXPECT_EQ(p.deny_networks[0].text, "169.254.169.254/32");
  EXPECT_EQ(p.deny_networks[1].text, "fd00:ec2::254/128");
}

TEST(ProbePolicyParserTest, ParsesGlobsAndNetworks) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(
      "probe_policy:\n"
      "  allow: ['*.Example.com', 10.0.0.0/8, '2001:db8::/32', 192.0.2.7]\n"
      "  deny: ['*.internal', metadata.google.internal., 169.254.0.0/16, 'fd00:ec2::254']\n",
      "p.yml"));
  const ProbePolicy& p = loaded.config->probe_policy;
  EXPECT_EQ(p.allow_hosts, (std::vector<std::string>{"*.example.com"}));
  ASSERT_EQ(p.allow_networks.size(), 3u);
  EXPECT_EQ(p.allow_networks[0].prefix_length, 8);
  EXPECT_TRUE(p.allow_networks[1].ipv6);
  EXPECT_EQ(p.allow_networks[2].prefix_length, 32);
  EXPECT_EQ(p.deny_hosts, (std::vector<std::string>{"*.internal", "metadata.google.internal"}));
  ASSERT_EQ(p.deny_networks.size(), 2u);  // the explicit list replaces the default
  EXPECT_EQ(p.deny_networks[0].text, "169.254.0.0/16");
  EXPECT_EQ(p.deny_networks[1].prefix_length, 128);
}

TEST(ProbePolicyParserTest, EmptyDenyListDropsTheDefault) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigString("probe_policy:\n  deny: []\n", "p.yml"));
  EXPECT_TRUE(loaded.config->probe_policy.deny_networks.empty());
}

TEST(ProbePolicyParserTest, AllowOnlyKeepsTheDefaultDeny) {
  const LoadedConfig loaded =
      ExpectLoaded(LoadConfigString("probe_policy:\n  allow: [0.0.0.0/0]\n", "p.yml"));
  EXPECT_EQ(loaded.config->probe_policy.deny_networks.size(), 2u);
}

struct BadPolicy {
  const char* yaml;
  const char* error;
};

TEST(ProbePolicyParserTest, BadPoliciesFailWithExactMessages) {
  const BadPolicy kBad[] = {
      {"probe_policy:\n  deny: [10.0.0.0/33]\n",
       "p.yml:2:10: probe_policy.deny[0]: invalid CIDR \"10.0.0.0/33\": prefix length must be "
       "0-32"},
      {"probe_policy:\n  allow:\n    - ok.example\n    - 'fd00::/200'\n",
       "p.yml:4:7: probe_policy.allow[1]: invalid CIDR \"fd00::/200\": prefix length must be "
       "0-128"},
      {"probe_policy:\n  deny: [10.0.0/8]\n",
       "p.yml:2:10: probe_policy.deny[0]: invalid CIDR \"10.0.0/8\": \"10.0.0\" is not an IP "
       "address"},
      {"probe_policy:\n  deny: ['']\n", "p.yml:2:10: probe_policy.deny[0]: empty host pattern"},
      {"probe_policy:\n  deny: ['bad host']\n",
       "p.yml:2:10: probe_policy.deny[0]: invalid host pattern \"bad host\": want a host name "
       "glob (\"*.internal\") or a CIDR"},
      {"probe_policy:\n  deny: [[a]]\n",
       "p.yml:2:10: probe_policy.deny[0]: expected a string, got a list"},
      {"probe_policy:\n  deny: 10.0.0.0/8\n",
       "p.yml:2:9: probe_policy.deny: expected a list, got \"10.0.0.0/8\""},
      {"probe_policy:\n  block: []\n", "p.yml:2:3: probe_policy.block: unknown key \"block\""},
      {"probe_policy: [a]\n", "p.yml:1:15: probe_policy: expected a map, got a list"},
  };
  for (const BadPolicy& bad : kBad) {
    EXPECT_EQ(ErrorText(LoadConfigString(bad.yaml, "p.yml")), bad.error) << bad.yaml;
  }
}

}  // namespace
}  // namespace outage
