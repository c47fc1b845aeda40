// See client_config_parser.h. Names and rules follow prometheus/common's
// config.BasicAuth and config.TLSConfig as vendored by blackbox 0.23.
#include "config/client_config_parser.h"

#include <arpa/inet.h>

#include <vector>

namespace outage::config_internal {
namespace {

constexpr std::string_view kTlsVersions[] = {"", "TLS10", "TLS11", "TLS12", "TLS13"};

}  // namespace

bool ParseBasicAuth(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    BasicAuth* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  std::vector<const MapEntry*> password_sources;
  for (const MapEntry& entry : entries) {
    std::string* field = nullptr;
    if (entry.name == "username") {
      field = &out->username;
    } else if (entry.name == "password") {
      field = &out->password;
    } else if (entry.name == "password_file") {
      field = &out->password_file;
    } else {
      return reader.UnknownKey(entry);
    }
    if (!reader.ReadString(entry.value, entry.path, field)) return false;
    if (field != &out->username && !field->empty()) {
      password_sources.push_back(&entry);
    }
  }
  return reader.MutuallyExclusive(password_sources);
}

bool ParseTlsConfig(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    TlsConfig* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  const MapEntry* max_version = nullptr;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "ca_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->ca_file);
    } else if (entry.name == "cert_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->cert_file);
    } else if (entry.name == "key_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->key_file);
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
  if (out->cert_file.empty() != out->key_file.empty()) {
    return reader.Fail(node, path, "cert_file and key_file must be set together");
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
