// The configuration embedded in the binary loads and is self-consistent.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace outage {
namespace {

using testing::ExpectLoaded;

TEST(DefaultConfigTest, LoadsWithTargetsThatUseExistingModules) {
  const LoadedConfig loaded = ExpectLoaded(LoadDefaultConfig());
  const Config& config = *loaded.config;
  EXPECT_EQ(config.source, "<embedded default>");
  EXPECT_TRUE(loaded.warnings.empty());
  ASSERT_FALSE(config.targets.empty());
  for (const Target& target : config.targets) {
    const auto module = config.modules.find(target.module);
    ASSERT_NE(module, config.modules.end()) << target.target;
  }
  // Every service with an objective is one the targets have.
  ASSERT_FALSE(config.service_objectives.empty());
  for (const auto& [service, objective] : config.service_objectives) {
    EXPECT_TRUE(std::any_of(config.targets.begin(), config.targets.end(), [&](const Target& t) {
      return std::find(t.labels.begin(), t.labels.end(),
                       std::make_pair(std::string("service"), service)) != t.labels.end();
    })) << service;
  }
}

TEST(DefaultConfigTest, EmbedsDefaultConfigYmlVerbatim) {
  std::ifstream file(std::string(OUTAGE_CONFIG_SOURCE_DIR) + "/default_config.yml");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(DefaultConfigYaml(), text.str());
}

}  // namespace
}  // namespace outage
