// The target of a unix probe: a filesystem path to a stream socket. Checks
// of its form (for /probe's 400) and of what is at the path (at probe time,
// since sockets come and go).
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <optional>
#include <string>
#include <string_view>

namespace outage {

// UnixPathProblem says why `target` can never name a socket (not absolute,
// longer than sockaddr_un holds, a NUL byte), or nullopt.
std::optional<std::string> UnixPathProblem(std::string_view target);

// UnixSocketProblem says why nothing can connect at `path` now (missing,
// not a socket, not searchable), or returns "".
std::string UnixSocketProblem(const std::string& path);

// UnixAddress fills *addr for an acceptable `path` and returns its length.
socklen_t UnixAddress(const std::string& path, sockaddr_un* addr);

}  // namespace outage
