// Locates the installed blackbox_exporter 0.23 (Debian's
// prometheus-blackbox-exporter), the reference binary of the parity tests.
// Thread-safe (reads the filesystem only).
#pragma once

#include <optional>
#include <string>

namespace outage::test {

// BlackboxBinary returns the reference binary's path ($BLACKBOX_BINARY, else
// /usr/bin/prometheus-blackbox-exporter), or nullopt with *why naming the
// Debian package to install.
std::optional<std::string> BlackboxBinary(std::string* why);

}  // namespace outage::test
