// Phase arithmetic: turns curl's cumulative per-transfer timestamps into
// blackbox's five HTTP phases, summed over every hop of a redirect chain.
#pragma once

#include <cstdint>

namespace outage {

// CurlTimings are curl's CURLINFO_*_TIME_T values for one transfer, in
// microseconds since the transfer started; 0 means "did not get there".
struct CurlTimings {
  int64_t namelookup_us = 0;
  int64_t connect_us = 0;
  int64_t appconnect_us = 0;  // TLS handshake done; 0 for plain HTTP
  int64_t starttransfer_us = 0;
  int64_t total_us = 0;
};

struct HttpPhases {
  double resolve = 0;
  double connect = 0;
  double tls = 0;
  double processing = 0;
  double transfer = 0;

  // AddHop adds one transfer's phases. Phases a failed transfer never
  // reached count as zero; time spent stuck in a phase is charged to it.
  void AddHop(const CurlTimings& t);
};

}  // namespace outage
