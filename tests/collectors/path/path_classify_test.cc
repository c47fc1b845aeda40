// ClassifyPath: where a trace's answers say the path breaks, for IPv4 and
// IPv6, with default and configured networks. The namespace test
// (tests/integration/path_trace_integration_test.cc) runs real traces.
#include <gtest/gtest.h>

#include "collectors/path/path_trace.h"
#include "config/ip_network.h"

namespace outage {
namespace {

IpNetwork Address(const char* text) {
  IpNetwork ip;
  EXPECT_TRUE(ParseIpAddress(text, &ip)) << text;
  return ip;
}

std::vector<PathHop> Hops(std::initializer_list<const char*> addresses) {
  std::vector<PathHop> hops;
  int ttl = 0;
  for (const char* a : addresses) hops.push_back(PathHop{++ttl, a, "time exceeded", 0.001});
  return hops;
}

std::string_view Classify(std::initializer_list<const char*> hops, const char* target,
                          bool reached = false, const PathTrace& config = {}) {
  return PathSegmentName(ClassifyPath(Hops(hops), reached, Address(target), config));
}

TEST(PathClassifyTest, IPv4Segments) {
  EXPECT_EQ(Classify({}, "198.51.100.130"), "local") << "nothing answered at all";
  EXPECT_EQ(Classify({"192.168.1.1", "100.64.0.1"}, "198.51.100.130"), "local");
  EXPECT_EQ(Classify({"192.168.1.1", "203.0.113.2"}, "198.51.100.130"), "transit");
  EXPECT_EQ(Classify({"192.168.1.1", "203.0.113.2", "198.51.100.2"}, "198.51.100.130"),
            "destination");
  EXPECT_EQ(Classify({"192.168.1.1", "198.51.100.130"}, "198.51.100.130", true), "none");
  // Just outside the target's /24 is transit.
  EXPECT_EQ(Classify({"198.51.101.1"}, "198.51.100.130"), "transit");
}

TEST(PathClassifyTest, ConfiguredPrefixAndLocalNetworks) {
  PathTrace config;
  config.destination_prefix_v4 = 16;
  EXPECT_EQ(Classify({"198.51.101.1"}, "198.51.100.130", false, config), "destination");
  config.local_networks.clear();
  ParseIpNetwork("203.0.113.0/24", &config.local_networks.emplace_back());
  EXPECT_EQ(Classify({"203.0.113.2"}, "192.0.2.1", false, config), "local");
  EXPECT_EQ(Classify({"10.0.0.1"}, "192.0.2.1", false, config), "transit")
      << "10/8 is no longer ours once the list is replaced";
}

TEST(PathClassifyTest, IPv6Segments) {
  EXPECT_EQ(Classify({"fd00::1"}, "2001:db8:1:2::10"), "local");
  EXPECT_EQ(Classify({"fd00::1", "2001:db8:ffff::1"}, "2001:db8:1:2::10"), "transit");
  EXPECT_EQ(Classify({"fd00::1", "2001:db8:1:ff::1"}, "2001:db8:1:2::10"), "destination")
      << "inside the target's /48";
  EXPECT_EQ(Classify({"fd00::1", "2001:db8:2::1"}, "2001:db8:1:2::10"), "transit");
}

}  // namespace
}  // namespace outage
