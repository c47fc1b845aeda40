// Rfc3339Utc formats a time as the config's one-off maintenance windows
// expect it ("2026-11-28T06:00:00Z"), for tests that open a window now.
#pragma once

#include <ctime>
#include <string>

namespace outage::test {

std::string Rfc3339Utc(std::time_t t);

}  // namespace outage::test
