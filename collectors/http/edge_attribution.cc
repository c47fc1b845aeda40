// See edge_attribution.h.
#include "collectors/http/edge_attribution.h"

#include <re2/re2.h>

#include <memory>

namespace outage {
namespace {

Regex Compile(const char* pattern) { return Regex{pattern, std::make_shared<const RE2>(pattern)}; }

// BuiltInRules are the CDNs' documented response headers:
// - Fastly X-Served-By: "cache-{datacenter}{node}-{DATACENTER}", one entry
//   per server with shielding, the delivering edge last;
// - Cloudflare CF-RAY: "{ray id}-{IATA code of the data center}";
// - CloudFront X-Amz-Cf-Pop: "{IATA}{facility}-{tier}" ("JFK52-P2"): the
//   facility is the site, the tier is within it;
// - Akamai X-Cache "TCP_HIT from a23-67-252-148.deploy.akamaitechnologies.com"
//   or "... (AkamaiGHost/...)": names a server, not a site (and is sent only
//   to clients that ask with a Pragma debug header);
// - Google's load balancers and Cloud CDN: "Via: 1.1 google", no site.
const std::vector<EdgeRule>& BuiltInRules() {
  static const std::vector<EdgeRule> kRules = {
      {"x-served-by", Compile(R"(cache-[a-z0-9]+-([A-Z0-9]+)\s*$)"), "fastly"},
      {"cf-ray", Compile(R"(^[0-9a-fA-F]+-([A-Z0-9]{3,4})$)"), "cloudflare"},
      {"x-amz-cf-pop", Compile(R"(^([A-Z]{3}[0-9]*)(?:-[A-Z0-9]+)?$)"), "cloudfront"},
      {"x-cache", Compile(R"(akamaitechnologies\.com|AkamaiGHost)"), "akamai"},
      {"via", Compile(R"((?:^|,)\s*1\.1 google\s*(?:,|$))"), "google"},
  };
  return kRules;
}

// PlausiblePop bounds what a response can put in the pop label: a short
// site code, never free text.
bool PlausiblePop(const std::string& pop) {
  static const RE2 kPop(R"([A-Za-z0-9._-]{1,32})");
  return RE2::FullMatch(pop, kPop);
}

std::optional<EdgeSite> Match(const ResponseHeaders& headers, const EdgeRule& rule) {
  const std::vector<std::string_view> values = headers.Values(rule.header);
  for (auto value = values.rbegin(); value != values.rend(); ++value) {
    std::string pop;
    const bool matched = rule.regexp.re->NumberOfCapturingGroups() > 0
                             ? RE2::PartialMatch(*value, *rule.regexp.re, &pop)
                             : RE2::PartialMatch(*value, *rule.regexp.re);
    if (!matched) continue;
    if (!pop.empty() && !PlausiblePop(pop)) pop.clear();
    return EdgeSite{rule.cdn, pop};
  }
  return std::nullopt;
}

}  // namespace

std::optional<EdgeSite> AttributeEdge(const ResponseHeaders& headers,
                                      const std::vector<EdgeRule>& module_rules) {
  for (const auto* rules : {&module_rules, &BuiltInRules()}) {
    for (const EdgeRule& rule : *rules) {
      if (auto site = Match(headers, rule)) return site;
    }
  }
  return std::nullopt;
}

}  // namespace outage
