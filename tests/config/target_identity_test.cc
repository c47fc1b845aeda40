// Tests for IdentifyTarget and the identity the loader gives each target:
// the key, the redacted display form and the series labels, derived once.
#include "config/target_identity.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "config/placement.h"

namespace outage {
namespace {

using namespace std::string_literals;

TEST(TargetIdentityTest, KeyDisplayAndLabels) {
  Target t;
  t.target = "https://user:hunter2@example.com/x";
  t.module = "http_2xx";
  t.labels = {{"team", "edge"}};
  IdentifyTarget(&t);
  EXPECT_EQ(t.identity.key, "https://user:hunter2@example.com/x\0http_2xx"s);
  EXPECT_EQ(t.identity.key, TargetKey(t.target, t.module));
  EXPECT_EQ(t.identity.display, "https://user:<secret>@example.com/x");
  EXPECT_EQ(t.identity.shown_key, "https://user:<secret>@example.com/x\0http_2xx"s);
  const LabelPairs want = {
      {"target", "https://user:<secret>@example.com/x"}, {"module", "http_2xx"}, {"team", "edge"}};
  EXPECT_EQ(t.identity.labels, want);
}

// Redaction makes two targets look alike; their keys still tell them apart.
TEST(TargetIdentityTest, TargetsDifferingOnlyInPasswordHaveDifferentKeys) {
  Target a;
  a.target = "https://u:one@example.com/";
  a.module = "m";
  Target b = a;
  b.target = "https://u:two@example.com/";
  IdentifyTarget(&a);
  IdentifyTarget(&b);
  EXPECT_EQ(a.identity.display, b.identity.display);
  EXPECT_NE(a.identity.key, b.identity.key);
}

// A module name cannot be run into the target: "ab" + "c" and "a" + "bc"
// are different keys.
TEST(TargetIdentityTest, KeySeparatesTargetFromModule) {
  EXPECT_NE(TargetKey("ab", "c"), TargetKey("a", "bc"));
}

TEST(TargetIdentityTest, TheLoaderIdentifiesEveryTargetAndPlacementAddsTheVantage) {
  const ConfigResult loaded = LoadConfigString(R"(
modules:
  http_2xx:
    prober: http
targets:
  - target: https://user:pw@a.example/
    module: http_2xx
    labels:
      team: edge
  - target: b.example
    module: http_2xx
)",
                                               "test.yml");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(loaded));
  Config config = *std::get<LoadedConfig>(loaded).config;
  ASSERT_EQ(config.targets.size(), 2u);
  EXPECT_EQ(config.targets[0].identity.display, "https://user:<secret>@a.example/");
  EXPECT_EQ(config.targets[1].identity.key, "b.example\0http_2xx"s);
  const LabelPairs want0 = {
      {"target", "https://user:<secret>@a.example/"}, {"module", "http_2xx"}, {"team", "edge"}};
  EXPECT_EQ(config.targets[0].identity.labels, want0);

  ASSERT_EQ(ApplyPlacement(PlacementFlags{std::nullopt, "eu"}, &config), std::nullopt);
  const LabelPairs placed = {{"target", "b.example"}, {"module", "http_2xx"}, {"vantage", "eu"}};
  EXPECT_EQ(config.targets[1].identity.labels, placed);
}

}  // namespace
}  // namespace outage
