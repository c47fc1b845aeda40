// A scriptable HTTP/1.1 (optionally HTTPS) server on 127.0.0.1:0 for probe
// tests: routes by path, canned behaviours (redirect chains and loops, slow
// answers, huge or trickled bodies, hang-ups) and per-path request counts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;  // OpenSSL stays out of this header

namespace outage::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// ServerRequest is one parsed request as the handler sees it.
struct ServerRequest {
  std::string method;
  std::string target;                          // as sent: path plus "?query"
  std::string path;                            // without the query
  std::string query;                           // without the '?'
  std::string version;                         // "HTTP/1.1"
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;                            // de-chunked

  // Header returns the named header's value (name in any case), or "".
  std::string Header(std::string_view name) const;
};

class Connection;

// ResponseWriter is how a handler answers. Every write is bounded: it gives
// up when the client goes away, the server stops, or 30 s pass without
// progress.
class ResponseWriter {
 public:
  ResponseWriter(Connection* connection, const ServerRequest* request,
                 const std::atomic<bool>* stopping, std::mutex* mu, std::condition_variable* cv);

  // Respond writes a whole response. Content-Length is added unless present;
  // a HEAD request gets no body. Returns false if the client went away.
  bool Respond(int status, const HeaderList& headers, std::string_view body);

  // WriteHead starts a streamed response of `content_length` bytes (< 0: no
  // length; the connection closes after the body).
  bool WriteHead(int status, const HeaderList& headers, int64_t content_length);

  // Write sends raw bytes; false when the client went away or the server stops.
  bool Write(std::string_view data);

  // CloseConnection ends the connection after the handler returns, whatever
  // was or was not written.
  void CloseConnection() { close_ = true; }

  // SleepFor sleeps up to `d`; returns false early when the server stops.
  bool SleepFor(std::chrono::milliseconds d);

  bool stopping() const { return stopping_->load(); }
  bool responded() const { return head_written_; }
  bool should_close() const { return close_; }

 private:
  Connection* connection_;
  const ServerRequest* request_;
  const std::atomic<bool>* stopping_;
  std::mutex* mu_;
  std::condition_variable* cv_;
  bool head_written_ = false;
  bool close_ = false;
};

using Handler = std::function<void(const ServerRequest&, ResponseWriter&)>;

// Canned handlers.
// Reply answers with a fixed status, headers and body.
Handler Reply(int status, HeaderList headers = {}, std::string body = "");
// RedirectTo answers `status` with Location: location.
Handler RedirectTo(std::string location, int status = 302);
// RedirectChain serves a prefix route "/redirect/": /redirect/N redirects to
// /redirect/N-1, and /redirect/1 to `final_path`, so N redirects in all.
Handler RedirectChain(std::string final_path = "/ok");
// Delay waits `d` (waking early when the server stops) and then runs `then`;
// on shutdown it closes without answering.
Handler Delay(std::chrono::milliseconds d, Handler then);
// HugeBody streams `bytes` bytes of 'x' with a Content-Length, stopping when
// the client goes away.
Handler HugeBody(int64_t bytes);
// CloseWithoutResponse reads the request and hangs up.
Handler CloseWithoutResponse();
// Trickle sends the headers at once, then `body` in `chunk`-byte pieces every
// `interval`.
Handler Trickle(std::string body, std::chrono::milliseconds interval, size_t chunk = 1);

struct TestHttpServerOptions {
  // HTTPS when cert_path is set.
  std::string cert_path;  // PEM chain
  std::string key_path;
  // "" (OpenSSL's default range), "TLS1.2" or "TLS1.3": pins the version.
  std::string tls_version;
  int max_connections = 64;  // concurrent connection threads
  // Where to listen: another loopback address lets several servers share
  // one port (a name with several addresses); port 0 lets the kernel pick.
  std::string address = "127.0.0.1";
  int port = 0;
};

// TestHttpServer listens on 127.0.0.1:0 with one thread per connection
// (bounded) and keep-alive. Unrouted paths get 404. The destructor stops
// accepting, wakes sleeping handlers, shuts every connection down and joins
// all threads. Thread-safe.
class TestHttpServer {
 public:
  static std::unique_ptr<TestHttpServer> Start(const TestHttpServerOptions& options,
                                               std::string* error);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Route serves `path` exactly (query ignored) with `handler`.
  void Route(const std::string& path, Handler handler);
  // RoutePrefix serves every path starting with `prefix`; exact routes win,
  // then the longest prefix.
  void RoutePrefix(const std::string& prefix, Handler handler);

  // AddStandardRoutes registers /ok (200 "ok"), /redirect/N chains to /ok,
  // and a redirect loop /loop/a <-> /loop/b.
  void AddStandardRoutes();

  int Port() const { return port_; }
  bool tls() const { return ssl_ctx_ != nullptr; }
  // BaseUrl is "http://127.0.0.1:PORT" or "https://..." (no trailing slash).
  std::string BaseUrl() const;
  // Url is BaseUrl() + path.
  std::string Url(const std::string& path) const { return BaseUrl() + path; }

  // RequestCount is how many requests arrived for `path` (query ignored).
  int RequestCount(const std::string& path) const;
  // TotalRequests is the number of requests for any path.
  int TotalRequests() const;
  // LastRequest is the most recent request for `path`, if any.
  std::optional<ServerRequest> LastRequest(const std::string& path) const;
  // ResetCounts forgets request counts and last requests (not routes), so a
  // server shared by several tests can count per test.
  void ResetCounts();
  // ConnectionsAccepted counts TCP connections (TLS handshakes included).
  int ConnectionsAccepted() const { return accepted_.load(); }

 private:
  TestHttpServer() = default;
  void AcceptLoop();
  void ServeConnection(int fd);
  Handler FindHandler(const std::string& path) const;

  int listen_fd_ = -1;
  std::string address_;
  int port_ = 0;
  SSL_CTX* ssl_ctx_ = nullptr;
  int max_connections_ = 64;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;  // stop, sleeps and free connection slots
  std::map<std::string, Handler> routes_;
  std::map<std::string, Handler> prefix_routes_;
  std::map<std::string, int> counts_;
  std::map<std::string, ServerRequest> last_;
  int total_ = 0;
  std::set<int> active_fds_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers_;
  std::thread accept_thread_;
};

}  // namespace outage::test
