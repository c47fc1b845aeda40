// GrpcProbeRun: one gRPC health check: resolve the host (c-ares, on the
// loop), then one HTTP/2 POST of grpc.health.v1.Health/Check through
// libcurl, pinned to the resolved address, and judge its status, trailers
// and message.
//
// Thread-safety: loop thread only. Owned by GrpcProber.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/http/curl_handles.h"
#include "collectors/probe_target.h"
#include "collectors/prober.h"
#include "collectors/tls_facts.h"

namespace outage {

class GrpcProber;

class GrpcProbeRun {
 public:
  // What a hostile or broken server can make one probe hold in memory.
  static constexpr size_t kMaxBodyBytes = 64 * 1024;
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  GrpcProbeRun(GrpcProber* owner, ProbeRequest request, ProbeCallback done);
  ~GrpcProbeRun();
  GrpcProbeRun(const GrpcProbeRun&) = delete;
  GrpcProbeRun& operator=(const GrpcProbeRun&) = delete;

  // Begin starts the probe (or finishes at once on a bad target).
  void Begin();
  // Cancel ends the probe now with a failed result.
  void Cancel(std::string_view why);
  // OnTransferDone judges the finished health check call.
  void OnTransferDone(CURLcode code);

  bool finished() const { return finished_; }

 private:
  using Clock = std::chrono::steady_clock;

  void StartCheck(const ResolvedAddress& address);
  // Configure sets up the transfer; false when curl refuses an option.
  bool Configure(const ResolvedAddress& address);
  // Judge turns a completed HTTP/2 exchange into the probe's verdict.
  void Judge();

  static size_t OnBody(char* data, size_t size, size_t n, void* self);
  static size_t OnHeader(char* data, size_t size, size_t n, void* self);
  static CURLcode OnSslContext(CURL* easy, void* ssl_ctx, void* self);

  void Fail(FailureReason reason, std::string_view message, const std::string& error = "");
  void Finish();
  void ReleaseIfFinished();

  GrpcProber* owner_;
  ProbeRequest request_;
  const GrpcProbe& config_;
  ProbeCallback done_;
  ProbeResult result_;
  bool finished_ = false;

  std::string host_;
  int port_ = 0;
  TargetLookup lookup_;  // the resolve phase
  Clock::time_point check_start_;
  double check_seconds_ = 0;

  CurlEasy easy_;
  CurlSlist headers_;
  CurlSlist connect_to_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::string body_;
  size_t header_bytes_ = 0;
  std::string limit_error_;
  std::string content_type_;
  std::optional<std::string> grpc_status_;  // the grpc-status header, raw
  std::string grpc_message_;
  TlsFacts tls_;
  bool tls_done_ = false;

  int status_code_ = 14;  // probe_grpc_status_code; UNAVAILABLE until an answer
  std::optional<int> serving_status_;
};

}  // namespace outage
