// grpc.health.v1 on the wire, by hand: the 5-byte gRPC message prefix, the
// two tiny protobuf messages (HealthCheckRequest{string service = 1},
// HealthCheckResponse{ServingStatus status = 1}), gRPC status codes and how
// each maps to the failure-reason taxonomy. Pure: unit-tested alone.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/failure_reason.h"

namespace outage {

// The path of the standard health check method.
inline constexpr char kHealthCheckPath[] = "/grpc.health.v1.Health/Check";

// ServingStatus values of grpc.health.v1.HealthCheckResponse, in enum
// order, as blackbox labels them (probe_grpc_healthcheck_response).
inline constexpr std::array<std::string_view, 4> kServingStatusNames = {
    "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
inline constexpr int kServing = 1;

// gRPC status codes the prober sets itself.
inline constexpr int kGrpcOk = 0;
inline constexpr int kGrpcUnknown = 2;
inline constexpr int kGrpcDeadlineExceeded = 4;
inline constexpr int kGrpcUnavailable = 14;

// EncodeHealthCheckRequest is the request body: one uncompressed
// length-prefixed message holding HealthCheckRequest{service}.
std::string EncodeHealthCheckRequest(std::string_view service);

// DecodeHealthCheckResponse reads the response body (one length-prefixed
// HealthCheckResponse; unknown fields skipped) into its status value, or
// returns nullopt with *error saying what is malformed.
std::optional<int> DecodeHealthCheckResponse(std::string_view body, std::string* error);

// ServingStatusName is the label for a status value ("SERVING"), or
// "UNKNOWN" for values outside the enum.
std::string_view ServingStatusName(int status);

// GrpcStatusName is "OK", "UNAVAILABLE", ... ("CODE_<n>" when unknown).
std::string GrpcStatusName(int code);

// ParseGrpcStatus reads a grpc-status header value; nullopt when it is not
// a decimal number.
std::optional<int> ParseGrpcStatus(std::string_view value);

// GrpcStatusForHttpStatus is the gRPC code a client derives from an HTTP
// status other than 200 (gRPC's "HTTP to gRPC status code mapping").
int GrpcStatusForHttpStatus(long http_status);

// ReasonForGrpcStatus classifies a non-OK status the server returned, along
// the canonical gRPC-to-HTTP mapping, so dashboards read the same for both:
// RESOURCE_EXHAUSTED → http_429; UNAVAILABLE, INTERNAL, UNKNOWN, DATA_LOSS →
// http_5xx; DEADLINE_EXCEEDED → timeout; UNIMPLEMENTED (no health service)
// → protocol; the rest (NOT_FOUND for an unknown service, auth, ...) →
// http_status.
FailureReason ReasonForGrpcStatus(int code);

// PercentDecode undoes grpc-message's percent-encoding (invalid escapes are
// kept as they are).
std::string PercentDecode(std::string_view text);

}  // namespace outage
