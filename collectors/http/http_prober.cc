#include "collectors/http/http_prober.h"

#include <utility>
#include <vector>

#include "collectors/http/header_text.h"
#include "collectors/http/http_probe_run.h"

namespace outage {

NormalizedTarget NormalizeHttpTarget(std::string_view target) {
  NormalizedTarget out;
  std::string url(target);
  if (url.empty()) {
    out.error = "empty target";
    return out;
  }
  // "http:user:pw@host" and "http:\\host" would be taken for scheme-less
  // targets and fetched as http://http:user:pw@host; Go refuses them too.
  const std::string head = LowerAscii(url.substr(0, 8));
  if ((head.rfind("http:", 0) == 0 && head.rfind("http://", 0) != 0) ||
      (head.rfind("https:", 0) == 0 && head.rfind("https://", 0) != 0)) {
    out.error = "invalid target URL: the scheme must be followed by \"//\"";
    return out;
  }
  // blackbox: a target without a scheme is an http:// URL.
  if (url.find("://") == std::string::npos) url = "http://" + url;
  CurlUrl u(curl_url());
  if (!u) {
    out.error = "out of memory";
    return out;
  }
  const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    out.error = std::string("invalid target URL: ") + curl_url_strerror(rc);
    return out;
  }
  char* scheme = nullptr;
  curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0);
  const std::string s = scheme ? scheme : "";
  curl_free(scheme);
  if (s != "http" && s != "https") {
    out.error = "unsupported URL scheme \"" + s + "\": only http and https are probed";
    return out;
  }
  char* host = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr ||
      host[0] == '\0') {
    curl_free(host);
    out.error = "invalid target URL: no host";
    return out;
  }
  curl_free(host);
  out.url = std::move(url);
  return out;
}

HttpProber::HttpProber(EventLoop* loop)
    : resolver_(loop),
      transfers_(loop, [this](CURL* easy, CURLcode code) { OnTransferDone(easy, code); }) {}

HttpProber::~HttpProber() { runs_.clear(); }  // each run removes its transfer

std::optional<std::string> HttpProber::CheckTarget(std::string_view target) const {
  NormalizedTarget t = NormalizeHttpTarget(target);
  if (!t.error.empty()) return t.error;
  return std::nullopt;
}

std::optional<std::string> HttpProber::TargetHost(std::string_view target) const {
  NormalizedTarget t = NormalizeHttpTarget(target);
  if (!t.error.empty()) return std::nullopt;
  CurlUrl u(curl_url());
  char* host = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, t.url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    return std::nullopt;
  }
  std::string out(host);
  curl_free(host);
  return out;
}

void HttpProber::Start(ProbeRequest request, ProbeCallback done) {
  NormalizedTarget t = NormalizeHttpTarget(request.target);
  auto run =
      std::make_unique<HttpProbeRun>(this, std::move(request), std::move(t.url), std::move(done));
  HttpProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin();
  ReleaseIfFinished(raw);
}

void HttpProber::ReleaseIfFinished(HttpProbeRun* run) {
  if (run->finished()) runs_.erase(run);
}

void HttpProber::CancelAll() {
  std::vector<HttpProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(raw);
  for (HttpProbeRun* run : running) {
    run->Cancel("exporter is shutting down");
    runs_.erase(run);
  }
}

void HttpProber::OnTransferDone(CURL* easy, CURLcode code) {
  HttpProbeRun* run = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &run);
  if (run == nullptr || runs_.count(run) == 0) return;
  run->OnHopDone(code);
  ReleaseIfFinished(run);
}

}  // namespace outage
