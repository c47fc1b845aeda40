// Running one probe in-process through ProbeEngine from a module's YAML,
// and reading its result, for the prober test suites.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/probe_engine.h"

namespace outage::test {

struct ProbeOutcome {
  ProbeResult result;
  double elapsed_seconds = 0;
};

// RunProbe loads module `m` of `prober` with `section` (the prober's section
// body, indented by six spaces; "" for none) plus `extra_yaml` (top-level
// keys), probes `target` with a debug log, and waits for the result. A
// config that does not load is a test failure.
ProbeOutcome RunProbe(ProbeEngine& engine, std::string_view prober, const std::string& section,
                      const std::string& target, std::chrono::milliseconds timeout,
                      const std::string& extra_yaml = "");

// SampleValue is the value of the sample `name` with exactly `labels`.
std::optional<double> SampleValue(const ProbeResult& r, std::string_view name,
                                  const LabelPairs& labels = {});

// ReasonOf is the reported reason label ("none" on success).
std::string ReasonOf(const ProbeResult& r);

// LogHas reports whether the probe log contains `text`.
bool LogHas(const ProbeResult& r, std::string_view text);

}  // namespace outage::test
