// See regex_field.h.
#include "config/regex_field.h"

#include <re2/re2.h>

namespace outage::config_internal {

bool ReadRegex(YamlReader& reader, const YAML::Node& node, const std::string& path, Regex* out) {
  std::string pattern;
  if (!reader.ReadString(node, path, &pattern)) return false;
  // Default options, except that a bad pattern is reported here as a config
  // error instead of also being logged to stderr by RE2.
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    return reader.Fail(node, path, "invalid regexp " + Quote(pattern) + ": " + re->error());
  }
  out->pattern = std::move(pattern);
  out->re = std::move(re);
  return true;
}

bool ReadRegexList(YamlReader& reader, const YAML::Node& node, const std::string& path,
                   std::vector<Regex>* out) {
  std::vector<YAML::Node> items;
  if (!reader.Items(node, path, &items)) return false;
  out->clear();
  for (size_t i = 0; i < items.size(); ++i) {
    Regex regex;
    if (!ReadRegex(reader, items[i], IndexPath(path, i), &regex)) return false;
    out->push_back(std::move(regex));
  }
  return true;
}

}  // namespace outage::config_internal
