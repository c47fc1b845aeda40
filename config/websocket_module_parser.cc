// See websocket_module_parser.h. What blackbox's websocket library would
// refuse when a probe runs (a header it sets itself, a header with a line
// break, half a basic_auth) is refused here, at load.
#include "config/websocket_module_parser.h"

#include <algorithm>
#include <cctype>

#include "config/client_config_parser.h"
#include "config/query_response_parser.h"

namespace outage::config_internal {
namespace {

// Headers the upgrade request sets itself (RFC 6455 section 4.1), and the
// two that basic_auth / bearer_token set.
constexpr std::string_view kOwnHeaders[] = {"host",
                                            "upgrade",
                                            "connection",
                                            "sec-websocket-key",
                                            "sec-websocket-version",
                                            "sec-websocket-extensions",
                                            "authorization"};

bool IsFieldValue(const std::string& value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// ParseHeaders reads `headers`: name to a string or a list of strings.
bool ParseHeaders(YamlReader& reader, const MapEntry& entry, LabelPairs* out) {
  std::vector<MapEntry> headers;
  if (!reader.Entries(entry.value, entry.path, &headers)) return false;
  for (const MapEntry& header : headers) {
    if (!IsHttpToken(header.name)) {
      return reader.Fail(header.key, header.path, "invalid header name " + Quote(header.name));
    }
    if (IsOneOf(Lower(header.name), kOwnHeaders)) {
      return reader.Fail(header.key, header.path,
                         "setting header " + Quote(header.name) +
                             " is not allowed (the websocket upgrade or its auth sets it)");
    }
    std::vector<std::string> values;
    if (header.value.IsSequence()) {
      if (!reader.ReadStringList(header.value, header.path, &values)) return false;
    } else if (!reader.ReadString(header.value, header.path, &values.emplace_back())) {
      return false;
    }
    for (const std::string& value : values) {
      if (!IsFieldValue(value)) {
        return reader.Fail(header.value, header.path,
                           "header " + Quote(header.name) +
                               " has a control character or line "
                               "break in its value");
      }
      out->emplace_back(header.name, value);
    }
  }
  return true;
}

bool ParseHttpConfig(YamlReader& reader, const MapEntry& section, WebsocketProbe* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(section.value, section.path, &entries)) return false;
  std::vector<const MapEntry*> auth;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "headers") {
      ok = ParseHeaders(reader, entry, &out->headers);
    } else if (entry.name == "basic_auth") {
      auth.push_back(&entry);
      ok = ParseBasicAuth(reader, entry.value, entry.path, &out->basic_auth);
      const BasicAuth& basic = out->basic_auth;
      if (ok && (!basic.username_file.empty() || !basic.password_file.empty())) {
        ok = reader.Fail(entry.key, entry.path,
                         "the websocket prober's basic_auth takes username and password only");
      } else if (ok && (basic.username.empty() || basic.password.empty())) {
        ok = reader.Fail(entry.key, entry.path, "basic_auth needs both username and password");
      }
    } else if (entry.name == "bearer_token") {
      auth.push_back(&entry);
      ok = reader.ReadString(entry.value, entry.path, &out->bearer_token);
      const bool blank =
          std::all_of(out->bearer_token.begin(), out->bearer_token.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
      if (ok && blank) ok = reader.Fail(entry.value, entry.path, "bearer_token is blank");
      if (ok && !IsFieldValue(out->bearer_token)) {
        ok = reader.Fail(entry.value, entry.path,
                         "bearer_token has a control character or line break");
      }
    } else if (entry.name == "tls_config") {
      ok = ParseTlsConfig(reader, entry.value, entry.path, &out->tls_config);
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  return reader.MutuallyExclusive(auth);
}

}  // namespace

bool ParseWebsocketSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                           Module* module, std::vector<std::string>* warnings) {
  WebsocketProbe* out = &module->websocket;
  // Messages are matched whole and sent whole: no byte counts, no STARTTLS.
  // blackbox reads both keys for websocket and ignores them; so do we, with
  // a warning, so that its files load.
  std::vector<std::string> ignored;
  QueryResponseParser steps(reader, QueryResponseKeys{false, false, &ignored});
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "http_config") {
      ok = ParseHttpConfig(reader, entry, out);
    } else if (entry.name == "query_response") {
      ok = steps.Parse(entry, &out->query_response);
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  for (const std::string& key : ignored) {
    warnings->push_back(key + ": ignored (the websocket prober sends and matches whole messages)");
  }
  return true;
}

}  // namespace outage::config_internal
