#include "exporter/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <dlfcn.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <strings.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <exception>

#include "exporter/basic_auth.h"
#include "exporter/logger.h"

namespace outage {
namespace {

// KeepAlive says whether CivetWeb keeps this connection open after the
// response, by the rules of its should_keep_alive() (keep-alive is enabled):
// the client's Connection header if it sent one, else HTTP/1.1's default.
bool KeepAlive(const mg_request_info* info) {
  for (int i = 0; i < info->num_headers; ++i) {
    if (strcasecmp(info->http_headers[i].name, "Connection") == 0) {
      return strcasestr(info->http_headers[i].value, "keep-alive") != nullptr;
    }
  }
  return info->http_version != nullptr && std::strcmp(info->http_version, "1.1") == 0;
}

// Bodies up to this size go out in the same write as the headers; larger
// ones (a /metrics scrape of many targets) are not copied for it.
constexpr size_t kCoalesceBodyBytes = 64 * 1024;

// Send writes the response with one mg_write when it is small: CivetWeb's
// header functions send the status line and every header as a send() of its
// own (about 7 per /probe, each a loopback segment with TCP_NODELAY).
void Send(mg_connection* conn, const mg_request_info* info, const HttpResponse& response) {
  size_t length = response.body.size();
  for (const std::string& part : response.body_parts) length += part.size();
  char date[64];
  const time_t now = time(nullptr);
  tm utc{};
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &utc));
  std::string out;
  const bool coalesce = length <= kCoalesceBodyBytes;
  out.reserve(256 + (coalesce ? length : 0));
  out.append("HTTP/").append(info->http_version ? info->http_version : "1.1");
  out.append(" ").append(std::to_string(response.status)).append(" ");
  out.append(mg_get_response_code_text(conn, response.status)).append("\r\n");
  out.append("Date: ").append(date).append("\r\n");
  out.append("Connection: ").append(KeepAlive(info) ? "keep-alive" : "close").append("\r\n");
  out.append("Content-Type: ").append(response.content_type).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  if (coalesce) {
    out.append(response.body);
    for (const std::string& part : response.body_parts) out.append(part);
    mg_write(conn, out.data(), out.size());
    return;
  }
  mg_write(conn, out.data(), out.size());
  if (!response.body.empty() && mg_write(conn, response.body.data(), response.body.size()) <= 0) {
    return;  // the client went away
  }
  for (const std::string& part : response.body_parts) {
    if (!part.empty() && mg_write(conn, part.data(), part.size()) <= 0) return;
  }
}

int LogCivetMessage(const mg_connection*, const char* message) {
  // Debug level: the errors that matter (bind failures) are reported by
  // Start() as one clear line; this is detail.
  Log().Debug("HTTP server", {{"detail", message}});
  return 1;  // handled: CivetWeb does not print it again
}

int TlsVersion(const std::string& name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS12") return TLS1_2_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return 0;  // OpenSSL's own bound
}

std::string OpenSslError(const std::string& doing) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  return doing + ": " + text;
}

// AcceptAnyCertificate is the verify callback of RequestClientCert and
// RequireAnyClientCert: a certificate is asked for, not checked.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

// ConfigureServerContext sets up `ctx` from tls_server_config, as the
// exporter-toolkit configures Go's tls.Config; "" on success.
std::string ConfigureServerContext(const WebTlsConfig& tls, SSL_CTX* ctx) {
  std::string error;
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    error = OpenSslError("cannot load cert_file " + tls.cert_file);
  } else if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = OpenSslError("cannot load key_file " + tls.key_file);
  } else if (SSL_CTX_check_private_key(ctx) != 1) {
    error = OpenSslError("key_file does not match cert_file");
  } else if (SSL_CTX_set_min_proto_version(ctx, TlsVersion(tls.min_version)) != 1 ||
             SSL_CTX_set_max_proto_version(ctx, TlsVersion(tls.max_version)) != 1) {
    error = OpenSslError("cannot set the TLS version range");
  }
  const std::string& auth = tls.client_auth_type;
  const bool verify = auth == "VerifyClientCertIfGiven" || auth == "RequireAndVerifyClientCert";
  if (error.empty() && verify) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr ||
        SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      error = OpenSslError("cannot load client_ca_file " + tls.client_ca_file);
      if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
    } else {
      SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
    }
  }
  if (error.empty()) {
    const int require = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    if (auth == "RequestClientCert") {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &AcceptAnyCertificate);
    } else if (auth == "RequireAnyClientCert") {
      SSL_CTX_set_verify(ctx, require, &AcceptAnyCertificate);
    } else if (auth == "VerifyClientCertIfGiven") {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else if (auth == "RequireAndVerifyClientCert") {
      SSL_CTX_set_verify(ctx, require, nullptr);
    } else {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    // Session resumption with client certificates needs a context id.
    static const unsigned char kSessionContext[] = "outage_exporter";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  }
  return error;
}

// The shims of civetweb_ssl_shim.c and civetweb_crypto_shim.c, installed
// beside the binary.
constexpr const char* kSslShims[] = {"liboutage_civetweb_crypto_shim.so",
                                     "liboutage_civetweb_ssl_shim.so"};

// LoadSslShims loads the shims before CivetWeb loads OpenSSL, so that its
// dlopen("libssl.so") and dlopen("libcrypto.so") find them; "" on success.
// Idempotent.
std::string LoadSslShims() {
  char exe[PATH_MAX] = {};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  std::string dir = n > 0 ? std::string(exe, static_cast<size_t>(n)) : "";
  dir = dir.substr(0, dir.rfind('/') + 1);
  for (const char* shim : kSslShims) {
    const std::string path = dir + shim;
    if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
      const char* error = dlerror();
      return std::string("cannot load ") + path +
             " (needed for TLS with Debian's CivetWeb): " + (error ? error : "unknown error");
    }
  }
  return "";
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

std::optional<std::string> CheckServerTls(const WebTlsConfig& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return OpenSslError("cannot create TLS context");
  const std::string error = ConfigureServerContext(tls, ctx);
  SSL_CTX_free(ctx);
  if (!error.empty()) return "tls_server_config: " + error;
  return std::nullopt;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(const std::string& path, HttpHandler handler) {
  routes_[path] = Route{path, std::move(handler), this};
}

int HttpServer::OnInitSsl(void* ssl_ctx, void* self) {
  auto* server = static_cast<HttpServer*>(self);
  if (!server->web_.tls) return 0;
  // CivetWeb created the context (and loaded its OpenSSL functions); we
  // configure all of it, so it sets up nothing more.
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  server->tls_error_ = ConfigureServerContext(*server->web_.tls, ctx);
  if (!server->tls_error_.empty()) return -1;
  SSL_CTX_set_cert_cb(ctx, &HttpServer::OnCertificate, server);
  return 1;
}

int HttpServer::OnCertificate(SSL* ssl, void* self) {
  const auto state = static_cast<HttpServer*>(self)->watch_->Current();
  // Without a loaded certificate the context's own (from start) serves.
  if (state->certificate == nullptr) return 1;
  return state->certificate->UseOn(ssl) ? 1 : 0;
}

std::optional<std::string> HttpServer::Start(const std::vector<ListenAddress>& addresses,
                                             int worker_threads, const WebConfig& web,
                                             const std::string& web_config_path) {
  web_ = web;
  if (!web_config_path.empty() || web_.tls || !web_.basic_auth_users.empty()) {
    watch_ = std::make_unique<WebConfigWatch>(web_config_path, web_);
  }
  if (web_.tls) {
    const std::string shim_error = LoadSslShims();
    if (!shim_error.empty()) return shim_error;
  }
  // CivetWeb takes every listener as one comma-separated option.
  std::string ports;
  std::string names;  // for the error text
  for (const ListenAddress& address : addresses) {
    const std::string name =
        (address.host.empty() ? "" : address.host) + ":" + std::to_string(address.port);
    ports += (ports.empty() ? "" : ",") + (address.host.empty() ? name.substr(1) : name) +
             (web_.tls ? "s" : "");
    names += (names.empty() ? "" : ", ") + (address.host.empty() ? "*" + name : name);
  }
  const std::string threads = std::to_string(worker_threads);
  const char* options[] = {"listening_ports", ports.c_str(), "num_threads", threads.c_str(),
                           "enable_keep_alive", "yes", "keep_alive_timeout_ms", "5000",
                           "request_timeout_ms", "30000",
                           // A large body is a second write: without this,
                           // Nagle + delayed ACK add 40 ms to such responses.
                           "tcp_nodelay", "1", nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = &LogCivetMessage;
  callbacks.init_ssl = &HttpServer::OnInitSsl;
  char error_text[256] = {};
  mg_error_data error{};
  error.text = error_text;
  error.text_buffer_size = sizeof error_text;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.configuration_options = options;
  init.user_data = this;
  ctx_ = mg_start2(&init, &error);
  if (ctx_ == nullptr) {
    if (!tls_error_.empty()) return "tls_server_config: " + tls_error_;
    return "cannot listen on " + names + ": " + (error_text[0] ? error_text : "unknown error");
  }
  std::vector<mg_server_port> bound(addresses.size());
  const int n = mg_get_server_ports(ctx_, static_cast<int>(bound.size()), bound.data());
  ports_.clear();
  for (int i = 0; i < n; ++i) ports_.push_back(bound[i].port);
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
    // CivetWeb matches handler paths as prefixes; ours are exact. Basic auth,
    // when configured, guards every path (as the exporter-toolkit does).
    WebConfigWatch* watch = route.server->watch_.get();
    const auto web = watch != nullptr ? watch->Current() : nullptr;
    if (web != nullptr && web->auth != nullptr &&
        !web->auth->Check(request.Header("Authorization"))) {
      response = HttpResponse::Text(401, "Unauthorized\n");
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"outage_exporter\"");
    } else if (request.path == route.path) {
      response = route.handler(request);
    } else {
      response = HttpResponse::Text(404, "404 page not found\n");
    }
  } catch (const std::exception& e) {
    // Every handler is an exception boundary: one bad request never takes
    // the server down.
    Log().Error("Handler failed", {{"path", request.path}, {"err", e.what()}});
    response = HttpResponse::Text(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    Log().Error("Handler failed", {{"path", request.path}, {"err", "unknown exception"}});
    response = HttpResponse::Text(500, "internal error\n");
  }
  Send(conn, info, response);
  return response.status;
}

}  // namespace outage
