// See query_response_parser.h. Checks at load time what blackbox only finds
// out when a probe runs (a step that does nothing, labels without an
// expect), so a broken module is a config error rather than a probe that
// always fails.
#include "config/query_response_parser.h"

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

}  // namespace

bool QueryResponseParser::ParseStep(const YAML::Node& node, const std::string& path,
                                    QueryResponse* out) {
  YamlReader& reader = reader_;
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
    } else if (field.name == "expect_bytes" && keys_.expect_bytes) {
      ok = reader.ReadString(field.value, field.path, &out->expect_bytes);
      if (!out->expect_bytes.empty()) expectations.push_back(&field);
    } else if (field.name == "send") {
      ok = reader.ReadString(field.value, field.path, &out->send);
    } else if (field.name == "starttls" && keys_.starttls) {
      ok = reader.ReadBool(field.value, field.path, &out->starttls);
    } else if ((field.name == "expect_bytes" || field.name == "starttls") &&
               keys_.ignored != nullptr) {
      // Read for its type, as blackbox does, then left out.
      std::string text;
      bool flag = false;
      ok = field.name == "starttls" ? reader.ReadBool(field.value, field.path, &flag)
                                    : reader.ReadString(field.value, field.path, &text);
      keys_.ignored->push_back(field.path);
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
    if (keys_.ignored != nullptr) return true;  // only ignored keys: Parse drops the step
    return reader.Fail(node, path,
                       "step does nothing (want expect, expect_bytes, send or starttls)");
  }
  return true;
}

bool QueryResponseParser::Parse(const MapEntry& entry, std::vector<QueryResponse>* out) {
  std::vector<YAML::Node> items;
  if (!reader_.Items(entry.value, entry.path, &items)) return false;
  for (size_t i = 0; i < items.size(); ++i) {
    QueryResponse step;
    const std::string path = IndexPath(entry.path, i);
    if (!ParseStep(items[i], path, &step)) return false;
    if (!step.expect && step.expect_bytes.empty() && step.send.empty() && !step.starttls) continue;
    if (step.starttls) starttls_.push_back({items[i], path});
    out->push_back(std::move(step));
  }
  return true;
}

bool QueryResponseParser::CheckTls(bool tls) {
  if (starttls_.size() > 1) {
    return reader_.Fail(starttls_[1].first, starttls_[1].second, "only one step may use starttls");
  }
  if (!starttls_.empty() && tls) {
    return reader_.Fail(starttls_[0].first, starttls_[0].second,
                        "starttls upgrades a plain connection; it cannot be used with tls: "
                        "true");
  }
  return true;
}

}  // namespace outage::config_internal
