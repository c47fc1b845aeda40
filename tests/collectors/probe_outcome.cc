#include "tests/collectors/probe_outcome.h"

#include <gtest/gtest.h>

#include <utility>
#include <variant>

#include "config/config_loader.h"

namespace outage::test {

ProbeOutcome RunProbe(ProbeEngine& engine, std::string_view prober, const std::string& section,
                      const std::string& target, std::chrono::milliseconds timeout,
                      const std::string& extra_yaml) {
  ProbeOutcome out;
  std::string yaml = "modules:\n  m:\n    prober: " + std::string(prober) + "\n";
  if (!section.empty()) yaml += "    " + std::string(prober) + ":\n" + section;
  yaml += extra_yaml;
  ConfigResult loaded = LoadConfigString(yaml, "test.yml");
  if (auto* error = std::get_if<ConfigError>(&loaded)) {
    ADD_FAILURE() << error->ToString() << "\n" << yaml;
    return out;
  }
  ProbeRequest request;
  request.config = std::get<LoadedConfig>(loaded).config;
  request.module = &request.config->modules.at("m");
  request.target = target;
  request.debug = true;
  const auto start = std::chrono::steady_clock::now();
  request.deadline = start + timeout;
  out.result = engine.Probe(std::move(request)).get();
  out.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::optional<double> SampleValue(const ProbeResult& r, std::string_view name,
                                  const LabelPairs& labels) {
  std::optional<double> found;
  for (const Sample& s : r.samples) {
    if (s.desc->name == name && s.labels == labels) found = s.value;
  }
  return found;
}

std::string ReasonOf(const ProbeResult& r) {
  return std::string(FailureReasonName(r.success ? FailureReason::kNone : r.reason));
}

bool LogHas(const ProbeResult& r, std::string_view text) {
  return r.log.Text().find(text) != std::string::npos;
}

}  // namespace outage::test
