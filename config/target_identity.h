// The identity of a configured target, derived once when the config is
// loaded: the key that state across scrapes and reloads is kept by, the form
// of the target that may be shown, and the labels of every series it has.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace outage {

// IdentifyTarget sets target->identity from its target, module and labels.
// The loader calls it for every target, again after a change of its labels
// (placement's vantage label); code that builds a Target by hand calls it
// before handing the Target on.
void IdentifyTarget(Target* target);

// TargetKey is the key of `target` probed with `module`:
// target + '\0' + module.
std::string TargetKey(std::string_view target, std::string_view module);

}  // namespace outage
