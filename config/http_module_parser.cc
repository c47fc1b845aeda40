// See http_module_parser.h. Option names, types and defaults are those of
// blackbox_exporter's HTTPProbe (0.23 to 0.28); an option this exporter
// cannot serve is an error naming why, never silently ignored.
#include "config/http_module_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "config/byte_size.h"
#include "config/client_config_parser.h"
#include "config/edge_rules_parser.h"
#include "config/regex_field.h"
#include "config/url.h"

namespace outage::config_internal {
namespace {

// Blackbox http options that Debian 12's libraries cannot serve, each with
// the reason given in its config error.
struct Unservable {
  std::string_view option;
  std::string_view why;
};
constexpr Unservable kUnservable[] = {
    {"fail_if_body_json_matches_cel",
     "CEL expressions need a CEL implementation, and Debian 12 packages none for C++"},
    {"fail_if_body_json_not_matches_cel",
     "CEL expressions need a CEL implementation, and Debian 12 packages none for C++"},
};

constexpr std::string_view kCompressions[] = {"", "gzip", "br", "deflate", "identity"};
constexpr std::string_view kHttpVersions[] = {"HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0",
                                              "HTTP/3"};

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// AcceptsEncoding mirrors blackbox's isCompressionAcceptEncodingValid: the
// highest-quality entry naming `encoding` (or "*") must have quality > 0.
bool AcceptsEncoding(const std::string& encoding, const std::string& accept_encoding) {
  if (encoding.empty() || accept_encoding.empty()) return true;
  struct Entry {
    std::string encoding;
    double quality;
  };
  std::vector<Entry> entries;
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string::npos) end = accept_encoding.size();
    const std::string part = accept_encoding.substr(start, end - start);
    const size_t semicolon = part.rfind(';');
    if (semicolon == std::string::npos) {
      entries.push_back({Trim(part), 1.0});
    } else {
      std::string q = Trim(part.substr(semicolon + 1));
      if (q.rfind("q=", 0) == 0) q = q.substr(2);
      char* q_end = nullptr;
      double quality = std::strtod(q.c_str(), &q_end);
      if (q.empty() || q_end != q.c_str() + q.size()) quality = 0;
      entries.push_back({Trim(part.substr(0, semicolon)), quality});
    }
    start = end + 1;
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.quality > b.quality; });
  for (const Entry& entry : entries) {
    if (entry.encoding == encoding || entry.encoding == "*") {
      return entry.quality > 0;
    }
  }
  return false;
}

class HttpProbeParser {
 public:
  HttpProbeParser(YamlReader& reader, HttpProbe* out, std::vector<std::string>* warnings)
      : reader_(reader), out_(out), warnings_(warnings) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    return CheckCombinations(path);
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    const YAML::Node& value = entry.value;
    const std::string& path = entry.path;
    if (name == "valid_status_codes") return ParseStatusCodes(entry);
    if (name == "valid_http_versions") return ParseHttpVersions(entry);
    if (name == "method") return ParseMethod(entry);
    if (name == "headers") return ParseHeaders(entry);
    if (name == "http_headers") return ParseHttpHeaders(reader_, entry, &out_->http_headers);
    if (name == "body") return ReadBodySource(entry, &out_->body);
    if (name == "body_file") return ReadBodySource(entry, &out_->body_file);
    if (name == "follow_redirects") {
      follow_redirects_ = &entry;
      return reader_.ReadBool(value, path, &out_->follow_redirects);
    }
    if (name == "no_follow_redirects") {
      no_follow_redirects_ = &entry;
      return reader_.ReadBool(value, path, &no_follow_redirects_value_);
    }
    if (name == "enable_http2") return reader_.ReadBool(value, path, &out_->enable_http2);
    if (name == "enable_http3") return ParseEnableHttp3(entry);
    if (name == "skip_resolve_phase_with_proxy") {
      return reader_.ReadBool(value, path, &out_->skip_resolve_phase_with_proxy);
    }
    if (name == "authorization") {
      if (value.IsNull()) return true;
      credentials_.push_back(&entry);
      return ParseAuthorization(reader_, value, path, &out_->authorization.emplace());
    }
    if (name == "oauth2") {
      if (value.IsNull()) return true;
      credentials_.push_back(&entry);
      return ParseOAuth2(reader_, value, path, &out_->oauth2.emplace());
    }
    if (name == "fail_if_ssl") {
      return reader_.ReadBool(value, path, &out_->fail_if_ssl);
    }
    if (name == "fail_if_not_ssl") {
      return reader_.ReadBool(value, path, &out_->fail_if_not_ssl);
    }
    if (name == "fail_if_body_matches_regexp") {
      return ReadRegexList(reader_, value, path, &out_->fail_if_body_matches_regexp);
    }
    if (name == "fail_if_body_not_matches_regexp") {
      return ReadRegexList(reader_, value, path, &out_->fail_if_body_not_matches_regexp);
    }
    if (name == "fail_if_header_matches") {
      return ParseHeaderMatches(entry, &out_->fail_if_header_matches);
    }
    if (name == "fail_if_header_not_matches") {
      return ParseHeaderMatches(entry, &out_->fail_if_header_not_matches);
    }
    if (name == "basic_auth") {
      if (value.IsNull()) return true;
      credentials_.push_back(&entry);
      return ParseBasicAuth(reader_, value, path, &out_->basic_auth.emplace());
    }
    if (name == "bearer_token" || name == "bearer_token_file") {
      std::string* field = name == "bearer_token" ? &out_->bearer_token : &out_->bearer_token_file;
      if (!reader_.ReadString(value, path, field)) return false;
      if (!field->empty()) credentials_.push_back(&entry);
      return true;
    }
    if (name == "tls_config") {
      return ParseTlsConfig(reader_, value, path, &out_->tls_config);
    }
    if (name == "proxy_url") return ParseProxyUrl(entry);
    if (name == "no_proxy") {
      no_proxy_ = &entry;
      return reader_.ReadString(value, path, &out_->no_proxy);
    }
    if (name == "proxy_from_environment") {
      proxy_from_environment_ = &entry;
      return reader_.ReadBool(value, path, &out_->proxy_from_environment);
    }
    if (name == "proxy_connect_header") {
      proxy_connect_header_ = &entry;
      return ParseProxyConnectHeader(reader_, entry, &out_->proxy_connect_header);
    }
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_->preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(value, path, &out_->ip_protocol_fallback);
    }
    if (name == "body_size_limit") return ParseBodySizeLimit(entry);
    if (name == "edge") return ParseEdgeSection(reader_, entry, &out_->edge_rules);
    if (name == "compression") {
      compression_ = &entry;
      return reader_.ReadEnum(value, path, kCompressions, &out_->compression);
    }
    for (const Unservable& option : kUnservable) {
      if (name == option.option) {
        return reader_.Fail(
            entry.key, path,
            "blackbox option " + Quote(name) + " is not supported: " + std::string(option.why));
      }
    }
    return reader_.UnknownKey(entry);
  }

  // ReadBodySource reads `body` or `body_file`: blackbox refuses both.
  bool ReadBodySource(const MapEntry& entry, std::string* out) {
    if (!reader_.ReadString(entry.value, entry.path, out)) return false;
    if (!out->empty()) body_sources_.push_back(&entry);
    return reader_.MutuallyExclusive(body_sources_);
  }

  bool ParseEnableHttp3(const MapEntry& entry) {
    bool enabled = false;
    if (!reader_.ReadBool(entry.value, entry.path, &enabled)) return false;
    if (!enabled) return true;
    return reader_.Fail(entry.value, entry.path,
                        "enable_http3 is not supported: HTTP/3 needs a libcurl built with QUIC, "
                        "and Debian 12's libcurl 7.88 has none");
  }

  bool ParseStatusCodes(const MapEntry& entry) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = IndexPath(entry.path, i);
      int64_t code = -1;
      if (!reader_.ReadInt(items[i], path, &code)) return false;
      if (code < 100 || code > 599) {
        return reader_.Fail(items[i], path,
                            "invalid HTTP status code " + items[i].Scalar() + " (want 100-599)");
      }
      out_->valid_status_codes.push_back(static_cast<int>(code));
    }
    return true;
  }

  bool ParseHttpVersions(const MapEntry& entry) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      std::string version;
      if (!reader_.ReadEnum(items[i], IndexPath(entry.path, i), kHttpVersions, &version)) {
        return false;
      }
      out_->valid_http_versions.push_back(std::move(version));
    }
    return true;
  }

  bool ParseMethod(const MapEntry& entry) {
    if (!reader_.ReadString(entry.value, entry.path, &out_->method)) {
      return false;
    }
    if (!IsHttpToken(out_->method)) {
      return reader_.Fail(entry.value, entry.path, "invalid HTTP method " + Quote(out_->method));
    }
    return true;
  }

  bool ParseHeaders(const MapEntry& entry) {
    std::vector<MapEntry> headers;
    if (!reader_.Entries(entry.value, entry.path, &headers)) return false;
    for (const MapEntry& header : headers) {
      if (!IsHttpToken(header.name)) {
        return reader_.Fail(header.key, header.path, "invalid header name " + Quote(header.name));
      }
      for (const auto& [name, unused] : out_->headers) {
        if (EqualsIgnoreCase(name, header.name)) {
          return reader_.Fail(
              header.key, header.path,
              "duplicate header " + Quote(header.name) + " (header names ignore case)");
        }
      }
      std::string value;
      if (!reader_.ReadString(header.value, header.path, &value)) {
        return false;
      }
      if (!CheckHeaderValue(reader_, header.value, header.path, value)) return false;
      out_->headers.emplace_back(header.name, std::move(value));
    }
    return true;
  }

  bool ParseHeaderMatches(const MapEntry& entry, std::vector<HeaderMatch>* out) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = IndexPath(entry.path, i);
      if (!items[i].IsMap()) {
        return reader_.Fail(items[i], path, "expected a map, got " + Describe(items[i]));
      }
      std::vector<MapEntry> fields;
      if (!reader_.Entries(items[i], path, &fields)) return false;
      HeaderMatch match;
      const MapEntry* header = nullptr;
      bool has_regexp = false;
      for (const MapEntry& field : fields) {
        bool ok = true;
        if (field.name == "header") {
          header = &field;
          ok = reader_.ReadString(field.value, field.path, &match.header);
        } else if (field.name == "regexp") {
          has_regexp = true;
          ok = ReadRegex(reader_, field.value, field.path, &match.regexp);
        } else if (field.name == "allow_missing") {
          ok = reader_.ReadBool(field.value, field.path, &match.allow_missing);
        } else {
          ok = reader_.UnknownKey(field);
        }
        if (!ok) return false;
      }
      if (header == nullptr) return reader_.MissingKey(items[i], path, "header");
      if (!IsHttpToken(match.header)) {
        const YAML::Node& at = header->value.IsNull() ? header->key : header->value;
        return reader_.Fail(at, header->path, "invalid header name " + Quote(match.header));
      }
      if (!has_regexp || match.regexp.re == nullptr) {
        return reader_.MissingKey(items[i], path, "regexp");
      }
      out->push_back(std::move(match));
    }
    return true;
  }

  bool ParseProxyUrl(const MapEntry& entry) {
    if (!reader_.ReadString(entry.value, entry.path, &out_->proxy_url)) {
      return false;
    }
    if (!out_->proxy_url.empty() && !IsHttpUrl(out_->proxy_url)) {
      return reader_.Fail(entry.value, entry.path,
                          "invalid proxy URL " + Quote(RedactUrlPassword(out_->proxy_url)) +
                              " (want http://host:port or https://host:port)");
    }
    return true;
  }

  bool ParseBodySizeLimit(const MapEntry& entry) {
    std::string text;
    if (!reader_.ReadString(entry.value, entry.path, &text)) return false;
    if (entry.value.IsNull()) return true;
    const std::optional<int64_t> limit = ParseByteSize(text);
    if (!limit) {
      return reader_.Fail(entry.value, entry.path,
                          "invalid size " + Quote(text) +
                              " (use bytes or e.g. 512KiB, 10MB; 0 means "
                              "unlimited)");
    }
    out_->body_size_limit = *limit;
    return true;
  }

  bool CheckCombinations(const std::string& path) {
    // Blackbox 0.23's deprecated spelling overrides follow_redirects.
    if (no_follow_redirects_ != nullptr) {
      out_->follow_redirects = !no_follow_redirects_value_;
      warnings_->push_back(no_follow_redirects_->path +
                           ": no_follow_redirects is deprecated; use follow_redirects: " +
                           (out_->follow_redirects ? "true" : "false"));
      if (follow_redirects_ != nullptr) {
        warnings_->push_back(follow_redirects_->path + ": overridden by no_follow_redirects");
      }
    }
    // basic_auth, bearer_token(_file), authorization and oauth2 each set
    // Authorization.
    if (!reader_.MutuallyExclusive(credentials_)) return false;
    if (compression_ != nullptr &&
        !AcceptsEncoding(out_->compression, HeaderValue("Accept-Encoding"))) {
      return reader_.Fail(compression_->value, compression_->path,
                          "compression " + Quote(out_->compression) +
                              " is not accepted by header " +
                              Quote("Accept-Encoding: " + HeaderValue("Accept-Encoding")));
    }
    if (!CheckProxyOptions()) return false;
    if (out_->fail_if_ssl && out_->fail_if_not_ssl) {
      warnings_->push_back(path +
                           ": fail_if_ssl and fail_if_not_ssl are both true; "
                           "every probe with this module fails");
    }
    return true;
  }

  // CheckProxyOptions refuses the combinations Prometheus' common refuses.
  bool CheckProxyOptions() {
    const bool from_env = out_->proxy_from_environment;
    const bool has_url = !out_->proxy_url.empty();
    if (from_env && has_url) {
      return reader_.Fail(proxy_from_environment_->key, proxy_from_environment_->path,
                          "proxy_from_environment and proxy_url are mutually exclusive");
    }
    if (!out_->no_proxy.empty() && (from_env || !has_url)) {
      return reader_.Fail(no_proxy_->key, no_proxy_->path,
                          from_env ? "no_proxy and proxy_from_environment are mutually exclusive "
                                     "(the environment's NO_PROXY applies)"
                                   : "no_proxy needs proxy_url");
    }
    if (!out_->proxy_connect_header.empty() && !from_env && !has_url) {
      return reader_.Fail(proxy_connect_header_->key, proxy_connect_header_->path,
                          "proxy_connect_header needs proxy_url or proxy_from_environment");
    }
    return true;
  }

  [[nodiscard]] std::string HeaderValue(const std::string& name) const {
    for (const auto& [header, value] : out_->headers) {
      if (EqualsIgnoreCase(header, name)) return value;
    }
    return "";
  }

  YamlReader& reader_;
  HttpProbe* out_;
  std::vector<std::string>* warnings_;
  std::vector<const MapEntry*> credentials_;   // set ones, in file order
  std::vector<const MapEntry*> body_sources_;  // set ones, in file order
  const MapEntry* compression_ = nullptr;
  const MapEntry* proxy_connect_header_ = nullptr;
  const MapEntry* no_proxy_ = nullptr;
  const MapEntry* proxy_from_environment_ = nullptr;
  const MapEntry* follow_redirects_ = nullptr;
  const MapEntry* no_follow_redirects_ = nullptr;
  bool no_follow_redirects_value_ = false;
};

}  // namespace

bool ParseHttpProbe(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    HttpProbe* out, std::vector<std::string>* warnings) {
  return HttpProbeParser(reader, out, warnings).Parse(node, path);
}

}  // namespace outage::config_internal
