// Plain, immutable structs that describe a loaded configuration. The loader
// (config_loader.h) is the only code that builds them; everything else reads a
// shared_ptr<const Config> snapshot, so they are safe to share across threads.
#pragma once

#include <array>
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

class TimeZone;  // config/time_zone.h

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

// TlsConfig mirrors Prometheus' common tls_config. Each of the CA, the
// client certificate and its key comes from a file or inline PEM text.
struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string ca;    // inline PEM
  std::string cert;  // inline PEM
  std::string key;   // inline PEM; secret
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "", "TLS10", "TLS11", "TLS12" or "TLS13"
  std::string max_version;  // same values
};

struct BasicAuth {
  std::string username;
  std::string username_file;  // read at probe time
  std::string password;       // secret
  std::string password_file;  // read at probe time
};

// HeaderMatch is one entry of fail_if_header_matches / _not_matches.
struct HeaderMatch {
  std::string header;
  Regex regexp;
  bool allow_missing = false;
};

// Authorization is common's `authorization`: the header is
// "Authorization: <type> <credentials>".
struct Authorization {
  std::string type = "Bearer";
  std::string credentials;       // secret
  std::string credentials_file;  // read at probe time
};

// OAuth2 is common's `oauth2`, client credentials flow: the token is
// fetched from token_url and sent as "Authorization: Bearer <token>".
struct OAuth2 {
  std::string client_id;
  std::string client_secret;       // secret
  std::string client_secret_file;  // read when a token is fetched
  std::vector<std::string> scopes;
  std::string token_url;
  LabelPairs endpoint_params;  // extra form fields, in file order
};

// HeaderValues is one entry of common's `http_headers`: every value becomes
// one request header line. Secrets are redacted wherever the config is
// shown; files are read at probe time.
struct HeaderValues {
  std::string name;
  std::vector<std::string> values;
  std::vector<std::string> secrets;
  std::vector<std::string> files;
};

// EdgeRule is one entry of an http module's `edge: {rules: [...]}`: when the
// final response carries `header` (lower-cased here) and its value matches
// `regexp`, the response came from CDN `cdn`, at the edge site (pop) that
// the first capture group names ("" without one).
struct EdgeRule {
  std::string header;
  Regex regexp;
  std::string cdn;
};

// Default body_size_limit: blackbox's is unlimited; ours bounds memory.
inline constexpr int64_t kDefaultBodySizeLimit = 10 * 1024 * 1024;

// HttpProbe is a module's `http:` section, with blackbox's defaults.
struct HttpProbe {
  std::vector<int> valid_status_codes;           // empty means 200-299
  std::vector<std::string> valid_http_versions;  // e.g. "HTTP/1.1"; empty: any
  std::string method = "GET";
  LabelPairs headers;  // request headers in file order
  std::vector<HeaderValues> http_headers;
  std::string body;
  std::string body_file;  // read at probe time; excludes `body`
  bool follow_redirects = true;
  bool enable_http2 = true;
  // Accepted for blackbox configs: with a proxy_url the proxy always
  // resolves the target here, which is what this option asks for.
  bool skip_resolve_phase_with_proxy = false;
  bool fail_if_ssl = false;
  bool fail_if_not_ssl = false;
  std::vector<Regex> fail_if_body_matches_regexp;
  std::vector<Regex> fail_if_body_not_matches_regexp;
  std::vector<HeaderMatch> fail_if_header_matches;
  std::vector<HeaderMatch> fail_if_header_not_matches;
  std::optional<BasicAuth> basic_auth;
  std::string bearer_token;       // secret
  std::string bearer_token_file;  // read at probe time
  std::optional<Authorization> authorization;
  std::optional<OAuth2> oauth2;
  TlsConfig tls_config;
  std::string proxy_url;  // may carry credentials: secret when it does
  // Hosts, domains, IPs and CIDRs that bypass proxy_url (Go's NO_PROXY).
  std::string no_proxy;
  // Use HTTP_PROXY, HTTPS_PROXY and NO_PROXY as Go does; excludes proxy_url.
  bool proxy_from_environment = false;
  // Header lines for the proxy's CONNECT request (https targets only, as in
  // Go); the values are secrets.
  LabelPairs proxy_connect_header;
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  int64_t body_size_limit = kDefaultBodySizeLimit;  // bytes; 0 = unlimited
  std::string compression;                          // "", "gzip", "br", "deflate" or "identity"
  std::vector<EdgeRule> edge_rules;                 // tried before the built-in CDN rules
};

// QueryResponse is one step of a query_response dialogue (tcp, unix,
// websocket).
struct QueryResponse {
  std::optional<Regex> expect;  // line-based RE2; captures feed ${1} in send
  std::string expect_bytes;     // exact bytes expected (blackbox expect_bytes)
  std::string send;             // may contain ${N} from the last expect
  bool starttls = false;        // upgrade the connection to TLS at this step
  LabelPairs labels;            // probe_expect_info labels; values may use ${N}
};

// TcpProbe is a module's `tcp:` section.
struct TcpProbe {
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  std::vector<QueryResponse> query_response;
  bool tls = false;
  TlsConfig tls_config;
};

// UnixProbe is a module's `unix:` section: the tcp dialogue over a Unix
// stream socket whose path is the target.
struct UnixProbe {
  std::vector<QueryResponse> query_response;
  bool tls = false;
  TlsConfig tls_config;  // server_name or insecure_skip_verify when TLS is used
};

// WebsocketProbe is a module's `websocket:` section: the RFC 6455 upgrade of
// a ws:// or wss:// target, then query_response steps as text messages.
struct WebsocketProbe {
  LabelPairs headers;                         // http_config.headers, sent in the upgrade request
  BasicAuth basic_auth;                       // http_config.basic_auth: username and password only
  std::string bearer_token;                   // http_config.bearer_token; secret
  TlsConfig tls_config;                       // http_config.tls_config, for wss://
  std::vector<QueryResponse> query_response;  // expect, send and labels only
  // Not options upstream: the address choice every resolving prober makes.
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
};

// DnsRrValidator is one of validate_answer_rrs / _authority_rrs / _additional_rrs.
struct DnsRrValidator {
  std::vector<Regex> fail_if_matches_regexp;
  std::vector<Regex> fail_if_all_match_regexp;
  std::vector<Regex> fail_if_not_matches_regexp;
  std::vector<Regex> fail_if_none_matches_regexp;
};

// DnsProbe is a module's `dns:` section.
struct DnsProbe {
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  std::string transport_protocol = "udp";  // "udp" or "tcp"
  std::string query_name;
  std::string query_type = "ANY";  // A AAAA CNAME MX NS SOA TXT SRV PTR CAA ANY
  std::string query_class = "IN";  // IN, CH, HS or ANY
  bool recursion_desired = true;
  std::vector<std::string> valid_rcodes = {"NOERROR"};
  DnsRrValidator validate_answer_rrs;
  DnsRrValidator validate_authority_rrs;
  DnsRrValidator validate_additional_rrs;
  // RFC 7858. As in blackbox, it needs transport_protocol: tcp; with "udp"
  // every probe fails, naming the problem.
  bool dns_over_tls = false;
  TlsConfig tls_config;  // for dns_over_tls
  // Beyond blackbox: ask the same question of each of these resolvers
  // ("system" = the host's resolver, else host[:port]) in one probe.
  std::vector<std::string> resolvers;
};

// IcmpProbe is a module's `icmp:` section.
struct IcmpProbe {
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  int payload_size = 0;
  bool dont_fragment = false;
  int ttl = 0;  // 0 = the system default
  // Beyond blackbox: several echoes per probe for loss and jitter.
  int packets = 1;
  Duration interval{1000};
};

// GrpcProbe is a module's `grpc:` section.
struct GrpcProbe {
  std::string service;  // "" asks about the server as a whole
  bool tls = false;
  TlsConfig tls_config;
  IpProtocol preferred_ip_protocol = IpProtocol::kIp6;
  bool ip_protocol_fallback = true;
  LabelPairs metadata;  // request metadata (headers)
};

// IpNetwork is a parsed CIDR ("10.0.0.0/8", "fd00:ec2::254/128"); host bits
// are zero. A bare IP address is a /32 or /128.
struct IpNetwork {
  bool ipv6 = false;
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  int prefix_length = 0;
  std::string text;  // as written in the config, for logs and errors
};

// DefaultLocalNetworks are the networks a path trace counts as the
// exporter's own side: RFC 1918, shared address space (100.64.0.0/10) and
// IPv6 unique local addresses (fc00::/7).
std::vector<IpNetwork> DefaultLocalNetworks();

// PathTrace is a module's `path_on_failure` and its bounds: after a probe
// fails with reason network or timeout, trace the route to the address it
// used, to say where the path breaks (collectors/path/path_trace.h).
struct PathTrace {
  bool on_failure = false;
  int max_hops = 30;
  Duration timeout{2000};          // path_timeout: the trace's own budget
  int destination_prefix_v4 = 24;  // hops in this prefix of the target are
  int destination_prefix_v6 = 48;  // the target's own network
  std::vector<IpNetwork> local_networks = DefaultLocalNetworks();
};

// AddressSelection is a module's `addresses`, `max_addresses` and
// `success_when`: probe one address of the target's name (blackbox's way)
// or every address, concurrently, and what makes such a probe succeed.
struct AddressSelection {
  bool all = false;             // addresses: all
  int max_addresses = 16;       // at most this many, preferred family first
  bool succeed_on_any = false;  // success_when: any (default all)
};

// Module is one entry of `modules:`.
struct Module {
  std::string name;
  std::string prober;   // "http", "tcp", "dns", "icmp", "grpc", "unix" or "websocket"
  Duration timeout{0};  // 0 = not set: the scrape deadline alone applies
  AddressSelection addresses;
  PathTrace path;
  HttpProbe http;            // meaningful when prober == "http"
  TcpProbe tcp;              // ... == "tcp"
  DnsProbe dns;              // ... == "dns"
  IcmpProbe icmp;            // ... == "icmp"
  GrpcProbe grpc;            // ... == "grpc"
  UnixProbe unix_socket;     // ... == "unix" (GNU dialects predefine `unix`)
  WebsocketProbe websocket;  // ... == "websocket"
  // This module's YAML with secrets replaced by "<secret>", for
  // /probe?debug=true output.
  std::string redacted_yaml;
};

// MaintenanceWindow is one entry of a `maintenance:` list: either one-off
// (start/end as RFC 3339) or recurring (`every` day or listed weekdays, a
// local start time, a duration, in an IANA timezone).
struct MaintenanceWindow {
  std::string name;  // optional, for logs and the UI
  // One-off windows: unix seconds; both set, end > start.
  std::optional<int64_t> start_unix;
  std::optional<int64_t> end_unix;
  // Recurring windows: weekdays 0 (Sunday) .. 6; all seven for "daily".
  std::vector<int> weekdays;
  int start_minute_of_day = 0;  // local time hh:mm in `timezone`
  Duration duration{0};
  std::string timezone = "UTC";
  // The zone, resolved once at load (no file access while probing).
  std::shared_ptr<const TimeZone> zone;

  bool recurring() const { return !weekdays.empty(); }
};

// Hysteresis sets how many probes it takes to change a target's state.
struct Hysteresis {
  int failure_threshold = 2;     // consecutive failures before "down"
  int recovery_threshold = 2;    // consecutive successes before "up" again
  Duration degraded_latency{0};  // 0 = never "degraded"
};

// VendorStatusLink ties a target to a vendor status page and components.
struct VendorStatusLink {
  std::string page;                     // a status_pages[].name
  std::vector<std::string> components;  // empty: the page as a whole
};

// VendorStatusPage is one entry of `status_pages:` (Atlassian Statuspage v2).
struct VendorStatusPage {
  std::string name;
  std::string url;  // base URL or the full .../api/v2/summary.json
  Duration refresh_interval{60'000};
};

// Objective is an availability objective: `objective: 99.9%` over a rolling
// `objective_window` (default 30d), on a target or a service.
struct Objective {
  double ratio = 0;  // 0.999 for 99.9%
  Duration window{30LL * 24 * 3600 * 1000};
};

// TargetIdentity names one configured target everywhere; the loader derives
// it (config/target_identity.h), the file never sets it.
struct TargetIdentity {
  // key is target + '\0' + module, unique within a config: state kept across
  // scrapes and reloads (counters, diagnosis, history, shared results) is
  // found by it.
  std::string key;
  // display is the target with any URL password redacted: the only form
  // labels, logs and pages show.
  std::string display;
  // shown_key is display + '\0' + module: what a record that keeps only the
  // shown form (the incident record, which stores it) finds the target by.
  std::string shown_key;
  // labels are target=display, module, then the target's own labels: every
  // series of the target carries them.
  LabelPairs labels;
};

// Target is one entry of `targets:`, probed on every /metrics scrape.
struct Target {
  std::string target;
  std::string module;
  LabelPairs labels;  // extra labels, validated names, file order
  // Diagnosis. Hysteresis is resolved against global defaults.
  bool control = false;  // a canary of the exporter's own connectivity
  Hysteresis hysteresis;
  std::optional<VendorStatusLink> vendor_status_link;
  std::vector<MaintenanceWindow> maintenance;  // this target's own windows
  Duration min_interval{0};                    // reuse a result younger than this
  std::optional<Objective> objective;
  TargetIdentity identity;  // derived from the fields above
};

// Default histogram buckets, 5 ms to 10 s.
inline const std::vector<double>& DefaultHistogramBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

// Shard is one of `count` equal parts of the configured targets; `index` is
// 1-based ("2/3" is index 2 of 3). See config/placement.h.
struct Shard {
  int index = 1;
  int count = 1;
};

// Global holds exporter-wide settings from the `global:` section.
struct Global {
  std::vector<double> histogram_buckets = DefaultHistogramBuckets();
  Hysteresis hysteresis;       // defaults for every target
  std::optional<Shard> shard;  // `shard: I/N`; --targets.shard wins
  std::string vantage;         // `vantage: NAME`; --vantage wins; empty: none
};

// Placement says which part of the configured targets this exporter probes
// and from where, resolved from the flags and `global:` (config/placement.h).
struct Placement {
  Shard shard;
  std::string vantage;            // empty: series carry no vantage label
  size_t configured_targets = 0;  // in the file, before sharding
  size_t control_targets = 0;     // probed by every shard
};

// DefaultDeniedNetworks are the cloud metadata endpoints (AWS, GCP, Azure,
// ...: 169.254.169.254; AWS over IPv6: fd00:ec2::254), denied by default.
inline std::vector<IpNetwork> DefaultDeniedNetworks() {
  IpNetwork v4{false, {169, 254, 169, 254}, 32, "169.254.169.254/32"};
  IpNetwork v6{true,
               {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54},
               128,
               "fd00:ec2::254/128"};
  return {v4, v6};
}

// ProbePolicy is the `probe_policy:` section: where probes may go. Deny wins;
// a non-empty allow list must match. Host globs are matched against names
// before connecting; networks against every address actually connected to.
// Enforced by collectors/target_policy.h.
struct ProbePolicy {
  std::vector<std::string> allow_hosts;  // lower-case shell globs
  std::vector<IpNetwork> allow_networks;
  std::vector<std::string> deny_hosts;
  // Without a `deny:` key, the metadata endpoints; an explicit list
  // replaces them.
  std::vector<IpNetwork> deny_networks = DefaultDeniedNetworks();
};

struct Config {
  Global global;
  std::map<std::string, Module> modules;
  std::vector<Target> targets;  // this shard's, control targets included
  Placement placement;
  std::vector<VendorStatusPage> vendor_status_pages;
  std::vector<MaintenanceWindow> maintenance;  // applies to every target
  // `services:`: objectives by service (the status page's grouping label).
  std::map<std::string, Objective> service_objectives;
  ProbePolicy probe_policy;
  // The file as loaded, re-emitted as YAML with every secret replaced by
  // "<secret>"; served on /config.
  std::string redacted_yaml;
  std::string source;  // file path, or "<embedded default>"
};

}  // namespace outage
