// Tests for the status page's HTML: verdicts and tables, escaping of every
// value we do not control, the CSP hash, refresh, and the sparkline.
#include "exporter/status_page/status_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <iostream>
#include <string>

#include "collectors/metric_catalog.h"
#include "exporter/status_page/html_escape.h"
#include "exporter/status_page/sparkline.h"
#include "tests/exporter/status_fixture.h"
#include "tests/support/sanitizer_allowance.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEvil[] = "<script>alert(\"x\")</script>";
constexpr char kEvilEscaped[] = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";

std::string Render(StatusFixture& f, int refresh = 30) {
  StatusPageOptions options;
  options.refresh_seconds = refresh;
  return RenderStatusHtml(f.Build(), options);
}

TEST(HtmlEscapeTest, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(HtmlEscape(kEvil), kEvilEscaped);
  EXPECT_EQ(HtmlEscape("plain caf\u00e9"), "plain caf\u00e9");
}

TEST(SafeLinkUrlTest, OnlyHttpAndHttpsLinksSurvive) {
  EXPECT_EQ(SafeLinkUrl("https://stspg.io/x1"), "https://stspg.io/x1");
  EXPECT_EQ(SafeLinkUrl("HTTP://example.com/"), "HTTP://example.com/");
  EXPECT_EQ(SafeLinkUrl("javascript:alert(1)"), "");
  EXPECT_EQ(SafeLinkUrl("data:text/html,<b>"), "");
  EXPECT_EQ(SafeLinkUrl("https://"), "");
  EXPECT_EQ(SafeLinkUrl("https://a.example/\n<x>"), "");
  EXPECT_EQ(SafeLinkUrl("//evil.example/"), "");
}

TEST(StatusHtmlTest, ShowsVerdictReasonAndSinceForEachService) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kDown, FailureReason::kDns, 300);
  f.AddTarget("https://web.example/", "web", OutageState::kUp);
  const std::string html = Render(f);
  EXPECT_THAT(html, HasSubstr("data-verdict=\"down\" data-service=\"api\""));
  EXPECT_THAT(html, HasSubstr("<strong class=\"state s-down\">Down \u2014 DNS</strong>"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"state s-up\">Up</strong>"));
  EXPECT_THAT(html, HasSubstr("since <time datetime=\"2023-11-14T22:08:20.000Z\">"
                              "2023-11-14 22:08:20 UTC</time> (5 min)"));
  EXPECT_THAT(html, HasSubstr("<title>1 down \u2014 outage_exporter</title>"));
  // The table: a header row, the state in words, the reason, a log link.
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\">Target</th>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"state s-down\">down</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"reason\">DNS <code>dns</code></td>"));
  EXPECT_THAT(html, HasSubstr("<a class=\"log\" href=\"logs?id=1\">log #1</a>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">42.0 ms</td>"));
  EXPECT_THAT(html, HasSubstr("outage_exporter version "));
  EXPECT_THAT(html, HasSubstr("last reload successful"));
}

TEST(StatusHtmlTest, ReasonCellSaysHowManyAddressesFailAndWhichEdgeAnswered) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kDegraded, std::nullopt);
  ProbeResult r;
  r.success = false;
  r.reason = FailureReason::kTls;
  r.addresses = AddressTally{8, 3, FailureReason::kTls};
  r.Add(metric::kHttpEdgeInfo, {{"cdn", "fastly"}, {"pop", "FRA"}}, 1);
  f.RecordLast(r);
  EXPECT_THAT(Render(f), HasSubstr("<td class=\"reason\">TLS <code>tls</code> <span "
                                   "class=\"addresses\">3 of 8 addresses failing (tls)</span> "
                                   "<small class=\"edge\">edge: fastly FRA</small></td>"));
}

TEST(StatusHtmlTest, ReasonCellSaysWhereThePathBreaks) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kDown, std::nullopt);
  ProbeResult r;
  r.success = false;
  r.reason = FailureReason::kTimeout;
  r.Add(metric::kPathHops, 2);
  r.Add(metric::kPathLastHop, 2);
  for (const char* s : {"local", "transit", "destination", "none"}) {
    r.Add(metric::kPathBreak, {{"segment", s}}, std::string(s) == "transit" ? 1 : 0);
  }
  f.RecordLast(r);
  EXPECT_THAT(Render(f), HasSubstr("<code>timeout</code> <small class=\"path\">path breaks: "
                                   "transit, last answer at hop 2</small></td>"));
}

TEST(StatusHtmlTest, ASucceedingProbeWithFailingAddressesSaysSo) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kDegraded, std::nullopt);
  ProbeResult r;
  r.success = true;
  r.addresses = AddressTally{4, 1, FailureReason::kNetwork};
  f.RecordLast(r);
  EXPECT_THAT(Render(f), HasSubstr("<td class=\"reason\"><span class=\"addresses\">1 of 4 "
                                   "addresses failing (network)</span></td>"));
}

TEST(StatusHtmlTest, SaysWhichShardAndVantageItServesEscaped) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kUp, std::nullopt);
  const std::string unsharded = Render(f);
  EXPECT_THAT(unsharded, Not(HasSubstr("class=\"meta placement\"")));
  f.SetPlacement(Placement{Shard{1, 2}, "<eu>", 3, 0});
  EXPECT_THAT(Render(f), HasSubstr("<p class=\"meta placement\">Vantage &lt;eu&gt;. Shard 1 of 2: "
                                   "1 of 3 configured targets.</p>"));
}

TEST(StatusHtmlTest, EveryValueWeDoNotControlIsEscaped) {
  StatusFixture f;
  f.AddTarget(std::string("https://x.example/?q=") + kEvil, kEvil, OutageState::kDown,
              FailureReason::kContent);
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->indicator = "major";
  summary->components.push_back({kEvil, kEvil, false, "major_outage"});
  summary->incidents.push_back({kEvil, "major", "investigating", "javascript:alert(1)", {}});
  summary->maintenances.push_back({kEvil, {}});
  f.AddPage(VendorStatusView{kEvil, true, StatusFixture::kNow, summary, ""});
  const std::string html = Render(f);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">" + std::string(kEvilEscaped) + "</th>"));
  EXPECT_THAT(html, HasSubstr("Incident: <strong>" + std::string(kEvilEscaped) + "</strong>"));
  EXPECT_THAT(html, HasSubstr("data-service=\"" + std::string(kEvilEscaped) + "\""));
}

TEST(StatusHtmlTest, AFailedFetchShowsItsEscapedCause) {
  StatusFixture f;
  f.AddPage(VendorStatusView{"never", false, 0, nullptr, kEvil});
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->indicator = "none";
  f.AddPage(VendorStatusView{"stale", false, StatusFixture::kNow, summary, "HTTP status 503"});
  const std::string html = Render(f);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("Could not be read yet (" + std::string(kEvilEscaped) + ")."));
  EXPECT_THAT(html, HasSubstr("; the latest fetch failed (HTTP status 503)."));
}

TEST(StatusHtmlTest, IncidentLinksAreKeptWhenTheyAreHttp) {
  StatusFixture f;
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->incidents.push_back(
      {"API errors", "major", "identified", "https://stspg.io/x?a=1&b=2", {}});
  f.AddPage(VendorStatusView{"vendor", true, StatusFixture::kNow, summary, ""});
  EXPECT_THAT(Render(f), HasSubstr("href=\"https://stspg.io/x?a=1&amp;b=2\">details</a>"));
}

TEST(StatusHtmlTest, TheCspAllowsExactlyTheInlineStyle) {
  StatusFixture f;
  const std::string html = Render(f);
  const size_t open = html.find("<style>") + 7;
  const std::string css = html.substr(open, html.find("</style>") - open);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(css.data(), css.size(), digest, &size, EVP_sha256(), nullptr);
  unsigned char b64[64];
  EVP_EncodeBlock(b64, digest, static_cast<int>(size));
  EXPECT_THAT(StatusPageCsp(),
              HasSubstr("style-src 'sha256-" + std::string(reinterpret_cast<char*>(b64)) + "'"));
  EXPECT_THAT(StatusPageCsp(), HasSubstr("default-src 'none'"));
  EXPECT_THAT(html, Not(HasSubstr(" style=\""))) << "inline style attributes would be blocked";
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST(StatusHtmlTest, CertificateExpiryIsShownWhereTheProbeSawOne) {
  StatusFixture f;
  f.AddTarget("https://tls.example/", "svc", OutageState::kUp);
  f.AddTarget("http://plain.example/", "svc", OutageState::kUp);
  ProbeResult r;
  r.success = true;
  r.Add(metric::kSslEarliestCertExpiry, StatusFixture::kNow + 10.5 * 86400);
  f.history().RecordConfigured(f.target(0), r, StatusFixture::Now());
  const std::string html = Render(f);
  EXPECT_THAT(html, HasSubstr("<td class=\"cert\"><time datetime=\"2023-11-25T10:13:20.000Z\">"
                              "2023-11-25</time> (in 10 days)</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"cert\">\u2014</td>"));
}

TEST(StatusHtmlTest, RefreshIsConfigurableAndCanBeOff) {
  StatusFixture f;
  EXPECT_THAT(Render(f, 15), HasSubstr("<meta http-equiv=\"refresh\" content=\"15\">"));
  EXPECT_THAT(Render(f, 0), Not(HasSubstr("http-equiv=\"refresh\"")));
}

TEST(StatusHtmlTest, OurOwnNetworkDownIsABanner) {
  StatusFixture f;
  f.AddTarget("a", "svc", OutageState::kUnknown, FailureReason::kLocalNetwork);
  f.SetVantageNetworkUp(false);
  const std::string html = Render(f);
  EXPECT_THAT(html, HasSubstr("role=\"alert\"><strong>Our own network is down:</strong>"));
  EXPECT_THAT(html, HasSubstr("Down \u2014 our network"));
}

TEST(StatusHtmlTest, NoTargetsSaysHowToAddThem) {
  StatusFixture f;
  const std::string html = Render(f);
  EXPECT_THAT(html, HasSubstr("No targets are configured"));
  EXPECT_THAT(html, HasSubstr("No probes yet"));
}

// A person should see the page within a second: at 1,000 targets with full
// trends, building and rendering it must take well under that.
TEST(StatusHtmlTest, AThousandTargetsRenderWellUnderASecond) {
  StatusFixture f;
  for (int i = 0; i < 1000; ++i) {
    const std::string target = "https://t" + std::to_string(i) + ".example/";
    f.AddTarget(target, "svc" + std::to_string(i % 100), OutageState::kUp);
    for (size_t p = 1; p < ProbeHistory::kTrendPoints; ++p) {
      ProbeResult r;
      r.success = p % 7 != 0;
      r.reason = r.success ? FailureReason::kNone : FailureReason::kTimeout;
      r.duration_seconds = 0.01 * static_cast<double>(p);
      f.RecordLast(r);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string html = Render(f);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "1000 targets, 100 services: built and rendered in " << seconds * 1000 << " ms, "
            << html.size() / 1024 << " KiB of HTML\n";
  // A guard against a quadratic, ~10x above the measured time; sanitizers
  // (and their loaded CI machine) get their usual allowance.
  EXPECT_LT(seconds, 1.0 * test::kSanitizerTimeScale);
  size_t rows = 0;
  for (size_t at = html.find("<tr data-target="); at != std::string::npos;
       at = html.find("<tr data-target=", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 1000u);
}

TEST(SparklineTest, PlotsEveryPointAndMarksFailuresWithAShape) {
  const std::string svg = Sparkline({{0.1, true}, {0.2, true}, {0.05, false}});
  EXPECT_THAT(svg, HasSubstr("role=\"img\""));
  EXPECT_THAT(svg, HasSubstr("3 recent probes, 1 failed; fastest 50.0 ms, slowest 200.0 ms"));
  EXPECT_EQ(svg.find("<rect class=\"fail\""), svg.rfind("<rect class=\"fail\""));
  EXPECT_NE(svg.find("<rect class=\"fail\" x=\"116.0\""), std::string::npos) << svg;
  EXPECT_THAT(svg, HasSubstr("points=\"2.0,12.0 60.0,2.0 118.0,17.0\""));
  EXPECT_EQ(Sparkline({}), "");
}

TEST(FormatDurationTest, PicksAReadableUnit) {
  EXPECT_EQ(FormatDuration(0.000850), "850 \u00b5s");
  EXPECT_EQ(FormatDuration(0.0123), "12.3 ms");
  EXPECT_EQ(FormatDuration(1.25), "1.25 s");
}

}  // namespace
}  // namespace outage
