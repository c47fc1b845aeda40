// CurlMultiLoop: one libcurl multi handle driven by the engine's epoll loop
// (curl_multi_socket_action): curl's sockets become loop fd watches and its
// timer a loop timer, so thousands of transfers share one thread. Shared by
// the HTTP and gRPC probers.
//
// Thread-safety: loop thread only.
#pragma once

#include <curl/curl.h>

#include <functional>

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

  void Add(CURL* easy);
  void Remove(CURL* easy);

 private:
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  void OnSocketEvent(curl_socket_t s, uint32_t events);
  void OnCurlTimeout();
  // DrainFinished hands every completed transfer to on_done_.
  void DrainFinished();

  EventLoop* loop_;
  DoneCallback on_done_;
  CurlMulti multi_;
  EventLoop::TimerId timer_ = 0;
};

}  // namespace outage
