// AttributeEdge: each CDN's documented response headers, module rules, and
// that nothing unrecognised is ever attributed.
#include "collectors/http/edge_attribution.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>

namespace outage {
namespace {

EdgeRule Rule(const char* header, const char* pattern, const char* cdn) {
  return EdgeRule{header, Regex{pattern, std::make_shared<const RE2>(pattern)}, cdn};
}

std::string Attribute(const ResponseHeaders& headers, const std::vector<EdgeRule>& rules = {}) {
  const std::optional<EdgeSite> site = AttributeEdge(headers, rules);
  return site ? site->cdn + "/" + site->pop : "none";
}

TEST(EdgeAttributionTest, FastlyTakesTheDeliveringEdgeAfterShielding) {
  EXPECT_EQ(Attribute({{"x-served-by", {"cache-fra19120-FRA"}}}), "fastly/FRA");
  EXPECT_EQ(Attribute({{"x-served-by", {"cache-sjc10043-SJC, cache-fra19120-FRA"}}}), "fastly/FRA");
}

TEST(EdgeAttributionTest, CloudflareRayEndsWithTheDataCenter) {
  EXPECT_EQ(Attribute({{"cf-ray", {"230b030023ae2822-SJC"}}}), "cloudflare/SJC");
}

TEST(EdgeAttributionTest, CloudFrontPopIsTheFacilityWithoutItsTier) {
  EXPECT_EQ(Attribute({{"x-amz-cf-pop", {"JFK52-P2"}}}), "cloudfront/JFK52");
  EXPECT_EQ(Attribute({{"x-amz-cf-pop", {"SFO5-C1"}}}), "cloudfront/SFO5");
}

TEST(EdgeAttributionTest, AkamaiAndGoogleAreRecognisedWithoutASite) {
  EXPECT_EQ(Attribute({{"x-cache", {"TCP_HIT from a23-67-252-148.deploy.akamaitechnologies.com"}}}),
            "akamai/");
  EXPECT_EQ(Attribute({{"x-cache", {"TCP_MEM_HIT from a69-174-50-208 (AkamaiGHost/5.7.2) (-)"}}}),
            "akamai/");
  EXPECT_EQ(Attribute({{"via", {"1.1 google"}}}), "google/");
  EXPECT_EQ(Attribute({{"via", {"1.1 varnish, 1.1 google"}}}), "google/");
}

TEST(EdgeAttributionTest, UnrecognisedHeadersAttributeNothing) {
  EXPECT_EQ(Attribute({}), "none");
  EXPECT_EQ(Attribute({{"server", {"nginx"}}, {"via", {"1.1 varnish"}}}), "none");
  EXPECT_EQ(Attribute({{"x-cache", {"HIT"}}}), "none");  // Fastly's X-Cache names no CDN
  EXPECT_EQ(Attribute({{"cf-ray", {"not a ray id"}}}), "none");
  EXPECT_EQ(Attribute({{"via", {"1.1 googlebot-proxy"}}}), "none");
}

TEST(EdgeAttributionTest, ModuleRulesComeFirstAndTakeTheFirstGroup) {
  const std::vector<EdgeRule> rules = {Rule("x-edge", "site=([a-z]+)", "acme")};
  EXPECT_EQ(Attribute({{"x-edge", {"site=ams"}}, {"cf-ray", {"230b030023ae2822-SJC"}}}, rules),
            "acme/ams");
  EXPECT_EQ(Attribute({{"cf-ray", {"230b030023ae2822-SJC"}}}, rules), "cloudflare/SJC");
  EXPECT_EQ(Attribute({{"x-edge", {"acme"}}}, {Rule("x-edge", "^acme$", "acme")}), "acme/");
}

TEST(EdgeAttributionTest, APopThatIsNotASiteCodeIsLeftEmpty) {
  const std::vector<EdgeRule> rules = {Rule("x-edge", "site=(.*)", "acme")};
  EXPECT_EQ(Attribute({{"x-edge", {"site=" + std::string(100, 'a')}}}, rules), "acme/");
  EXPECT_EQ(Attribute({{"x-edge", {"site=a b\"c"}}}, rules), "acme/");
}

}  // namespace
}  // namespace outage
