// See vendor_status_fetcher.h: per redirect hop, resolve every host with c-ares
// (libcurl never resolves a name), then perform, drain finished transfers
// and poll, until every transfer ends or the deadline passes.
#include "collectors/vendor_status/vendor_status_fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "collectors/async_resolver.h"
#include "collectors/callback_boundary.h"
#include "collectors/http/curl_handles.h"
#include "collectors/http/curl_pinning.h"
#include "collectors/target_policy.h"

namespace outage {
namespace {

using SteadyClock = std::chrono::steady_clock;

// As many redirects as a browser-ish client needs for a vendor's status page.
constexpr int kMaxRedirects = 3;

struct Transfer {
  ParsedUrl url;  // the hop in progress, parsed once
  const ProbePolicy* policy = nullptr;
  bool host_listed = false;     // the hop's host matched an allow glob
  std::string blocked_address;  // why OnOpenSocket refused a connection
  int redirects = 0;
  CurlEasy easy;
  CurlSlist connect_to;
  VendorStatusFetch* result = nullptr;
  bool too_big = false;
  std::string callback_error;  // what WriteBody or OpenSocket threw
  bool done = false;
};

extern "C" size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  // 0 aborts the transfer with CURLE_WRITE_ERROR.
  return CallbackBoundary(size_t{0}, &transfer->callback_error, [&]() -> size_t {
    const size_t n = size * count;
    if (transfer->result->body.size() + n > kMaxVendorStatusBytes) {
      transfer->too_big = true;
      return 0;
    }
    transfer->result->body.append(data, n);
    return n;
  });
}

// OpenSocket applies probe_policy to every address curl connects to, as the
// HTTP prober does: a pinned address was checked already, and this catches
// any connection that was not.
extern "C" curl_socket_t OpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  return CallbackBoundary(CURL_SOCKET_BAD, &t->callback_error, [&] {
    std::string why;
    if (!TargetPolicy(*t->policy)
             .Allows(&address->addr, static_cast<socklen_t>(address->addrlen), t->host_listed,
                     &why)) {
      t->blocked_address = why;
      return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  });
}

long RemainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return std::max<long>(1, static_cast<long>(left.count()));
}

// Configure sets up t's hop, connecting only to `address` (when the URL has
// a host: without one curl fails before connecting).
bool Configure(Transfer* t, const std::string& address, SteadyClock::time_point deadline) {
  t->easy.reset(curl_easy_init());
  CURL* h = t->easy.get();
  if (h == nullptr) return false;
  bool ok = curl_easy_setopt(h, CURLOPT_URL, t->url.text.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  // Redirects are followed in FetchVendorStatusPages, so each hop's host is
  // resolved by us too.
  ok = ok && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  // Straight to the pinned address: never a proxy from http_proxy & co.
  ok = ok && curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, RemainingMs(deadline)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, "outage_exporter/" OUTAGE_VERSION) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(t)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_PRIVATE, static_cast<void*>(t)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenSocket) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, static_cast<void*>(t)) == CURLE_OK;
  if (!address.empty()) {
    t->connect_to = PinnedConnectTo(t->url.connect_host, address);
    ok = ok && curl_easy_setopt(h, CURLOPT_CONNECT_TO, t->connect_to.get()) == CURLE_OK;
  }
  return ok;
}

void Fail(Transfer* t, std::string error) {
  t->done = true;
  t->result->error = std::move(error);
  t->result->body.clear();
}

// Finish records the end of t's hop; false when it was a redirect to follow
// (t->url is then the next hop).
bool Finish(Transfer* t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
  const bool is_redirect =
      status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  char* location = nullptr;
  if (code == CURLE_OK && is_redirect) {
    curl_easy_getinfo(t->easy.get(), CURLINFO_REDIRECT_URL, &location);
  }
  if (location != nullptr) {
    if (++t->redirects > kMaxRedirects) {
      Fail(t, curl_easy_strerror(CURLE_TOO_MANY_REDIRECTS));
      return true;
    }
    t->url = ParseUrl(location);
    t->result->body.clear();
    return false;
  }
  if (!t->callback_error.empty()) {
    Fail(t, t->callback_error);
  } else if (!t->blocked_address.empty()) {
    Fail(t, "connection blocked by probe_policy: " + t->blocked_address);
  } else if (t->too_big) {
    Fail(t, "document larger than " + std::to_string(kMaxVendorStatusBytes) + " bytes");
  } else if (code != CURLE_OK) {
    Fail(t, curl_easy_strerror(code));
  } else if (status != 200) {
    Fail(t, "HTTP status " + std::to_string(status));
  } else {
    t->done = true;
    t->result->ok = true;
  }
  return true;
}

// RunHop resolves the host of every transfer in `hop`, then runs their
// transfers together; returns the transfers that were redirected.
std::vector<Transfer*> RunHop(const std::vector<Transfer*>& hop, SteadyClock::time_point deadline) {
  std::vector<std::string> hosts;
  hosts.reserve(hop.size());
  for (Transfer* t : hop) {
    const TargetPolicy policy(*t->policy);
    const std::string& host = t->url.host;
    t->host_listed = policy.HostListed(host);
    t->blocked_address.clear();
    std::string why;
    // A refused host is not even looked up ("" skips it below).
    hosts.push_back(policy.Allows(host, &why) ? HostToResolve(t->url.connect_host) : "");
    if (!why.empty()) Fail(t, "blocked by probe_policy: " + why);
  }
  // Like curl's default (IPv4 first, IPv6 when the name has no IPv4).
  const std::vector<ResolveResult> resolved =
      ResolveOnThisThread(hosts, IpProtocol::kIp4, /*fallback=*/true, deadline);
  CurlMulti multi(curl_multi_init());
  std::vector<Transfer*> added;
  for (size_t i = 0; i < hop.size(); ++i) {
    Transfer* t = hop[i];
    if (t->done) continue;  // refused by probe_policy
    if (!hosts[i].empty() && !resolved[i].error.empty()) {
      Fail(t,
           std::string(curl_easy_strerror(CURLE_COULDNT_RESOLVE_HOST)) + ": " + resolved[i].error);
      continue;
    }
    const std::string address = hosts[i].empty() ? "" : resolved[i].addresses.front().text;
    if (!hosts[i].empty()) {
      const ResolvedAddress& a = resolved[i].addresses.front();
      std::string why;
      if (!TargetPolicy(*t->policy)
               .Allows(reinterpret_cast<const sockaddr*>(&a.addr), a.addr_len, t->host_listed,
                       &why)) {
        Fail(t, "blocked by probe_policy: " + why);
        continue;
      }
    }
    if (!multi || !Configure(t, address, deadline) ||
        curl_multi_add_handle(multi.get(), t->easy.get()) != CURLM_OK) {
      Fail(t, "cannot set up the transfer");
      continue;
    }
    added.push_back(t);
  }
  std::vector<Transfer*> redirected;
  int running = 0;
  while (!added.empty() && SteadyClock::now() < deadline) {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      if (!Finish(static_cast<Transfer*>(t), msg->data.result)) {
        redirected.push_back(static_cast<Transfer*>(t));
      }
    }
    if (running == 0) break;
    curl_multi_poll(multi.get(), nullptr, 0,
                    static_cast<int>(std::min(RemainingMs(deadline), 1000L)), nullptr);
  }
  for (Transfer* t : added) curl_multi_remove_handle(multi.get(), t->easy.get());
  return redirected;
}

}  // namespace

std::vector<VendorStatusFetch> FetchVendorStatusPages(const std::vector<std::string>& urls,
                                                      const ProbePolicy& policy,
                                                      SteadyClock::time_point deadline) {
  std::vector<VendorStatusFetch> results(urls.size());
  std::vector<std::unique_ptr<Transfer>> transfers;
  std::vector<Transfer*> hop;
  for (size_t i = 0; i < urls.size(); ++i) {
    auto t = std::make_unique<Transfer>();
    t->url = ParseUrl(urls[i]);
    t->policy = &policy;
    t->result = &results[i];
    hop.push_back(t.get());
    transfers.push_back(std::move(t));
  }
  while (!hop.empty() && SteadyClock::now() < deadline) hop = RunHop(hop, deadline);
  for (auto& t : transfers) {
    if (!t->done) Fail(t.get(), "deadline exceeded");
  }
  return results;
}

}  // namespace outage
