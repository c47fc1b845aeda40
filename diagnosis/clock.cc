#include "diagnosis/clock.h"

namespace outage {

WallTime SystemClock::Now() const { return std::chrono::system_clock::now(); }

}  // namespace outage
