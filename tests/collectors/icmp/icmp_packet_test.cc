// The pure parts of the ICMP prober: echo encoding and parsing, the
// checksum, payload tokens and round-trip statistics.
#include "collectors/icmp/icmp_packet.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace outage {
namespace {

TEST(IcmpPacketTest, ChecksumOfRfc1071Example) {
  // RFC 1071 section 3: the ones'-complement sum of these bytes is 0xddf2.
  const std::string data("\x00\x01\xf2\x03\xf4\xf5\xf6\xf7", 8);
  EXPECT_EQ(InternetChecksum(data), static_cast<uint16_t>(~0xddf2 & 0xffff));
}

TEST(IcmpPacketTest, ChecksumOfOddLengthPadsWithZero) {
  EXPECT_EQ(InternetChecksum(std::string("\x01", 1)), InternetChecksum(std::string("\x01\x00", 2)));
}

TEST(IcmpPacketTest, EchoRequestV4HasTypeIdSequenceAndValidChecksum) {
  const std::string packet = EncodeEchoRequest(false, 0x1234, 0xabcd, "hi");
  ASSERT_EQ(packet.size(), 10u);
  EXPECT_EQ(packet[0], 8);
  EXPECT_EQ(packet[1], 0);
  EXPECT_EQ(static_cast<uint8_t>(packet[4]), 0x12);
  EXPECT_EQ(static_cast<uint8_t>(packet[5]), 0x34);
  EXPECT_EQ(static_cast<uint8_t>(packet[6]), 0xab);
  EXPECT_EQ(static_cast<uint8_t>(packet[7]), 0xcd);
  EXPECT_EQ(packet.substr(8), "hi");
  // A packet with its checksum in place sums to zero.
  EXPECT_EQ(InternetChecksum(packet), 0);
}

TEST(IcmpPacketTest, EchoRequestV6LeavesChecksumToKernel) {
  const std::string packet = EncodeEchoRequest(true, 1, 2, "x");
  EXPECT_EQ(static_cast<uint8_t>(packet[0]), 128);
  EXPECT_EQ(packet[2], 0);
  EXPECT_EQ(packet[3], 0);
}

std::string AsReply(std::string request, uint8_t type) {
  request[0] = static_cast<char>(type);
  return request;
}

TEST(IcmpPacketTest, ParsesV4ReplyBehindIpHeader) {
  std::string ip_header(24, '\0');  // IHL 6: a header with options
  ip_header[0] = 0x46;
  const std::string packet = ip_header + AsReply(EncodeEchoRequest(false, 7, 9, "data"), 0);
  const auto reply = ParseEchoReply(false, true, packet);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->id, 7);
  EXPECT_EQ(reply->sequence, 9);
  EXPECT_EQ(reply->payload, "data");
}

TEST(IcmpPacketTest, ParsesV6ReplyWithoutHeader) {
  // The reply's payload is a view into the packet: keep the packet alive.
  const std::string packet = AsReply(EncodeEchoRequest(true, 3, 4, "p"), 129);
  const auto reply = ParseEchoReply(true, false, packet);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->sequence, 4);
  EXPECT_EQ(reply->payload, "p");
}

TEST(IcmpPacketTest, IgnoresRequestsOtherTypesAndTruncatedPackets) {
  // On loopback a raw socket sees our own request too: not a reply.
  EXPECT_FALSE(ParseEchoReply(false, false, EncodeEchoRequest(false, 1, 1, "x")));
  EXPECT_FALSE(ParseEchoReply(true, false, EncodeEchoRequest(true, 1, 1, "x")));
  // Destination unreachable.
  EXPECT_FALSE(ParseEchoReply(false, false, AsReply(EncodeEchoRequest(false, 1, 1, "x"), 3)));
  // An IPv4 reply parsed as ICMPv6 is not one.
  EXPECT_FALSE(ParseEchoReply(true, false, AsReply(EncodeEchoRequest(false, 1, 1, ""), 0)));
  EXPECT_FALSE(ParseEchoReply(false, false, std::string("\0\0\0", 3)));
  std::string short_ip(10, '\0');
  short_ip[0] = 0x45;
  EXPECT_FALSE(ParseEchoReply(false, true, short_ip));
  EXPECT_FALSE(ParseEchoReply(false, true, ""));
  std::string bad_ihl = AsReply(EncodeEchoRequest(false, 1, 1, "abcdefghijklmnop"), 0);
  bad_ihl[0] = 0x41;  // IHL 1: shorter than any IPv4 header
  EXPECT_FALSE(ParseEchoReply(false, true, bad_ihl));
}

TEST(IcmpPacketTest, PayloadHasRequestedSizeAndStartsWithToken) {
  const std::string p = EchoPayload(0x0807060504030201u, 0);
  EXPECT_EQ(p.size(), 28u);  // blackbox's default length
  EXPECT_EQ(p.substr(0, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(p.substr(8, 16), "outage_exporter ");
  EXPECT_EQ(EchoPayload(1, 1400).size(), 1400u);
  EXPECT_EQ(EchoPayload(0xff, 1), std::string("\xff", 1));
  EXPECT_NE(EchoPayload(1, 0), EchoPayload(2, 0));
}

TEST(IcmpPacketTest, RttStatsMatchHandComputedValues) {
  const RttStats s = ComputeRttStats({0.001, 0.003, 0.002, 0.006});
  EXPECT_DOUBLE_EQ(s.min, 0.001);
  EXPECT_DOUBLE_EQ(s.max, 0.006);
  EXPECT_DOUBLE_EQ(s.avg, 0.003);
  // Deviations -2, 0, -1, 3 ms: mean square 3.5 ms^2.
  EXPECT_NEAR(s.stddev, std::sqrt(3.5) / 1000, 1e-12);
  const RttStats one = ComputeRttStats({0.5});
  EXPECT_DOUBLE_EQ(one.avg, 0.5);
  EXPECT_DOUBLE_EQ(one.stddev, 0);
  const RttStats none = ComputeRttStats({});
  EXPECT_EQ(none.max, 0);
}

}  // namespace
}  // namespace outage
