#include "collectors/grpc/grpc_probe_run.h"

#include <openssl/ssl.h>

#include <utility>

#include "collectors/callback_boundary.h"
#include "collectors/grpc/grpc_prober.h"
#include "collectors/grpc/grpc_wire.h"
#include "collectors/http/curl_tls_options.h"
#include "collectors/http/header_text.h"
#include "collectors/http/http_classify.h"
#include "collectors/metric_catalog.h"

namespace outage {
namespace {

// Bracketed renders an IPv6 literal for a URL or CONNECT_TO entry.
std::string Bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

double SecondsBetween(std::chrono::steady_clock::time_point a,
                      std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

GrpcProbeRun::GrpcProbeRun(const ProbeContext& context, CurlMultiLoop* transfers,
                           ProbeRequest request, ProbeCallback done)
    : ProbeRun(context, std::move(request), std::move(done)),
      transfers_(transfers),
      config_(module().grpc) {}

GrpcProbeRun::~GrpcProbeRun() { Stop(); }

void GrpcProbeRun::Start() {
  target_ = SplitGrpcTarget(request().target);
  if (!TargetParsed(target_.error, "Error splitting target address and port")) return;
  // The deadline bounds the lookup; curl's timeout bounds the call.
  LookUp(target_.host, ChoiceOf(config_),
         [this](const ResolvedAddress& address) { StartCheck(address); });
}

void GrpcProbeRun::OnCancel(std::string_view /*why*/) {
  status_code_ = 1;  // CANCELLED
}

void GrpcProbeRun::StartCheck(const ResolvedAddress& address) {
  // curl connects to this address only (Configure pins it).
  check_start_ = Clock::now();
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(request().deadline - check_start_);
  if (remaining.count() <= 0) {
    status_code_ = kGrpcDeadlineExceeded;
    Fail(FailureReason::kTimeout, "Deadline passed before the health check could start");
    return;
  }
  easy_.reset(curl_easy_init());
  if (!easy_ || !Configure(address)) {
    easy_.reset();
    Fail(FailureReason::kProtocol, "Invalid gRPC request", error_buffer_);
    return;
  }
  curl_easy_setopt(easy_.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
  // The server learns the deadline too, as a gRPC client would tell it.
  const std::string timeout = "grpc-timeout: " + std::to_string(remaining.count()) + "m";
  headers_.reset(curl_slist_append(headers_.release(), timeout.c_str()));
  curl_easy_setopt(easy_.get(), CURLOPT_HTTPHEADER, headers_.get());
  result().log.Info("Checking health",
                    {{"service", config_.service}, {"tls", config_.tls ? "true" : "false"}});
  transfers_->Add(easy_.get());
}

bool GrpcProbeRun::Configure(const ResolvedAddress& address) {
  CURL* easy = easy_.get();
  auto set = [&](CURLoption opt, auto value) {
    return curl_easy_setopt(easy, opt, value) == CURLE_OK;
  };
  const TlsConfig& tls = config_.tls_config;
  // With tls_config.server_name, ask for that name (SNI, certificate check,
  // :authority) while connecting to the target's address.
  const std::string url_host =
      config_.tls && !tls.server_name.empty() ? tls.server_name : target_.host;
  const std::string port = std::to_string(target_.port);
  const std::string url = std::string(config_.tls ? "https" : "http") + "://" +
                          Bracketed(url_host) + ":" + port + kHealthCheckPath;
  bool ok = set(CURLOPT_URL, url.c_str());
  ok = ok && set(CURLOPT_PRIVATE, static_cast<void*>(this));
  ok = ok && set(CURLOPT_ERRORBUFFER, error_buffer_);
  // h2c with prior knowledge for plaintext (as gRPC does); over TLS, h2
  // offered by ALPN (prior knowledge there would force h2 on a server that
  // did not agree to it). A server that picks HTTP/1.1 fails in Judge.
  const long version = config_.tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
  ok = ok && set(CURLOPT_HTTP_VERSION, version);
  ok = ok && set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_FRESH_CONNECT, 1L);
  set(CURLOPT_FORBID_REUSE, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);
  // Pin the connection to the address resolved (and policy-checked) above,
  // per transfer: CURLOPT_RESOLVE would share it through the multi's cache.
  connect_to_.reset(curl_slist_append(
      nullptr,
      (Bracketed(url_host) + ":" + port + ":" + Bracketed(address.text) + ":" + port).c_str()));
  ok = ok && set(CURLOPT_CONNECT_TO, connect_to_.get());

  const std::string body = EncodeHealthCheckRequest(config_.service);
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  ok = ok && set(CURLOPT_COPYPOSTFIELDS, body.data());  // binary-safe with the size set
  set(CURLOPT_USERAGENT, "outage_exporter");
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/grpc");
  list = curl_slist_append(list, "TE: trailers");
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  for (const auto& [key, value] : config_.metadata) {
    list = curl_slist_append(list, (key + ": " + value).c_str());
  }
  headers_.reset(list);

  set(CURLOPT_WRITEFUNCTION, &GrpcProbeRun::OnBody);
  set(CURLOPT_WRITEDATA, static_cast<void*>(this));
  set(CURLOPT_HEADERFUNCTION, &GrpcProbeRun::OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(this));
  if (config_.tls) {
    SetCurlTlsOptions(easy, tls);
    set(CURLOPT_SSL_CTX_FUNCTION, &GrpcProbeRun::OnSslContext);
    set(CURLOPT_SSL_CTX_DATA, static_cast<void*>(this));
  }
  return ok;
}

size_t GrpcProbeRun::OnBody(char* data, size_t size, size_t n, void* self) {
  auto* run = static_cast<GrpcProbeRun*>(self);
  return CallbackBoundary(size_t{0}, &run->abort_reason_, [&]() -> size_t {
    const size_t len = size * n;
    if (run->body_.size() + len > kMaxBodyBytes) {
      run->abort_reason_ = "response body over " + std::to_string(kMaxBodyBytes) + " bytes";
      return 0;  // aborts the transfer
    }
    run->body_.append(data, len);
    return len;
  });
}

size_t GrpcProbeRun::OnHeader(char* data, size_t size, size_t n, void* self) {
  auto* run = static_cast<GrpcProbeRun*>(self);
  return CallbackBoundary(size_t{0}, &run->abort_reason_, [&]() -> size_t {
    const size_t len = size * n;
    run->header_bytes_ += len;
    if (run->header_bytes_ > kMaxHeaderBytes) {
      run->abort_reason_ = "response headers over " + std::to_string(kMaxHeaderBytes) + " bytes";
      return 0;
    }
    // Trailers arrive here too, after the body: grpc-status usually is one.
    std::string name;
    std::string_view value;
    if (!SplitHeaderLine(std::string_view(data, len), &name, &value)) return len;
    if (name == "content-type") run->content_type_ = LowerAscii(value);
    if (name == "grpc-status") run->grpc_status_ = std::string(value);
    if (name == "grpc-message") run->grpc_message_ = PercentDecode(value);
    return len;
  });
}

CURLcode GrpcProbeRun::OnSslContext(CURL*, void* ssl_ctx, void* self) {
  auto* run = static_cast<GrpcProbeRun*>(self);
  return CallbackBoundary(CURLE_ABORTED_BY_CALLBACK, &run->abort_reason_, [&] {
    InstallTlsFactsCapture(static_cast<SSL_CTX*>(ssl_ctx), &run->tls_);
    return CURLE_OK;
  });
}

void GrpcProbeRun::OnTransferDone(CURLcode code) {
  check_seconds_ = SecondsBetween(check_start_, Clock::now());
  CURL* easy = easy_.get();
  curl_off_t connect_us = 0;
  curl_off_t tls_us = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &tls_us);
  tls_done_ = config_.tls && tls_us > 0;
  if (code != CURLE_OK) {
    const bool by_us = !abort_reason_.empty();
    const std::string err = by_us                   ? abort_reason_
                            : error_buffer_[0] != 0 ? std::string(error_buffer_)
                                                    : std::string(curl_easy_strerror(code));
    status_code_ = code == CURLE_OPERATION_TIMEDOUT ? kGrpcDeadlineExceeded : kGrpcUnavailable;
    Fail(ReasonForCurlError(code, TransferProgress{true, connect_us > 0}, by_us, err),
         "Error for gRPC health check", err);
    return;
  }
  Judge();
}

void GrpcProbeRun::Judge() {
  CURL* easy = easy_.get();
  long http_version = 0;
  long http_status = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &http_version);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http_status);
  if (http_version != CURL_HTTP_VERSION_2_0) {
    status_code_ = kGrpcUnknown;
    Fail(FailureReason::kProtocol, "Server did not speak HTTP/2",
         "HTTP status " + std::to_string(http_status));
    return;
  }
  if (http_status != 200) {
    // Not from a gRPC server as such: a proxy or load balancer in front.
    status_code_ = GrpcStatusForHttpStatus(http_status);
    Fail(ReasonForStatus(http_status), "Unexpected HTTP status",
         "HTTP status " + std::to_string(http_status));
    return;
  }
  if (content_type_.rfind("application/grpc", 0) != 0) {
    status_code_ = kGrpcUnknown;
    Fail(FailureReason::kProtocol, "Not a gRPC response", "content-type \"" + content_type_ + "\"");
    return;
  }
  const std::optional<int> grpc_status =
      grpc_status_ ? ParseGrpcStatus(*grpc_status_) : std::nullopt;
  if (!grpc_status) {
    status_code_ = kGrpcUnknown;
    Fail(FailureReason::kProtocol, "Response without a valid grpc-status",
         grpc_status_ ? "grpc-status \"" + *grpc_status_ + "\"" : "no grpc-status trailer");
    return;
  }
  status_code_ = *grpc_status;
  if (status_code_ != kGrpcOk) {
    Fail(ReasonForGrpcStatus(status_code_), "Health check returned an error status",
         GrpcStatusName(status_code_) + (grpc_message_.empty() ? "" : ": " + grpc_message_));
    return;
  }
  std::string error;
  serving_status_ = DecodeHealthCheckResponse(body_, &error);
  if (!serving_status_) {
    status_code_ = kGrpcUnknown;
    Fail(FailureReason::kProtocol, "Malformed health check response", error);
    return;
  }
  const std::string serving(ServingStatusName(*serving_status_));
  if (*serving_status_ != kServing) {
    // The call worked end to end and the server answered: the answer itself
    // says it is not serving (unhealthy, draining, or the service is not
    // there), like a response whose content fails an assertion.
    Fail(FailureReason::kContent, "Server is not serving", "serving_status " + serving);
    return;
  }
  result().log.Info("Health check succeeded", {{"serving_status", serving}});
  result().success = true;
  Finish();
}

void GrpcProbeRun::Stop() {
  if (easy_) {
    transfers_->Remove(easy_.get());
    easy_.reset();
  }
}

void GrpcProbeRun::Report(ProbeResult* result) {
  ProbeResult& r = *result;
  lookup().AddSamples(&r);
  const std::pair<std::string_view, double> phases[] = {{"resolve", lookup().seconds()},
                                                        {"check", check_seconds_}};
  for (const auto& [name, seconds] : phases) {
    r.Add(metric::kGrpcDuration, {{"phase", std::string(name)}}, seconds);
    r.phases.push_back(PhaseTiming{name, seconds});
  }
  r.Add(metric::kGrpcSsl, tls_done_ ? 1 : 0);
  r.Add(metric::kGrpcStatusCode, status_code_);
  for (size_t i = 0; i < kServingStatusNames.size(); ++i) {
    const bool is =
        serving_status_ && ServingStatusName(*serving_status_) == kServingStatusNames[i];
    r.Add(metric::kGrpcHealthcheckResponse,
          {{"serving_status", std::string(kServingStatusNames[i])}}, is ? 1 : 0);
  }
  if (config_.tls) AddTlsSamples(tls_, &r);
}

}  // namespace outage
