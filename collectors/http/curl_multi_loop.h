// CurlMultiLoop: one libcurl multi handle driven by the engine's epoll loop
// (curl_multi_socket_action): curl's sockets become loop fd watches and its
// timer a loop timer, so thousands of transfers share one thread. Shared by
// the HTTP and gRPC probers.
//
// Thread-safety: loop thread only.
#pragma once

#include <curl/curl.h>
#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "collectors/event_loop.h"
#include "collectors/http/curl_handles.h"

namespace outage {

class CurlMultiLoop {
 public:
  // DoneCallback gets each finished transfer with its result; the transfer
  // is still added, and the callee may Remove (and destroy) it.
  using DoneCallback = std::function<void(CURL* easy, CURLcode code)>;

  CurlMultiLoop(EventLoop* loop, DoneCallback on_done);
  ~CurlMultiLoop();  // every transfer must have been removed
  CurlMultiLoop(const CurlMultiLoop&) = delete;
  CurlMultiLoop& operator=(const CurlMultiLoop&) = delete;

  // Add starts a transfer; it also routes the transfer's socket closes
  // through this loop (CURLOPT_CLOSESOCKETFUNCTION).
  void Add(CURL* easy);
  void Remove(CURL* easy);

 private:
  // libcurl's callbacks keep the loop's books for every transfer at once, so
  // there is no probe to fail: they are noexcept (an exception, which only
  // running out of memory could raise, ends the process instead of
  // unwinding through libcurl).
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp) noexcept;
  // OnCloseSocket stops watching `s`, then closes it.
  static int OnCloseSocket(void* self, curl_socket_t s) noexcept;
  // Forget stops watching curl's socket `s` and closes our duplicate of it.
  void Forget(curl_socket_t s);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp) noexcept;
  void OnSocketEvent(curl_socket_t s, uint32_t events);
  void OnCurlTimeout();
  // DrainFinished hands every completed transfer to on_done_.
  void DrainFinished();

  EventLoop* loop_;
  DoneCallback on_done_;
  // Watched is a socket curl asked us to watch. The loop watches our own
  // duplicate of it, never curl's fd number: libcurl 7.88 sometimes closes a
  // socket (a connect abandoned on timeout) and sends its CURL_POLL_REMOVE
  // only later, by when the number may be another thread's socket (the web
  // listener accepts on its own thread). The duplicate keeps the socket open until
  // the REMOVE comes, or until an event on it finds that curl's number no
  // longer names that socket, and is the only fd the loop ever touches.
  struct Watched {
    int own_fd;
    uint64_t dev;
    uint64_t ino;  // which socket `own_fd` is, to spot a reused number
    bool Is(const struct stat& st) const { return dev == st.st_dev && ino == st.st_ino; }
  };
  std::unordered_map<curl_socket_t, Watched> watched_;
  CurlMulti multi_;  // after watched_: its cleanup closes cached sockets
  EventLoop::TimerId timer_ = 0;
};

}  // namespace outage
