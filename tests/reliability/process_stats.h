// What the reliability tests watch in the exporter process: resident memory
// and open file descriptors, read from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace outage::test {

// ReadStatusKb returns a "Vm*:" field of /proc/PID/status in KiB (e.g.
// "VmRSS", "VmHWM"), or -1 when the process is gone.
int64_t ReadStatusKb(pid_t pid, const char* field);

// CountOpenFds counts the entries of /proc/PID/fd, or -1.
int CountOpenFds(pid_t pid);

}  // namespace outage::test
