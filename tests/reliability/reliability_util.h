// Shared pieces of the reliability tests: a timed /probe call, settling
// helpers for the exporter's fd count, and the sanitizer allowances.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/reliability/process_stats.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"

namespace outage::test {

// Under sanitizers (OUTAGE_SANITIZED, defined by -DOUTAGE_SANITIZE=...) the
// exporter runs several times slower, so the latency budgets of these tests
// (slack past a deadline, a rejection, a health check) are multiplied by
// kSanitizerTimeScale; and ASan holds freed memory in quarantine (256 MiB)
// while TSan keeps shadow memory, so RSS bounds say nothing there and are
// checked in the normal build only. Deadlines, fd bounds and every answer are
// checked the same in both builds.
#if defined(OUTAGE_SANITIZED)
inline constexpr int kSanitizerTimeScale = 5;
inline constexpr bool kCheckRssBounds = false;
#else
inline constexpr int kSanitizerTimeScale = 1;
inline constexpr bool kCheckRssBounds = true;
#endif

// TimedProbe is one /probe answer with the client-side wall time.
struct TimedProbe {
  HttpResponse response;
  std::chrono::duration<double> elapsed{0};
};

inline TimedProbe ProbeTimed(const std::string& base_url, const std::string& target,
                             const std::string& module,
                             std::chrono::milliseconds client_timeout = std::chrono::seconds(15)) {
  const auto start = std::chrono::steady_clock::now();
  TimedProbe out;
  out.response = HttpGet(base_url + "/probe?target=" + UrlEncode(target) + "&module=" + module, {},
                         client_timeout);
  out.elapsed = std::chrono::steady_clock::now() - start;
  return out;
}

// WaitForFdsAtMost polls until the process has at most `limit` open fds or
// `timeout` passes; returns the last count.
inline int WaitForFdsAtMost(pid_t pid, int limit, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  int n = CountOpenFds(pid);
  while (n > limit && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    n = CountOpenFds(pid);
  }
  return n;
}

}  // namespace outage::test
