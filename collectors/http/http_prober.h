// HttpProber: blackbox's http prober on libcurl's multi interface, driven by
// the engine's epoll loop (curl_multi_socket_action), so thousands of probes
// share one thread.
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/http/curl_handles.h"
#include "collectors/http/curl_multi_loop.h"
#include "collectors/http/oauth2_token.h"
#include "collectors/prober.h"

namespace outage {

class HttpProbeRun;

// NormalizeHttpTarget applies blackbox's rule (no scheme means http://) and
// returns the URL to fetch, or an error when the target cannot be an
// http/https URL.
struct NormalizedTarget {
  std::string url;
  std::string error;  // empty on success
};
NormalizedTarget NormalizeHttpTarget(std::string_view target);

class HttpProber : public Prober {
 public:
  explicit HttpProber(EventLoop* loop);
  ~HttpProber() override;
  HttpProber(const HttpProber&) = delete;
  HttpProber& operator=(const HttpProber&) = delete;

  std::optional<std::string> CheckTarget(std::string_view target) const override;
  std::optional<std::string> TargetHost(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
  void CancelAll() override;

 private:
  friend class HttpProbeRun;

  // Adds/removes one transfer (one hop of a probe) to/from the multi handle.
  void AddTransfer(CURL* easy) { transfers_.Add(easy); }
  void RemoveTransfer(CURL* easy) { transfers_.Remove(easy); }
  // OnTransferDone hands a completed transfer to its probe.
  void OnTransferDone(CURL* easy, CURLcode code);
  // ReleaseIfFinished destroys `run` if it has finished.
  void ReleaseIfFinished(HttpProbeRun* run);

  AsyncResolver resolver_;  // every hop's host (or proxy) is looked up here
  CurlMultiLoop transfers_;
  OAuth2TokenCache oauth2_tokens_;  // shared by every run of this prober
  std::unordered_map<HttpProbeRun*, std::unique_ptr<HttpProbeRun>> runs_;
};

}  // namespace outage
