// Tests for ComputeWebPaths (--web.external-url, --web.route-prefix), with
// blackbox_exporter's defaults.
#include "exporter/server/web_paths.h"

#include <gtest/gtest.h>

namespace outage {
namespace {

const ListenAddress kPort9115{"", 9115};

WebPaths Compute(const std::string& external_url, const std::string& route_prefix,
                 bool tls = false) {
  std::string error;
  const std::optional<WebPaths> out =
      ComputeWebPaths(external_url, route_prefix, kPort9115, tls, "monitor-1", &error);
  if (!out) {
    ADD_FAILURE() << error;
    return WebPaths{};
  }
  return *out;
}

std::string ErrorOf(const std::string& external_url, const std::string& route_prefix) {
  std::string error;
  return ComputeWebPaths(external_url, route_prefix, kPort9115, false, "monitor-1", &error) ? ""
                                                                                            : error;
}

TEST(WebPathsTest, DefaultsToHostnameAndFirstPortAtTheRoot) {
  const WebPaths p = Compute("", "");
  EXPECT_EQ(p.external_url, "http://monitor-1:9115");
  EXPECT_EQ(p.external_path, "");
  EXPECT_EQ(p.route_prefix, "/");
  EXPECT_EQ(p.Route("/probe"), "/probe");
  EXPECT_EQ(p.Route("/"), "/");
  EXPECT_EQ(p.Link("/logs"), "/logs");
}

TEST(WebPathsTest, DefaultUsesHttpsWhenServingTls) {
  EXPECT_EQ(Compute("", "", /*tls=*/true).external_url, "https://monitor-1:9115");
}

TEST(WebPathsTest, RoutePrefixDefaultsToTheExternalPath) {
  const WebPaths p = Compute("https://example.org/team/outage/", "");
  EXPECT_EQ(p.external_url, "https://example.org/team/outage");
  EXPECT_EQ(p.external_path, "/team/outage");
  EXPECT_EQ(p.route_prefix, "/team/outage/");
  EXPECT_EQ(p.Route("/probe"), "/team/outage/probe");
  EXPECT_EQ(p.Route("/"), "/team/outage/");
  EXPECT_EQ(p.Link("/logs"), "/team/outage/logs");
}

// A proxy that strips the prefix: routes at the root, links with the prefix.
TEST(WebPathsTest, ExplicitRootPrefixKeepsExternalLinks) {
  const WebPaths p = Compute("http://proxy.example:8080/outage", "/");
  EXPECT_EQ(p.external_url, "http://proxy.example:8080/outage");
  EXPECT_EQ(p.route_prefix, "/");
  EXPECT_EQ(p.Route("/metrics"), "/metrics");
  EXPECT_EQ(p.Link("/logs"), "/outage/logs");
}

TEST(WebPathsTest, PrefixIsNormalisedToLeadingAndTrailingSlash) {
  EXPECT_EQ(Compute("", "outage").route_prefix, "/outage/");
  EXPECT_EQ(Compute("", "//outage//").route_prefix, "/outage/");
  EXPECT_EQ(Compute("", "/a/b").route_prefix, "/a/b/");
}

TEST(WebPathsTest, BadInputIsAOneLineError) {
  EXPECT_NE(ErrorOf("example.org/outage", ""), "");       // no scheme
  EXPECT_NE(ErrorOf("ftp://example.org/", ""), "");       // not http(s)
  EXPECT_NE(ErrorOf("http://example.org/?a=b", ""), "");  // query
  EXPECT_NE(ErrorOf("http://example.org/#top", ""), "");  // fragment
  EXPECT_NE(ErrorOf("http://example.org/", "/a?b"), "");  // prefix with a query
  EXPECT_EQ(ErrorOf("http://example.org/", "/a").find('\n'), std::string::npos);
  EXPECT_NE(ErrorOf("ftp://example.org/", "").find("--web.external-url"), std::string::npos);
}

}  // namespace
}  // namespace outage
