// Allowances for tests that measure time or memory, so that they hold the
// code to the same bounds in the sanitizer builds without flaking there.
//
// Under sanitizers (OUTAGE_SANITIZED, defined by -DOUTAGE_SANITIZE=...) code
// runs several times slower, so the slack a test allows past a deadline (never
// the deadline itself) is multiplied by kSanitizerTimeScale; and ASan holds
// freed memory in quarantine (256 MiB) while TSan keeps shadow memory, so RSS
// bounds say nothing there and are checked in the normal build only.
#pragma once

#include <chrono>

namespace outage::test {

#if defined(OUTAGE_SANITIZED)
inline constexpr int kSanitizerTimeScale = 5;
inline constexpr bool kCheckRssBounds = false;
#else
inline constexpr int kSanitizerTimeScale = 1;
inline constexpr bool kCheckRssBounds = true;
#endif

// kThreadSanitized: ThreadSanitizer slows syscall-heavy work far more than
// ASan does (it intercepts every syscall and tracks each file descriptor), so
// a test whose CPU work alone outgrows a wall-clock bound under TSan checks
// that bound in the other builds only, and everything else everywhere.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitized = true;
#else
inline constexpr bool kThreadSanitized = false;
#endif

// kDeadlineSlack is how long after its deadline a probe may end: 100 ms in
// the normal build.
inline constexpr std::chrono::milliseconds kDeadlineSlack{100 * kSanitizerTimeScale};
inline constexpr double kDeadlineSlackSeconds = 0.1 * kSanitizerTimeScale;

}  // namespace outage::test
