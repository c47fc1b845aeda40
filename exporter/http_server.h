// HttpServer: a small C++ face on CivetWeb. CivetWeb types stay out of this
// header (as prometheus-cpp's exposer.h does); handlers see plain structs.
//
// Thread-safety: Handle() before Start() only; handlers run concurrently on
// CivetWeb's worker threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct mg_context;
struct mg_connection;

namespace outage {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string query;  // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;

  // Param returns the URL-decoded query parameter `name`, if present.
  std::optional<std::string> Param(const char* name) const;
  // Header returns the first header called `name` (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// ListenAddress is a parsed --web.listen-address.
struct ListenAddress {
  std::string host;  // empty: every IPv4 address
  int port = 0;
};
// ParseListenAddress accepts "host:port", ":port" and "localhost:port";
// returns an error text for anything this build cannot bind.
std::optional<std::string> ParseListenAddress(std::string_view text, ListenAddress* out);

class HttpServer {
 public:
  HttpServer() = default;
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Handle routes requests for exactly `path` to `handler`.
  void Handle(std::string path, HttpHandler handler);

  // Start binds and starts serving; returns an error text on failure.
  std::optional<std::string> Start(const ListenAddress& address, int worker_threads);
  // Port is the bound port (useful with port 0).
  int port() const { return port_; }
  // Stop closes the listener and waits for running handlers to finish.
  void Stop();

 private:
  struct Route {
    std::string path;
    HttpHandler handler;
  };
  static int Dispatch(mg_connection* conn, void* route);

  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::map<std::string, Route> routes_;
};

}  // namespace outage
