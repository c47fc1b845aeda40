#include "exporter/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <strings.h>

#include <cstring>
#include <exception>

#include "exporter/logger.h"

namespace outage {
namespace {

void Send(mg_connection* conn, const HttpResponse& response) {
  mg_response_header_start(conn, response.status);
  mg_response_header_add(conn, "Content-Type", response.content_type.c_str(), -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(response.body.size()).c_str(),
                         -1);
  for (const auto& [name, value] : response.headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (!response.body.empty()) mg_write(conn, response.body.data(), response.body.size());
}

int LogCivetMessage(const mg_connection*, const char* message) {
  // Debug level: the errors that matter (bind failures) are reported by
  // Start() as one clear line; this is detail.
  Log().Debug("HTTP server", {{"detail", message}});
  return 1;  // handled: CivetWeb does not print it again
}

}  // namespace

std::optional<std::string> HttpRequest::Param(const char* name) const {
  if (query.empty()) return std::nullopt;
  std::string buf(query.size() + 1, '\0');
  const int n = mg_get_var(query.data(), query.size(), name, buf.data(), buf.size());
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  }
  return std::nullopt;
}

std::optional<std::string> ParseListenAddress(std::string_view text, ListenAddress* out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return "invalid listen address \"" + std::string(text) + "\": want host:port or :port";
  }
  std::string host(text.substr(0, colon));
  const std::string port(text.substr(colon + 1));
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos;
  const long p = digits ? std::strtol(port.c_str(), nullptr, 10) : -1;
  if (p < 0 || p > 65535) {
    return "invalid listen address \"" + std::string(text) + "\": bad port";
  }
  if (host.size() >= 2 && host.front() == '[') {
    return "invalid listen address \"" + std::string(text) +
           "\": IPv6 listening is not supported by this build (Debian's CivetWeb has no IPv6)";
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host == "0.0.0.0") host.clear();
  in_addr addr{};
  if (!host.empty() && inet_pton(AF_INET, host.c_str(), &addr) != 1) {
    return "invalid listen address \"" + std::string(text) + "\": host must be an IPv4 address";
  }
  out->host = host;
  out->port = static_cast<int>(p);
  return std::nullopt;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string path, HttpHandler handler) {
  routes_[path] = Route{path, std::move(handler)};
}

std::optional<std::string> HttpServer::Start(const ListenAddress& address, int worker_threads) {
  const std::string ports =
      (address.host.empty() ? "" : address.host + ":") + std::to_string(address.port);
  const std::string threads = std::to_string(worker_threads);
  const char* options[] = {"listening_ports",
                           ports.c_str(),
                           "num_threads",
                           threads.c_str(),
                           "enable_keep_alive",
                           "yes",
                           "keep_alive_timeout_ms",
                           "5000",
                           "request_timeout_ms",
                           "30000",
                           // Headers and body are separate writes: without
                           // this, Nagle + delayed ACK add 40 ms per response.
                           "tcp_nodelay",
                           "1",
                           nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = &LogCivetMessage;
  char error_text[256] = {};
  mg_error_data error{};
  error.text = error_text;
  error.text_buffer_size = sizeof error_text;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.configuration_options = options;
  ctx_ = mg_start2(&init, &error);
  if (ctx_ == nullptr) {
    return "cannot listen on " + (address.host.empty() ? std::string("*") : address.host) + ":" +
           std::to_string(address.port) + ": " +
           (error_text[0] ? error_text : "unknown error");
  }
  mg_server_port bound[4] = {};
  if (mg_get_server_ports(ctx_, 4, bound) > 0) port_ = bound[0].port;
  for (auto& [path, route] : routes_) {
    mg_set_request_handler(ctx_, path.c_str(), &HttpServer::Dispatch, &route);
  }
  return std::nullopt;
}

void HttpServer::Stop() {
  if (ctx_ == nullptr) return;
  mg_stop(ctx_);
  ctx_ = nullptr;
}

int HttpServer::Dispatch(mg_connection* conn, void* route_ptr) {
  const Route& route = *static_cast<const Route*>(route_ptr);
  const mg_request_info* info = mg_get_request_info(conn);
  HttpRequest request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "";
  request.query = info->query_string ? info->query_string : "";
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers.emplace_back(info->http_headers[i].name, info->http_headers[i].value);
  }
  HttpResponse response;
  try {
    // CivetWeb matches handler paths as prefixes; ours are exact.
    response = request.path == route.path ? route.handler(request)
                                          : HttpResponse::Text(404, "404 page not found\n");
  } catch (const std::exception& e) {
    // Every handler is an exception boundary: one bad request never takes
    // the server down.
    Log().Error("Handler failed", {{"path", request.path}, {"err", e.what()}});
    response = HttpResponse::Text(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    Log().Error("Handler failed", {{"path", request.path}, {"err", "unknown exception"}});
    response = HttpResponse::Text(500, "internal error\n");
  }
  Send(conn, response);
  return response.status;
}

}  // namespace outage
