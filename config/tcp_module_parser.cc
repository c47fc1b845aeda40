// See tcp_module_parser.h. Checks at load time what blackbox only finds out
// when a probe runs (a bad source address, a step that does nothing), so a
// broken module is a config error rather than a probe that always fails.
#include "config/tcp_module_parser.h"

#include "config/client_config_parser.h"
#include "config/regex_field.h"
#include "config/target_parser.h"

namespace outage::config_internal {
namespace {

bool ParseLabel(YamlReader& reader, const YAML::Node& node, const std::string& path,
                LabelPairs* labels) {
  if (!node.IsMap()) return reader.Fail(node, path, "expected a map, got " + Describe(node));
  std::vector<MapEntry> fields;
  if (!reader.Entries(node, path, &fields)) return false;
  const MapEntry* name = nullptr;
  std::string name_text;
  std::string value;
  for (const MapEntry& field : fields) {
    bool ok = true;
    if (field.name == "name") {
      name = &field;
      ok = reader.ReadString(field.value, field.path, &name_text);
    } else if (field.name == "value") {
      ok = reader.ReadString(field.value, field.path, &value);
    } else {
      ok = reader.UnknownKey(field);
    }
    if (!ok) return false;
  }
  if (name == nullptr) return reader.MissingKey(node, path, "name");
  const YAML::Node& at = name->value.IsNull() ? name->key : name->value;
  if (const std::string problem = LabelNameProblem(name_text); !problem.empty()) {
    return reader.Fail(at, name->path, problem);
  }
  for (const auto& [existing, unused] : *labels) {
    if (existing == name_text) {
      return reader.Fail(at, name->path, "duplicate label name " + Quote(name_text));
    }
  }
  labels->emplace_back(std::move(name_text), std::move(value));
  return true;
}

bool ParseStep(YamlReader& reader, const YAML::Node& node, const std::string& path,
               QueryResponse* out) {
  if (!node.IsMap()) return reader.Fail(node, path, "expected a map, got " + Describe(node));
  std::vector<MapEntry> fields;
  if (!reader.Entries(node, path, &fields)) return false;
  std::vector<const MapEntry*> expectations;
  const MapEntry* labels = nullptr;
  for (const MapEntry& field : fields) {
    bool ok = true;
    if (field.name == "expect") {
      if (!field.value.IsNull()) {
        ok = ReadRegex(reader, field.value, field.path, &out->expect.emplace());
        expectations.push_back(&field);
      }
    } else if (field.name == "expect_bytes") {
      ok = reader.ReadString(field.value, field.path, &out->expect_bytes);
      if (!out->expect_bytes.empty()) expectations.push_back(&field);
    } else if (field.name == "send") {
      ok = reader.ReadString(field.value, field.path, &out->send);
    } else if (field.name == "starttls") {
      ok = reader.ReadBool(field.value, field.path, &out->starttls);
    } else if (field.name == "labels") {
      labels = &field;
      std::vector<YAML::Node> items;
      ok = reader.Items(field.value, field.path, &items);
      for (size_t i = 0; ok && i < items.size(); ++i) {
        ok = ParseLabel(reader, items[i], IndexPath(field.path, i), &out->labels);
      }
    } else {
      ok = reader.UnknownKey(field);
    }
    if (!ok) return false;
  }
  // One read per step keeps the dialogue unambiguous: a line, or bytes.
  if (!reader.MutuallyExclusive(expectations)) return false;
  if (labels != nullptr && !out->labels.empty() && !out->expect) {
    return reader.Fail(labels->key, labels->path,
                       "labels need an expect in the same step (their values may use its "
                       "${N} captures)");
  }
  if (!out->expect && out->expect_bytes.empty() && out->send.empty() && !out->starttls) {
    return reader.Fail(node, path,
                       "step does nothing (want expect, expect_bytes, send or starttls)");
  }
  return true;
}

class TcpProbeParser {
 public:
  TcpProbeParser(YamlReader& reader, TcpProbe* out) : reader_(reader), out_(out) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    return CheckTls();
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_->preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(entry.value, entry.path, &out_->ip_protocol_fallback);
    }
    if (name == "source_ip_address") {
      return ParseSourceIpAddress(reader_, entry, &out_->source_ip_address);
    }
    if (name == "query_response") return ParseSteps(entry);
    if (name == "tls") return reader_.ReadBool(entry.value, entry.path, &out_->tls);
    if (name == "tls_config") {
      return ParseTlsConfig(reader_, entry.value, entry.path, &out_->tls_config);
    }
    return reader_.UnknownKey(entry);
  }

  bool ParseSteps(const MapEntry& entry) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      QueryResponse step;
      const std::string path = IndexPath(entry.path, i);
      if (!ParseStep(reader_, items[i], path, &step)) return false;
      if (step.starttls) starttls_.push_back({items[i], path});
      out_->query_response.push_back(std::move(step));
    }
    return true;
  }

  // CheckTls rejects TLS inside TLS: a second upgrade, or one on a
  // connection that is TLS from the start.
  bool CheckTls() {
    if (starttls_.size() > 1) {
      return reader_.Fail(starttls_[1].first, starttls_[1].second,
                          "only one step may use starttls");
    }
    if (!starttls_.empty() && out_->tls) {
      return reader_.Fail(starttls_[0].first, starttls_[0].second,
                          "starttls upgrades a plain connection; it cannot be used with tls: "
                          "true");
    }
    return true;
  }

  YamlReader& reader_;
  TcpProbe* out_;
  std::vector<std::pair<YAML::Node, std::string>> starttls_;  // node, path
};

}  // namespace

bool ParseTcpSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Module* module, std::vector<std::string>* /*warnings*/) {
  return TcpProbeParser(reader, &module->tcp).Parse(node, path);
}

}  // namespace outage::config_internal
