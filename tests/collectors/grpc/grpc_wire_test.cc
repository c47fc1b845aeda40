// grpc.health.v1 by hand: request framing and encoding, response decoding
// (including what a hostile server might send), status names and the
// mapping of gRPC and HTTP statuses to the reason taxonomy.
#include "collectors/grpc/grpc_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace outage {
namespace {

std::string Framed(const std::string& message) {
  std::string out(5, '\0');
  out[4] = static_cast<char>(message.size());
  return out + message;
}

TEST(GrpcWireTest, RequestForWholeServerIsAnEmptyMessage) {
  EXPECT_EQ(EncodeHealthCheckRequest(""), std::string(5, '\0'));
}

TEST(GrpcWireTest, RequestCarriesServiceAsField1) {
  EXPECT_EQ(EncodeHealthCheckRequest("svc"), Framed(std::string("\x0a\x03svc", 5)));
  // A 200-byte name needs a two-byte varint length and a 203-byte frame.
  const std::string long_name(200, 'a');
  const std::string request = EncodeHealthCheckRequest(long_name);
  EXPECT_EQ(request.substr(0, 5), std::string("\x00\x00\x00\x00\xcb", 5));
  EXPECT_EQ(request.substr(5, 3), std::string("\x0a\xc8\x01", 3));
}

TEST(GrpcWireTest, DecodesEachServingStatus) {
  std::string error;
  EXPECT_EQ(DecodeHealthCheckResponse(Framed("\x08\x01"), &error), 1);
  EXPECT_EQ(DecodeHealthCheckResponse(Framed("\x08\x02"), &error), 2);
  EXPECT_EQ(DecodeHealthCheckResponse(Framed("\x08\x03"), &error), 3);
  // proto3 leaves a zero value out: an empty message is UNKNOWN.
  EXPECT_EQ(DecodeHealthCheckResponse(Framed(""), &error), 0);
}

TEST(GrpcWireTest, SkipsUnknownFields) {
  std::string error;
  // field 2 (length-delimited "hi"), field 3 (varint 300), field 4 (fixed32), then status.
  const std::string message = std::string("\x12\x02hi\x18\xac\x02\x25\x01\x02\x03\x04\x08\x01", 14);
  EXPECT_EQ(DecodeHealthCheckResponse(Framed(message), &error), 1) << error;
}

TEST(GrpcWireTest, RejectsMalformedResponses) {
  std::string error;
  EXPECT_FALSE(DecodeHealthCheckResponse("", &error));
  EXPECT_EQ(error, "no response message");
  EXPECT_FALSE(DecodeHealthCheckResponse(std::string("\0\0", 2), &error));
  EXPECT_EQ(error, "truncated message prefix");
  EXPECT_FALSE(DecodeHealthCheckResponse(std::string("\x01\0\0\0\x02\x08\x01", 7), &error));
  EXPECT_EQ(error, "compressed response message (no compression was offered)");
  EXPECT_FALSE(DecodeHealthCheckResponse(std::string("\0\0\0\0\x09\x08\x01", 7), &error));
  EXPECT_EQ(error, "message length 9 does not match the 2 bytes received");
  EXPECT_FALSE(DecodeHealthCheckResponse(Framed("\x08"), &error));
  EXPECT_EQ(error, "malformed status value");
  EXPECT_FALSE(DecodeHealthCheckResponse(Framed("\x12\x05hi"), &error));
  EXPECT_EQ(error, "malformed protobuf field");
  EXPECT_FALSE(DecodeHealthCheckResponse(Framed("\x0b"), &error));  // a group
  EXPECT_EQ(error, "malformed protobuf field");
}

TEST(GrpcWireTest, ServingStatusNames) {
  EXPECT_EQ(ServingStatusName(1), "SERVING");
  EXPECT_EQ(ServingStatusName(2), "NOT_SERVING");
  EXPECT_EQ(ServingStatusName(3), "SERVICE_UNKNOWN");
  EXPECT_EQ(ServingStatusName(0), "UNKNOWN");
  EXPECT_EQ(ServingStatusName(42), "UNKNOWN");
  EXPECT_EQ(ServingStatusName(-1), "UNKNOWN");
}

TEST(GrpcWireTest, StatusCodesParseAndName) {
  EXPECT_EQ(ParseGrpcStatus("0"), 0);
  EXPECT_EQ(ParseGrpcStatus("14"), 14);
  EXPECT_FALSE(ParseGrpcStatus(""));
  EXPECT_FALSE(ParseGrpcStatus("OK"));
  EXPECT_FALSE(ParseGrpcStatus("1 "));
  EXPECT_FALSE(ParseGrpcStatus("-1"));
  EXPECT_EQ(GrpcStatusName(0), "OK");
  EXPECT_EQ(GrpcStatusName(12), "UNIMPLEMENTED");
  EXPECT_EQ(GrpcStatusName(16), "UNAUTHENTICATED");
  EXPECT_EQ(GrpcStatusName(17), "CODE_17");
}

TEST(GrpcWireTest, ReasonsFollowTheCanonicalHttpMapping) {
  EXPECT_EQ(ReasonForGrpcStatus(8), FailureReason::kHttp429);      // RESOURCE_EXHAUSTED
  EXPECT_EQ(ReasonForGrpcStatus(14), FailureReason::kHttp5xx);     // UNAVAILABLE
  EXPECT_EQ(ReasonForGrpcStatus(13), FailureReason::kHttp5xx);     // INTERNAL
  EXPECT_EQ(ReasonForGrpcStatus(2), FailureReason::kHttp5xx);      // UNKNOWN
  EXPECT_EQ(ReasonForGrpcStatus(4), FailureReason::kTimeout);      // DEADLINE_EXCEEDED
  EXPECT_EQ(ReasonForGrpcStatus(12), FailureReason::kProtocol);    // UNIMPLEMENTED
  EXPECT_EQ(ReasonForGrpcStatus(5), FailureReason::kHttpStatus);   // NOT_FOUND
  EXPECT_EQ(ReasonForGrpcStatus(16), FailureReason::kHttpStatus);  // UNAUTHENTICATED
  EXPECT_EQ(GrpcStatusForHttpStatus(503), 14);
  EXPECT_EQ(GrpcStatusForHttpStatus(429), 14);
  EXPECT_EQ(GrpcStatusForHttpStatus(404), 12);
  EXPECT_EQ(GrpcStatusForHttpStatus(401), 16);
  EXPECT_EQ(GrpcStatusForHttpStatus(500), 2);
}

TEST(GrpcWireTest, GrpcMessageIsPercentDecoded) {
  EXPECT_EQ(PercentDecode("unknown%20service%3A x"), "unknown service: x");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace outage
