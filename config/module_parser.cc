// See module_parser.h.
#include "config/module_parser.h"

#include <map>

#include "config/address_selection_parser.h"
#include "config/dns_module_parser.h"
#include "config/duration.h"
#include "config/grpc_module_parser.h"
#include "config/http_module_parser.h"
#include "config/icmp_module_parser.h"
#include "config/path_trace_parser.h"
#include "config/redacted_yaml.h"
#include "config/tcp_module_parser.h"
#include "config/unix_module_parser.h"
#include "config/websocket_module_parser.h"

namespace outage::config_internal {
namespace {

// SectionParser fills the module's struct for its prober from its section
// (`node` is null when the section is absent: all defaults).
using SectionParser = bool (*)(YamlReader& reader, const YAML::Node& node, const std::string& path,
                               Module* module, std::vector<std::string>* warnings);

// SectionParsers is the table of probers, in the order error messages list
// them: a prober name is known exactly when it has a parser here.
const std::vector<std::pair<std::string_view, SectionParser>>& SectionParsers() {
  static const std::vector<std::pair<std::string_view, SectionParser>> kParsers = {
      {"http",
       [](YamlReader& reader, const YAML::Node& node, const std::string& path, Module* module,
          std::vector<std::string>* warnings) {
         return ParseHttpProbe(reader, node, path, &module->http, warnings);
       }},
      {"tcp", ParseTcpSection},
      {"dns", ParseDnsSection},
      {"icmp", ParseIcmpSection},
      {"grpc", ParseGrpcSection},
      {"unix", ParseUnixSection},
      {"websocket", ParseWebsocketSection},
  };
  return kParsers;
}

// SectionParserFor returns the parser of `prober`, or nullptr when no such
// prober exists.
SectionParser SectionParserFor(std::string_view prober) {
  for (const auto& [name, parse] : SectionParsers()) {
    if (name == prober) return parse;
  }
  return nullptr;
}

std::string ProberChoices() {
  std::string choices;
  for (const auto& [name, parse] : SectionParsers()) {
    choices += (choices.empty() ? "" : ", ") + Quote(std::string(name));
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
  std::vector<const MapEntry*> selection;   // addresses, max_addresses, success_when
  std::vector<const MapEntry*> path_trace;  // path_on_failure and its bounds
  for (const MapEntry& entry : entries) {
    if (entry.name == "prober") {
      prober = &entry;
    } else if (entry.name == "timeout") {
      timeout = &entry;
    } else if (IsAddressSelectionKey(entry.name)) {
      selection.push_back(&entry);
    } else if (IsPathTraceKey(entry.name)) {
      path_trace.push_back(&entry);
    } else if (SectionParserFor(entry.name) != nullptr) {
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
  const SectionParser parse = SectionParserFor(module->prober);
  if (parse == nullptr) {
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

  // Blackbox decodes every section but only runs its prober's; a section
  // left over for another prober is common in the field, so it is skipped
  // unread, with one warning per module.
  std::string ignored;
  for (const MapEntry* section : sections) {
    if (section->name != module->prober) {
      ignored += (ignored.empty() ? "" : ", ") + section->name;
      continue;
    }
    if (!parse(reader, section->value, section->path, module, warnings)) return false;
  }
  if (!ignored.empty()) {
    warnings->push_back(path + ": ignoring the section(s) for other probers (" + ignored +
                        "); prober is " + Quote(module->prober));
  }
  return ParseAddressSelection(reader, selection, *module, &module->addresses) &&
         ParsePathTrace(reader, path_trace, *module, &module->path);
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
