#include "config/web_config_loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <vector>

#include "config/bounded_file.h"
#include "config/yaml_reader.h"

namespace outage {
namespace {

using config_internal::MapEntry;
using config_internal::Quote;
using config_internal::YamlReader;

constexpr std::string_view kClientAuthTypes[] = {"NoClientCert", "RequestClientCert",
                                                 "RequireAnyClientCert", "VerifyClientCertIfGiven",
                                                 "RequireAndVerifyClientCert"};
constexpr std::string_view kTlsVersions[] = {"TLS10", "TLS11", "TLS12", "TLS13"};
constexpr std::string_view kMaxTlsVersions[] = {"", "TLS10", "TLS11", "TLS12", "TLS13"};
// exporter-toolkit keys this build does not implement: a clear error, never
// silently ignored.
constexpr std::string_view kUnsupportedTlsKeys[] = {"cert",
                                                    "key",
                                                    "cipher_suites",
                                                    "curve_preferences",
                                                    "prefer_server_cipher_suites",
                                                    "client_allowed_sans"};

std::string Resolve(const std::string& directory, const std::string& path) {
  if (path.empty() || path.front() == '/' || directory.empty()) return path;
  return directory + "/" + path;
}

// CheckReadable fails at `entry` when the file cannot be opened.
bool CheckReadable(YamlReader& reader, const MapEntry& entry, const std::string& path) {
  if (access(path.c_str(), R_OK) == 0) return true;
  return reader.Fail(entry.value, entry.path,
                     "cannot read " + Quote(path) + ": " + std::strerror(errno));
}

bool IsBcryptHash(const std::string& hash) {
  if (hash.size() != 60) return false;
  return hash.rfind("$2a$", 0) == 0 || hash.rfind("$2b$", 0) == 0 || hash.rfind("$2y$", 0) == 0;
}

bool ParseTls(YamlReader& reader, const MapEntry& section, const std::string& directory,
              WebTlsConfig* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(section.value, section.path, &entries)) return false;
  const MapEntry* cert = nullptr;
  const MapEntry* key = nullptr;
  const MapEntry* ca = nullptr;
  const MapEntry* auth = nullptr;
  const MapEntry* max = nullptr;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "cert_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->cert_file);
      cert = &entry;
    } else if (entry.name == "key_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->key_file);
      key = &entry;
    } else if (entry.name == "client_ca_file") {
      ok = reader.ReadString(entry.value, entry.path, &out->client_ca_file);
      ca = &entry;
    } else if (entry.name == "client_auth_type") {
      ok = reader.ReadEnum(entry.value, entry.path, kClientAuthTypes, &out->client_auth_type);
      auth = &entry;
    } else if (entry.name == "min_version") {
      ok = reader.ReadEnum(entry.value, entry.path, kTlsVersions, &out->min_version);
    } else if (entry.name == "max_version") {
      ok = reader.ReadEnum(entry.value, entry.path, kMaxTlsVersions, &out->max_version);
      max = &entry;
    } else if (config_internal::IsOneOf(entry.name, kUnsupportedTlsKeys)) {
      ok = reader.Fail(entry.key, entry.path,
                       Quote(entry.name) + " is not supported by outage_exporter yet");
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  // A null section has no position of its own: point at its key.
  const YAML::Node& at = section.value.IsNull() ? section.key : section.value;
  if (out->cert_file.empty()) return reader.MissingKey(at, section.path, "cert_file");
  if (out->key_file.empty()) return reader.MissingKey(at, section.path, "key_file");
  out->cert_file = Resolve(directory, out->cert_file);
  out->key_file = Resolve(directory, out->key_file);
  if (!CheckReadable(reader, *cert, out->cert_file) ||
      !CheckReadable(reader, *key, out->key_file)) {
    return false;
  }
  const bool verifies = out->client_auth_type == "VerifyClientCertIfGiven" ||
                        out->client_auth_type == "RequireAndVerifyClientCert";
  if (verifies && out->client_ca_file.empty()) {
    return reader.Fail(auth->value, auth->path,
                       out->client_auth_type + " needs client_ca_file to verify against");
  }
  if (!out->client_ca_file.empty()) {
    if (!verifies) {
      return reader.Fail(ca->key, ca->path,
                         "client_ca_file is set but client_auth_type " + out->client_auth_type +
                             " does not verify client certificates (use "
                             "RequireAndVerifyClientCert or VerifyClientCertIfGiven)");
    }
    out->client_ca_file = Resolve(directory, out->client_ca_file);
    if (!CheckReadable(reader, *ca, out->client_ca_file)) return false;
  }
  // "TLS10" < ... < "TLS13" compares correctly as text.
  if (!out->max_version.empty() && out->max_version < out->min_version) {
    return reader.Fail(
        max->value, max->path,
        "max_version " + out->max_version + " is lower than min_version " + out->min_version);
  }
  return true;
}

bool ParseUsers(YamlReader& reader, const MapEntry& section,
                std::map<std::string, std::string>* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(section.value, section.path, &entries)) return false;
  for (const MapEntry& entry : entries) {
    std::string hash;
    if (!reader.ReadString(entry.value, entry.path, &hash)) return false;
    // The hash is a secret: never echoed in an error.
    if (!IsBcryptHash(hash)) {
      return reader.Fail(entry.key, entry.path,
                         "the password must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 "
                         "characters), e.g. from htpasswd -nBC 10");
    }
    (*out)[entry.name] = hash;
  }
  return true;
}

}  // namespace

WebConfigResult LoadWebConfigString(const std::string& yaml, const std::string& source,
                                    const std::string& directory) {
  try {
    const YAML::Node root = YAML::Load(yaml);
    YamlReader reader(source);
    WebConfig config;
    std::vector<MapEntry> entries;
    bool ok = true;
    if (!root.IsNull() && !root.IsMap()) {
      ok = reader.Fail(root, "",
                       "the top level must be a map, got " + config_internal::Describe(root));
    }
    ok = ok && reader.Entries(root, "", &entries);
    for (size_t i = 0; ok && i < entries.size(); ++i) {
      const MapEntry& entry = entries[i];
      if (entry.name == "tls_server_config") {
        config.tls.emplace();
        ok = ParseTls(reader, entry, directory, &*config.tls);
      } else if (entry.name == "basic_auth_users") {
        ok = ParseUsers(reader, entry, &config.basic_auth_users);
      } else if (entry.name == "http_server_config") {
        ok = reader.Fail(entry.key, entry.path,
                         "\"http_server_config\" is not supported by outage_exporter yet");
      } else {
        ok = reader.UnknownKey(entry);
      }
    }
    if (!ok) return *reader.error();
    return config;
  } catch (const YAML::Exception& e) {
    return ConfigError{source, e.mark.line < 0 ? 0 : e.mark.line + 1,
                       e.mark.column < 0 ? 0 : e.mark.column + 1, "yaml: " + e.msg};
  } catch (const std::exception& e) {
    return ConfigError{source, 0, 0, std::string("internal error: ") + e.what()};
  }
}

WebConfigResult LoadWebConfigFile(const std::string& path) {
  std::string error;
  const std::optional<std::string> text = ReadBoundedFile(path, &error);
  if (!text) return ConfigError{path, 0, 0, error};
  const size_t slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash);
  return LoadWebConfigString(*text, path, directory.empty() ? "/" : directory);
}

}  // namespace outage
