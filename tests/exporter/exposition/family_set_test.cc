// Tests for FamilySet: grouping samples into families and serializing them.
#include "exporter/exposition/family_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <limits>
#include <string>

#include "exporter/exposition/exposition_text.h"
#include "tests/exporter/promtool.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(AppendNumberTest, WritesWhatPrintfWritesWith16SignificantDigits) {
  // Values as probes produce them: integers, timings, hashes, tiny and huge
  // numbers, negatives, and what %.16g rounds.
  for (const double value : {0.0,
                             -0.0,
                             1.0,
                             200.0,
                             3668918509.0,
                             2.9093e-05,
                             0.000207,
                             1e-300,
                             1.7976931348623157e308,
                             -42.5,
                             0.1,
                             1.0 / 3.0,
                             123456789012345678.0,
                             1e15,
                             1e16,
                             1e17,
                             5e-324,
                             0.30000000000000004,
                             -1.0,
                             -7.0,
                             42.0,
                             999999999999999.0,
                             -999999999999999.0,
                             1e14 + 0.5,
                             4503599627370497.0,
                             -1e15,
                             123456.0}) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.16g", value);
    std::string got;
    AppendNumber(value, &got);
    EXPECT_EQ(got, expected) << "value " << expected;
  }
  std::string special;
  AppendNumber(std::numeric_limits<double>::infinity(), &special);
  AppendNumber(-std::numeric_limits<double>::infinity(), &special);
  AppendNumber(std::numeric_limits<double>::quiet_NaN(), &special);
  EXPECT_EQ(special, "+Inf-InfNan");
}

TEST(FamilySetTest, EmptySetSerializesToNothing) { EXPECT_EQ(FamilySet().Serialize(), ""); }

TEST(FamilySetTest, GaugeSerialization) {
  FamilySet set;
  set.AddGauge("probe_success", "Displays whether or not the probe was a success",
               {{"target", "a"}}, 1);
  EXPECT_EQ(set.Serialize(),
            "# HELP probe_success Displays whether or not the probe was a success\n"
            "# TYPE probe_success gauge\n"
            "probe_success{target=\"a\"} 1\n");
}

TEST(FamilySetTest, SamplesAreGroupedByNameInFirstSeenOrder) {
  FamilySet set;
  set.AddGauge("zeta", "Z.", {{"i", "1"}}, 1);
  set.AddGauge("alpha", "A.", {{"i", "1"}}, 2);
  set.AddGauge("zeta", "Z.", {{"i", "2"}}, 3);
  EXPECT_EQ(set.Serialize(),
            "# HELP zeta Z.\n"
            "# TYPE zeta gauge\n"
            "zeta{i=\"1\"} 1\n"
            "zeta{i=\"2\"} 3\n"
            "# HELP alpha A.\n"
            "# TYPE alpha gauge\n"
            "alpha{i=\"1\"} 2\n");
}

TEST(FamilySetTest, ManyInterleavedFamiliesKeepEachFamilysSamplesInOrder) {
  // More families, and longer names, than a /probe answer needs: every
  // buffer grows while views into it are in use.
  constexpr int kFamilies = 80;
  FamilySet set;
  std::string expected;
  for (int round = 0; round < 3; ++round) {
    for (int f = 0; f < kFamilies; ++f) {
      const std::string name = "family_" + std::to_string(f) + std::string(40, 'x');
      set.AddGauge(name, "Help of " + name + ".", {{"round", std::to_string(round)}}, f);
    }
  }
  for (int f = 0; f < kFamilies; ++f) {
    const std::string name = "family_" + std::to_string(f) + std::string(40, 'x');
    expected += "# HELP " + name + " Help of " + name + ".\n# TYPE " + name + " gauge\n";
    for (int round = 0; round < 3; ++round) {
      expected += name + "{round=\"" + std::to_string(round) + "\"} " + std::to_string(f) + "\n";
    }
  }
  EXPECT_EQ(set.Serialize(), expected);
}

TEST(FamilySetTest, CountersAreTypedAsCounters) {
  FamilySet set;
  set.AddCounter("process_cpu_seconds_total", "Total CPU time.", {}, 1.5);
  set.AddGauge("process_open_fds", "Open fds.", {}, 7);
  const std::string text = set.Serialize();
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"
                              "process_cpu_seconds_total 1.5\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE process_open_fds gauge\nprocess_open_fds 7\n"));
}

TEST(FamilySetTest, LabelsKeepTheirOrderAndValuesAreEscaped) {
  FamilySet set;
  set.AddGauge("m", "H.", {{"b", "x\"y"}, {"a", "back\\slash\nnewline"}}, 1);
  EXPECT_THAT(set.Serialize(), HasSubstr("m{b=\"x\\\"y\",a=\"back\\\\slash\\nnewline\"} 1\n"));
}

TEST(FamilySetTest, RegistryFamiliesMergeWithSameNamedFamilies) {
  prometheus::Registry registry;
  auto& counter =
      prometheus::BuildCounter().Name("outage_probes_total").Help("Probes.").Register(registry);
  counter.Add({{"target", "b"}}).Increment(2);
  auto& empty = prometheus::BuildGauge().Name("never_used").Help("Unused.").Register(registry);
  (void)empty;

  FamilySet set;
  set.AddCounter("outage_probes_total", "Probes.", {{"target", "a"}}, 1);
  set.AddGauge("other", "Other.", {}, 0);
  set.AddFamilies(registry.Collect());
  const std::string text = set.Serialize();

  EXPECT_EQ(Count(text, "# TYPE outage_probes_total counter\n"), 1u) << text;
  EXPECT_THAT(text, HasSubstr("outage_probes_total{target=\"a\"} 1\n"
                              "outage_probes_total{target=\"b\"} 2\n"));
  EXPECT_LT(text.find("outage_probes_total"), text.find("other"));
  // A family without samples adds no HELP/TYPE lines.
  EXPECT_THAT(text, Not(HasSubstr("never_used")));
}

TEST(FamilySetTest, RegistryFamilyNotSeenBeforeIsAppended) {
  prometheus::Registry registry;
  prometheus::BuildGauge().Name("from_registry").Help("R.").Register(registry).Add({}).Set(4);
  FamilySet set;
  set.AddGauge("first", "F.", {}, 1);
  set.AddFamilies(registry.Collect());
  EXPECT_EQ(set.Serialize(),
            "# HELP first F.\n# TYPE first gauge\nfirst 1\n"
            "# HELP from_registry R.\n# TYPE from_registry gauge\nfrom_registry 4\n");
}

TEST(FamilySetTest, SerializedOutputPassesPromtool) {
  prometheus::Registry registry;
  auto& hist = prometheus::BuildHistogram()
                   .Name("outage_probe_duration_seconds")
                   .Help("Durations.")
                   .Register(registry);
  hist.Add({{"target", "a"}}, prometheus::Histogram::BucketBoundaries{0.1, 1}).Observe(0.5);

  FamilySet set;
  set.AddGauge("probe_success", "Success.", {{"target", "a"}}, 1);
  set.AddGauge("probe_failure_reason", "Why.", {{"target", "a"}, {"reason", "none"}}, 1);
  set.AddGauge("probe_success", "Success.", {{"target", "b"}}, 0);
  set.AddGauge("probe_failure_reason", "Why.", {{"target", "b"}, {"reason", "dns"}}, 1);
  set.AddCounter("process_cpu_seconds_total", "Total CPU time.", {}, 0.25);
  set.AddFamilies(registry.Collect());
  const std::string text = set.Serialize();
  EXPECT_EQ(PromtoolCheckMetrics(text), 0) << text;
}

TEST(FamilySetTest, PromtoolRejectsASplitFamily) {
  // The control for the test above: the check can fail.
  EXPECT_NE(PromtoolCheckMetrics("# HELP a A.\n# TYPE a gauge\na 1\n"
                                 "# HELP b B.\n# TYPE b gauge\nb 1\n"
                                 "# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1\n"),
            0);
}

}  // namespace
}  // namespace outage
