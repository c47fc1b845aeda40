// Running one test inside a private network and mount namespace, so a test
// can give 169.254.169.254 to its own loopback and map names in its own
// /etc/hosts, and no packet can leave the machine. The test re-runs its own
// binary under `unshare --net --mount`, filtered to itself; inside, the same
// test body sets the namespace up and does the real work.
#pragma once

#include <string>

namespace outage::test {

// InsidePrivateNetns is true in the re-run child.
bool InsidePrivateNetns();

// SetUpPrivateNetwork (child only) checks that the namespace is fresh (only
// "lo"), brings lo up, adds 169.254.169.254/32 to it, and bind-mounts a
// hosts file with `hosts_lines` over /etc/hosts. "" on success, else why.
std::string SetUpPrivateNetwork(const std::string& hosts_lines);

// ExpectPassesInPrivateNetns (parent only) re-runs the current test in a new
// namespace and reports the child's failures as this test's; skips when
// namespaces cannot be created here (not root).
void ExpectPassesInPrivateNetns();

}  // namespace outage::test

// OUTAGE_IN_PRIVATE_NETNS() opens a test that must run in a namespace: in the
// parent it delegates to the child and returns.
#define OUTAGE_IN_PRIVATE_NETNS()                 \
  if (!::outage::test::InsidePrivateNetns()) {    \
    ::outage::test::ExpectPassesInPrivateNetns(); \
    return;                                       \
  }
