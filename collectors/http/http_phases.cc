#include "collectors/http/http_phases.h"

#include <algorithm>

namespace outage {
namespace {

double Seconds(int64_t us) { return static_cast<double>(std::max<int64_t>(us, 0)) / 1e6; }

}  // namespace

void HttpPhases::AddHop(const CurlTimings& t) {
  // Each mark is where the previous phase ended. A transfer that failed in a
  // phase has no later marks: the phase it was stuck in runs to total_us.
  const int64_t total = t.total_us;
  const int64_t resolved = t.namelookup_us > 0 ? t.namelookup_us : total;
  resolve += Seconds(resolved);
  if (t.namelookup_us == 0) return;

  const int64_t connected = t.connect_us > 0 ? t.connect_us : total;
  connect += Seconds(connected - resolved);
  if (t.connect_us == 0) return;

  int64_t ready = connected;  // when the request could be sent
  if (t.appconnect_us > 0) {
    ready = t.appconnect_us;
    tls += Seconds(ready - connected);
  }
  // A TLS handshake that never finished has no mark either; curl cannot tell
  // it apart, so that time is charged to processing below.

  const int64_t first_byte = t.starttransfer_us > 0 ? t.starttransfer_us : total;
  processing += Seconds(first_byte - ready);
  if (t.starttransfer_us == 0) return;

  transfer += Seconds(total - first_byte);
}

}  // namespace outage
