// See client_config_parser.h. Names and rules follow prometheus/common's
// config.BasicAuth and config.TLSConfig as vendored by blackbox 0.23.
#include "config/client_config_parser.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "config/url.h"

namespace outage::config_internal {
namespace {

constexpr std::string_view kTlsVersions[] = {"", "TLS10", "TLS11", "TLS12", "TLS13"};
constexpr std::string_view kSecretRefs[] = {"ca_ref",           "cert_ref",     "key_ref",
                                            "username_ref",     "password_ref", "credentials_ref",
                                            "client_secret_ref"};
// Options of oauth2's own HTTP client that the token request does not use.
constexpr std::string_view kOAuth2Transport[] = {"tls_config", "proxy_url", "no_proxy",
                                                 "proxy_from_environment", "proxy_connect_header"};

// Headers common's http_headers refuses to set: the client owns them.
constexpr std::string_view kReservedHeaders[] = {"authorization",
                                                 "host",
                                                 "content-encoding",
                                                 "content-length",
                                                 "content-type",
                                                 "user-agent",
                                                 "connection",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "www-authenticate",
                                                 "accept-encoding",
                                                 "x-prometheus-remote-write-version",
                                                 "x-prometheus-remote-read-version",
                                                 "x-prometheus-scrape-timeout-seconds",
                                                 "x-amz-date",
                                                 "x-amz-security-token",
                                                 "x-amz-content-sha256"};

constexpr std::string_view kTokenSpecials = "!#$%&'*+-.^_`|~";

std::string LowerAscii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// PemField returns the TlsConfig field that tls_config key `name` fills
// with a PEM source (inline text or a file name), or nullptr.
std::string* PemField(const std::string& name, TlsConfig* out) {
  if (name == "ca") return &out->ca;
  if (name == "ca_file") return &out->ca_file;
  if (name == "cert") return &out->cert;
  if (name == "cert_file") return &out->cert_file;
  if (name == "key") return &out->key;
  if (name == "key_file") return &out->key_file;
  return nullptr;
}

}  // namespace

bool IsHttpToken(const std::string& text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kTokenSpecials.find(c) != std::string_view::npos;
  });
}

bool IsSecretRef(const std::string& name) { return IsOneOf(name, kSecretRefs); }

bool FailSecretRef(YamlReader& reader, const MapEntry& entry) {
  return reader.Fail(entry.key, entry.path,
                     Quote(entry.name) +
                         " needs a secret manager, which blackbox_exporter does not configure "
                         "either; use the inline value or the _file form");
}

bool ParseBasicAuth(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    BasicAuth* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  std::vector<const MapEntry*> username_sources;
  std::vector<const MapEntry*> password_sources;
  for (const MapEntry& entry : entries) {
    std::string* field = nullptr;
    if (entry.name == "username") {
      field = &out->username;
    } else if (entry.name == "username_file") {
      field = &out->username_file;
    } else if (entry.name == "password") {
      field = &out->password;
    } else if (entry.name == "password_file") {
      field = &out->password_file;
    } else if (IsSecretRef(entry.name)) {
      return FailSecretRef(reader, entry);
    } else {
      return reader.UnknownKey(entry);
    }
    if (!reader.ReadString(entry.value, entry.path, field)) return false;
    if (field->empty()) continue;
    const bool is_username = field == &out->username || field == &out->username_file;
    (is_username ? username_sources : password_sources).push_back(&entry);
  }
  return reader.MutuallyExclusive(username_sources) && reader.MutuallyExclusive(password_sources);
}

bool ParseOAuth2(YamlReader& reader, const YAML::Node& node, const std::string& path, OAuth2* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  std::vector<const MapEntry*> secret_sources;
  const MapEntry* token_url = nullptr;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "client_id") {
      ok = reader.ReadString(entry.value, entry.path, &out->client_id);
    } else if (entry.name == "client_secret" || entry.name == "client_secret_file") {
      std::string* field =
          entry.name == "client_secret" ? &out->client_secret : &out->client_secret_file;
      ok = reader.ReadString(entry.value, entry.path, field);
      if (ok && !field->empty()) secret_sources.push_back(&entry);
    } else if (entry.name == "scopes") {
      ok = reader.ReadStringList(entry.value, entry.path, &out->scopes);
    } else if (entry.name == "token_url") {
      token_url = &entry;
      ok = reader.ReadString(entry.value, entry.path, &out->token_url);
    } else if (entry.name == "endpoint_params") {
      std::vector<MapEntry> params;
      ok = reader.Entries(entry.value, entry.path, &params);
      for (size_t i = 0; ok && i < params.size(); ++i) {
        std::string value;
        ok = reader.ReadString(params[i].value, params[i].path, &value);
        out->endpoint_params.emplace_back(params[i].name, std::move(value));
      }
    } else if (IsSecretRef(entry.name)) {
      return FailSecretRef(reader, entry);
    } else if (IsOneOf(entry.name, kOAuth2Transport)) {
      return reader.Fail(entry.key, entry.path,
                         Quote(entry.name) +
                             " for the token request is not supported: the token is fetched "
                             "directly, with the system's CA certificates");
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  if (!reader.MutuallyExclusive(secret_sources)) return false;
  if (token_url == nullptr || out->token_url.empty()) {
    return reader.MissingKey(node, path, "token_url");
  }
  if (!IsHttpUrl(out->token_url)) {
    return reader.Fail(token_url->value, token_url->path,
                       "invalid token_url " + Quote(RedactUrlPassword(out->token_url)) +
                           " (want an http:// or https:// URL)");
  }
  return true;
}

bool ParseAuthorization(YamlReader& reader, const YAML::Node& node, const std::string& path,
                        Authorization* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  std::vector<const MapEntry*> sources;
  for (const MapEntry& entry : entries) {
    std::string* field = nullptr;
    if (entry.name == "type") {
      field = &out->type;
    } else if (entry.name == "credentials") {
      field = &out->credentials;
    } else if (entry.name == "credentials_file") {
      field = &out->credentials_file;
    } else if (IsSecretRef(entry.name)) {
      return FailSecretRef(reader, entry);
    } else {
      return reader.UnknownKey(entry);
    }
    if (!reader.ReadString(entry.value, entry.path, field)) return false;
    if (field == &out->type) {
      if (out->type.empty()) out->type = "Bearer";
      if (LowerAscii(out->type) == "basic") {
        return reader.Fail(entry.value, entry.path,
                           "authorization type cannot be \"Basic\"; use basic_auth");
      }
      if (out->type.find_first_of(" \t\r\n") != std::string::npos) {
        return reader.Fail(entry.value, entry.path,
                           "invalid authorization type " + Quote(out->type));
      }
    } else if (!field->empty()) {
      sources.push_back(&entry);
    }
  }
  return reader.MutuallyExclusive(sources);
}

bool CheckHeaderValue(YamlReader& reader, const YAML::Node& at, const std::string& path,
                      const std::string& value) {
  if (value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos) return true;
  return reader.Fail(at, path, "header value must not contain CR, LF or NUL");
}

bool ParseHttpHeaders(YamlReader& reader, const MapEntry& entry, std::vector<HeaderValues>* out) {
  std::vector<MapEntry> headers;
  if (!reader.Entries(entry.value, entry.path, &headers)) return false;
  for (const MapEntry& header : headers) {
    if (!IsHttpToken(header.name)) {
      return reader.Fail(header.key, header.path, "invalid header name " + Quote(header.name));
    }
    if (IsOneOf(LowerAscii(header.name), kReservedHeaders)) {
      return reader.Fail(header.key, header.path,
                         "setting header " + Quote(header.name) + " is not allowed");
    }
    HeaderValues parsed;
    parsed.name = header.name;
    std::vector<MapEntry> fields;
    if (!reader.Entries(header.value, header.path, &fields)) return false;
    for (const MapEntry& field : fields) {
      std::vector<std::string>* list = nullptr;
      if (field.name == "values") {
        list = &parsed.values;
      } else if (field.name == "secrets") {
        list = &parsed.secrets;
      } else if (field.name == "files") {
        list = &parsed.files;
      } else {
        return reader.UnknownKey(field);
      }
      if (!reader.ReadStringList(field.value, field.path, list)) return false;
      for (const std::string& value : *list) {
        if (!CheckHeaderValue(reader, field.value, field.path, value)) return false;
      }
    }
    out->push_back(std::move(parsed));
  }
  return true;
}

bool ParseProxyConnectHeader(YamlReader& reader, const MapEntry& entry, LabelPairs* out) {
  std::vector<MapEntry> headers;
  if (!reader.Entries(entry.value, entry.path, &headers)) return false;
  for (const MapEntry& header : headers) {
    if (!IsHttpToken(header.name)) {
      return reader.Fail(header.key, header.path, "invalid header name " + Quote(header.name));
    }
    std::vector<std::string> values;
    if (!reader.ReadStringList(header.value, header.path, &values)) return false;
    for (std::string& value : values) {
      if (!CheckHeaderValue(reader, header.value, header.path, value)) return false;
      out->emplace_back(header.name, std::move(value));
    }
  }
  return true;
}

bool ParseTlsConfig(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    TlsConfig* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  const MapEntry* max_version = nullptr;
  std::vector<const MapEntry*> pem_sources;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (std::string* field = PemField(entry.name, out)) {
      ok = reader.ReadString(entry.value, entry.path, field);
      if (ok && !field->empty()) pem_sources.push_back(&entry);
    } else if (IsSecretRef(entry.name)) {
      ok = FailSecretRef(reader, entry);
    } else if (entry.name == "server_name") {
      ok = reader.ReadString(entry.value, entry.path, &out->server_name);
    } else if (entry.name == "insecure_skip_verify") {
      ok = reader.ReadBool(entry.value, entry.path, &out->insecure_skip_verify);
    } else if (entry.name == "min_version") {
      ok = reader.ReadEnum(entry.value, entry.path, kTlsVersions, &out->min_version);
    } else if (entry.name == "max_version") {
      ok = reader.ReadEnum(entry.value, entry.path, kTlsVersions, &out->max_version);
      max_version = &entry;
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  // ca and ca_file, cert and cert_file, key and key_file: one of each pair.
  for (const char* base : {"ca", "cert", "key"}) {
    std::vector<const MapEntry*> pair;
    for (const MapEntry* entry : pem_sources) {
      if (entry->name == base || entry->name == std::string(base) + "_file") pair.push_back(entry);
    }
    if (!reader.MutuallyExclusive(pair)) return false;
  }
  const bool has_cert = !out->cert_file.empty() || !out->cert.empty();
  const bool has_key = !out->key_file.empty() || !out->key.empty();
  if (has_cert != has_key) {
    return reader.Fail(node, path,
                       "a client certificate (cert or cert_file) and its key (key or key_file) "
                       "must be set together");
  }
  // "TLS10" < "TLS11" < ... compares correctly as text.
  if (!out->min_version.empty() && !out->max_version.empty() &&
      out->max_version < out->min_version) {
    return reader.Fail(
        max_version->value, max_version->path,
        "max_version " + out->max_version + " is lower than min_version " + out->min_version);
  }
  return true;
}

bool ParseIpProtocol(YamlReader& reader, const MapEntry& entry, IpProtocol* out) {
  std::string protocol;
  if (!reader.ReadString(entry.value, entry.path, &protocol)) return false;
  // Blackbox treats an empty value as its default, ip6.
  if (protocol == "ip4") {
    *out = IpProtocol::kIp4;
  } else if (protocol == "ip6" || protocol.empty()) {
    *out = IpProtocol::kIp6;
  } else {
    return reader.Fail(entry.value, entry.path,
                       "invalid value " + Quote(protocol) + R"( (want "ip4" or "ip6"))");
  }
  return true;
}

bool ParseSourceIpAddress(YamlReader& reader, const MapEntry& entry, std::string* out) {
  if (!reader.ReadString(entry.value, entry.path, out)) return false;
  unsigned char buf[sizeof(in6_addr)];
  if (out->empty() || inet_pton(AF_INET, out->c_str(), buf) == 1 ||
      inet_pton(AF_INET6, out->c_str(), buf) == 1) {
    return true;
  }
  return reader.Fail(
      entry.value, entry.path,
      "invalid source_ip_address " + Quote(*out) + " (want an IPv4 or IPv6 address)");
}

}  // namespace outage::config_internal
