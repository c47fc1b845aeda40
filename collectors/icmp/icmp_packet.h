// ICMP / ICMPv6 echo messages as bytes, and the round-trip statistics of a
// run of echoes. Pure: unit-tested without a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outage {

// InternetChecksum is RFC 1071's ones'-complement sum of `data`.
uint16_t InternetChecksum(std::string_view data);

// EncodeEchoRequest builds an echo request (ICMP type 8, or ICMPv6 type 128
// when `v6`). The IPv4 checksum is filled in; the ICMPv6 one is left zero
// for the kernel, which must compute it over the IPv6 pseudo-header.
std::string EncodeEchoRequest(bool v6, uint16_t id, uint16_t sequence, std::string_view payload);

// EchoReply is a received echo reply; `payload` points into the parsed bytes.
struct EchoReply {
  uint16_t id = 0;
  uint16_t sequence = 0;
  std::string_view payload;
};

// ParseEchoReply reads an echo reply (ICMP type 0, or ICMPv6 type 129) from
// `packet`, which starts with an IPv4 header when `ip_header` (raw IPv4
// sockets deliver one). nullopt for anything else: other ICMP types
// (including our own requests on loopback) and truncated packets.
std::optional<EchoReply> ParseEchoReply(bool v6, bool ip_header, std::string_view packet);

// EchoPayload is the payload of every echo one probe sends: `size` bytes
// (0: 28, blackbox's default length) that start with `token` (as much as
// fits), so a reply is matched to its probe even on a raw socket that sees
// every ICMP packet on the host.
std::string EchoPayload(uint64_t token, int size);

// RttStats summarizes the round-trip times of the replies of one probe.
struct RttStats {
  double min = 0;
  double avg = 0;
  double max = 0;
  double stddev = 0;  // population standard deviation, like ping's mdev
};

// ComputeRttStats summarizes `seconds`; all zero when it is empty.
RttStats ComputeRttStats(const std::vector<double>& seconds);

}  // namespace outage
