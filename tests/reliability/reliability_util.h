// Shared pieces of the reliability tests: a timed /probe call and settling
// helpers for the exporter's fd count.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/reliability/process_stats.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_text.h"
#include "tests/support/sanitizer_allowance.h"

namespace outage::test {

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
