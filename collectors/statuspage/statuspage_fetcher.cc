// See statuspage_fetcher.h: perform, drain finished transfers, poll, until
// every transfer ends or the deadline passes.
#include "collectors/statuspage/statuspage_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "collectors/http/curl_handles.h"

namespace outage {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Transfer {
  CurlEasy easy;
  StatusPageFetch* result = nullptr;
  bool too_big = false;
  bool done = false;
};

extern "C" size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer->result->body.size() + n > kMaxStatusPageBytes) {
    transfer->too_big = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer->result->body.append(data, n);
  return n;
}

long RemainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return std::max<long>(1, static_cast<long>(left.count()));
}

bool Configure(Transfer* t, const std::string& url, SteadyClock::time_point deadline) {
  CURL* h = t->easy.get();
  bool ok = curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, RemainingMs(deadline)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, "outage_exporter/" OUTAGE_VERSION) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(t)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_PRIVATE, static_cast<void*>(t)) == CURLE_OK;
  return ok;
}

void Finish(Transfer* t, CURLcode code) {
  t->done = true;
  StatusPageFetch& r = *t->result;
  long status = 0;
  curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (t->too_big) {
    r.error = "document larger than " + std::to_string(kMaxStatusPageBytes) + " bytes";
  } else if (code != CURLE_OK) {
    r.error = curl_easy_strerror(code);
  } else if (status != 200) {
    r.error = "HTTP status " + std::to_string(status);
  } else {
    r.ok = true;
    return;
  }
  r.body.clear();
}

}  // namespace

std::vector<StatusPageFetch> FetchStatusPages(const std::vector<std::string>& urls,
                                              SteadyClock::time_point deadline) {
  std::vector<StatusPageFetch> results(urls.size());
  if (urls.empty()) return results;
  CurlMulti multi(curl_multi_init());
  std::vector<std::unique_ptr<Transfer>> transfers;
  for (size_t i = 0; i < urls.size(); ++i) {
    auto t = std::make_unique<Transfer>();
    t->easy.reset(curl_easy_init());
    t->result = &results[i];
    if (!multi || !t->easy || !Configure(t.get(), urls[i], deadline) ||
        curl_multi_add_handle(multi.get(), t->easy.get()) != CURLM_OK) {
      results[i].error = "cannot set up the transfer";
      t->done = true;
    }
    transfers.push_back(std::move(t));
  }
  int running = 0;
  while (multi && SteadyClock::now() < deadline) {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      Finish(static_cast<Transfer*>(t), msg->data.result);
    }
    if (running == 0) break;
    curl_multi_poll(multi.get(), nullptr, 0,
                    static_cast<int>(std::min(RemainingMs(deadline), 1000L)), nullptr);
  }
  for (auto& t : transfers) {
    if (!t->done) {
      t->result->error = "deadline exceeded";
      t->result->body.clear();
    }
    if (multi && t->easy) curl_multi_remove_handle(multi.get(), t->easy.get());
  }
  return results;
}

}  // namespace outage
