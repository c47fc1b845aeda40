// What every target must be as text, whichever prober takes it and whether
// it comes from /probe?target= or the config's targets: list. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace outage {

// TargetTextProblem explains why `target` cannot be probed as text, or
// returns "" when it can: a control character (a NUL would cut the target
// short in every C API below us and probe something else) or invalid UTF-8
// (it would end up in labels, pages and logs).
std::string TargetTextProblem(std::string_view target);

}  // namespace outage
