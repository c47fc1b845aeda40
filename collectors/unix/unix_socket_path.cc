// See unix_socket_path.h.
#include "collectors/unix/unix_socket_path.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace outage {

std::optional<std::string> UnixPathProblem(std::string_view target) {
  // A relative path would depend on the exporter's working directory.
  if (target.empty() || target.front() != '/') {
    return "a unix target must be an absolute path to a socket";
  }
  if (target.find('\0') != std::string_view::npos) return "the path holds a NUL byte";
  if (target.size() >= sizeof(sockaddr_un::sun_path)) {
    return "the path is longer than a unix socket address holds (" +
           std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes)";
  }
  return std::nullopt;
}

std::string UnixSocketProblem(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return path + ": " + std::strerror(errno);
  }
  if (!S_ISSOCK(st.st_mode)) return path + " is not a socket";
  return "";
}

socklen_t UnixAddress(const std::string& path, sockaddr_un* addr) {
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  std::memcpy(addr->sun_path, path.data(), path.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
}

}  // namespace outage
