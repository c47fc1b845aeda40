// Strict, typed access to yaml-cpp nodes; see yaml_reader.h.
#include "config/yaml_reader.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace outage::config_internal {
namespace {

// yaml-cpp marks are 0-based and -1 when unknown; ConfigError is 1-based
// with 0 for unknown.
int OneBased(int zero_based) { return zero_based < 0 ? 0 : zero_based + 1; }

bool IsMergeKey(const YAML::Node& key) {
  return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

}  // namespace

std::string ChildPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string IndexPath(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar: {
      constexpr size_t kMaxShown = 60;
      const std::string& text = node.Scalar();
      if (text.size() <= kMaxShown) return Quote(text);
      return Quote(text.substr(0, kMaxShown)) + "...";
    }
    default:
      return "null";
  }
}

bool YamlReader::FailAt(const YAML::Mark& mark, const std::string& path,
                        const std::string& message) {
  if (!error_) {
    error_ = ConfigError{source_, OneBased(mark.line), OneBased(mark.column),
                         path.empty() ? message : path + ": " + message};
  }
  return false;
}

bool YamlReader::Fail(const YAML::Node& at, const std::string& path, const std::string& message) {
  return FailAt(at.Mark(), path, message);
}

bool YamlReader::UnknownKey(const MapEntry& entry) {
  return Fail(entry.key, entry.path, "unknown key " + Quote(entry.name));
}

bool YamlReader::MissingKey(const YAML::Node& at, const std::string& path, const std::string& key) {
  return Fail(at, path, "missing required key " + Quote(key));
}

bool YamlReader::Entries(const YAML::Node& node, const std::string& path,
                         std::vector<MapEntry>* out) {
  out->clear();
  return AppendEntries(node, path, /*merged=*/false, out);
}

bool YamlReader::AppendEntries(const YAML::Node& node, const std::string& path, bool merged,
                               std::vector<MapEntry>* out) {
  if (node.IsNull()) return true;
  if (!node.IsMap()) {
    return Fail(node, path, "expected a map, got " + Describe(node));
  }
  // Explicit keys first, so that merged ones can yield to them.
  std::map<std::string, YAML::Node> explicit_keys;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: it->first refers into a temporary proxy.
    const YAML::Node key = it->first;
    if (IsMergeKey(key)) continue;
    if (!key.IsScalar()) {
      return Fail(key, path, "map keys must be strings, got " + Describe(key));
    }
    const std::string& name = key.Scalar();
    if (name.empty()) return Fail(key, path, "empty map key");
    auto [first, inserted] = explicit_keys.emplace(name, key);
    if (!inserted) {
      return Fail(key, ChildPath(path, name),
                  "duplicate key " + Quote(name) + " (first at line " +
                      std::to_string(OneBased(first->second.Mark().line)) + ")");
    }
  }
  const size_t start = out->size();
  auto seen = [&](const std::string& name) {
    for (size_t i = start; i < out->size(); ++i) {
      if ((*out)[i].name == name) return true;
    }
    return false;
  };
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!IsMergeKey(key)) {
      // A merged map's key may already be there from an earlier source.
      if (!merged || !seen(key.Scalar())) {
        out->push_back({key.Scalar(), key, value, ChildPath(path, key.Scalar())});
      }
      continue;
    }
    // "<<" takes a map or a list of maps; earlier sources win.
    std::vector<YAML::Node> sources;
    if (value.IsSequence()) {
      for (const YAML::Node& source : value) sources.push_back(source);
    } else {
      sources.push_back(value);
    }
    for (const YAML::Node& source : sources) {
      if (!source.IsMap()) {
        return Fail(source, ChildPath(path, "<<"),
                    "merge key needs a map or a list of maps, got " + Describe(source));
      }
      std::vector<MapEntry> merged_entries;
      if (!AppendEntries(source, path, /*merged=*/true, &merged_entries)) {
        return false;
      }
      for (MapEntry& entry : merged_entries) {
        if (explicit_keys.count(entry.name) == 0 && !seen(entry.name)) {
          out->push_back(std::move(entry));
        }
      }
    }
  }
  return true;
}

bool YamlReader::Items(const YAML::Node& node, const std::string& path,
                       std::vector<YAML::Node>* out) {
  out->clear();
  if (node.IsNull()) return true;
  if (!node.IsSequence()) {
    return Fail(node, path, "expected a list, got " + Describe(node));
  }
  for (const YAML::Node& item : node) out->push_back(item);
  return true;
}

bool YamlReader::ExpectScalar(const YAML::Node& node, const std::string& path, const char* what) {
  if (node.IsScalar()) return true;
  return Fail(node, path, std::string("expected ") + what + ", got " + Describe(node));
}

bool YamlReader::ReadString(const YAML::Node& node, const std::string& path, std::string* out) {
  if (node.IsNull()) return true;
  if (!ExpectScalar(node, path, "a string")) return false;
  *out = node.Scalar();
  return true;
}

bool YamlReader::ReadBool(const YAML::Node& node, const std::string& path, bool* out) {
  if (node.IsNull()) return true;
  if (!ExpectScalar(node, path, "a boolean")) return false;
  // The spellings Go's yaml.v3 accepts for a bool field (YAML 1.1 included).
  static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes",
                                               "YES",  "on",   "On",   "ON"};
  static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No",
                                                "NO",    "off",   "Off",   "OFF"};
  const std::string& text = node.Scalar();
  if (IsOneOf(text, kTrue)) {
    *out = true;
  } else if (IsOneOf(text, kFalse)) {
    *out = false;
  } else {
    return Fail(node, path, "expected a boolean, got " + Describe(node));
  }
  return true;
}

bool YamlReader::ReadInt(const YAML::Node& node, const std::string& path, int64_t* out) {
  if (node.IsNull()) return true;
  if (!ExpectScalar(node, path, "an integer")) return false;
  const std::string& text = node.Scalar();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range) {
    return Fail(node, path, "integer " + Describe(node) + " is out of range");
  }
  if (ec != std::errc() || ptr != end || begin == end) {
    return Fail(node, path, "expected an integer, got " + Describe(node));
  }
  *out = value;
  return true;
}

bool YamlReader::ReadNumber(const YAML::Node& node, const std::string& path, double* out) {
  if (node.IsNull()) return true;
  if (!ExpectScalar(node, path, "a number")) return false;
  const std::string& text = node.Scalar();
  // Decimal notation only: strtod would also take hex, "inf" and "nan".
  const bool decimal =
      !text.empty() && text.find_first_not_of("0123456789+-.eE") == std::string::npos;
  char* end = nullptr;
  errno = 0;
  const double value = decimal ? std::strtod(text.c_str(), &end) : 0;
  if (!decimal || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
    return Fail(node, path, "expected a number, got " + Describe(node));
  }
  *out = value;
  return true;
}

bool YamlReader::ReadStringList(const YAML::Node& node, const std::string& path,
                                std::vector<std::string>* out) {
  std::vector<YAML::Node> items;
  if (!Items(node, path, &items)) return false;
  out->clear();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string value;
    if (!ReadString(items[i], IndexPath(path, i), &value)) return false;
    out->push_back(std::move(value));
  }
  return true;
}

bool YamlReader::FailNotOneOf(const YAML::Node& node, const std::string& path,
                              const std::string& value,
                              const std::vector<std::string_view>& allowed) {
  std::string choices;
  for (const std::string_view choice : allowed) {
    choices += (choices.empty() ? "" : ", ") + Quote(std::string(choice));
  }
  return Fail(node, path, "invalid value " + Quote(value) + " (want one of " + choices + ")");
}

bool YamlReader::MutuallyExclusive(const std::vector<const MapEntry*>& set) {
  if (set.size() < 2) return true;
  return Fail(set[1]->key, set[1]->path,
              set[0]->name + " and " + set[1]->name + " are mutually exclusive");
}

}  // namespace outage::config_internal
