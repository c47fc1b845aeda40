// CurlProber: a RunProber whose runs make their transfers on one libcurl
// multi handle (CurlMultiLoop) on the engine's loop: the HTTP and gRPC
// probers. Each transfer carries its Run as CURLOPT_PRIVATE, and a finished
// transfer goes to that run's OnTransferDone(CURLcode) while it is running.
//
// Thread-safety: as Prober's.
#pragma once

#include <curl/curl.h>

#include "collectors/http/curl_multi_loop.h"
#include "collectors/probe_run.h"

namespace outage {

template <typename Run>
class CurlProber : public RunProber {
 public:
  explicit CurlProber(const ProbeContext& context)
      : RunProber(context), transfers_(context.loop, [this](CURL* easy, CURLcode code) {
          OnTransferDone(easy, code);
        }) {}
  ~CurlProber() override { runs().Clear(); }  // before transfers_: runs remove their transfers

 protected:
  CurlMultiLoop* transfers() { return &transfers_; }

 private:
  void OnTransferDone(CURL* easy, CURLcode code) {
    Run* run = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &run);
    if (run != nullptr && runs().Running(run)) run->OnTransferDone(code);
  }

  CurlMultiLoop transfers_;
};

}  // namespace outage
