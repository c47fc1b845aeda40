// Helpers shared by the config loader tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"

namespace outage::testing {

// TestdataPath returns the absolute path of tests/config/testdata/<relative>.
inline std::string TestdataPath(const std::string& relative) {
  return std::string(OUTAGE_CONFIG_TESTDATA_DIR) + "/" + relative;
}

// ErrorText is the error's ToString(), or "loaded" if the result is a config.
inline std::string ErrorText(const ConfigResult& result) {
  if (const auto* error = std::get_if<ConfigError>(&result)) {
    return error->ToString();
  }
  return "loaded";
}

// LoadModule loads a config of one module, `m`, of `prober`, whose section
// (under the prober's own key) is `section`, its lines indented six spaces.
inline ConfigResult LoadModule(const std::string& prober, const std::string& section) {
  return LoadConfigString(
      "modules:\n  m:\n    prober: " + prober + "\n    " + prober + ":\n" + section, "t.yml");
}

// ExpectLoaded returns the loaded config, failing the test (and returning an
// empty LoadedConfig) if `result` is an error.
inline LoadedConfig ExpectLoaded(const ConfigResult& result) {
  if (const auto* loaded = std::get_if<LoadedConfig>(&result)) return *loaded;
  ADD_FAILURE() << "load failed: " << ErrorText(result);
  return LoadedConfig{std::make_shared<Config>(), {}};
}

// Contains asserts that `needle` occurs in `text`, printing text otherwise.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "\"" << needle << "\" not found in:\n" << text;
}

// Lacks asserts that `needle` does not occur in `text`.
inline ::testing::AssertionResult Lacks(const std::string& text, const std::string& needle) {
  if (text.find(needle) == std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "\"" << needle << "\" found in:\n" << text;
}

}  // namespace outage::testing
