#include "tests/support/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace outage::test {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

extern "C" size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// AppendHeader keeps only the last response's headers: curl reports every
// response (100 Continue, redirects) through this callback.
extern "C" size_t AppendHeader(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();
    response->http_version = line.substr(0, line.find(' '));
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  std::string value = line.substr(v);
  auto [it, inserted] = response->headers.emplace(name, value);
  if (!inserted) it->second += ", " + value;
  return size * n;
}

}  // namespace

HttpResponse HttpDo(const HttpRequest& request) {
  GlobalInitOnce();
  HttpResponse response;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line.append(": ").append(value);
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // tests talk to loopback only
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (!request.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_file.c_str());
  if (request.insecure_skip_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (!request.body.empty() || request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method != "GET" && request.method != "POST" && request.method != "HEAD") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(h);
  response.elapsed = std::chrono::steady_clock::now() - start;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  response.ok = rc == CURLE_OK;
  if (!response.ok) response.error = curl_easy_strerror(rc);
  return response;
}

HttpResponse HttpGet(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.url = url;
  request.headers = headers;
  request.timeout = timeout;
  return HttpDo(request);
}

HttpResponse HttpPost(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = body;
  request.headers = headers;
  request.timeout = timeout;
  return HttpDo(request);
}

std::string UrlEncode(const std::string& text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace outage::test
