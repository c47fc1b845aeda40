// YamlReader gives the config parsers typed, strict access to yaml-cpp nodes
// and records the first error with its file:line:column. Internal to config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.h"

namespace outage::config_internal {

// ChildPath returns "path.key" (or "key" at the top level).
std::string ChildPath(const std::string& path, const std::string& key);
// IndexPath returns "path[index]".
std::string IndexPath(const std::string& path, size_t index);
// Quote renders text in double quotes, escaping like Go's %q for ASCII.
std::string Quote(const std::string& text);

// IsOneOf reports whether `choices` (an array or container of
// std::string_view) holds `text`.
template <typename Choices>
bool IsOneOf(std::string_view text, const Choices& choices) {
  return std::find(std::begin(choices), std::end(choices), text) != std::end(choices);
}

// MapEntry is one key/value pair of a YAML mapping.
struct MapEntry {
  std::string name;  // the key's text
  YAML::Node key;
  YAML::Node value;
  std::string path;  // the entry's key path, e.g. "modules.m.timeout"
};

// YamlReader is not thread-safe; use one per load. Every method returns
// false after recording an error (only the first error is kept), so parsers
// can write `if (!reader.ReadBool(...)) return false;`.
class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}

  // Fail records "path: message" at `at`'s position and returns false. A
  // null node's mark is where the next token starts, so callers point null
  // values at their key instead.
  bool Fail(const YAML::Node& at, const std::string& path, const std::string& message);
  bool FailAt(const YAML::Mark& mark, const std::string& path, const std::string& message);

  // Entries lists a mapping's entries in file order. Null counts as an empty
  // mapping. Keys must be non-empty scalars and unique; YAML merge keys
  // ("<<: *anchor") are expanded, explicit keys winning, as in Go's yaml.v3.
  bool Entries(const YAML::Node& node, const std::string& path, std::vector<MapEntry>* out);
  // Items lists a sequence's items; null counts as empty.
  bool Items(const YAML::Node& node, const std::string& path, std::vector<YAML::Node>* out);

  // UnknownKey fails with `path.key: unknown key "key"` at the key.
  bool UnknownKey(const MapEntry& entry);
  // MissingKey fails with `path: missing required key "key"` at `at`.
  bool MissingKey(const YAML::Node& at, const std::string& path, const std::string& key);

  // Scalar readers. Null leaves *out unchanged (the default applies), like
  // Go's yaml decoder; a mapping or sequence is a type error.
  bool ReadString(const YAML::Node& node, const std::string& path, std::string* out);
  bool ReadBool(const YAML::Node& node, const std::string& path, bool* out);
  bool ReadInt(const YAML::Node& node, const std::string& path, int64_t* out);
  bool ReadNumber(const YAML::Node& node, const std::string& path, double* out);
  bool ReadStringList(const YAML::Node& node, const std::string& path,
                      std::vector<std::string>* out);
  // ReadEnum reads a string that must be one of `allowed` (an array of
  // std::string_view).
  template <typename Choices>
  bool ReadEnum(const YAML::Node& node, const std::string& path, const Choices& allowed,
                std::string* out) {
    std::string value = *out;
    if (!ReadString(node, path, &value)) return false;
    if (IsOneOf(value, allowed)) {
      *out = std::move(value);
      return true;
    }
    return FailNotOneOf(node, path, value, {std::begin(allowed), std::end(allowed)});
  }

  // MutuallyExclusive fails at the second of `set` (entries in file order
  // whose options are set): "<second path>: a and b are mutually exclusive".
  bool MutuallyExclusive(const std::vector<const MapEntry*>& set);

  const std::optional<ConfigError>& error() const { return error_; }

  // FailNotOneOf fails with `invalid value "x" (want one of "a", "b")`.
  bool FailNotOneOf(const YAML::Node& node, const std::string& path, const std::string& value,
                    const std::vector<std::string_view>& allowed);

 private:
  bool ExpectScalar(const YAML::Node& node, const std::string& path, const char* what);
  bool AppendEntries(const YAML::Node& node, const std::string& path, bool merged,
                     std::vector<MapEntry>* out);

  std::string source_;
  std::optional<ConfigError> error_;
};

// Describe names a node for "expected X, got Y" messages: a quoted scalar,
// "a map", "a list" or "null".
std::string Describe(const YAML::Node& node);

}  // namespace outage::config_internal
