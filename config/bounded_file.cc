// See bounded_file.h.
#include "config/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/unique_fd.h"

namespace outage {
namespace {

std::string SizeText(size_t bytes) {
  return bytes % (1024 * 1024) == 0 ? std::to_string(bytes / (1024 * 1024)) + " MiB"
                                    : std::to_string(bytes) + " bytes";
}

}  // namespace

std::optional<std::string> ReadBoundedFile(const std::string& path, std::string* error,
                                           size_t max_bytes, std::chrono::milliseconds max_time) {
  const auto start = std::chrono::steady_clock::now();
  const auto fail = [error](std::string why) {
    *error = std::move(why);
    return std::nullopt;
  };
  const UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return fail(std::string("cannot read file: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    return fail(std::string("cannot read file: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return fail("not a regular file");
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return fail("file is larger than " + SizeText(max_bytes));
  }
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("cannot read file: ") + std::strerror(errno));
    if (n == 0) return text;
    // The file may grow while it is read.
    if (text.size() + static_cast<size_t>(n) > max_bytes) {
      return fail("file is larger than " + SizeText(max_bytes));
    }
    text.append(buffer, static_cast<size_t>(n));
    if (std::chrono::steady_clock::now() - start > max_time) {
      return fail("reading the file took longer than " + std::to_string(max_time.count()) + " ms");
    }
  }
}

}  // namespace outage
