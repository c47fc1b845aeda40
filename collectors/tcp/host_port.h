// Splitting a TCP target "host:port" / "[v6]:port" the way Go's
// net.SplitHostPort does, with the port checked as a number.
#pragma once

#include <string>
#include <string_view>

namespace outage {

struct HostPort {
  std::string host;  // without brackets
  int port = 0;
  std::string error;  // empty when valid; one line
};

// SplitHostPort parses `target`; port must be 1-65535.
HostPort SplitHostPort(std::string_view target);

}  // namespace outage
