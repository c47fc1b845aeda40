// HttpServer: the exporter's HTTP/1.1 listener (plain or TLS). One event
// thread (epoll) accepts connections, runs TLS handshakes and reads request
// heads, so a connection costs no thread however long it stays silent, slow
// or idle; only complete requests reach a handler: on a pool of worker
// threads, on the event thread itself for routes that never block
// (/-/healthy, /-/ready), or, for asynchronous routes (/probe), started on
// the event thread and answered later from whichever thread finishes them,
// with no thread waiting meanwhile. Every connection is bounded: head size (16 KiB,
// else 431), time to a complete head, idle keep-alive time, write stalls and
// the number open (past it the oldest idle connection is closed first, never
// a request in flight). OpenSSL and socket types stay out of this header.
//
// Thread-safety: Handle() and HandleAsync() before Start() only; Stop(), AddMetrics() and the
// accessors from any thread; handlers run concurrently on the workers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/web_config_loader.h"
#include "exporter/exposition/family_set.h"
#include "exporter/server/http_request.h"
#include "exporter/server/listen_address.h"
#include "exporter/server/server_tls.h"

namespace outage {

struct RouteOptions {
  // methods is the Allow list; other methods get 405. HEAD is allowed
  // wherever GET is.
  std::string methods = "GET, HEAD";
  // on_event_thread: the handler is cheap and never blocks, so it answers
  // without waiting for a worker (when no basic auth must be checked first).
  bool on_event_thread = false;
  // gate, when set, admits the request before it waits for a worker: it
  // returns an answer to send at once (a 503 over a cap), or nullopt after
  // storing what it reserved in request->admission. It runs on the event
  // thread, so it must be cheap and never block; with basic auth it runs on
  // the worker after the credentials are checked.
  std::function<std::optional<HttpResponse>(HttpRequest* request)> gate;
  // subtree: the route (a path ending in '/') also answers every path below
  // it that no exact route takes (/incidents/17); the longest one wins.
  bool subtree = false;
  // max_body_bytes: a request body with a Content-Length up to this many
  // bytes is read (within the head timeout) into HttpRequest::body; 0, a
  // larger one or a chunked one is refused with 413.
  size_t max_body_bytes = 0;
};

struct HttpServerOptions {
  int worker_threads = 16;
  int max_connections = 1024;                      // --web.max-connections
  std::chrono::milliseconds head_timeout{10000};   // accept or last response to a whole head
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive without a new request
  std::chrono::milliseconds write_timeout{30000};  // a response write without progress
};

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Handle routes requests for exactly `path` to `handler`.
  void Handle(std::string path, HttpHandler handler, RouteOptions options = {});
  // HandleAsync routes requests for `path` to an asynchronous handler,
  // started on the event thread (on a worker after basic auth) and answered
  // through its HttpResponder. options.on_event_thread does not apply.
  void HandleAsync(std::string path, AsyncHttpHandler handler, RouteOptions options = {});

  // Start binds every address and starts serving; returns an error text on
  // failure. With `web` (--web.config.file) it serves HTTPS
  // (tls_server_config) and asks every request, on every path, for basic
  // auth (basic_auth_users); when `web_config_path` names the file `web`
  // came from, later changes to it (users, certificate and key) apply while
  // running (WebConfigWatch).
  std::optional<std::string> Start(const std::vector<ListenAddress>& addresses,
                                   const HttpServerOptions& options,
                                   const WebConfig& web = WebConfig{},
                                   const std::string& web_config_path = "");
  // port is the first address's bound port (useful with port 0); ports()
  // are all of them, in the order given to Start.
  int port() const { return ports_.empty() ? 0 : ports_.front(); }
  const std::vector<int>& ports() const { return ports_; }

  // Stop stops accepting, closes connections that have no request running,
  // lets running requests finish and write their answers (for a few seconds
  // at most), then joins every thread. Idempotent.
  void Stop();

  // AddMetrics adds the server's own state: connections by state, closed
  // connections by reason, and request durations per route.
  void AddMetrics(FamilySet* out) const;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
  std::vector<int> ports_;
};

}  // namespace outage
