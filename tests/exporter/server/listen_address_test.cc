// Tests for ParseListenAddress (--web.listen-address).
#include "exporter/server/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace outage {
namespace {

using ::testing::Optional;

TEST(ParseListenAddressTest, PortOnlyListensOnEveryIpv4Address) {
  ListenAddress a;
  EXPECT_EQ(ParseListenAddress(":9115", &a), std::nullopt);
  EXPECT_EQ(a.host, "");
  EXPECT_EQ(a.port, 9115);
}

TEST(ParseListenAddressTest, Ipv4HostAndPortZero) {
  ListenAddress a;
  EXPECT_EQ(ParseListenAddress("127.0.0.1:0", &a), std::nullopt);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
}

TEST(ParseListenAddressTest, LocalhostIsIpv4Loopback) {
  ListenAddress a;
  EXPECT_EQ(ParseListenAddress("localhost:80", &a), std::nullopt);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 80);
}

TEST(ParseListenAddressTest, AnyAddressMeansEveryAddress) {
  ListenAddress a;
  EXPECT_EQ(ParseListenAddress("0.0.0.0:65535", &a), std::nullopt);
  EXPECT_EQ(a.host, "");
  EXPECT_EQ(a.port, 65535);
}

TEST(ParseListenAddressTest, Ipv6InBrackets) {
  ListenAddress a;
  EXPECT_EQ(ParseListenAddress("[::1]:9115", &a), std::nullopt);
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 9115);
  EXPECT_EQ(ParseListenAddress("[::]:0", &a), std::nullopt);
  EXPECT_EQ(a.host, "::");
  EXPECT_THAT(ParseListenAddress("[example.com]:80", &a),
              Optional(std::string("invalid listen address \"[example.com]:80\": the host in "
                                   "brackets must be an IPv6 address")));
}

TEST(ParseListenAddressTest, BadPorts) {
  for (const char* text : {"127.0.0.1:", ":", ":65536", ":-1", ":http", ":80x", ":99999999999"}) {
    SCOPED_TRACE(text);
    ListenAddress a;
    EXPECT_THAT(ParseListenAddress(text, &a),
                Optional("invalid listen address \"" + std::string(text) + "\": bad port"));
  }
}

TEST(ParseListenAddressTest, MissingColon) {
  ListenAddress a;
  EXPECT_THAT(ParseListenAddress("9115", &a),
              Optional(std::string("invalid listen address \"9115\": want host:port or :port")));
}

TEST(ParseListenAddressTest, HostMustBeIpv4) {
  for (const char* text : {"example.com:80", "256.1.1.1:80", "::1:9115"}) {
    SCOPED_TRACE(text);
    ListenAddress a;
    EXPECT_THAT(ParseListenAddress(text, &a),
                Optional("invalid listen address \"" + std::string(text) +
                         "\": host must be an IPv4 address or an IPv6 address in brackets"));
  }
}

}  // namespace
}  // namespace outage
