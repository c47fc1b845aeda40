#include "collectors/http/http_prober.h"

#include <sys/epoll.h>

#include <chrono>
#include <utility>
#include <vector>

#include "collectors/http/http_probe_run.h"

namespace outage {

NormalizedTarget NormalizeHttpTarget(std::string_view target) {
  NormalizedTarget out;
  std::string url(target);
  if (url.empty()) {
    out.error = "empty target";
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

HttpProber::HttpProber(EventLoop* loop) : loop_(loop), multi_(curl_multi_init()) {
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &HttpProber::OnSocket);
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, static_cast<void*>(this));
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &HttpProber::OnTimer);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, static_cast<void*>(this));
  // Every probe uses its own connection; the cache only needs to be small.
  curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, 16L);
}

HttpProber::~HttpProber() {
  runs_.clear();  // each run removes its transfer from multi_
  if (timer_ != 0) loop_->CancelTimer(timer_);
}

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
  auto run = std::make_unique<HttpProbeRun>(this, std::move(request), std::move(t.url),
                                            std::move(done));
  HttpProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin();
  if (raw->finished()) runs_.erase(raw);
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

void HttpProber::AddTransfer(CURL* easy) { curl_multi_add_handle(multi_.get(), easy); }

void HttpProber::RemoveTransfer(CURL* easy) { curl_multi_remove_handle(multi_.get(), easy); }

int HttpProber::OnSocket(CURL*, curl_socket_t s, int what, void* userp, void*) {
  auto* self = static_cast<HttpProber*>(userp);
  if (what == CURL_POLL_REMOVE) {
    self->loop_->UnwatchFd(s);
    return 0;
  }
  uint32_t events = 0;
  if (what & CURL_POLL_IN) events |= EPOLLIN;
  if (what & CURL_POLL_OUT) events |= EPOLLOUT;
  self->loop_->WatchFd(s, events, [self, s](uint32_t ev) { self->OnSocketEvent(s, ev); });
  return 0;
}

int HttpProber::OnTimer(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<HttpProber*>(userp);
  if (self->timer_ != 0) {
    self->loop_->CancelTimer(self->timer_);
    self->timer_ = 0;
  }
  if (timeout_ms < 0) return 0;
  // Never call back into curl from here: the timer fires from the loop.
  self->timer_ = self->loop_->AddTimer(
      EventLoop::Clock::now() + std::chrono::milliseconds(timeout_ms),
      [self] {
        self->timer_ = 0;
        self->OnCurlTimeout();
      });
  return 0;
}

void HttpProber::OnSocketEvent(curl_socket_t s, uint32_t events) {
  int flags = 0;
  if (events & EPOLLIN) flags |= CURL_CSELECT_IN;
  if (events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
  if (events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
  int running = 0;
  curl_multi_socket_action(multi_.get(), s, flags, &running);
  DrainFinished();
}

void HttpProber::OnCurlTimeout() {
  int running = 0;
  curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  DrainFinished();
}

void HttpProber::DrainFinished() {
  // Read every finished transfer before handling any: handling one removes
  // its handle, and curl_multi_remove_handle walks the queue of unread
  // messages, which made a scrape of thousands of targets quadratic.
  std::vector<std::pair<CURL*, CURLcode>> finished;
  int pending = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &pending)) {
    if (msg->msg == CURLMSG_DONE) finished.emplace_back(msg->easy_handle, msg->data.result);
  }
  for (const auto& [easy, code] : finished) {
    HttpProbeRun* run = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &run);
    if (run == nullptr || runs_.count(run) == 0) continue;
    run->OnHopDone(code);
    if (run->finished()) runs_.erase(run);
  }
}

}  // namespace outage
