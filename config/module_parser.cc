// See module_parser.h.
#include "config/module_parser.h"

#include <map>

#include "config/dns_module_parser.h"
#include "config/duration.h"
#include "config/grpc_module_parser.h"
#include "config/http_module_parser.h"
#include "config/icmp_module_parser.h"
#include "config/redacted_yaml.h"
#include "config/tcp_module_parser.h"

namespace outage::config_internal {
namespace {

// Blackbox's probers. Those without a section parser below are not built
// yet: they load so that a blackbox.yml works unchanged, but probing them is
// an error.
constexpr std::string_view kKnownProbers[] = {"http", "tcp", "dns", "icmp", "grpc"};

// SectionParser fills the module's struct for its prober from its section
// (`node` is null when the section is absent: all defaults).
using SectionParser = bool (*)(YamlReader& reader, const YAML::Node& node,
                               const std::string& path, Module* module,
                               std::vector<std::string>* warnings);

// SectionParserFor returns the parser of a built prober, or nullptr.
SectionParser SectionParserFor(const std::string& prober) {
  static const std::map<std::string, SectionParser, std::less<>> kParsers = {
      {"http",
       [](YamlReader& reader, const YAML::Node& node, const std::string& path, Module* module,
          std::vector<std::string>* warnings) {
         return ParseHttpProbe(reader, node, path, &module->http, warnings);
       }},
      {"dns", ParseDnsSection},
      {"tcp", ParseTcpSection},
      {"icmp", ParseIcmpSection},
      {"grpc", ParseGrpcSection},
  };
  auto it = kParsers.find(prober);
  return it == kParsers.end() ? nullptr : it->second;
}

bool IsKnownProber(const std::string& name) { return IsOneOf(name, kKnownProbers); }

std::string ProberChoices() {
  std::string choices;
  for (const std::string_view prober : kKnownProbers) {
    choices += (choices.empty() ? "" : ", ") + Quote(std::string(prober));
  }
  return "(want one of " + choices + ")";
}

bool ParseModule(YamlReader& reader, const MapEntry& module_entry, Module* module,
                 std::vector<std::string>* warnings) {
  const std::string& path = module_entry.path;
  std::vector<MapEntry> entries;
  if (!reader.Entries(module_entry.value, path, &entries)) return false;
  const MapEntry* prober = nullptr;
  const MapEntry* timeout = nullptr;
  std::vector<const MapEntry*> sections;
  for (const MapEntry& entry : entries) {
    if (entry.name == "prober") {
      prober = &entry;
    } else if (entry.name == "timeout") {
      timeout = &entry;
    } else if (IsKnownProber(entry.name)) {
      sections.push_back(&entry);
    } else {
      return reader.UnknownKey(entry);
    }
  }

  if (prober == nullptr) {
    return reader.MissingKey(module_entry.key, path, "prober");
  }
  if (!reader.ReadString(prober->value, prober->path, &module->prober)) {
    return false;
  }
  if (module->prober.empty()) {
    const YAML::Node& at = prober->value.IsNull() ? prober->key : prober->value;
    return reader.Fail(at, prober->path, "empty prober " + ProberChoices());
  }
  if (!IsKnownProber(module->prober)) {
    return reader.Fail(prober->value, prober->path,
                       "unknown prober " + Quote(module->prober) + " " + ProberChoices());
  }

  if (timeout != nullptr && !timeout->value.IsNull()) {
    std::string text;
    if (!reader.ReadString(timeout->value, timeout->path, &text)) return false;
    const std::optional<Duration> parsed = ParseDuration(text);
    if (!parsed) {
      return reader.Fail(timeout->value, timeout->path,
                         "invalid duration " + Quote(text) + " (use e.g. 5s, 1m30s)");
    }
    module->timeout = *parsed;
  }

  const SectionParser parse = SectionParserFor(module->prober);
  if (parse == nullptr) {
    // Not validated: blackbox's own rules apply once the prober is built.
    module->prober_unavailable = true;
    warnings->push_back(path + ": prober " + Quote(module->prober) +
                        " is not built yet; /probe with this module answers "
                        "400");
    return true;
  }
  for (const MapEntry* section : sections) {
    if (section->name != module->prober) {
      return reader.Fail(section->key, section->path,
                         "section does not match prober " + Quote(module->prober));
    }
    if (!parse(reader, section->value, section->path, module, warnings)) return false;
  }
  return true;
}

}  // namespace

bool ParseModules(YamlReader& reader, const YAML::Node& node, std::map<std::string, Module>* out,
                  std::vector<std::string>* warnings) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, "modules", &entries)) return false;
  for (const MapEntry& entry : entries) {
    Module module;
    module.name = entry.name;
    if (!ParseModule(reader, entry, &module, warnings)) return false;
    module.redacted_yaml = RedactedYaml(entry.value);
    out->emplace(entry.name, std::move(module));
  }
  return true;
}

}  // namespace outage::config_internal
