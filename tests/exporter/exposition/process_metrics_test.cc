// Tests for the process_* metrics read from /proc.
#include "exporter/exposition/process_metrics.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "tests/exporter/promtool.h"

namespace outage {
namespace {

// Values parses the unlabelled samples of an exposition.
std::map<std::string, double> Values(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    out[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return out;
}

std::string Render() {
  FamilySet set;
  AddProcessMetrics(&set);
  return set.Serialize();
}

// OpenFdsByProbing counts open descriptors without /proc.
int OpenFdsByProbing() {
  int count = 0;
  for (int fd = 0; fd < 4096; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) ++count;
  }
  return count;
}

TEST(ProcessMetricsTest, EveryMetricIsPresent) {
  const auto v = Values(Render());
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"}) {
    EXPECT_EQ(v.count(name), 1u) << name;
  }
}

TEST(ProcessMetricsTest, CpuCounterIsTypedAsCounter) {
  EXPECT_NE(Render().find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

TEST(ProcessMetricsTest, OpenFdsMatchesAnIndependentCount) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);  // at least two beyond stdio
  const int expected = OpenFdsByProbing();
  const auto v = Values(Render());
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_GE(expected, 2);
  EXPECT_EQ(v.at("process_open_fds"), expected);
}

TEST(ProcessMetricsTest, MaxFdsIsTheSoftLimit) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(Values(Render()).at("process_max_fds"), static_cast<double>(limit.rlim_cur));
}

TEST(ProcessMetricsTest, MemoryValuesArePlausible) {
  const auto v = Values(Render());
  const double rss = v.at("process_resident_memory_bytes");
  const double vsize = v.at("process_virtual_memory_bytes");
  EXPECT_GT(rss, 1024 * 1024);                // a gtest binary is over 1 MiB
  EXPECT_LT(rss, 64.0 * 1024 * 1024 * 1024);  // and well under 64 GiB
  EXPECT_GE(vsize, rss);
  EXPECT_EQ(static_cast<long long>(rss) % sysconf(_SC_PAGESIZE), 0);
}

TEST(ProcessMetricsTest, StartTimeIsWithinTheLastHour) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = Values(Render()).at("process_start_time_seconds");
  EXPECT_LE(start, now + 1);  // clock-tick rounding
  EXPECT_GT(start, now - 3600);
}

TEST(ProcessMetricsTest, CpuTimeIsNonNegativeAndNotAbsurd) {
  const double cpu = Values(Render()).at("process_cpu_seconds_total");
  EXPECT_GE(cpu, 0);
  EXPECT_LT(cpu, 3600);
}

TEST(ProcessMetricsTest, OutputPassesPromtool) {
  const std::string text = Render();
  EXPECT_EQ(PromtoolCheckMetrics(text), 0) << text;
}

}  // namespace
}  // namespace outage
