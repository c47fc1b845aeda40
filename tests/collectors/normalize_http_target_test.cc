// Tests for NormalizeHttpTarget: blackbox's "no scheme means http://" rule
// and rejection of everything that is not an http(s) URL; and for ParseUrl,
// the one parse of each hop's URL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collectors/http/http_prober.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(NormalizeHttpTargetTest, TargetWithoutSchemeBecomesHttp) {
  const NormalizedTarget t = NormalizeHttpTarget("example.com");
  EXPECT_THAT(t.error, IsEmpty());
  EXPECT_EQ(t.url, "http://example.com");
}

TEST(NormalizeHttpTargetTest, HostPortAndPathWithoutSchemeBecomesHttp) {
  const NormalizedTarget t = NormalizeHttpTarget("127.0.0.1:8080/health?x=1");
  EXPECT_THAT(t.error, IsEmpty());
  EXPECT_EQ(t.url, "http://127.0.0.1:8080/health?x=1");
}

TEST(NormalizeHttpTargetTest, HostNamedLikeAnotherProtocolStillBecomesHttp) {
  const NormalizedTarget t = NormalizeHttpTarget("ftp.example.com");
  EXPECT_THAT(t.error, IsEmpty());
  EXPECT_EQ(t.url, "http://ftp.example.com");
}

TEST(NormalizeHttpTargetTest, HttpAndHttpsAreKeptAsGiven) {
  for (const char* url :
       {"http://example.com/", "https://example.com/path?q=1", "https://[::1]:8443/"}) {
    SCOPED_TRACE(url);
    const NormalizedTarget t = NormalizeHttpTarget(url);
    EXPECT_THAT(t.error, IsEmpty());
    EXPECT_EQ(t.url, url);
  }
}

TEST(NormalizeHttpTargetTest, OtherSchemesAreRejectedByName) {
  EXPECT_EQ(NormalizeHttpTarget("file:///etc/passwd").error,
            "unsupported URL scheme \"file\": only http and https are probed");
  EXPECT_EQ(NormalizeHttpTarget("ftp://example.com/x").error,
            "unsupported URL scheme \"ftp\": only http and https are probed");
  EXPECT_EQ(NormalizeHttpTarget("gopher://example.com/").error,
            "unsupported URL scheme \"gopher\": only http and https are probed");
}

TEST(NormalizeHttpTargetTest, RejectedTargetHasNoUrl) {
  EXPECT_THAT(NormalizeHttpTarget("file:///etc/passwd").url, IsEmpty());
  EXPECT_THAT(NormalizeHttpTarget("").url, IsEmpty());
}

TEST(NormalizeHttpTargetTest, EmptyTargetIsRejected) {
  EXPECT_EQ(NormalizeHttpTarget("").error, "empty target");
}

TEST(NormalizeHttpTargetTest, GarbageIsRejectedAsInvalidUrl) {
  for (const char* target :
       {"http://", "http://exa mple.com/", "http://host:99999/", "://nothing", "http://[::1/"}) {
    SCOPED_TRACE(target);
    const NormalizedTarget t = NormalizeHttpTarget(target);
    EXPECT_THAT(t.error, StartsWith("invalid target URL: ")) << t.url;
    EXPECT_THAT(t.url, IsEmpty());
  }
}

TEST(NormalizeHttpTargetTest, HandsOverTheParsedUrl) {
  const NormalizedTarget t = NormalizeHttpTarget("[2001:db8::1]:8080/health");
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.parsed.text, "http://[2001:db8::1]:8080/health");
  EXPECT_EQ(t.parsed.scheme, "http");
  EXPECT_EQ(t.parsed.host, "[2001:db8::1]");
  EXPECT_EQ(t.parsed.port, "8080");
}

TEST(NormalizeHttpTargetTest, InternationalHostIsProbedInPunycode) {
  const NormalizedTarget t = NormalizeHttpTarget("Bücher.example:8080/pfad?q=1");
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.parsed.host, "Bücher.example");  // as written, for people
  EXPECT_EQ(t.parsed.connect_host, "xn--bcher-kva.example");
  EXPECT_EQ(t.parsed.text, "http://xn--bcher-kva.example:8080/pfad?q=1");  // for libcurl
  EXPECT_EQ(t.parsed.port, "8080");
}

TEST(NormalizeHttpTargetTest, HostThatIsNoInternationalNameIsRejected) {
  // Not UTF-8; and a label with a disallowed character (U+2028).
  for (const char* target : {"http://exampl\xC3.com/", "http://a\u2028b.example/"}) {
    SCOPED_TRACE(target);
    const NormalizedTarget t = NormalizeHttpTarget(target);
    EXPECT_THAT(t.error, StartsWith("invalid target URL: invalid international host name: "));
    EXPECT_THAT(t.url, IsEmpty());
  }
}

TEST(ParseUrlTest, PartsOfOneHop) {
  const ParsedUrl u = ParseUrl("HTTPS://user:pw@Example.COM/path?q=1");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_TRUE(u.https());
  EXPECT_EQ(u.port, "443");  // the scheme's default
  EXPECT_EQ(HostToResolve(u.connect_host), u.connect_host);
  EXPECT_THAT(u.host, HasSubstr("xample"));
}

TEST(ParseUrlTest, Ipv6LiteralKeepsBracketsUntilLookedUp) {
  const ParsedUrl u = ParseUrl("http://[::1]/");
  EXPECT_EQ(u.host, "[::1]");
  EXPECT_EQ(HostToResolve(u.connect_host), "::1");
  EXPECT_EQ(u.port, "80");
}

TEST(ParseUrlTest, RedirectToAnInternationalHostIsFollowedInPunycode) {
  const ParsedUrl u = ParseUrl("https://été.example/x");
  EXPECT_EQ(u.connect_host, "xn--t-9fab.example");
  EXPECT_EQ(u.text, "https://xn--t-9fab.example/x");
}

TEST(ParseUrlTest, WhatDoesNotParseHasOnlyItsText) {
  const ParsedUrl u = ParseUrl("http://[::1/");
  EXPECT_EQ(u.text, "http://[::1/");
  EXPECT_THAT(u.scheme, IsEmpty());
  EXPECT_THAT(u.host, IsEmpty());
  EXPECT_FALSE(u.https());
}

}  // namespace
}  // namespace outage
