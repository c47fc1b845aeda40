// Tests for AvailabilityJson: what /api/v1/availability shows of a target.
#include "exporter/status_page/availability_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <variant>

#include "config/config_loader.h"

namespace outage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kConfig[] = R"(modules:
  http_2xx:
    prober: http
targets:
  - target: https://probe:s3cret@api.example.com/health
    module: http_2xx
    labels: {service: api}
)";

TEST(AvailabilityJsonTest, ATargetsUrlPasswordIsNeverShownAndItsShownFormFindsIt) {
  const ConfigResult loaded = LoadConfigString(kConfig, "test");
  ASSERT_TRUE(std::holds_alternative<LoadedConfig>(loaded));
  const Config& config = *std::get<LoadedConfig>(loaded).config;
  const WallTime now = std::chrono::system_clock::now();
  AvailabilityQuery query;
  query.month = Period{now - std::chrono::hours(24), now, "day"};
  const std::optional<std::string> all = AvailabilityJson(config, "service", {}, query, now);
  ASSERT_TRUE(all.has_value());
  EXPECT_THAT(*all, Not(HasSubstr("s3cret")));
  EXPECT_THAT(*all, HasSubstr("api.example.com/health"));

  query.target = config.targets.front().identity.display;
  const std::optional<std::string> one = AvailabilityJson(config, "service", {}, query, now);
  ASSERT_TRUE(one.has_value());
  EXPECT_THAT(*one, HasSubstr("api.example.com/health"));
  EXPECT_THAT(*one, Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace outage
