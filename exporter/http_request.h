// HttpRequest and HttpResponse: the web layer's own request and response
// types. Handlers are plain functions from one to the other, so they are
// unit-tested without a server, and the listener (http_server.h) is the only
// code that knows sockets.
//
// Thread-safety: plain values; a request or response belongs to one thread
// at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outage {

struct HttpRequest {
  std::string method;
  std::string path;   // percent-decoded, without the query
  std::string query;  // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  // admission is what the route's gate reserved for this request (a /probe
  // slot); released when the request is destroyed, after its answer.
  std::shared_ptr<void> admission;

  // Param returns the URL-decoded value of the first query parameter called
  // `name` ('+' is a space), if present.
  std::optional<std::string> Param(std::string_view name) const;
  // Header returns the first header called `name` (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // body_parts follow `body` on the wire: a large body built in pieces (a
  // /metrics scrape) is sent without joining it into one copy first.
  std::vector<std::string> body_parts;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// DecodeQueryComponent decodes one form-encoded query name or value: %XX
// escapes and '+' for a space. A malformed escape is kept as it is.
std::string DecodeQueryComponent(std::string_view text);

// StatusText is the reason phrase of `status` ("OK", "Not Found", ...).
const char* StatusText(int status);

}  // namespace outage
