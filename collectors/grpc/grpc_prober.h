// GrpcProber: blackbox's grpc prober, the standard grpc.health.v1.Health/
// Check, spoken over libcurl's HTTP/2 on the engine's event loop.
//
// Why not the libgrpc++ client: it runs its own threads and completion
// queues and its own resolver and timers, outside our single epoll loop, so
// every probe would cross threads and the engine could no longer bound and
// cancel probes the way it does for the other probers. The health check is
// one unary call with two one-field messages: libcurl (already driving the
// HTTP prober on this loop, with nghttp2 for HTTP/2, ALPN and trailers)
// carries it, and the protobuf is a few bytes encoded by hand (grpc_wire.h).
// libgrpc++ is used only by the tests, as the real server to probe.
//
// Thread-safety: loop thread only, except CheckTarget
// (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/http/curl_prober.h"
#include "collectors/tcp/host_port.h"

namespace outage {

// SplitGrpcTarget parses a gRPC target as blackbox does: "host:port", or a
// URL whose authority is host:port ("grpc://host:port", "https://...").
HostPort SplitGrpcTarget(std::string_view target);

class GrpcProbeRun;

class GrpcProber : public CurlProber<GrpcProbeRun> {
 public:
  // Defined where the run is complete (CurlProber needs it).
  explicit GrpcProber(const ProbeContext& context);

  TargetCheck CheckTarget(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
};

}  // namespace outage
