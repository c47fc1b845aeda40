// Tests for probe_ip_protocol and probe_ip_addr_hash.
#include "collectors/ip_facts.h"

#include <gtest/gtest.h>

#include "collectors/metric_catalog.h"

namespace outage {
namespace {

// Expected values computed independently (reference FNV-1a 32 in Python over
// ipaddress.ip_address(ip).packed, as blackbox hashes; the "" and "foobar"
// text vectors are the published ones).
TEST(IpAddrHashTest, MatchesFnv1a32OfTheAddressBytes) {
  EXPECT_EQ(IpAddrHash("127.0.0.1"), 3668918509u);
  EXPECT_EQ(IpAddrHash("::1"), 1751717746u);
  EXPECT_EQ(IpAddrHash("192.168.0.1"), 2611859530u);
}

TEST(IpAddrHashTest, NonAddressTextIsHashedAsText) {
  EXPECT_EQ(IpAddrHash(""), 2166136261u);
  EXPECT_EQ(IpAddrHash("a"), 0xe40c292cu);
  EXPECT_EQ(IpAddrHash("foobar"), 0xbf9cf968u);
}

struct IpFacts {
  double protocol = -1;
  double hash = -1;
};

IpFacts FactsFor(std::string_view ip) {
  ProbeResult result;
  AddIpFacts(ip, &result);
  IpFacts facts;
  EXPECT_EQ(result.samples.size(), 2u);
  for (const Sample& s : result.samples) {
    EXPECT_TRUE(s.labels.empty());
    if (s.desc == &metric::kIpProtocol) facts.protocol = s.value;
    if (s.desc == &metric::kIpAddrHash) facts.hash = s.value;
  }
  return facts;
}

TEST(AddIpFactsTest, Ipv4Address) {
  const IpFacts f = FactsFor("127.0.0.1");
  EXPECT_EQ(f.protocol, 4);
  EXPECT_EQ(f.hash, 3668918509.0);
}

TEST(AddIpFactsTest, Ipv6Address) {
  const IpFacts f = FactsFor("::1");
  EXPECT_EQ(f.protocol, 6);
  EXPECT_EQ(f.hash, 1751717746.0);
}

TEST(AddIpFactsTest, UnknownAddressIsZeroForBoth) {
  const IpFacts f = FactsFor("");
  EXPECT_EQ(f.protocol, 0);
  EXPECT_EQ(f.hash, 0);
}

TEST(AddIpFactsTest, HashAboveInt32RangeIsExactAndPositive) {
  const IpFacts f = FactsFor("127.0.0.1");
  EXPECT_EQ(f.hash, 3668918509.0);
}

}  // namespace
}  // namespace outage
