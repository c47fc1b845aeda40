// Targets and configs as the config loader leaves them (identity made), for
// unit tests of what is kept per target.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/target_identity.h"

namespace outage::test {

// ConfiguredTarget is `target` probed with `module`, with extra `labels`.
inline Target ConfiguredTarget(std::string target, std::string module = "http_2xx",
                               LabelPairs labels = {}) {
  Target t;
  t.target = std::move(target);
  t.module = std::move(module);
  t.labels = std::move(labels);
  IdentifyTarget(&t);
  return t;
}

// ConfigWith is a config of `targets` and nothing else.
inline Config ConfigWith(std::vector<Target> targets) {
  Config c;
  c.targets = std::move(targets);
  return c;
}

}  // namespace outage::test
