#include "collectors/http/http_prober.h"

#include <memory>
#include <utility>

#include "collectors/http/header_text.h"
#include "collectors/http/http_probe_run.h"

namespace outage {

NormalizedTarget NormalizeHttpTarget(std::string_view target) {
  NormalizedTarget out;
  std::string url(target);
  if (url.empty()) {
    out.error = "empty target";
    return out;
  }
  // "http:user:pw@host" and "http:\\host" would be taken for scheme-less
  // targets and fetched as http://http:user:pw@host; Go refuses them too.
  const std::string head = LowerAscii(url.substr(0, 8));
  if ((head.rfind("http:", 0) == 0 && head.rfind("http://", 0) != 0) ||
      (head.rfind("https:", 0) == 0 && head.rfind("https://", 0) != 0)) {
    out.error = "invalid target URL: the scheme must be followed by \"//\"";
    return out;
  }
  // blackbox: a target without a scheme is an http:// URL.
  if (url.find("://") == std::string::npos) url = "http://" + url;
  CurlUrl u(curl_url());
  if (!u) {
    out.error = "out of memory";
    return out;
  }
  const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    out.error = std::string("invalid target URL: ") + curl_url_strerror(rc);
    return out;
  }
  const std::string s = CurlUrlPart(u.get(), CURLUPART_SCHEME);
  if (s != "http" && s != "https") {
    out.error = "unsupported URL scheme \"" + s + "\": only http and https are probed";
    return out;
  }
  std::string host_error;
  out.parsed = ParseUrl(u.get(), url, &host_error);
  if (out.parsed.host.empty()) {
    out.parsed = ParsedUrl{};
    out.error = "invalid target URL: " + (host_error.empty() ? "no host" : host_error);
    return out;
  }
  out.url = std::move(url);
  return out;
}

HttpProber::HttpProber(const ProbeContext& context) : CurlProber(context) {}

TargetCheck HttpProber::CheckTarget(std::string_view target) const {
  NormalizedTarget t = NormalizeHttpTarget(target);
  if (!t.error.empty()) return {std::move(t.error), std::nullopt};
  return {std::nullopt, std::move(t.parsed.host)};
}

void HttpProber::Start(ProbeRequest request, ProbeCallback done) {
  NormalizedTarget t = NormalizeHttpTarget(request.target);
  runs().Start(std::make_unique<HttpProbeRun>(context(), transfers(), &oauth2_tokens_,
                                              std::move(request), std::move(t.parsed),
                                              std::move(done)));
}

}  // namespace outage
