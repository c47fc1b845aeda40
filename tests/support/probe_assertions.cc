#include "tests/support/probe_assertions.h"

#include <gtest/gtest.h>

#include <array>

#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"

namespace outage::test {
namespace {

constexpr std::array<const char*, 12> kReasons = {
    "none",     "dns",         "network", "tls",      "timeout",     "http_5xx",
    "http_429", "http_status", "content", "protocol", "maintenance", "local_network"};

constexpr std::array<const char*, 5> kPhases = {"resolve", "connect", "tls", "processing",
                                                "transfer"};

}  // namespace

void ExpectWellFormedProbe(const MetricsText& metrics, const Labels& labels, bool http) {
  const std::optional<double> success = metrics.Value("probe_success", labels);
  ASSERT_TRUE(success.has_value()) << "no single probe_success" << FormatLabels(labels);
  EXPECT_TRUE(*success == 0 || *success == 1) << *success;
  EXPECT_TRUE(metrics.Value("probe_duration_seconds", labels).has_value());
  int set = 0;
  for (const char* reason : kReasons) {
    Labels l = labels;
    l["reason"] = reason;
    const std::optional<double> v = metrics.Value("probe_failure_reason", l);
    EXPECT_TRUE(v.has_value()) << "missing probe_failure_reason" << FormatLabels(l);
    if (v == 1) ++set;
  }
  EXPECT_EQ(set, 1) << "probe_failure_reason must be one-hot" << FormatLabels(labels);
  EXPECT_EQ(metrics.Find("probe_failure_reason", labels).size(), kReasons.size())
      << "unexpected reason values";
  EXPECT_EQ(*success == 1, metrics.FailureReason(labels) == "none")
      << "probe_success=" << *success << " reason=" << metrics.FailureReason(labels);
  if (!http) return;
  for (const char* phase : kPhases) {
    Labels l = labels;
    l["phase"] = phase;
    const std::optional<double> v = metrics.Value("probe_http_duration_seconds", l);
    EXPECT_TRUE(v.has_value()) << "missing probe_http_duration_seconds" << FormatLabels(l);
    if (v) {
      EXPECT_GE(*v, 0) << phase;
    }
  }
}

void ExpectPromtoolClean(std::string_view text) {
  const MetricsText metrics = MetricsText::Parse(text);
  EXPECT_TRUE(metrics.errors().empty()) << metrics.errors().front();
  const PromtoolResult lint = PromtoolCheckMetrics(text);
  EXPECT_TRUE(lint.ok) << "promtool check metrics:\n" << lint.output << "\non:\n" << text;
}

MetricsText GetExposition(const std::string& url, std::chrono::milliseconds timeout) {
  const HttpResponse r = HttpGet(url, {}, timeout);
  EXPECT_TRUE(r.ok) << url << ": " << r.error;
  EXPECT_EQ(r.status, 200) << url << ": " << r.body;
  ExpectPromtoolClean(r.body);
  return MetricsText::Parse(r.body);
}

int CountLines(std::string_view text) {
  int n = 0;
  for (const std::string& line : SplitLines(text)) {
    if (!line.empty()) ++n;
  }
  return n;
}

}  // namespace outage::test
