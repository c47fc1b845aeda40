// See redacted_yaml.h. Redaction goes by key name wherever the key appears,
// so a secret is hidden even in a section that is not validated yet (a
// module whose prober is not built).
#include "config/redacted_yaml.h"

#include <algorithm>
#include <cctype>

#include "config/url.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {
namespace {

constexpr char kSecret[] = "<secret>";

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return text;
}

bool IsSecretKey(const std::string& key) {
  static constexpr std::string_view kKeys[] = {"bearer_token", "password", "client_secret",
                                               "credentials",  "secrets",  "key"};
  return IsOneOf(key, kKeys);
}

bool IsUrlKey(const std::string& key) {
  return key == "proxy_url" || key == "target" || key == "url";
}

bool IsSecretHeader(const std::string& name) {
  const std::string lower = Lower(name);
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie";
}

void EmitScalar(YAML::Emitter& out, const YAML::Node& node, const std::string& text) {
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!") out << YAML::VerbatimTag(tag);
  // A quoted scalar stays quoted, so "5" or "true" keeps being a string.
  if (tag == "!") out << YAML::DoubleQuoted;
  out << text;
}

// What to do with a value, decided by its key. kValues: a map whose keys are
// shown and whose values are all secrets (proxy_connect_header).
enum class Redaction { kNone, kWhole, kUrlPassword, kValues };

void Emit(YAML::Emitter& out, const YAML::Node& node, Redaction redaction, bool in_headers) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (redaction == Redaction::kWhole && !text.empty()) text = kSecret;
      if (redaction == Redaction::kUrlPassword) text = RedactUrlPassword(text);
      EmitScalar(out, node, text);
      return;
    }
    case YAML::NodeType::Sequence:
      if (node.Style() == YAML::EmitterStyle::Flow) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const YAML::Node& item : node) {
        Emit(out, item, redaction, /*in_headers=*/false);
      }
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Map:
      if (node.Style() == YAML::EmitterStyle::Flow) out << YAML::Flow;
      out << YAML::BeginMap;
      for (auto it = node.begin(); it != node.end(); ++it) {
        // Copies: it->first refers into a temporary proxy.
        const YAML::Node key_node = it->first;
        const YAML::Node value = it->second;
        const std::string key = key_node.IsScalar() ? key_node.Scalar() : "";
        Redaction child = Redaction::kNone;
        if (IsSecretKey(key) || (in_headers && IsSecretHeader(key))) {
          child = Redaction::kWhole;
        } else if (IsUrlKey(key)) {
          child = Redaction::kUrlPassword;
        } else if (key == "proxy_connect_header") {
          child = Redaction::kValues;
        }
        out << YAML::Key;
        Emit(out, key_node, Redaction::kNone, /*in_headers=*/false);
        out << YAML::Value;
        if (redaction == Redaction::kValues && !value.IsMap()) {
          Emit(out, value, Redaction::kWhole, /*in_headers=*/false);  // each list item
        } else if ((child == Redaction::kWhole || redaction == Redaction::kValues) &&
                   !value.IsScalar() && !value.IsNull()) {
          out << kSecret;  // a secret key with a structured value: hide all
        } else {
          // HTTP headers, and gRPC metadata (the same thing on the wire).
          Emit(out, value, child,
               /*in_headers=*/key == "headers" || key == "http_headers" || key == "metadata");
        }
      }
      out << YAML::EndMap;
      return;
    default:
      out << YAML::Null;
      return;
  }
}

}  // namespace

std::string RedactedYaml(const YAML::Node& root) {
  if (!root.IsDefined() || root.IsNull()) return "";
  YAML::Emitter out;
  Emit(out, root, Redaction::kNone, /*in_headers=*/false);
  std::string text = out.good() ? out.c_str() : "";
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace outage::config_internal
