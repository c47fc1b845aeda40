// Plain, immutable structs that describe a loaded configuration. The loader
// (config_loader.h) is the only code that builds them; everything else reads a
// shared_ptr<const Config> snapshot, so they are safe to share across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace outage {

using Duration = std::chrono::milliseconds;

// An ordered list of label name/value pairs.
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// Regex is a compiled RE2 pattern plus the source text it came from. Matching
// is unanchored (RE2::PartialMatch), like Go's regexp.MatchString in blackbox.
struct Regex {
  std::string pattern;
  std::shared_ptr<const re2::RE2> re;
};

enum class IpProtocol { kIp4, kIp6 };

// TlsConfig mirrors Prometheus' common tls_config.
struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "", "TLS10", "TLS11", "TLS12" or "TLS13"
  std::string max_version;  // same values
};

struct BasicAuth {
  std::string username;
  std::string password;       // secret
  std::string password_file;  // read at probe time
};

// HeaderMatch is one entry of fail_if_header_matches / _not_matches.
struct HeaderMatch {
  std::string header;
  Regex regexp;
  bool allow_missing = false;
};

// Default body_size_limit: blackbox's is unlimited; ours bounds memory.
inline constexpr int64_t kDefaultBodySizeLimit = 10 * 1024 * 1024;

// HttpProbe is a module's `http:` section, with blackbox's defaults.
struct HttpProbe {
  std::vector<int> valid_status_codes;           // empty means 200-299
  std::vector<std::string> valid_http_versions;  // e.g. "HTTP/1.1"; empty: any
  std::string method = "GET";
  LabelPairs headers;  // request headers in file order
  std::string body;
  bool follow_redirects = true;
  bool fail_if_ssl = false;
  bool fail_if_not_ssl = false;
  std::vector<Regex> fail_if_body_matches_regexp;
  std::vector<Regex> fail_if_body_not_matches_regexp;
  std::vector<HeaderMatch> fail_if_header_matches;
  std::vector<HeaderMatch> fail_if_header_not_matches;
  std::optional<BasicAuth> basic_auth;
  std::string bearer_token;       // secret
  std::string bearer_token_file;  // read at probe time
  TlsConfig tls_config;
  std::string proxy_url;  // may carry credentials: secret when it does
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  int64_t body_size_limit = kDefaultBodySizeLimit;  // bytes; 0 = unlimited
  std::string compression;  // "", "gzip", "br", "deflate" or "identity"
};

// Module is one entry of `modules:`.
struct Module {
  std::string name;
  std::string prober;  // "http", "tcp", "dns", "icmp" or "grpc"
  Duration timeout{0};  // 0 = not set: the scrape deadline alone applies
  HttpProbe http;       // meaningful when prober == "http"
  // True when the prober is known to blackbox but not built here yet: the
  // module loads (its section is not validated) and probing it is an error.
  bool prober_unavailable = false;
  // This module's YAML with secrets replaced by "<secret>", for
  // /probe?debug=true output.
  std::string redacted_yaml;
};

// Target is one entry of `targets:`, probed on every /metrics scrape.
struct Target {
  std::string target;
  std::string module;
  LabelPairs labels;  // extra labels, validated names, file order
};

// Default histogram buckets, 5 ms to 10 s.
inline const std::vector<double>& DefaultHistogramBuckets() {
  static const std::vector<double> kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

// Global holds exporter-wide settings from the `global:` section.
struct Global {
  std::vector<double> histogram_buckets = DefaultHistogramBuckets();
};

struct Config {
  Global global;
  std::map<std::string, Module> modules;
  std::vector<Target> targets;
  // The file as loaded, re-emitted as YAML with every secret replaced by
  // "<secret>"; served on /config.
  std::string redacted_yaml;
  std::string source;  // file path, or "<embedded default>"
};

}  // namespace outage
