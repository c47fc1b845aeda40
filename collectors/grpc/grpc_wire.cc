#include "collectors/grpc/grpc_wire.h"

#include <charconv>

namespace outage {
namespace {

constexpr size_t kPrefixBytes = 5;  // compressed flag, 32-bit big-endian length

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool ReadVarint(std::string_view* in, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// SkipField skips one field's value of `wire_type`.
bool SkipField(int wire_type, std::string_view* in) {
  uint64_t n = 0;
  switch (wire_type) {
    case 0:
      return ReadVarint(in, &n);
    case 1:
      n = 8;
      break;
    case 2:
      if (!ReadVarint(in, &n)) return false;
      break;
    case 5:
      n = 4;
      break;
    default:
      return false;  // groups and reserved types
  }
  if (in->size() < n) return false;
  in->remove_prefix(static_cast<size_t>(n));
  return true;
}

}  // namespace

std::string EncodeHealthCheckRequest(std::string_view service) {
  std::string message;
  if (!service.empty()) {
    message.push_back(0x0a);  // field 1, length-delimited
    AppendVarint(service.size(), &message);
    message.append(service);
  }
  std::string out(kPrefixBytes, '\0');
  const auto len = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((len >> (24 - 8 * i)) & 0xff);
  return out + message;
}

std::optional<int> DecodeHealthCheckResponse(std::string_view body, std::string* error) {
  if (body.size() < kPrefixBytes) {
    *error = body.empty() ? "no response message" : "truncated message prefix";
    return std::nullopt;
  }
  if (body[0] != 0) {
    *error = "compressed response message (no compression was offered)";
    return std::nullopt;
  }
  uint32_t len = 0;
  for (int i = 1; i <= 4; ++i) len = (len << 8) | static_cast<uint8_t>(body[i]);
  std::string_view message = body.substr(kPrefixBytes);
  if (message.size() != len) {
    *error = "message length " + std::to_string(len) + " does not match the " +
             std::to_string(message.size()) + " bytes received";
    return std::nullopt;
  }
  int status = 0;  // proto3: an absent field is its zero value, UNKNOWN
  while (!message.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(&message, &tag)) {
      *error = "malformed protobuf field tag";
      return std::nullopt;
    }
    const int wire_type = static_cast<int>(tag & 7);
    if (tag >> 3 == 1 && wire_type == 0) {
      uint64_t value = 0;
      if (!ReadVarint(&message, &value)) {
        *error = "malformed status value";
        return std::nullopt;
      }
      status = static_cast<int>(static_cast<int32_t>(value));
    } else if (!SkipField(wire_type, &message)) {
      *error = "malformed protobuf field";
      return std::nullopt;
    }
  }
  return status;
}

std::string_view ServingStatusName(int status) {
  if (status < 0 || status >= static_cast<int>(kServingStatusNames.size())) {
    return kServingStatusNames[0];
  }
  return kServingStatusNames[static_cast<size_t>(status)];
}

std::string GrpcStatusName(int code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(std::size(kNames))) {
    return std::string(kNames[code]);
  }
  return "CODE_" + std::to_string(code);
}

std::optional<int> ParseGrpcStatus(std::string_view value) {
  int code = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, code);
  if (ec != std::errc() || ptr != end || value.empty() || code < 0) return std::nullopt;
  return code;
}

int GrpcStatusForHttpStatus(long http_status) {
  switch (http_status) {
    case 400:
      return 13;  // INTERNAL
    case 401:
      return 16;  // UNAUTHENTICATED
    case 403:
      return 7;  // PERMISSION_DENIED
    case 404:
      return 12;  // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return kGrpcUnavailable;
    default:
      return kGrpcUnknown;
  }
}

FailureReason ReasonForGrpcStatus(int code) {
  switch (code) {
    case 8:  // RESOURCE_EXHAUSTED
      return FailureReason::kHttp429;
    case kGrpcUnknown:
    case 13:  // INTERNAL
    case kGrpcUnavailable:
    case 15:  // DATA_LOSS
      return FailureReason::kHttp5xx;
    case kGrpcDeadlineExceeded:
      return FailureReason::kTimeout;
    case 12:  // UNIMPLEMENTED
      return FailureReason::kProtocol;
    default:
      return FailureReason::kHttpStatus;
  }
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex(text[i + 1]);
      const int lo = hex(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace outage
