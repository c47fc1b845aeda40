// HttpProber: blackbox's http prober on libcurl's multi interface, driven by
// the engine's epoll loop (curl_multi_socket_action), so thousands of probes
// share one thread.
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>

#include "collectors/http/curl_pinning.h"
#include "collectors/http/curl_prober.h"
#include "collectors/http/oauth2_token.h"

namespace outage {

class HttpProbeRun;

// NormalizeHttpTarget applies blackbox's rule (no scheme means http://) and
// returns the URL to fetch, or an error when the target cannot be an
// http/https URL.
struct NormalizedTarget {
  std::string url;
  std::string error;  // empty on success
  ParsedUrl parsed;   // `url` taken apart, on success
};
NormalizedTarget NormalizeHttpTarget(std::string_view target);

class HttpProber : public CurlProber<HttpProbeRun> {
 public:
  // Defined where the run is complete (CurlProber needs it).
  explicit HttpProber(const ProbeContext& context);

  TargetCheck CheckTarget(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;

 private:
  OAuth2TokenCache oauth2_tokens_;  // shared by every run of this prober
};

}  // namespace outage
