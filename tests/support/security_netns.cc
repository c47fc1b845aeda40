#include "tests/support/security_netns.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/required_program.h"
#include "tests/support/subprocess.h"

namespace outage::test {
namespace {

constexpr char kEnv[] = "OUTAGE_SECURITY_IN_NETNS";

constexpr char kParentNetnsEnv[] = "OUTAGE_SECURITY_PARENT_NETNS";

// Interfaces lists this network namespace's interfaces, asking the kernel
// over netlink (`ip`), not sysfs (which shows the namespace it was mounted in).
std::vector<std::string> Interfaces() {
  std::vector<std::string> out;
  FILE* pipe = popen("ip -o link show", "r");
  if (pipe == nullptr) return out;
  char line[1024];
  while (fgets(line, sizeof line, pipe) != nullptr) {
    // "1: lo: <LOOPBACK> ..."
    std::string text(line);
    const size_t a = text.find(": ");
    const size_t b = a == std::string::npos ? a : text.find(':', a + 2);
    if (b != std::string::npos) out.push_back(text.substr(a + 2, b - a - 2));
  }
  pclose(pipe);
  return out;
}

std::string NetnsId() {
  char buf[128] = {};
  const ssize_t n = readlink("/proc/self/ns/net", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

std::string Run(const std::string& command) {
  const int rc = std::system(command.c_str());
  return rc == 0 ? "" : "\"" + command + "\" failed (status " + std::to_string(rc) + ")";
}

}  // namespace

bool InsidePrivateNetns() {
  const char* v = std::getenv(kEnv);
  return v != nullptr && std::string(v) == "1";
}

std::string SetUpPrivateNetwork(const std::string& hosts_lines) {
  if (!InsidePrivateNetns()) return "not inside the private namespace: refusing to touch it";
  // A fresh network namespace has only lo. Anything else means we are in
  // the host's namespace after all: touch nothing.
  const char* parent = std::getenv(kParentNetnsEnv);
  if (parent == nullptr || NetnsId().empty() || NetnsId() == parent) {
    return "still in the parent's network namespace (" + NetnsId() + "): touching nothing";
  }
  const std::vector<std::string> interfaces = Interfaces();
  if (interfaces != std::vector<std::string>{"lo"}) {
    std::string names;
    for (const auto& n : interfaces) names += n + " ";
    return "expected a fresh namespace with only lo, found: " + names;
  }
  if (auto e = Run("ip link set lo up"); !e.empty()) return e;
  if (auto e = Run("ip addr add 169.254.169.254/32 dev lo"); !e.empty()) return e;
  char path[] = "/tmp/outage_security_hosts_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return std::string("mkstemp: ") + std::strerror(errno);
  close(fd);
  {
    std::ofstream out(path);
    out << "127.0.0.1 localhost\n::1 localhost ip6-localhost\n" << hosts_lines;
  }
  if (mount(path, "/etc/hosts", nullptr, MS_BIND, nullptr) != 0) {
    return std::string("bind-mounting a hosts file over /etc/hosts: ") + std::strerror(errno);
  }
  return "";
}

void ExpectPassesInPrivateNetns() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  char self[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0) << "cannot find this test binary";
  // The child sets the namespace up with `ip`: say which package is missing
  // here, rather than as an exit status from inside the namespace.
  for (const char* program : {"unshare", "ip"}) {
    const std::string missing = MissingProgram(program);
    ASSERT_EQ(missing, "") << missing;
  }
  SubprocessOptions options;
  options.program = "unshare";
  // --propagation private: the bind mount over /etc/hosts stays inside.
  options.args = {"--net",           "--mount", "--propagation",
                  "private",         self,      "--gtest_filter=" + filter,
                  "--gtest_color=no"};
  options.extra_env = {{kEnv, "1"}, {kParentNetnsEnv, NetnsId()}};
  std::string error;
  auto child = Subprocess::Start(options, &error);
  ASSERT_NE(child, nullptr) << error;
  const auto status = child->Wait(std::chrono::seconds(100));
  if (!status) child->Kill();
  const std::string out = child->Stdout() + child->Stderr();
  if (status && *status != 0 && out.find("[ RUN      ]") == std::string::npos) {
    if (getuid() != 0) GTEST_SKIP() << "needs root to create namespaces:\n" << out;
  }
  ASSERT_TRUE(status.has_value()) << "child timed out:\n" << out;
  EXPECT_EQ(*status, 0) << out;
  // Exactly this test ran and passed: a filter that matched nothing would
  // also exit 0.
  EXPECT_NE(out.find("[  PASSED  ] 1 test."), std::string::npos) << out;
}

}  // namespace outage::test
