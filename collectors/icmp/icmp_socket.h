// Opening and using the socket an ICMP probe sends its echoes on: an
// unprivileged ICMP datagram socket where net.ipv4.ping_group_range allows
// the process's group, else a raw socket (CAP_NET_RAW).
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>

#include "config/config.h"

namespace outage {

enum class IcmpSocketKind { kDatagram, kRaw };

// IcmpSocketKindName is "datagram" or "raw", for logs.
const char* IcmpSocketKindName(IcmpSocketKind kind);

// OpenIcmpSocket opens a non-blocking ICMP (AF_INET) or ICMPv6 (AF_INET6)
// socket, datagram if permitted, else raw, and sets *kind. Returns -1 with
// *error saying why neither kind is permitted (or what else failed).
int OpenIcmpSocket(int family, IcmpSocketKind* kind, std::string* error);

// ConfigureIcmpSocket applies the module's ttl, dont_fragment and
// source_ip_address, asks the kernel for each reply's hop limit, and (raw
// sockets) filters out every ICMP type but echo replies; returns the
// problem when one of them fails, nullopt when all are set.
std::optional<std::string> ConfigureIcmpSocket(int fd, int family, IcmpSocketKind kind,
                                               const IcmpProbe& config);

// ReceivedPacket is one datagram read from an ICMP socket.
struct ReceivedPacket {
  std::string bytes;
  int hop_limit = -1;  // TTL / hop limit of the reply; -1 when not reported
};

// ReceiveIcmp reads one datagram. Returns nullopt when none is waiting
// (EAGAIN, *error empty) or on error (*error set).
std::optional<ReceivedPacket> ReceiveIcmp(int fd, std::string* error);

}  // namespace outage
