// Tests for ParseListenAddress (--web.listen-address).
#include "exporter/server/listen_address.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace outage {
namespace {

// Parsed is the address `text` parses to; a failed test when it does not.
ListenAddress Parsed(std::string_view text) {
  std::string error;
  const std::optional<ListenAddress> address = ParseListenAddress(text, &error);
  if (!address) {
    ADD_FAILURE() << text << ": " << error;
    return {};
  }
  EXPECT_EQ(error, "");
  return *address;
}

// ErrorOf is what parsing `text` says is wrong; "" when it parses.
std::string ErrorOf(std::string_view text) {
  std::string error;
  return ParseListenAddress(text, &error) ? "" : error;
}

TEST(ParseListenAddressTest, PortOnlyListensOnEveryIpv4Address) {
  ListenAddress a = Parsed(":9115");
  EXPECT_EQ(a.host, "");
  EXPECT_EQ(a.port, 9115);
}

TEST(ParseListenAddressTest, Ipv4HostAndPortZero) {
  ListenAddress a = Parsed("127.0.0.1:0");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
}

TEST(ParseListenAddressTest, LocalhostIsIpv4Loopback) {
  ListenAddress a = Parsed("localhost:80");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 80);
}

TEST(ParseListenAddressTest, AnyAddressMeansEveryAddress) {
  ListenAddress a = Parsed("0.0.0.0:65535");
  EXPECT_EQ(a.host, "");
  EXPECT_EQ(a.port, 65535);
}

TEST(ParseListenAddressTest, Ipv6InBrackets) {
  ListenAddress a = Parsed("[::1]:9115");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 9115);
  a = Parsed("[::]:0");
  EXPECT_EQ(a.host, "::");
  EXPECT_EQ(ErrorOf("[example.com]:80"),
            "invalid listen address \"[example.com]:80\": the host in brackets must be an IPv6 "
            "address");
}

TEST(ParseListenAddressTest, BadPorts) {
  for (const char* text : {"127.0.0.1:", ":", ":65536", ":-1", ":http", ":80x", ":99999999999"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ErrorOf(text), "invalid listen address \"" + std::string(text) + "\": bad port");
  }
}

TEST(ParseListenAddressTest, MissingColon) {
  EXPECT_EQ(ErrorOf("9115"), "invalid listen address \"9115\": want host:port or :port");
}

TEST(ParseListenAddressTest, HostMustBeIpv4) {
  for (const char* text : {"example.com:80", "256.1.1.1:80", "::1:9115"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ErrorOf(text), "invalid listen address \"" + std::string(text) +
                                 "\": host must be an IPv4 address or an IPv6 address in brackets");
  }
}

}  // namespace
}  // namespace outage
