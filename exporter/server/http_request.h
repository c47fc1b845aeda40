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
  std::string body;  // only on routes that take one (RouteOptions::max_body_bytes)
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
  // body_stream, when set, produces the rest of the body after `body`, one
  // slice at a time: it appends the next slice to *out and returns false
  // once there is nothing left. The listener asks for a slice only when the
  // client has taken most of the last one, on a worker thread, so a large
  // body (a /metrics scrape) is never held whole and a slow reader slows its
  // production instead of filling memory. Its length is not known ahead:
  // the answer is chunked (HTTP/1.1) or ends when the connection closes
  // (HTTP/1.0).
  std::function<bool(std::string* out)> body_stream;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // Html is a page of ours: never cached, sniffed or sent as a referrer,
  // and held to `csp` (its Content-Security-Policy).
  static HttpResponse Html(std::string body, const std::string& csp) {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.headers.emplace_back("Content-Security-Policy", csp);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = std::move(body);
    return r;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// HttpResponder sends the answer of a request whose handler finishes later,
// from whatever thread finishes it (an asynchronous route: a /probe answers
// when its probe ends, and no thread waits for it meanwhile). Copies share
// one answer: the first Send is sent and later ones are ignored. When every
// copy is gone unsent, the client gets a 500, so a lost callback never
// leaves a connection hanging.
//
// Thread-safe: Send from any thread.
class HttpResponder {
 public:
  using SendFn = std::function<void(HttpResponse)>;
  explicit HttpResponder(SendFn send);
  void Send(HttpResponse response) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// AsyncHttpHandler starts answering `request` and returns at once; the
// answer goes to `respond`. It runs on the listener's event thread (or a
// worker, after basic auth), so what it does before returning must be cheap
// and must never block.
using AsyncHttpHandler = std::function<void(HttpRequest request, HttpResponder respond)>;

// DecodeQueryComponent decodes one form-encoded query name or value: %XX
// escapes and '+' for a space. A malformed escape is kept as it is.
std::string DecodeQueryComponent(std::string_view text);

}  // namespace outage
