// ParseRequestHead reads one HTTP/1.x request head (request line and header
// fields) strictly by RFC 9112: anything a proxy in front of us could frame
// differently (two Content-Length values, whitespace before a colon, obs-fold,
// Transfer-Encoding with Content-Length, a bare CR) is an error, never a guess.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "exporter/server/http_request.h"

namespace outage {

// kMaxRequestHeadBytes bounds a request head; past it the answer is 431.
inline constexpr size_t kMaxRequestHeadBytes = 16 * 1024;
// kMaxRequestHeaders bounds the number of header fields; past it, 431.
inline constexpr size_t kMaxRequestHeaders = 100;

struct RequestHead {
  enum class Status { kIncomplete, kComplete, kError };
  Status status = Status::kIncomplete;

  // kComplete: the request, and how many bytes of the input its head used.
  HttpRequest request;
  size_t head_bytes = 0;
  bool http10 = false;     // HTTP/1.0 (else HTTP/1.1)
  bool keep_alive = true;  // the connection may serve another request
  bool has_body = false;   // Content-Length > 0 or Transfer-Encoding: chunked
  bool asterisk = false;   // "OPTIONS *"

  // kError: the status to answer (400, 431, 505) and why, for the body.
  int error_status = 0;
  std::string error;
};

// ParseRequestHead parses the head at the start of `input`: kIncomplete
// while no blank line ends it (and it is within kMaxRequestHeadBytes).
RequestHead ParseRequestHead(std::string_view input);

}  // namespace outage
