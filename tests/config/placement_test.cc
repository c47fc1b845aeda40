// Tests of config/placement.h: shard syntax, the documented hash, that N
// shards split the targets without overlap or gaps, and the vantage label.
#include "config/placement.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/config/config_test_util.h"

namespace outage {
namespace {

using testing::Contains;
using testing::ErrorText;
using testing::ExpectLoaded;

Config LoadOrEmpty(const std::string& yaml) {
  const LoadedConfig loaded = ExpectLoaded(LoadConfigString(yaml, "test.yml"));
  return *loaded.config;
}

std::string TargetsYaml(int count) {
  std::string yaml = "modules:\n  tcp:\n    prober: tcp\ntargets:\n";
  for (int i = 0; i < count; ++i) {
    yaml += "  - {target: 'host" + std::to_string(i) + ".example:443', module: tcp}\n";
  }
  return yaml;
}

TEST(ParseShardTest, AcceptsOneBasedIndexOfCount) {
  std::string error;
  const auto shard = ParseShard("2/3", &error);
  ASSERT_TRUE(shard) << error;
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 3);
}

TEST(ParseShardTest, RejectsMalformedAndOutOfRange) {
  for (const char* bad : {"", "3", "0/3", "4/3", "1/0", "a/3", "1/3x", "-1/3", "1/1001", "2 /3"}) {
    std::string error;
    EXPECT_FALSE(ParseShard(bad, &error)) << bad;
    EXPECT_TRUE(Contains(error, "I/N")) << bad;
  }
}

TEST(ShardHashTest, IsFnv1a64OfTargetNulModule) {
  // Reference values from any FNV-1a 64 implementation (Python below):
  //   h = 0xcbf29ce484222325; for b in data: h = ((h ^ b) * 0x100000001b3) % 2**64
  EXPECT_EQ(ShardHash("http://127.0.0.1:8080/", "http_2xx"), 0x6972cd40f1097134ULL);
  EXPECT_NE(ShardHash("ab", "c"), ShardHash("a", "bc"));
}

TEST(InShardTest, EveryTargetIsInExactlyOneShardAndControlTargetsInAll) {
  Config config = LoadOrEmpty(TargetsYaml(200));
  config.targets[7].control = true;
  const int kShards = 3;
  std::vector<int> per_shard(kShards, 0);
  for (const Target& t : config.targets) {
    int owners = 0;
    for (int i = 1; i <= kShards; ++i) {
      if (InShard(t, Shard{i, kShards})) {
        ++owners;
        ++per_shard[i - 1];
      }
    }
    EXPECT_EQ(owners, t.control ? kShards : 1) << t.target;
  }
  for (int n : per_shard) EXPECT_GT(n, 40);  // roughly even: 200 / 3 each
}

TEST(ApplyPlacementTest, KeepsOnlyThisShardsTargets) {
  Config whole = LoadOrEmpty(TargetsYaml(30));
  size_t total = 0;
  for (int i = 1; i <= 2; ++i) {
    Config config = whole;
    ASSERT_EQ(ApplyPlacement(PlacementFlags{Shard{i, 2}, ""}, &config), std::nullopt);
    EXPECT_EQ(config.placement.configured_targets, 30u);
    EXPECT_EQ(config.placement.shard.index, i);
    for (const Target& t : config.targets) EXPECT_TRUE(InShard(t, Shard{i, 2}));
    total += config.targets.size();
  }
  EXPECT_EQ(total, 30u);
}

TEST(ApplyPlacementTest, GlobalShardAndVantageApplyAndFlagsWin) {
  const std::string yaml = "global:\n  shard: 2/3\n  vantage: eu-west\n" + TargetsYaml(10);
  Config from_config = LoadOrEmpty(yaml);
  ASSERT_EQ(ApplyPlacement(PlacementFlags{}, &from_config), std::nullopt);
  EXPECT_EQ(from_config.placement.shard.index, 2);
  EXPECT_EQ(from_config.placement.shard.count, 3);
  EXPECT_EQ(from_config.placement.vantage, "eu-west");

  Config from_flags = LoadOrEmpty(yaml);
  ASSERT_EQ(ApplyPlacement(PlacementFlags{Shard{1, 1}, "us-east"}, &from_flags), std::nullopt);
  EXPECT_EQ(from_flags.placement.shard.count, 1);
  EXPECT_EQ(from_flags.placement.vantage, "us-east");
  ASSERT_EQ(from_flags.targets.size(), 10u);
  EXPECT_EQ(from_flags.targets[0].labels.front(),
            (std::pair<std::string, std::string>{"vantage", "us-east"}));
}

TEST(ApplyPlacementTest, WithoutVantageNoLabelIsAdded) {
  Config config = LoadOrEmpty(TargetsYaml(3));
  ASSERT_EQ(ApplyPlacement(PlacementFlags{}, &config), std::nullopt);
  for (const Target& t : config.targets) EXPECT_TRUE(t.labels.empty());
}

TEST(ApplyPlacementTest, TargetLabelVantageIsReservedOnceAVantageIsSet) {
  const std::string yaml =
      "modules:\n  tcp:\n    prober: tcp\ntargets:\n"
      "  - {target: 'a.example:1', module: tcp}\n"
      "  - {target: 'b.example:1', module: tcp, labels: {vantage: mine}}\n";
  Config unnamed = LoadOrEmpty(yaml);
  EXPECT_EQ(ApplyPlacement(PlacementFlags{}, &unnamed), std::nullopt);
  Config named = LoadOrEmpty(yaml);
  const auto error = ApplyPlacement(PlacementFlags{std::nullopt, "eu"}, &named);
  ASSERT_TRUE(error);
  EXPECT_TRUE(Contains(*error, "targets[1].labels.vantage: label name \"vantage\" is reserved"));
}

TEST(GlobalPlacementTest, BadShardIsAConfigErrorAtTheKey) {
  const std::string text =
      ErrorText(LoadConfigString("global:\n  shard: 4/3\n" + TargetsYaml(1), "test.yml"));
  EXPECT_TRUE(Contains(text, "test.yml:2:10: global.shard: must be I/N with 1 <= I <= N"));
}

}  // namespace
}  // namespace outage
