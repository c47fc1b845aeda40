// Which CDN and which of its edge sites (points of presence) answered an HTTP
// probe, read from the final response's headers. Pure functions over the
// headers, unit-tested without a network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collectors/http/response_headers.h"
#include "config/config.h"

namespace outage {

// EdgeSite names the CDN ("fastly") and the site that answered ("FRA"); pop
// is empty when the CDN's headers name no site.
struct EdgeSite {
  std::string cdn;
  std::string pop;
};

// AttributeEdge tries `module_rules` first, then the built-in rules (Fastly
// X-Served-By, Cloudflare CF-RAY, CloudFront X-Amz-Cf-Pop, Akamai X-Cache,
// Google Via); the first rule whose header has a matching value wins. For a
// header sent more than once the last value is tried first, as it is the
// one the edge nearest the client added. nullopt when no rule matches:
// unrecognised is never guessed.
std::optional<EdgeSite> AttributeEdge(const ResponseHeaders& headers,
                                      const std::vector<EdgeRule>& module_rules);

}  // namespace outage
