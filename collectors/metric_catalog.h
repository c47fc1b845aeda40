// Every per-probe metric is declared once here, with its HELP text, so names
// and help strings stay identical across /probe, /metrics and every prober.
#pragma once

#include <string_view>

namespace outage {

struct MetricDesc {
  std::string_view name;
  std::string_view help;
};

namespace metric {

// Common to every prober (blackbox names).
inline constexpr MetricDesc kProbeSuccess{"probe_success",
                                          "Displays whether or not the probe was a success"};
inline constexpr MetricDesc kProbeDuration{
    "probe_duration_seconds", "Returns how long the probe took to complete in seconds"};
inline constexpr MetricDesc kProbeTimeout{"probe_timeout_seconds",
                                          "Returns the probe timeout in seconds"};
inline constexpr MetricDesc kFailureReason{
    "probe_failure_reason",
    "Why the probe failed, one-hot over a fixed set of reasons (none on success)"};
inline constexpr MetricDesc kDnsLookupTime{
    "probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds"};
inline constexpr MetricDesc kIpProtocol{"probe_ip_protocol",
                                        "Specifies whether probe ip protocol is IP4 or IP6"};
inline constexpr MetricDesc kIpAddrHash{
    "probe_ip_addr_hash",
    "Specifies the hash of IP address. It's useful to detect if the IP address changes."};
inline constexpr MetricDesc kFailedDueToRegex{"probe_failed_due_to_regex",
                                              "Indicates if probe failed due to regex"};

// Every address (addresses: all), any prober that has it.
inline constexpr MetricDesc kAddresses{"probe_addresses",
                                       "Addresses of the target's name probed, by family"};
inline constexpr MetricDesc kAddressesFailed{
    "probe_addresses_failed", "Addresses of the target's name that failed, by family"};
inline constexpr MetricDesc kAddressesFailureReason{
    "probe_addresses_failure_reason", "Addresses of the target's name that failed, by reason"};

// HTTP.
inline constexpr MetricDesc kHttpDuration{
    "probe_http_duration_seconds", "Duration of http request by phase, summed over all redirects"};
inline constexpr MetricDesc kHttpStatusCode{"probe_http_status_code", "Response HTTP status code"};
inline constexpr MetricDesc kHttpContentLength{"probe_http_content_length",
                                               "Length of http content response"};
inline constexpr MetricDesc kHttpUncompressedBodyLength{"probe_http_uncompressed_body_length",
                                                        "Length of uncompressed response body"};
inline constexpr MetricDesc kHttpRedirects{"probe_http_redirects", "The number of redirects"};
inline constexpr MetricDesc kHttpSsl{"probe_http_ssl",
                                     "Indicates if SSL was used for the final redirect"};
inline constexpr MetricDesc kHttpVersion{"probe_http_version",
                                         "Returns the version of HTTP of the probe response"};
inline constexpr MetricDesc kHttpLastModified{
    "probe_http_last_modified_timestamp_seconds",
    "Returns the Last-Modified HTTP response header in unixtime"};
// The path to a failed probe's address (path_on_failure).
inline constexpr MetricDesc kPathHops{"outage_path_hops",
                                      "Hops that answered the path trace of the failed probe"};
inline constexpr MetricDesc kPathLastHop{
    "outage_path_last_hop", "TTL of the last hop that answered the path trace, 0 when none"};
inline constexpr MetricDesc kPathBreak{
    "outage_path_break",
    "Where the path to the target breaks, one-hot: local, transit, destination or none"};

inline constexpr MetricDesc kHttpEdgeInfo{
    "probe_http_edge_info",
    "The CDN and edge site (pop) that sent the final response, when its headers name them"};

// TCP.
inline constexpr MetricDesc kTcpDuration{"probe_tcp_duration_seconds",
                                         "Duration of the TCP probe by phase"};
inline constexpr MetricDesc kExpectInfo{"probe_expect_info", "Explicit content matched"};
inline constexpr MetricDesc kFailedDueToBytes{"probe_failed_due_to_bytes",
                                              "Indicates if probe failed due to bytes"};

// Websocket.
inline constexpr MetricDesc kWebsocketStatusCode{"probe_websocket_status_code",
                                                 "Response HTTP status code"};
inline constexpr MetricDesc kWebsocketUpgraded{
    "probe_websocket_connection_upgraded",
    "Indicates if the websocket connection was successfully upgraded"};
inline constexpr MetricDesc kWebsocketFailedDueToRegex{"probe_websocket_failed_due_to_regex",
                                                       "Indicates if probe failed due to regex"};

// ICMP.
inline constexpr MetricDesc kIcmpDuration{"probe_icmp_duration_seconds",
                                          "Duration of icmp request by phase"};
inline constexpr MetricDesc kIcmpReplyHopLimit{"probe_icmp_reply_hop_limit",
                                               "Replied packet hop limit (TTL for ipv4)"};
inline constexpr MetricDesc kIcmpPacketsSent{"probe_icmp_packets_sent",
                                             "Number of ICMP echo requests sent by the probe"};
inline constexpr MetricDesc kIcmpPacketsReceived{
    "probe_icmp_packets_received", "Number of matching ICMP echo replies received by the probe"};
inline constexpr MetricDesc kIcmpRtt{
    "probe_icmp_rtt_seconds",
    "Round-trip time statistics over the echo replies received, in seconds"};

// gRPC.
inline constexpr MetricDesc kGrpcDuration{"probe_grpc_duration_seconds",
                                          "Duration of gRPC request by phase"};
inline constexpr MetricDesc kGrpcSsl{"probe_grpc_ssl",
                                     "Indicates if SSL was used for the connection"};
inline constexpr MetricDesc kGrpcStatusCode{"probe_grpc_status_code", "Response gRPC status code"};
inline constexpr MetricDesc kGrpcHealthcheckResponse{"probe_grpc_healthcheck_response",
                                                     "Response HealthCheck response"};

// TLS (shared by the HTTP and TCP probers).
inline constexpr MetricDesc kSslEarliestCertExpiry{"probe_ssl_earliest_cert_expiry",
                                                   "Returns last SSL chain expiry in unixtime"};
inline constexpr MetricDesc kSslLastChainExpiry{"probe_ssl_last_chain_expiry_timestamp_seconds",
                                                "Returns last SSL chain expiry in timestamp"};
inline constexpr MetricDesc kSslLastChainInfo{"probe_ssl_last_chain_info",
                                              "Contains SSL leaf certificate information"};
inline constexpr MetricDesc kTlsVersionInfo{"probe_tls_version_info",
                                            "Returns the TLS version used or NaN when unknown"};
inline constexpr MetricDesc kTlsCipherInfo{"probe_tls_cipher_info",
                                           "Returns the TLS cipher negotiated during handshake"};

// DNS.
inline constexpr MetricDesc kDnsDuration{"probe_dns_duration_seconds",
                                         "Duration of DNS request by phase"};
inline constexpr MetricDesc kDnsAnswerRrs{
    "probe_dns_answer_rrs", "Returns number of entries in the answer resource record list"};
inline constexpr MetricDesc kDnsAuthorityRrs{
    "probe_dns_authority_rrs", "Returns number of entries in the authority resource record list"};
inline constexpr MetricDesc kDnsAdditionalRrs{
    "probe_dns_additional_rrs", "Returns number of entries in the additional resource record list"};
inline constexpr MetricDesc kDnsQuerySucceeded{
    "probe_dns_query_succeeded", "Displays whether or not the query was executed successfully"};
inline constexpr MetricDesc kDnsSerial{"probe_dns_serial", "Returns the serial number of the zone"};
inline constexpr MetricDesc kDnsRcode{"probe_dns_rcode",
                                      "Response code of the DNS answer, -1 when no answer came"};
inline constexpr MetricDesc kDnsResolverSuccess{
    "probe_dns_resolver_success",
    "Whether each configured resolver answered and passed the module's checks"};
inline constexpr MetricDesc kDnsResolverRcode{
    "probe_dns_resolver_rcode",
    "Response code from each configured resolver, -1 when no answer came"};
inline constexpr MetricDesc kDnsAnswersConsistent{
    "probe_dns_answers_consistent",
    "1 when every resolver that answered returned the same answer records, ignoring TTLs"};

}  // namespace metric
}  // namespace outage
