// HttpServer: a small C++ face on CivetWeb. CivetWeb types stay out of this
// header (as prometheus-cpp's exposer.h does); handlers see plain structs.
//
// Thread-safety: Handle() before Start() only; handlers run concurrently on
// CivetWeb's worker threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/web_config_loader.h"
#include "exporter/basic_auth.h"
#include "exporter/web_config_watch.h"

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

// ListenAddress is a parsed --web.listen-address.
struct ListenAddress {
  std::string host;  // empty: every IPv4 address
  int port = 0;
};
// ParseListenAddress accepts "host:port", ":port" and "localhost:port";
// returns an error text for anything this build cannot bind.
std::optional<std::string> ParseListenAddress(std::string_view text, ListenAddress* out);

// CheckServerTls loads tls_server_config's certificate, key and client CA
// the way Start will; returns a one-line error, or nullopt when they load.
std::optional<std::string> CheckServerTls(const WebTlsConfig& tls);

class HttpServer {
 public:
  HttpServer() = default;
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Handle routes requests for exactly `path` to `handler`.
  void Handle(const std::string& path, HttpHandler handler);

  // Start binds and starts serving; returns an error text on failure. With
  // `web` (--web.config.file) it serves HTTPS (tls_server_config) and asks
  // every request, on every path, for basic auth (basic_auth_users); when
  // `web_config_path` names the file `web` came from, later changes to it
  // (users, certificate and key) apply while running (WebConfigWatch).
  std::optional<std::string> Start(const std::vector<ListenAddress>& addresses, int worker_threads,
                                   const WebConfig& web = WebConfig{},
                                   const std::string& web_config_path = "");
  std::optional<std::string> Start(const ListenAddress& address, int worker_threads,
                                   const WebConfig& web = WebConfig{}) {
    return Start(std::vector<ListenAddress>{address}, worker_threads, web);
  }
  // Port is the first address's bound port (useful with port 0); ports()
  // are all of them, in the order given to Start.
  int port() const { return ports_.empty() ? 0 : ports_.front(); }
  const std::vector<int>& ports() const { return ports_; }
  // Stop closes the listener and waits for running handlers to finish.
  void Stop();

 private:
  struct Route {
    std::string path;
    HttpHandler handler;
    const HttpServer* server = nullptr;
  };
  static int Dispatch(mg_connection* conn, void* route);
  // OnInitSsl configures CivetWeb's SSL_CTX from web_.tls.
  static int OnInitSsl(void* ssl_ctx, void* self);
  // OnCertificate gives each TLS handshake the watch's current certificate.
  static int OnCertificate(SSL* ssl, void* self);

  mg_context* ctx_ = nullptr;
  WebConfig web_;
  std::unique_ptr<WebConfigWatch> watch_;  // null: no web config
  std::string tls_error_;                  // why the TLS context could not be built
  std::vector<int> ports_;
  std::map<std::string, Route> routes_;
};

}  // namespace outage
