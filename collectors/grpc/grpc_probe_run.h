// GrpcProbeRun: one gRPC health check: one HTTP/2 POST of
// grpc.health.v1.Health/Check through libcurl, pinned to the address
// ProbeRun found, and the judgement of its status, trailers and message.
//
// Thread-safety: loop thread only. Owned by GrpcProber's ProbeRunSet.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/http/curl_handles.h"
#include "collectors/http/curl_multi_loop.h"
#include "collectors/probe_run.h"
#include "collectors/tcp/host_port.h"
#include "collectors/tls_facts.h"

namespace outage {

class GrpcProbeRun : public ProbeRun {
 public:
  // What a hostile or broken server can make one probe hold in memory.
  static constexpr size_t kMaxBodyBytes = 64 * 1024;
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  // The call goes through `transfers`, the prober's.
  GrpcProbeRun(const ProbeContext& context, CurlMultiLoop* transfers, ProbeRequest request,
               ProbeCallback done);
  ~GrpcProbeRun() override;

  // OnTransferDone judges the finished health check call.
  void OnTransferDone(CURLcode code);

 private:
  void Start() override;
  void OnCancel(std::string_view why) override;
  void Stop() override;
  void Report(ProbeResult* result) override;

  void StartCheck(const ResolvedAddress& address);
  // Configure sets up the transfer; false when curl refuses an option.
  bool Configure(const ResolvedAddress& address);
  // Judge turns a completed HTTP/2 exchange into the probe's verdict.
  void Judge();

  static size_t OnBody(char* data, size_t size, size_t n, void* self);
  static size_t OnHeader(char* data, size_t size, size_t n, void* self);
  static CURLcode OnSslContext(CURL* easy, void* ssl_ctx, void* self);

  CurlMultiLoop* transfers_;
  const GrpcProbe& config_;
  HostPort target_;
  Clock::time_point check_start_;
  double check_seconds_ = 0;

  CurlEasy easy_;
  CurlSlist headers_;
  CurlSlist connect_to_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::string body_;
  size_t header_bytes_ = 0;
  std::string abort_reason_;  // why our callbacks aborted the transfer, if they did
  std::string content_type_;
  std::optional<std::string> grpc_status_;  // the grpc-status header, raw
  std::string grpc_message_;
  TlsFacts tls_;
  bool tls_done_ = false;

  int status_code_ = 14;  // probe_grpc_status_code; UNAVAILABLE until an answer
  std::optional<int> serving_status_;
};

}  // namespace outage
