// ListenAddress: a parsed --web.listen-address, and the listening socket
// made from it.
//
// Thread-safety: plain functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace outage {

struct ListenAddress {
  std::string host;  // an IPv4 or IPv6 literal (no brackets); empty: every address
  int port = 0;
};

// ParseListenAddress accepts "host:port", "[ipv6]:port", ":port" and
// "localhost:port"; nullopt with *error set for anything else.
std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::string* error);

// ListenOn opens a non-blocking listening socket on `address` (every address:
// IPv6 and IPv4 together where the host has IPv6, else IPv4); returns the fd,
// or -1 with *error set. *port receives the bound port.
int ListenOn(const ListenAddress& address, int* port, std::string* error);

// FormatListenAddress is "host:port" ("[v6]:port", "*:port" for every address).
std::string FormatListenAddress(const ListenAddress& address, int port);

}  // namespace outage
