// HttpProbeRun: the protocol of one HTTP probe across its redirect hops. Each
// hop is a fresh curl transfer on a fresh connection; redirects are followed
// here, not by curl, so phases can be summed per hop and every hop is
// checked. Each hop's URL is parsed once (ParsedUrl); its host (or the
// proxy's) is looked up by ProbeRun's start-up and curl is pinned to the
// address chosen: curl never resolves a name.
//
// Thread-safety: loop thread only. Owned by HttpProber's ProbeRunSet.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <vector>

#include "collectors/http/curl_handles.h"
#include "collectors/http/curl_multi_loop.h"
#include "collectors/http/curl_pinning.h"
#include "collectors/http/http_phases.h"
#include "collectors/http/oauth2_token.h"
#include "collectors/http/response_headers.h"
#include "collectors/probe_run.h"
#include "collectors/tls_facts.h"

namespace outage {

class HttpProbeRun : public ProbeRun {
 public:
  // Go's http.Client gives up after 10 redirects; so does blackbox.
  static constexpr int kMaxRedirects = 10;
  // Bounds on what a hostile server can make us hold in headers.
  static constexpr int kMaxHeaderCount = 256;
  static constexpr size_t kMaxHeaderBytes = 256 * 1024;

  // `url` is the target, normalized (NormalizeHttpTarget).
  // The hops go through `transfers`; `oauth2_tokens` caches tokens. Both
  // are the prober's.
  HttpProbeRun(const ProbeContext& context, CurlMultiLoop* transfers,
               OAuth2TokenCache* oauth2_tokens, ProbeRequest request, ParsedUrl url,
               ProbeCallback done);
  ~HttpProbeRun() override;

  // OnTransferDone is called when the current hop's transfer ends with
  // `code`.
  void OnTransferDone(CURLcode code);

 private:
  void Start() override;
  void Report(ProbeResult* result) override;
  void Stop() override;

  static size_t OnBody(char* data, size_t size, size_t n, void* self);
  static size_t OnHeader(char* data, size_t size, size_t n, void* self);
  static CURLcode OnSslContext(CURL* easy, void* ssl_ctx, void* self);
  // OnOpenSocket applies probe_policy to the address curl is about to
  // connect to (after DNS, so rebinding cannot bypass it).
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  // AllowedHost checks the hop's host against probe_policy's globs; false
  // (and the probe failed) when it is refused.
  bool AllowedHost(const ParsedUrl& url);

  // BeginOAuth2 starts the probe with a cached oauth2 token, or fetches one
  // first in a hop of its own; OnOAuth2TokenDone ends that hop.
  void BeginOAuth2();
  void OnOAuth2TokenDone(CURLcode code);
  // HopFailure names a failed transfer's error in *err and classifies it.
  FailureReason HopFailure(CURLcode code, std::string* err);
  // ViaProxy: the hop goes through proxy_ (never a token request).
  bool ViaProxy() const { return !proxy_.text.empty(); }

  // ResolveHop chooses the hop's proxy, looks up the host it connects to
  // (the proxy's, if any) and then starts the hop.
  void ResolveHop();
  void OnResolved(const ResolvedAddress* address);
  // EndLookup counts the hop's lookup, if it is not yet, into the metrics;
  // false when there was none to count.
  bool EndLookup();
  // StartHop configures and adds a transfer for url_, pinned to `address`;
  // false on setup error.
  bool StartHop(const std::string& address);
  bool Configure(CURL* easy, const std::string& address);
  bool ConfigureTokenRequest(CURL* easy, const std::string& address);
  // ConfigureTransfer sets what every transfer of a probe shares.
  bool ConfigureTransfer(CURL* easy);
  // PinConnection makes curl connect to `address` only, and checks every
  // socket it opens against probe_policy.
  void PinConnection(CURL* easy, const ParsedUrl& request_url, const std::string& address);
  // SetProxyConnectHeaders gives an https hop's CONNECT the module's
  // proxy_connect_header lines.
  void SetProxyConnectHeaders(CURL* easy);
  void ResetHopState();
  // FollowRedirect moves to the next hop when the response is a redirect to
  // follow; returns true if a new hop was started (or the probe finished).
  bool FollowRedirect(long status);
  void EvaluateFinalResponse(long status);
  // CheckContentEncoding fails a body not in the module's `compression`.
  bool CheckContentEncoding();
  bool CheckBodyRegexps();
  bool CheckHeaderRegexps();
  // AddEdgeSite adds probe_http_edge_info for the final response's CDN and
  // edge site, when its headers name one.
  void AddEdgeSite(ProbeResult* r) const;

  CurlMultiLoop* transfers_;
  OAuth2TokenCache* oauth2_tokens_;
  const HttpProbe& config_;

  // The hop in progress.
  ParsedUrl url_;
  std::string method_;
  bool send_body_ = true;
  bool send_credentials_ = true;  // dropped after a redirect to another host
  std::string original_host_;
  ParsedUrl proxy_;  // the hop's proxy, empty text = direct (proxy_choice.h)
  CurlEasy easy_;
  CurlSlist request_headers_;
  CurlSlist connect_to_;        // pins the hop to its address, see Configure
  CurlSlist proxy_resolve_;     // pins the proxy's name, see Configure
  CurlSlist proxy_headers_;     // proxy_connect_header lines
  std::string target_name_;     // the target URL's host, as looked up
  bool resolving_ = false;      // the hop's lookup has not been counted yet
  double resolve_seconds_ = 0;  // this hop's lookup
  char error_buffer_[CURL_ERROR_SIZE] = {};
  ResponseHeaders headers_;
  int header_count_ = 0;
  size_t header_bytes_ = 0;
  std::string body_;
  int64_t body_bytes_ = 0;
  bool body_over_limit_ = false;  // OnBody cut the body at body_size_limit
  bool keep_body_ = false;        // only when body regexps need it
  std::string abort_reason_;      // set when our callbacks aborted the transfer
  TlsFacts tls_;
  bool host_listed_ = false;     // the hop's host matched an allow glob
  std::string blocked_address_;  // why probe_policy refused a connection

  // oauth2: the token request runs as a hop before the probe's first one.
  bool fetching_token_ = false;
  ParsedUrl probe_url_;        // the probe's URL while url_ is the token URL
  std::string oauth2_key_;     // the token's key in the prober's cache
  std::string oauth2_secret_;  // client secret, held during the token hop
  std::string oauth2_token_;   // sent as "Authorization: Bearer"

  // Across hops.
  long status_ = 0;            // last status code seen (0: none)
  bool got_response_ = false;  // the final hop produced a response
  bool failed_due_to_regex_ = false;
  int redirects_ = 0;
  HttpPhases phases_;
  bool first_hop_resolved_ = false;
  double dns_lookup_seconds_ = 0;
  std::string first_ip_;
};

}  // namespace outage
