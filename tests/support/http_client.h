// A small blocking HTTP client for tests (libcurl easy interface): one call,
// one request, everything about the answer returned as a value.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace outage::test {

struct HttpRequest {
  std::string method = "GET";  // any verb; a body is sent when non-empty
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};
  // For https: trust this CA file (default: the system store), or skip
  // verification entirely.
  std::string ca_file;
  bool insecure_skip_verify = false;
};

struct HttpResponse {
  bool ok = false;    // a complete HTTP response arrived (any status)
  std::string error;  // curl's error when !ok
  long status = 0;
  std::string http_version;  // "HTTP/1.1" etc.
  // Header names are lowercase; repeated headers are joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::duration<double> elapsed{0};  // whole request, wall clock
};

// HttpDo performs `request` without following redirects. Thread-safe.
HttpResponse HttpDo(const HttpRequest& request);

// HttpGet and HttpPost are shorthands for HttpDo.
HttpResponse HttpGet(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
HttpResponse HttpPost(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

// UrlEncode percent-encodes `text` for a query parameter value.
std::string UrlEncode(const std::string& text);

}  // namespace outage::test
