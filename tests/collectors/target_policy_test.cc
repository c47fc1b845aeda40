// TargetPolicy: host globs, CIDRs (v4 and v6), deny wins, allow lists and the
// default metadata deny.
#include "collectors/target_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>
#include <vector>

#include "config/ip_network.h"

namespace outage {
namespace {

IpNetwork Net(const std::string& text) {
  IpNetwork n;
  const std::string problem = ParseIpNetwork(text, &n);
  EXPECT_EQ(problem, "") << text;
  return n;
}

ProbePolicy Policy(std::vector<std::string> allow_hosts, std::vector<std::string> allow_nets,
                   std::vector<std::string> deny_hosts, std::vector<std::string> deny_nets) {
  ProbePolicy p;
  p.allow_hosts = std::move(allow_hosts);
  p.deny_hosts = std::move(deny_hosts);
  for (const auto& n : allow_nets) p.allow_networks.push_back(Net(n));
  p.deny_networks.clear();
  for (const auto& n : deny_nets) p.deny_networks.push_back(Net(n));
  return p;
}

// AllowsAddress builds a sockaddr for `ip` and asks the policy.
bool AllowsAddress(const TargetPolicy& policy, const std::string& ip, bool host_listed = false,
                   std::string* why = nullptr) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (ip.find(':') == std::string::npos) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, ip.c_str(), &in->sin_addr), 1) << ip;
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr), 1) << ip;
    len = sizeof(sockaddr_in6);
  }
  return policy.Allows(reinterpret_cast<const sockaddr*>(&ss), len, host_listed, why);
}

TEST(TargetPolicyTest, DefaultDeniesMetadataAddressesOnly) {
  const ProbePolicy p;  // no probe_policy in the config
  const TargetPolicy policy(p);
  std::string why;
  EXPECT_FALSE(policy.Allows("169.254.169.254", &why));
  EXPECT_EQ(why, "address 169.254.169.254 is in denied network 169.254.169.254/32");
  EXPECT_FALSE(policy.Allows("[fd00:ec2::254]", &why));
  EXPECT_EQ(why, "address fd00:ec2::254 is in denied network fd00:ec2::254/128");
  EXPECT_FALSE(policy.Allows("FD00:EC2:0:0::254"));
  EXPECT_FALSE(AllowsAddress(policy, "169.254.169.254"));
  EXPECT_FALSE(AllowsAddress(policy, "fd00:ec2::254"));
  // IPv4-mapped IPv6 is the same destination.
  EXPECT_FALSE(AllowsAddress(policy, "::ffff:169.254.169.254"));
  EXPECT_FALSE(policy.Allows("[::ffff:169.254.169.254]"));
  // Everything else: blackbox compatibility.
  EXPECT_TRUE(policy.Allows("169.254.169.253"));
  EXPECT_TRUE(AllowsAddress(policy, "169.254.169.255"));
  EXPECT_TRUE(AllowsAddress(policy, "127.0.0.1"));
  EXPECT_TRUE(AllowsAddress(policy, "10.1.2.3"));
  EXPECT_TRUE(AllowsAddress(policy, "fd00:ec2::253"));
  EXPECT_TRUE(policy.Allows("metadata.google.internal"));  // its address is checked later
  EXPECT_TRUE(policy.Allows("open.spotify.com"));
}

TEST(TargetPolicyTest, HostGlobs) {
  const ProbePolicy p = Policy({}, {}, {"*.internal", "metadata.google.internal", "db?.corp"}, {});
  const TargetPolicy policy(p);
  std::string why;
  EXPECT_FALSE(policy.Allows("vault.internal", &why));
  EXPECT_EQ(why, "host \"vault.internal\" matches denied pattern \"*.internal\"");
  EXPECT_FALSE(policy.Allows("a.b.c.internal"));
  EXPECT_FALSE(policy.Allows("VAULT.Internal"));   // case-insensitive
  EXPECT_FALSE(policy.Allows("vault.internal."));  // trailing dot
  EXPECT_FALSE(policy.Allows("metadata.google.internal"));
  EXPECT_FALSE(policy.Allows("db1.corp"));
  EXPECT_TRUE(policy.Allows("db12.corp"));
  EXPECT_TRUE(policy.Allows("internal"));  // "*." needs a label before it
  EXPECT_TRUE(policy.Allows("internal.example.com"));
  EXPECT_TRUE(policy.Allows("10.0.0.1"));
}

TEST(TargetPolicyTest, CidrsV4AndV6) {
  const ProbePolicy p =
      Policy({}, {}, {}, {"10.0.0.0/8", "192.168.1.0/24", "fc00::/7", "2001:db8::1/128"});
  const TargetPolicy policy(p);
  EXPECT_FALSE(AllowsAddress(policy, "10.0.0.0"));
  EXPECT_FALSE(AllowsAddress(policy, "10.255.255.255"));
  EXPECT_TRUE(AllowsAddress(policy, "11.0.0.0"));
  EXPECT_TRUE(AllowsAddress(policy, "9.255.255.255"));
  EXPECT_FALSE(AllowsAddress(policy, "192.168.1.77"));
  EXPECT_TRUE(AllowsAddress(policy, "192.168.2.1"));
  EXPECT_FALSE(AllowsAddress(policy, "fd12:3456::1"));
  EXPECT_FALSE(AllowsAddress(policy, "fc00::"));
  EXPECT_TRUE(AllowsAddress(policy, "fe80::1"));
  EXPECT_FALSE(AllowsAddress(policy, "2001:db8::1"));
  EXPECT_TRUE(AllowsAddress(policy, "2001:db8::2"));
  // A v4 network never matches a v6 address and vice versa (except mapped).
  EXPECT_TRUE(AllowsAddress(policy, "::a00:1"));
  EXPECT_FALSE(AllowsAddress(policy, "::ffff:10.0.0.1"));
  // IP literal targets get the address rules at once.
  EXPECT_FALSE(policy.Allows("10.9.9.9"));
  EXPECT_FALSE(policy.Allows("[fd00::1]"));
  EXPECT_TRUE(policy.Allows("[2001:db8::2]"));
}

TEST(TargetPolicyTest, PrefixZeroMatchesTheWholeFamily) {
  const ProbePolicy p = Policy({}, {}, {}, {"0.0.0.0/0"});
  const TargetPolicy policy(p);
  EXPECT_FALSE(AllowsAddress(policy, "1.2.3.4"));
  EXPECT_FALSE(AllowsAddress(policy, "255.255.255.255"));
  EXPECT_TRUE(AllowsAddress(policy, "2001:db8::1"));
}

TEST(TargetPolicyTest, DenyWinsOverAllow) {
  const ProbePolicy p =
      Policy({"*.example.com"}, {"10.0.0.0/8"}, {"secret.example.com"}, {"10.1.0.0/16"});
  const TargetPolicy policy(p);
  EXPECT_TRUE(policy.Allows("www.example.com"));
  EXPECT_FALSE(policy.Allows("secret.example.com"));
  EXPECT_TRUE(AllowsAddress(policy, "10.2.0.1"));
  EXPECT_FALSE(AllowsAddress(policy, "10.1.0.1"));
  // Even a listed host may not connect to a denied address (rebinding).
  std::string why;
  EXPECT_FALSE(AllowsAddress(policy, "10.1.0.1", /*host_listed=*/true, &why));
  EXPECT_EQ(why, "address 10.1.0.1 is in denied network 10.1.0.0/16");
}

TEST(TargetPolicyTest, AllowListMustMatch) {
  const ProbePolicy p = Policy({"*.example.com"}, {"10.0.0.0/8"}, {}, {});
  const TargetPolicy policy(p);
  std::string why;
  EXPECT_FALSE(policy.Allows("evil.test", &why));
  EXPECT_EQ(why, "host \"evil.test\" matches no allowed host pattern");
  EXPECT_FALSE(policy.Allows("example.com"));
  EXPECT_TRUE(policy.Allows("a.example.com"));
  EXPECT_TRUE(policy.HostListed("a.example.com"));
  EXPECT_FALSE(policy.HostListed("evil.test"));
  // An IP literal: an allowed network.
  EXPECT_TRUE(policy.Allows("10.3.4.5"));
  EXPECT_FALSE(policy.Allows("8.8.8.8", &why));
  EXPECT_EQ(why, "address 8.8.8.8 is in no allowed network");
  // At connect time: a listed name may go anywhere not denied; otherwise the
  // address must be in an allowed network.
  EXPECT_TRUE(AllowsAddress(policy, "8.8.8.8", /*host_listed=*/true));
  EXPECT_FALSE(AllowsAddress(policy, "8.8.8.8", /*host_listed=*/false));
  EXPECT_TRUE(AllowsAddress(policy, "10.0.0.1", /*host_listed=*/false));
}

TEST(TargetPolicyTest, AllowNetworksOnlyLetsNamesThroughToTheAddressCheck) {
  const ProbePolicy p = Policy({}, {"192.0.2.0/24", "2001:db8::/32"}, {}, {});
  const TargetPolicy policy(p);
  EXPECT_TRUE(policy.Allows("service.local"));  // decided by its addresses
  EXPECT_TRUE(AllowsAddress(policy, "192.0.2.10"));
  EXPECT_FALSE(AllowsAddress(policy, "198.51.100.1"));
  EXPECT_TRUE(AllowsAddress(policy, "2001:db8:1::1"));
  EXPECT_FALSE(AllowsAddress(policy, "2001:db9::1"));
  EXPECT_FALSE(policy.Allows("127.0.0.1"));
}

TEST(TargetPolicyTest, AllowGlobsOnlyRefuseUnlistedIpLiterals) {
  const ProbePolicy p = Policy({"*.example.com"}, {}, {}, {});
  const TargetPolicy policy(p);
  std::string why;
  EXPECT_FALSE(policy.Allows("93.184.216.34", &why));
  EXPECT_EQ(why, "address 93.184.216.34 matches no allowed host pattern");
}

TEST(TargetPolicyTest, EmptyPolicyAllowsEverything) {
  const ProbePolicy p = Policy({}, {}, {}, {});  // `deny: []` drops the default
  const TargetPolicy policy(p);
  EXPECT_TRUE(policy.Allows("169.254.169.254"));
  EXPECT_TRUE(AllowsAddress(policy, "fd00:ec2::254"));
}

TEST(TargetPolicyTest, NonIpAddressesAreRefused) {
  const ProbePolicy p;
  const TargetPolicy policy(p);
  sockaddr unix_addr{};
  unix_addr.sa_family = AF_UNIX;
  EXPECT_FALSE(policy.Allows(&unix_addr, sizeof unix_addr));
  EXPECT_FALSE(policy.Allows(nullptr, 0));
}

TEST(IpNetworkTest, ParsesAndZeroesHostBits) {
  IpNetwork n;
  EXPECT_EQ(ParseIpNetwork("10.1.2.3/8", &n), "");
  EXPECT_FALSE(n.ipv6);
  EXPECT_EQ(n.prefix_length, 8);
  EXPECT_EQ(n.bytes[0], 10);
  EXPECT_EQ(n.bytes[1], 0);
  EXPECT_EQ(ParseIpNetwork("192.168.255.255/20", &n), "");
  EXPECT_EQ(n.bytes[2], 0xf0);
  EXPECT_EQ(ParseIpNetwork("fd00:ec2::254", &n), "");
  EXPECT_TRUE(n.ipv6);
  EXPECT_EQ(n.prefix_length, 128);
  EXPECT_EQ(ParseIpNetwork("10.0.0.0/33", &n),
            "invalid CIDR \"10.0.0.0/33\": prefix length must be 0-32");
  EXPECT_EQ(ParseIpNetwork("::/129", &n), "invalid CIDR \"::/129\": prefix length must be 0-128");
  EXPECT_EQ(ParseIpNetwork("10.0.0.0/", &n),
            "invalid CIDR \"10.0.0.0/\": prefix length must be 0-32");
  EXPECT_EQ(ParseIpNetwork("10.0.0/8", &n),
            "invalid CIDR \"10.0.0/8\": \"10.0.0\" is not an IP address");
  EXPECT_EQ(ParseIpNetwork("10.0.0.0/-1", &n),
            "invalid CIDR \"10.0.0.0/-1\": prefix length must be 0-32");
}

}  // namespace
}  // namespace outage
