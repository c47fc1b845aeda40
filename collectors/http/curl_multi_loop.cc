#include "collectors/http/curl_multi_loop.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <utility>
#include <vector>

namespace outage {

CurlMultiLoop::CurlMultiLoop(EventLoop* loop, DoneCallback on_done)
    : loop_(loop), on_done_(std::move(on_done)), multi_(curl_multi_init()) {
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &CurlMultiLoop::OnSocket);
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, static_cast<void*>(this));
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &CurlMultiLoop::OnTimer);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, static_cast<void*>(this));
  // Every probe uses its own connection; the cache only needs to be small.
  curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, 16L);
}

CurlMultiLoop::~CurlMultiLoop() {
  // Cleanup closes cached connections, calling back into this object (and
  // possibly setting a timer), so it goes first.
  multi_.reset();
  if (timer_ != 0) loop_->CancelTimer(timer_);
  while (!watched_.empty()) Forget(watched_.begin()->first);
}

void CurlMultiLoop::Add(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMultiLoop::OnCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this));
  curl_multi_add_handle(multi_.get(), easy);
}

void CurlMultiLoop::Forget(curl_socket_t s) {
  auto it = watched_.find(s);
  if (it == watched_.end()) return;
  loop_->UnwatchFd(it->second.own_fd);
  close(it->second.own_fd);
  watched_.erase(it);
}

int CurlMultiLoop::OnCloseSocket(void* userp, curl_socket_t s) noexcept {
  static_cast<CurlMultiLoop*>(userp)->Forget(s);
  return close(s);
}

void CurlMultiLoop::Remove(CURL* easy) { curl_multi_remove_handle(multi_.get(), easy); }

int CurlMultiLoop::OnSocket(CURL*, curl_socket_t s, int what, void* userp, void*) noexcept {
  auto* self = static_cast<CurlMultiLoop*>(userp);
  if (what == CURL_POLL_REMOVE) {
    self->Forget(s);
    return 0;
  }
  // Curl hands us `s` now, so the number is curl's socket at this moment.
  struct stat st {};
  if (fstat(s, &st) != 0) return -1;
  auto it = self->watched_.find(s);
  if (it != self->watched_.end() && !it->second.Is(st)) {
    self->Forget(s);  // a new socket under a number curl closed silently
    it = self->watched_.end();
  }
  if (it == self->watched_.end()) {
    const int own = fcntl(s, F_DUPFD_CLOEXEC, 0);
    if (own < 0) return -1;
    it = self->watched_.emplace(s, Watched{own, st.st_dev, st.st_ino}).first;
  }
  uint32_t events = 0;
  if (what & CURL_POLL_IN) events |= EPOLLIN;
  if (what & CURL_POLL_OUT) events |= EPOLLOUT;
  self->loop_->WatchFd(it->second.own_fd, events,
                       [self, s](uint32_t ev) { self->OnSocketEvent(s, ev); });
  return 0;
}

int CurlMultiLoop::OnTimer(CURLM*, long timeout_ms, void* userp) noexcept {
  auto* self = static_cast<CurlMultiLoop*>(userp);
  if (self->timer_ != 0) {
    self->loop_->CancelTimer(self->timer_);
    self->timer_ = 0;
  }
  if (timeout_ms < 0) return 0;
  // Never call back into curl from here: the timer fires from the loop.
  self->timer_ = self->loop_->AddTimer(
      EventLoop::Clock::now() + std::chrono::milliseconds(timeout_ms), [self] {
        self->timer_ = 0;
        self->OnCurlTimeout();
      });
  return 0;
}

void CurlMultiLoop::OnSocketEvent(curl_socket_t s, uint32_t events) {
  // A socket curl closed silently can still be readable (or hung up) through
  // our duplicate until its late REMOVE; the loop is level-triggered, so it
  // would spin on it. Once `s` is no longer that socket, curl has given it up.
  auto it = watched_.find(s);
  struct stat st {};
  if (it != watched_.end() && (fstat(s, &st) != 0 || !it->second.Is(st))) {
    Forget(s);
    return;
  }
  int flags = 0;
  if (events & EPOLLIN) flags |= CURL_CSELECT_IN;
  if (events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
  if (events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
  int running = 0;
  curl_multi_socket_action(multi_.get(), s, flags, &running);
  DrainFinished();
}

void CurlMultiLoop::OnCurlTimeout() {
  int running = 0;
  curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  DrainFinished();
}

void CurlMultiLoop::DrainFinished() {
  // Read every finished transfer before handling any: handling one removes
  // its handle, and curl_multi_remove_handle walks the queue of unread
  // messages, which made a scrape of thousands of targets quadratic. (The
  // messages die with their handles, hence the copies.)
  std::vector<std::pair<CURL*, CURLcode>> finished;
  int pending = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &pending)) {
    if (msg->msg == CURLMSG_DONE) finished.emplace_back(msg->easy_handle, msg->data.result);
  }
  for (const auto& [easy, code] : finished) on_done_(easy, code);
}

}  // namespace outage
