#include "exporter/server/web_paths.h"

#include <curl/curl.h>

#include <memory>

#include "collectors/http/curl_handles.h"

namespace outage {
namespace {

std::string TrimSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string WebPaths::Route(std::string_view path) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return route_prefix + std::string(path);
}

std::string WebPaths::Link(std::string_view path) const {
  return external_path + (path.empty() || path.front() != '/' ? "/" : "") + std::string(path);
}

std::optional<WebPaths> ComputeWebPaths(const std::string& external_url,
                                        const std::string& route_prefix,
                                        const ListenAddress& first_address, bool tls,
                                        const std::string& hostname, std::string* error) {
  const auto fail = [&](std::string why) -> std::optional<WebPaths> {
    *error = std::move(why);
    return std::nullopt;
  };
  const std::string given = !external_url.empty()
                                ? external_url
                                : std::string(tls ? "https://" : "http://") + hostname + ":" +
                                      std::to_string(first_address.port) + "/";
  CurlUrl url(curl_url());
  // Without CURLU_GUESS_SCHEME a URL lacking "scheme://" is an error, not a
  // guess: "example.org/outage" is a mistake worth reporting.
  if (url == nullptr || curl_url_set(url.get(), CURLUPART_URL, given.c_str(), 0) != CURLUE_OK) {
    return fail("--web.external-url: \"" + given + "\" is not an absolute URL");
  }
  const std::string scheme = CurlUrlPart(url.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return fail("--web.external-url: \"" + given + "\" must be an http or https URL");
  }
  if (!CurlUrlPart(url.get(), CURLUPART_QUERY).empty() ||
      !CurlUrlPart(url.get(), CURLUPART_FRAGMENT).empty()) {
    return fail("--web.external-url: \"" + given + "\" must not have a query or fragment");
  }
  WebPaths paths;
  const std::string path = TrimSlashes(CurlUrlPart(url.get(), CURLUPART_PATH));
  paths.external_path = path.empty() ? "" : "/" + path;
  std::string port = CurlUrlPart(url.get(), CURLUPART_PORT);
  paths.external_url = scheme + "://" + CurlUrlPart(url.get(), CURLUPART_HOST) +
                       (port.empty() ? "" : ":" + port) + paths.external_path;

  const std::string prefix = route_prefix.empty() ? path : TrimSlashes(route_prefix);
  if (prefix.find_first_of("?# \t") != std::string::npos) {
    return fail("--web.route-prefix: \"" + route_prefix + "\" must be a plain path");
  }
  paths.route_prefix = prefix.empty() ? "/" : "/" + prefix + "/";
  return paths;
}

}  // namespace outage
