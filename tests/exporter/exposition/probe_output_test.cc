// Tests for AddProbeResult: the one-hot failure reason and label merging.
#include "exporter/exposition/probe_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "collectors/metric_catalog.h"
#include "exporter/exposition/family_set.h"
#include "tests/exporter/promtool.h"

namespace outage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// SeriesLines returns the sample lines of family `name`.
std::vector<std::string> SeriesLines(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) == 0 || line.rfind(name + " ", 0) == 0) out.push_back(line);
  }
  return out;
}

std::string Render(const ProbeResult& result, const LabelPairs& base = {}) {
  FamilySet set;
  AddProbeResult(result, base, &set);
  return set.Serialize();
}

// HotReasons returns the reason labels whose one-hot value is 1.
std::vector<std::string> HotReasons(const std::string& text) {
  std::vector<std::string> hot;
  for (const std::string& line : SeriesLines(text, "probe_failure_reason")) {
    const size_t at = line.find("reason=\"");
    if (at == std::string::npos) continue;
    const size_t end = line.find('"', at + 8);
    if (line.substr(line.size() - 2) == " 1") hot.push_back(line.substr(at + 8, end - at - 8));
  }
  return hot;
}

TEST(AddProbeResultTest, EveryReasonIsPresentInOrder) {
  ProbeResult r;
  r.success = true;
  const std::vector<std::string> lines = SeriesLines(Render(r), "probe_failure_reason");
  ASSERT_EQ(lines.size(), kAllFailureReasons.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_THAT(lines[i], HasSubstr("reason=\"" +
                                    std::string(FailureReasonName(kAllFailureReasons[i])) + "\""));
  }
}

TEST(AddProbeResultTest, SuccessIsOneHotNone) {
  ProbeResult r;
  r.success = true;
  r.duration_seconds = 0.25;
  const std::string text = Render(r);
  EXPECT_THAT(HotReasons(text), ElementsAre("none"));
  EXPECT_THAT(SeriesLines(text, "probe_success"), ElementsAre("probe_success 1"));
  EXPECT_THAT(SeriesLines(text, "probe_duration_seconds"),
              ElementsAre("probe_duration_seconds 0.25"));
}

TEST(AddProbeResultTest, SuccessIgnoresAStaleReason) {
  ProbeResult r;
  r.success = true;
  r.reason = FailureReason::kDns;
  EXPECT_THAT(HotReasons(Render(r)), ElementsAre("none"));
}

TEST(AddProbeResultTest, FailureIsOneHotOnItsReason) {
  for (FailureReason reason : kAllFailureReasons) {
    if (reason == FailureReason::kNone) continue;
    SCOPED_TRACE(FailureReasonName(reason));
    ProbeResult r;
    r.Fail(reason);
    const std::string text = Render(r);
    EXPECT_THAT(HotReasons(text), ElementsAre(std::string(FailureReasonName(reason))));
    EXPECT_THAT(SeriesLines(text, "probe_success"), ElementsAre("probe_success 0"));
  }
}

TEST(AddProbeResultTest, FailureWithoutReasonIsReportedAsProtocol) {
  ProbeResult r;
  r.success = false;
  r.reason = FailureReason::kNone;
  EXPECT_THAT(HotReasons(Render(r)), ElementsAre("protocol"));
}

TEST(AddProbeResultTest, FirstFailureReasonWins) {
  ProbeResult r;
  r.Fail(FailureReason::kTls);
  r.Fail(FailureReason::kContent);
  EXPECT_THAT(HotReasons(Render(r)), ElementsAre("tls"));
}

TEST(AddProbeResultTest, BaseLabelsComeBeforeSampleLabels) {
  ProbeResult r;
  r.success = true;
  r.Add(metric::kHttpDuration, {{"phase", "connect"}}, 0.5);
  const std::string text = Render(r, {{"target", "example.com"}, {"module", "http_2xx"}});
  EXPECT_THAT(SeriesLines(text, "probe_http_duration_seconds"),
              ElementsAre("probe_http_duration_seconds{target=\"example.com\","
                          "module=\"http_2xx\",phase=\"connect\"} 0.5"));
  EXPECT_THAT(SeriesLines(text, "probe_success"),
              ElementsAre("probe_success{target=\"example.com\",module=\"http_2xx\"} 1"));
  EXPECT_THAT(text, HasSubstr("probe_failure_reason{target=\"example.com\",module=\"http_2xx\","
                              "reason=\"none\"} 1\n"));
}

TEST(AddProbeResultTest, SampleLabelShadowsBaseLabelOfTheSameName) {
  ProbeResult r;
  r.success = true;
  r.Add(metric::kTlsVersionInfo, {{"version", "TLS 1.3"}}, 1);
  const std::string text =
      Render(r, {{"target", "example.com"}, {"version", "v2"}, {"team", "edge"}});
  EXPECT_THAT(SeriesLines(text, "probe_tls_version_info"),
              ElementsAre("probe_tls_version_info{target=\"example.com\",team=\"edge\","
                          "version=\"TLS 1.3\"} 1"));
  // Samples without that label keep the base value.
  EXPECT_THAT(SeriesLines(text, "probe_success"),
              ElementsAre("probe_success{target=\"example.com\",version=\"v2\",team=\"edge\"} 1"));
}

TEST(AddProbeResultTest, UnlabelledSampleGetsExactlyTheBaseLabels) {
  ProbeResult r;
  r.success = true;
  r.Add(metric::kHttpStatusCode, 200);
  EXPECT_THAT(SeriesLines(Render(r, {{"target", "t"}}), "probe_http_status_code"),
              ElementsAre("probe_http_status_code{target=\"t\"} 200"));
}

TEST(AddProbeResultTest, TwoResultsInOneSetPassPromtool) {
  ProbeResult ok;
  ok.success = true;
  ok.Add(metric::kHttpDuration, {{"phase", "resolve"}}, 0.01);
  ok.Add(metric::kHttpStatusCode, 200);
  ProbeResult bad;
  bad.Fail(FailureReason::kHttp5xx);
  bad.Add(metric::kHttpDuration, {{"phase", "resolve"}}, 0.02);
  bad.Add(metric::kHttpStatusCode, 503);
  FamilySet set;
  AddProbeResult(ok, {{"target", "a"}, {"module", "m"}}, &set);
  AddProbeResult(bad, {{"target", "b"}, {"module", "m"}}, &set);
  const std::string text = set.Serialize();
  EXPECT_EQ(PromtoolCheckMetrics(text), 0) << text;
}

}  // namespace
}  // namespace outage
