// Loads and validates outage_exporter's YAML configuration. yaml-cpp is
// confined to this folder: callers get immutable Config snapshots or a
// ConfigError that names file:line:column and the offending key.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "config/config.h"

namespace outage {

// ConfigError is a config problem located in its source. line and column are
// 1-based; 0 means unknown (for example a file that cannot be read).
struct ConfigError {
  std::string source;
  int line = 0;
  int column = 0;
  std::string message;  // starts with the key path, e.g. "modules.x.timeout: ..."

  // ToString renders "source:line:column: message" (or "source: message").
  std::string ToString() const;
};

// LoadedConfig is a successful load: the snapshot plus non-fatal warnings
// (none are raised today; the channel stays for deprecations).
struct LoadedConfig {
  std::shared_ptr<const Config> config;
  std::vector<std::string> warnings;
};

using ConfigResult = std::variant<LoadedConfig, ConfigError>;

// kMaxModules and kMaxTargets cap a config; past them it is an error.
inline constexpr size_t kMaxModules = 10000;
inline constexpr size_t kMaxTargets = 20000;
// kMaxYamlNodes caps the scalars, maps and sequences of a config, counted
// before any tree is built (20,000 targets with labels take about 200,000).
inline constexpr size_t kMaxYamlNodes = 500000;

// LoadConfigFile reads (see ReadBoundedFile) and validates the file at
// `path`, which must define at least one module.
ConfigResult LoadConfigFile(const std::string& path);

// LoadConfigString validates `yaml`, which may be a fragment without
// modules; `source` names it in errors.
ConfigResult LoadConfigString(const std::string& yaml, const std::string& source);

// LoadDefaultConfig loads the configuration embedded in the binary.
ConfigResult LoadDefaultConfig();

// DefaultConfigYaml is the embedded default configuration's text.
const std::string& DefaultConfigYaml();

}  // namespace outage
