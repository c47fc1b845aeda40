#include "collectors/http/http_probe_run.h"

#include <openssl/ssl.h>
#include <re2/re2.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include "collectors/callback_boundary.h"
#include "collectors/http/curl_pinning.h"
#include "collectors/http/curl_tls_options.h"
#include "collectors/http/edge_attribution.h"
#include "collectors/http/header_text.h"
#include "collectors/http/http_classify.h"
#include "collectors/http/oauth2_token.h"
#include "collectors/http/proxy_choice.h"
#include "collectors/http/request_sources.h"
#include "collectors/ip_facts.h"
#include "collectors/metric_catalog.h"
#include "collectors/probe_target.h"
#include "collectors/target_policy.h"
#include "config/url.h"

namespace outage {

namespace {

// A 4 KiB receive buffer, the size Go's HTTP client reads with: curl's
// 16 KiB default is most of a probe's memory, held by every probe in flight.
constexpr long kReceiveBufferBytes = 4096;

double HttpVersionNumber(long curl_version) {
  switch (curl_version) {
    case CURL_HTTP_VERSION_1_0:
      return 1.0;
    case CURL_HTTP_VERSION_1_1:
      return 1.1;
    case CURL_HTTP_VERSION_2_0:
      return 2.0;
    case CURL_HTTP_VERSION_3:
      return 3.0;
    default:
      return 0;
  }
}

// HttpVersionAllowed matches curl's version against valid_http_versions,
// spelled as Go spells resp.Proto ("HTTP/1.1", "HTTP/2.0").
bool HttpVersionAllowed(long curl_version, const std::vector<std::string>& valid) {
  if (valid.empty()) return true;
  std::vector<std::string> names;
  switch (curl_version) {
    case CURL_HTTP_VERSION_1_0:
      names = {"HTTP/1.0"};
      break;
    case CURL_HTTP_VERSION_1_1:
      names = {"HTTP/1.1"};
      break;
    case CURL_HTTP_VERSION_2_0:
      names = {"HTTP/2", "HTTP/2.0"};
      break;
    case CURL_HTTP_VERSION_3:
      names = {"HTTP/3", "HTTP/3.0"};
      break;
    default:
      return false;
  }
  for (const auto& v : valid) {
    if (std::find(names.begin(), names.end(), v) != names.end()) return true;
  }
  return false;
}

int64_t InfoTime(CURL* easy, CURLINFO info) {
  curl_off_t v = 0;
  curl_easy_getinfo(easy, info, &v);
  return static_cast<int64_t>(v);
}

}  // namespace

HttpProbeRun::HttpProbeRun(const ProbeContext& context, CurlMultiLoop* transfers,
                           OAuth2TokenCache* oauth2_tokens, ProbeRequest request, ParsedUrl url,
                           ProbeCallback done)
    : ProbeRun(context, std::move(request), std::move(done)),
      transfers_(transfers),
      oauth2_tokens_(oauth2_tokens),
      config_(module().http),
      url_(std::move(url)),
      method_(config_.method.empty() ? "GET" : config_.method) {
  original_host_ = url_.host;
  target_name_ = HostToResolve(url_.connect_host);
  keep_body_ = !config_.fail_if_body_matches_regexp.empty() ||
               !config_.fail_if_body_not_matches_regexp.empty();
}

HttpProbeRun::~HttpProbeRun() { Stop(); }

void HttpProbeRun::Start() {
  if (!AllowedHost(url_)) {
    Finish();
    return;
  }
  if (config_.oauth2) {
    BeginOAuth2();
    return;
  }
  ResolveHop();
}

void HttpProbeRun::BeginOAuth2() {
  const OAuth2& oauth2 = *config_.oauth2;
  std::string secret = oauth2.client_secret;
  if (!oauth2.client_secret_file.empty()) {
    std::optional<std::string> read = ReadSecretFile(oauth2.client_secret_file);
    if (!read) {
      result().log.Error(
          "Error fetching OAuth 2.0 token",
          {{"err", "cannot read oauth2.client_secret_file " + oauth2.client_secret_file}});
      result().Fail(FailureReason::kProtocol);
      Finish();
      return;
    }
    secret = std::move(*read);
  }
  oauth2_key_ = OAuth2TokenCache::Key(module().name, oauth2, secret);
  if (const std::string* token = oauth2_tokens_->Find(oauth2_key_, Clock::now())) {
    result().log.Debug("Using cached OAuth 2.0 token");
    oauth2_token_ = *token;
    ResolveHop();
    return;
  }
  // The token request is a hop of its own, resolved, policy-checked and
  // pinned like the probe's; the probe's first hop follows it.
  oauth2_secret_ = std::move(secret);
  probe_url_ = url_;
  url_ = ParseUrl(oauth2.token_url);
  fetching_token_ = true;
  result().log.Info("Fetching OAuth 2.0 token", {{"token_url", RedactUrlPassword(url_.text)}});
  if (!AllowedHost(url_)) {
    Finish();
    return;
  }
  ResolveHop();
}

void HttpProbeRun::OnOAuth2TokenDone(CURLcode code) {
  fetching_token_ = false;
  oauth2_secret_.clear();
  long status = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
  std::string err;
  FailureReason reason = FailureReason::kProtocol;
  std::optional<OAuth2Token> token;
  if (code != CURLE_OK) {
    reason = HopFailure(code, &err);
  } else if (status < 200 || status > 299) {
    err = "token endpoint answered HTTP " + std::to_string(status);
  } else {
    token = ParseOAuth2TokenResponse(body_, &err);
  }
  if (!token) {
    result().log.Error("Error fetching OAuth 2.0 token",
                       {{"token_url", RedactUrlPassword(url_.text)}, {"err", err}});
    result().Fail(reason);
    Finish();
    return;
  }
  oauth2_tokens_->Store(oauth2_key_, *token, Clock::now());
  oauth2_token_ = token->access_token;
  transfers_->Remove(easy_.get());
  easy_.reset();
  url_ = probe_url_;
  if (!AllowedHost(url_)) {  // sets host_listed_ for the target again
    Finish();
    return;
  }
  ResolveHop();
}

FailureReason HttpProbeRun::HopFailure(CURLcode code, std::string* err) {
  if (code == CURLE_COULDNT_CONNECT && !blocked_address_.empty()) {
    *err = "connection blocked by probe_policy: " + blocked_address_;
    return FailureReason::kNetwork;
  }
  CURL* easy = easy_.get();
  const TransferProgress progress{InfoTime(easy, CURLINFO_NAMELOOKUP_TIME_T) > 0,
                                  InfoTime(easy, CURLINFO_CONNECT_TIME_T) > 0};
  const bool by_us = !abort_reason_.empty();
  *err = by_us              ? abort_reason_
         : error_buffer_[0] ? std::string(error_buffer_)
                            : std::string(curl_easy_strerror(code));
  return ReasonForCurlError(code, progress, by_us, *err);
}

void HttpProbeRun::ResolveHop() {
  // A token request never goes through the module's proxy.
  proxy_ = ParsedUrl{};
  if (!fetching_token_) {
    const std::string proxy = ProxyFor(ProxyRuleFor(config_), url_);
    if (!proxy.empty()) proxy_ = ParseUrl(proxy);
  }
  // `connected` is what curl connects to: the target, or with a proxy the
  // proxy (which then resolves and connects to the target itself, so there
  // the policy sees the target's host name only). The hop's own host passed
  // AllowedHost; a proxy is the config's. Both addresses pass the policy.
  const ParsedUrl& connected = ViaProxy() ? proxy_ : url_;
  const std::string name = HostToResolve(connected.connect_host);
  LookupOptions options = Options(ChoiceOf(config_));
  options.check_host = false;
  options.policy_host = connected.host;
  // A pinned address (addresses: all) stands for every lookup of the
  // target's own name.
  if (ViaProxy() || name != target_name_) options.pinned = nullptr;
  resolving_ = true;
  LookUp(name, options, [this](const ResolvedAddress* address) { OnResolved(address); });
}

bool HttpProbeRun::EndLookup() {
  if (!resolving_) return false;
  resolving_ = false;
  resolve_seconds_ = lookup().seconds();
  if (!first_hop_resolved_ && !fetching_token_) {
    first_hop_resolved_ = true;
    dns_lookup_seconds_ = resolve_seconds_;
    first_ip_ = lookup().ip();
  }
  return true;
}

void HttpProbeRun::OnResolved(const ResolvedAddress* address) {
  EndLookup();
  if (address == nullptr) {
    phases_.resolve += resolve_seconds_;
    Finish();
    return;
  }
  if (!StartHop(address->text)) Finish();
}

bool HttpProbeRun::AllowedHost(const ParsedUrl& url) {
  const TargetPolicy policy(ProbeRun::policy());
  const std::string& host = url.host;
  std::string why;
  if (!policy.Allows(host, &why)) {
    result().log.Error("Request blocked by probe_policy", {{"why", why}});
    result().Fail(FailureReason::kNetwork);
    return false;
  }
  host_listed_ = policy.HostListed(host);
  return true;
}

curl_socket_t HttpProbeRun::OnOpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
  auto* run = static_cast<HttpProbeRun*>(self);
  return CallbackBoundary(CURL_SOCKET_BAD, &run->abort_reason_, [&] {
    std::string why;
    const TargetPolicy policy(run->policy());
    if (!policy.Allows(&address->addr, static_cast<socklen_t>(address->addrlen), run->host_listed_,
                       &why)) {
      run->blocked_address_ = why;
      return CURL_SOCKET_BAD;  // curl fails the connect: nothing is sent
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  });
}

void HttpProbeRun::ResetHopState() {
  headers_.Clear();
  header_count_ = 0;
  header_bytes_ = 0;
  body_.clear();
  body_bytes_ = 0;
  body_over_limit_ = false;
  abort_reason_.clear();
  blocked_address_.clear();
  tls_ = TlsFacts{};
  error_buffer_[0] = '\0';
}

bool HttpProbeRun::StartHop(const std::string& address) {
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(request().deadline - Clock::now());
  if (remaining.count() <= 0) {
    result().log.Error("Deadline passed before the request could start");
    result().Fail(FailureReason::kTimeout);
    return false;
  }
  ResetHopState();
  easy_.reset(curl_easy_init());
  const bool configured = easy_ && (fetching_token_ ? ConfigureTokenRequest(easy_.get(), address)
                                                    : Configure(easy_.get(), address));
  if (!configured) {
    result().Fail(FailureReason::kProtocol);
    return false;
  }
  curl_easy_setopt(easy_.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
  curl_easy_setopt(easy_.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(remaining.count()));
  result().log.Info("Making HTTP request",
                    {{"url", RedactUrlPassword(url_.text)}, {"method", method_}});
  transfers_->Add(easy_.get());
  return true;
}

bool HttpProbeRun::ConfigureTransfer(CURL* easy) {
  auto set = [&](CURLoption opt, auto value) {
    return curl_easy_setopt(easy, opt, value) == CURLE_OK;
  };
  bool ok = set(CURLOPT_URL, url_.text.c_str());
  ok = ok && set(CURLOPT_PRIVATE, static_cast<void*>(this));
  // Probe the real path every time: no connection, DNS or TLS session reuse.
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_FRESH_CONNECT, 1L);
  set(CURLOPT_FORBID_REUSE, 1L);
  set(CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  set(CURLOPT_SSL_SESSIONID_CACHE, 0L);
  set(CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  // No proxy unless Configure sets the hop's: libcurl would otherwise obey
  // http_proxy/no_proxy from the environment by its own rules.
  set(CURLOPT_PROXY, "");
  // libcurl speaks many protocols; a probe speaks only these, on every hop.
  ok = ok && set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_ERRORBUFFER, error_buffer_);
  set(CURLOPT_WRITEFUNCTION, &HttpProbeRun::OnBody);
  set(CURLOPT_WRITEDATA, static_cast<void*>(this));
  set(CURLOPT_HEADERFUNCTION, &HttpProbeRun::OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(this));
  return ok;
}

void HttpProbeRun::PinConnection(CURL* easy, const ParsedUrl& request_url,
                                 const std::string& address) {
  // Connect only to `address`, resolved and policy-checked for this hop.
  connect_to_ = PinnedConnectTo(request_url.connect_host, address);
  curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_.get());
  // Defence in depth: every connect curl makes is checked again.
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &HttpProbeRun::OnOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(this));
}

bool HttpProbeRun::ConfigureTokenRequest(CURL* easy, const std::string& address) {
  bool ok = ConfigureTransfer(easy);
  const OAuth2& oauth2 = *config_.oauth2;
  const std::string form = OAuth2TokenForm(oauth2);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form.size()));
  curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, form.c_str());
  curl_slist* list = curl_slist_append(nullptr, "User-Agent: outage_exporter/" OUTAGE_VERSION);
  list = curl_slist_append(list, "Content-Type: application/x-www-form-urlencoded");
  list = curl_slist_append(list, "Accept: application/json");
  request_headers_.reset(list);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  // The client authenticates with Basic auth, id and secret form-encoded
  // first (RFC 6749 section 2.3.1); curl copies both strings.
  curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
  curl_easy_setopt(easy, CURLOPT_USERNAME, OAuth2UrlEscape(oauth2.client_id).c_str());
  curl_easy_setopt(easy, CURLOPT_PASSWORD, OAuth2UrlEscape(oauth2_secret_).c_str());
  PinConnection(easy, url_, address);
  if (!ok) result().log.Error("Invalid token_url", {{"url", RedactUrlPassword(url_.text)}});
  return ok;
}

bool HttpProbeRun::Configure(CURL* easy, const std::string& address) {
  auto set = [&](CURLoption opt, auto value) {
    return curl_easy_setopt(easy, opt, value) == CURLE_OK;
  };
  bool ok = ConfigureTransfer(easy);

  if (!config_.enable_http2) set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));

  std::string body;
  if (send_body_) {
    std::string error;
    std::optional<std::string> read = ReadRequestBody(config_, &error);
    if (!read) {
      result().log.Error("Error creating request", {{"err", error}});
      return false;
    }
    body = std::move(*read);
  }
  if (method_ == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (method_ != "GET" || !body.empty()) {
    set(CURLOPT_CUSTOMREQUEST, method_.c_str());
  }
  if (!body.empty()) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    set(CURLOPT_COPYPOSTFIELDS, body.c_str());
  }

  // Request headers: the module's, then our defaults where it set none.
  curl_slist* list = nullptr;
  bool has_user_agent = false;
  bool has_content_type = false;
  for (const auto& [name, value] : config_.headers) {
    // Like basic_auth and bearer_token, credentials set as plain headers
    // stay with the host they were configured for.
    if (!send_credentials_ && IsCredentialHeader(name)) continue;
    const std::string lower = LowerAscii(name);
    if (lower == "user-agent") has_user_agent = true;
    if (lower == "content-type") has_content_type = true;
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  if (!has_user_agent) {
    list = curl_slist_append(list, "User-Agent: outage_exporter/" OUTAGE_VERSION);
  }
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  std::optional<std::string> problem = AppendHttpHeaders(config_, send_credentials_, &list);
  if (!problem && send_credentials_) problem = AppendAuthorization(config_, &list);
  if (problem) {
    result().log.Error("Error creating request", {{"err", *problem}});
    curl_slist_free_all(list);
    return false;
  }
  if (send_credentials_ && !oauth2_token_.empty()) {
    list = curl_slist_append(list, ("Authorization: Bearer " + oauth2_token_).c_str());
  }
  if (send_credentials_ && config_.basic_auth) {
    const BasicAuth& auth = *config_.basic_auth;
    std::string username = auth.username;
    std::string password = auth.password;
    for (const auto& [file, value] :
         {std::pair{&auth.username_file, &username}, std::pair{&auth.password_file, &password}}) {
      if (file->empty()) continue;
      std::optional<std::string> read = ReadSecretFile(*file);
      if (!read) {
        result().log.Error("Cannot read basic_auth file", {{"file", *file}});
        curl_slist_free_all(list);
        return false;
      }
      *value = std::move(*read);
    }
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    set(CURLOPT_USERNAME, username.c_str());  // curl copies both
    set(CURLOPT_PASSWORD, password.c_str());
  }

  // TLS.
  const TlsConfig& tls = config_.tls_config;
  SetCurlTlsOptions(easy, tls);
  set(CURLOPT_SSL_CTX_FUNCTION, &HttpProbeRun::OnSslContext);
  set(CURLOPT_SSL_CTX_DATA, static_cast<void*>(this));
  ParsedUrl request_url = url_;
  connect_to_.reset();
  if (!tls.server_name.empty() && url_.https()) {
    // server_name sets SNI and the name verified, as in Go: ask curl for
    // https://server_name/ but connect to the target, keeping Host.
    CurlUrl u(curl_url());
    curl_url_set(u.get(), CURLUPART_URL, url_.text.c_str(), 0);
    curl_url_set(u.get(), CURLUPART_HOST, tls.server_name.c_str(), 0);
    char* rewritten = nullptr;
    if (curl_url_get(u.get(), CURLUPART_URL, &rewritten, 0) == CURLUE_OK) {
      request_url = ParseUrl(u.get(), rewritten);
      curl_free(rewritten);
      ok = ok && set(CURLOPT_URL, request_url.text.c_str());  // curl copies it
      bool has_host = false;
      for (const auto& [name, value] : config_.headers) has_host |= LowerAscii(name) == "host";
      if (!has_host) list = curl_slist_append(list, ("Host: " + url_.connect_host).c_str());
    }
  }
  request_headers_.reset(list);
  set(CURLOPT_HTTPHEADER, list);

  if (!ViaProxy()) {
    PinConnection(easy, request_url, address);
  } else {
    // The proxy resolves the target and connects to it; curl connects to
    // the proxy at `address`. CONNECT_TO does not apply to a proxy, so its
    // name is pinned with CURLOPT_RESOLVE: the entry lands in the multi's
    // shared DNS cache, but only for the proxy's name (trusted config), and
    // every proxied hop re-pins it to its own lookup before connecting.
    set(CURLOPT_PROXY, proxy_.text.c_str());
    proxy_resolve_.reset(curl_slist_append(nullptr, (HostToResolve(proxy_.connect_host) + ":" +
                                                     proxy_.port + ":" + UrlAddress(address))
                                                        .c_str()));
    set(CURLOPT_RESOLVE, proxy_resolve_.get());
    SetProxyConnectHeaders(easy);
    if (request_url.text != url_.text) {
      // server_name: the tunnel still goes to the target's host.
      connect_to_.reset(curl_slist_append(
          nullptr, (request_url.connect_host + "::" + url_.connect_host + ":").c_str()));
      set(CURLOPT_CONNECT_TO, connect_to_.get());
    }
  }
  if (!config_.compression.empty()) set(CURLOPT_ACCEPT_ENCODING, config_.compression.c_str());

  if (!ok) result().log.Error("Invalid request", {{"url", RedactUrlPassword(url_.text)}});
  return ok;
}

void HttpProbeRun::SetProxyConnectHeaders(CURL* easy) {
  // As in Go, only a tunnel's CONNECT carries them: curl would also add
  // them to a plain http request sent through the proxy.
  proxy_headers_.reset();
  if (config_.proxy_connect_header.empty() || !url_.https()) return;
  curl_slist* lines = nullptr;
  for (const auto& [name, value] : config_.proxy_connect_header) {
    // "Name;" is curl's spelling of a header with an empty value.
    lines = curl_slist_append(lines, (value.empty() ? name + ";" : name + ": " + value).c_str());
  }
  proxy_headers_.reset(lines);
  curl_easy_setopt(easy, CURLOPT_HEADEROPT, static_cast<long>(CURLHEADER_SEPARATE));
  curl_easy_setopt(easy, CURLOPT_PROXYHEADER, lines);
}

size_t HttpProbeRun::OnBody(char* data, size_t size, size_t n, void* self) {
  auto* run = static_cast<HttpProbeRun*>(self);
  // 0 aborts the transfer with CURLE_WRITE_ERROR.
  return CallbackBoundary(size_t{0}, &run->abort_reason_, [&]() -> size_t {
    const size_t len = size * n;
    run->body_bytes_ += static_cast<int64_t>(len);
    const int64_t limit = run->config_.body_size_limit;
    if (limit > 0 && run->body_bytes_ > limit) {
      run->body_bytes_ = limit;  // what blackbox reports: the bytes it read
      run->body_over_limit_ = true;
      run->abort_reason_ =
          "response body exceeds body_size_limit of " + std::to_string(limit) + " bytes";
      return 0;
    }
    if (run->keep_body_ || run->fetching_token_) run->body_.append(data, len);
    return len;
  });
}

size_t HttpProbeRun::OnHeader(char* data, size_t size, size_t n, void* self) {
  auto* run = static_cast<HttpProbeRun*>(self);
  return CallbackBoundary(size_t{0}, &run->abort_reason_, [&]() -> size_t {
    const size_t len = size * n;
    std::string_view line(data, len);
    if (line.rfind("HTTP/", 0) == 0) {
      // A new response (after 1xx, or a proxy's CONNECT reply) starts afresh.
      run->headers_.Clear();
      run->header_count_ = 0;
      return len;
    }
    run->header_bytes_ += len;
    if (++run->header_count_ > kMaxHeaderCount || run->header_bytes_ > kMaxHeaderBytes) {
      run->abort_reason_ = "response headers exceed " + std::to_string(kMaxHeaderCount) +
                           " headers or " + std::to_string(kMaxHeaderBytes) + " bytes";
      return 0;
    }
    run->headers_.AddLine(line);
    return len;
  });
}

CURLcode HttpProbeRun::OnSslContext(CURL*, void* ssl_ctx, void* self) {
  auto* run = static_cast<HttpProbeRun*>(self);
  return CallbackBoundary(CURLE_ABORTED_BY_CALLBACK, &run->abort_reason_, [&] {
    InstallTlsFactsCapture(static_cast<SSL_CTX*>(ssl_ctx), &run->tls_);
    return CURLE_OK;
  });
}

void HttpProbeRun::OnTransferDone(CURLcode code) {
  if (fetching_token_) {
    OnOAuth2TokenDone(code);
    return;
  }
  CURL* easy = easy_.get();
  CurlTimings t;
  t.namelookup_us = InfoTime(easy, CURLINFO_NAMELOOKUP_TIME_T);
  t.connect_us = InfoTime(easy, CURLINFO_CONNECT_TIME_T);
  t.appconnect_us = InfoTime(easy, CURLINFO_APPCONNECT_TIME_T);
  t.starttransfer_us = InfoTime(easy, CURLINFO_STARTTRANSFER_TIME_T);
  t.total_us = InfoTime(easy, CURLINFO_TOTAL_TIME_T);
  phases_.AddHop(t);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  char* ip = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
  // Our lookup came before curl's (of an address literal, or of the proxy's
  // pinned name): both count as resolving.
  phases_.resolve += resolve_seconds_;
  if (redirects_ == 0) {
    dns_lookup_seconds_ += static_cast<double>(t.namelookup_us) / 1e6;
    if (ip != nullptr && ip[0] != '\0') first_ip_ = ip;
  }
  result().log.Debug("Response timings for roundtrip",
                     {{"roundtrip", std::to_string(redirects_)},
                      {"resolve_us", std::to_string(t.namelookup_us)},
                      {"connect_us", std::to_string(t.connect_us)},
                      {"tls_done_us", std::to_string(t.appconnect_us)},
                      {"first_byte_us", std::to_string(t.starttransfer_us)},
                      {"end_us", std::to_string(t.total_us)}});

  if (code == CURLE_COULDNT_CONNECT && !blocked_address_.empty()) {
    result().log.Error(
        "Connection blocked by probe_policy",
        {{"why", blocked_address_}, {"err", error_buffer_[0] ? std::string(error_buffer_) : ""}});
    result().Fail(FailureReason::kNetwork);
    status_ = status;
    Finish();
    return;
  }
  if (code != CURLE_OK) {
    std::string err;
    const FailureReason reason = HopFailure(code, &err);
    result().log.Error("Error for HTTP request", {{"err", err}});
    result().Fail(reason);
    status_ = status;
    Finish();
    return;
  }
  result().log.Info("Received HTTP response", {{"status_code", std::to_string(status)}});
  if (FollowRedirect(status)) return;
  EvaluateFinalResponse(status);
  Finish();
}

bool HttpProbeRun::FollowRedirect(long status) {
  const bool is_redirect =
      status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  if (!is_redirect) return false;
  char* location = nullptr;
  curl_easy_getinfo(easy_.get(), CURLINFO_REDIRECT_URL, &location);
  if (location == nullptr) return false;  // no Location: the 3xx is final
  ParsedUrl next = ParseUrl(location);
  // Counted even when not followed, as blackbox counts the redirects seen.
  ++redirects_;
  result().log.Info("Received redirect", {{"location", RedactUrlPassword(next.text)}});
  if (!config_.follow_redirects) {
    result().log.Info("Not following redirect");
    return false;
  }
  if (redirects_ > kMaxRedirects) {
    result().log.Error("Too many redirects", {{"max_redirects", std::to_string(kMaxRedirects)}});
    result().Fail(FailureReason::kProtocol);
    status_ = status;
    Finish();
    return true;
  }
  if (next.scheme != "http" && next.scheme != "https") {
    result().log.Error("Redirect to a scheme that is not probed", {{"scheme", next.scheme}});
    result().Fail(FailureReason::kProtocol);
    status_ = status;
    Finish();
    return true;
  }
  // Go's rules: 301/302/303 turn the request into a GET without a body
  // (HEAD stays HEAD); 307/308 repeat it as it was.
  if ((status == 301 || status == 302 || status == 303) && method_ != "HEAD") {
    method_ = "GET";
    send_body_ = false;
  }
  // Like Go, credentials do not follow a redirect to another host.
  if (next.host != original_host_) send_credentials_ = false;
  if (!AllowedHost(next)) {
    status_ = status;
    Finish();
    return true;
  }
  transfers_->Remove(easy_.get());
  easy_.reset();
  url_ = std::move(next);
  ResolveHop();
  return true;
}

bool HttpProbeRun::CheckBodyRegexps() {
  for (const auto& re : config_.fail_if_body_matches_regexp) {
    if (RE2::PartialMatch(body_, *re.re)) {
      result().log.Error("Body matched regular expression", {{"regexp", re.pattern}});
      return false;
    }
  }
  for (const auto& re : config_.fail_if_body_not_matches_regexp) {
    if (!RE2::PartialMatch(body_, *re.re)) {
      result().log.Error("Body did not match regular expression", {{"regexp", re.pattern}});
      return false;
    }
  }
  return true;
}

bool HttpProbeRun::CheckHeaderRegexps() {
  auto values_of = [this](const HeaderMatch& m) { return headers_.Values(LowerAscii(m.header)); };
  for (const auto& m : config_.fail_if_header_matches) {
    const std::vector<std::string_view> values = values_of(m);
    if (values.empty()) {
      if (m.allow_missing) continue;
      result().log.Error("Missing required header", {{"header", m.header}});
      return false;
    }
    for (const std::string_view v : values) {
      if (RE2::PartialMatch(v, *m.regexp.re)) {
        result().log.Error("Header matched regular expression",
                           {{"header", m.header}, {"regexp", m.regexp.pattern}});
        return false;
      }
    }
  }
  for (const auto& m : config_.fail_if_header_not_matches) {
    const std::vector<std::string_view> values = values_of(m);
    if (values.empty()) {
      if (m.allow_missing) continue;
      result().log.Error("Missing required header", {{"header", m.header}});
      return false;
    }
    const bool any = std::any_of(values.begin(), values.end(), [&](std::string_view v) {
      return RE2::PartialMatch(v, *m.regexp.re);
    });
    if (!any) {
      result().log.Error("Header did not match regular expression",
                         {{"header", m.header}, {"regexp", m.regexp.pattern}});
      return false;
    }
  }
  return true;
}

bool HttpProbeRun::CheckContentEncoding() {
  // Blackbox decodes the body with the module's algorithm whatever the
  // response says, so a body in another encoding (or none) fails there.
  const std::string& want = config_.compression;
  if (want.empty() || want == "identity") return true;
  const std::string got(headers_.Last("content-encoding"));
  if (LowerAscii(std::string(TrimSpace(got))) == want) return true;
  if (got.empty() && body_bytes_ == 0) return true;  // nothing to decode
  result().log.Error("Failed to get decompressor for HTTP response body",
                     {{"compression", want}, {"content_encoding", got}});
  body_bytes_ = 0;  // nothing decoded in the module's encoding
  return false;
}

void HttpProbeRun::EvaluateFinalResponse(long status) {
  status_ = status;
  got_response_ = true;
  result().success = true;
  if (!IsValidStatus(status, config_.valid_status_codes)) {
    result().log.Error("Invalid HTTP response status code",
                       {{"status_code", std::to_string(status)}});
    result().Fail(ReasonForStatus(status));
    return;
  }
  if (!CheckContentEncoding()) {
    result().Fail(FailureReason::kProtocol);
    return;
  }
  if (!CheckBodyRegexps() || !CheckHeaderRegexps()) {
    failed_due_to_regex_ = true;
    result().Fail(FailureReason::kContent);
    return;
  }
  long version = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_HTTP_VERSION, &version);
  if (!HttpVersionAllowed(version, config_.valid_http_versions)) {
    result().log.Error("Invalid HTTP version number",
                       {{"version", std::to_string(HttpVersionNumber(version))}});
    result().Fail(FailureReason::kProtocol);
    return;
  }
  const bool is_tls = url_.https();
  if (config_.fail_if_ssl && is_tls) {
    result().log.Error("Final request was over SSL");
    result().Fail(FailureReason::kProtocol);
    return;
  }
  if (config_.fail_if_not_ssl && !is_tls) {
    result().log.Error("Final request was not over SSL");
    result().Fail(FailureReason::kTls);
    return;
  }
}

void HttpProbeRun::AddEdgeSite(ProbeResult* r) const {
  const std::optional<EdgeSite> edge = AttributeEdge(headers_, config_.edge_rules);
  if (!edge) {
    r->log.Debug("No CDN recognised in the response headers");
    return;
  }
  r->log.Info("Edge that answered", {{"cdn", edge->cdn}, {"pop", edge->pop}});
  r->Add(metric::kHttpEdgeInfo, {{"cdn", edge->cdn}, {"pop", edge->pop}}, 1);
}

void HttpProbeRun::Report(ProbeResult* result) {
  if (EndLookup()) phases_.resolve += resolve_seconds_;  // cut short by the deadline
  CURL* easy = easy_.get();
  long version = 0;
  curl_off_t content_length = -1;
  // A body cut at body_size_limit still had a response: blackbox reports
  // its Content-Length and the bytes read up to the limit.
  const bool has_response = got_response_ || body_over_limit_;
  if (easy != nullptr && has_response) {
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
  }

  ProbeResult& r = *result;
  r.Add(metric::kDnsLookupTime, dns_lookup_seconds_);
  AddIpFacts(first_ip_, &r);
  const std::pair<std::string_view, double> phases[] = {{"resolve", phases_.resolve},
                                                        {"connect", phases_.connect},
                                                        {"tls", phases_.tls},
                                                        {"processing", phases_.processing},
                                                        {"transfer", phases_.transfer}};
  r.phases.reserve(r.phases.size() + std::size(phases));
  for (const auto& [phase, seconds] : phases) {
    r.Add(metric::kHttpDuration, {{"phase", std::string(phase)}}, seconds);
    r.phases.push_back(PhaseTiming{phase, seconds});
  }
  r.Add(metric::kHttpStatusCode, static_cast<double>(status_));
  r.Add(metric::kHttpContentLength, static_cast<double>(content_length));
  r.Add(metric::kHttpUncompressedBodyLength, static_cast<double>(has_response ? body_bytes_ : 0));
  r.Add(metric::kHttpRedirects, redirects_);
  r.Add(metric::kHttpSsl, got_response_ && url_.https() ? 1 : 0);
  r.Add(metric::kHttpVersion, HttpVersionNumber(version));
  if (got_response_) {
    if (headers_.Has("last-modified")) {
      const time_t t = curl_getdate(std::string(headers_.First("last-modified")).c_str(), nullptr);
      if (t >= 0) r.Add(metric::kHttpLastModified, static_cast<double>(t));
    }
  }
  r.Add(metric::kFailedDueToRegex, failed_due_to_regex_ ? 1 : 0);
  AddTlsSamples(tls_, &r);
  if (got_response_) AddEdgeSite(&r);
}

void HttpProbeRun::Stop() {
  if (easy_) {
    transfers_->Remove(easy_.get());
    easy_.reset();
  }
}

}  // namespace outage
