// Tests for ConfigState: a reload that fails, however it fails, keeps the
// current config and says why.
#include "exporter/state/config_state.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace outage {
namespace {

TEST(ConfigStateTest, AValidatorThatThrowsFailsTheReloadAndKeepsTheCurrentConfig) {
  bool throws = false;
  ConfigState state("", PlacementFlags{}, [&](const Config&) -> std::optional<std::string> {
    if (throws) throw std::runtime_error("kaboom");
    return std::nullopt;
  });
  ASSERT_EQ(state.Reload(), std::nullopt);
  const std::shared_ptr<const Config> loaded = state.Current();
  ASSERT_NE(loaded, nullptr);

  throws = true;
  EXPECT_EQ(state.Reload(), "internal error: kaboom");
  EXPECT_FALSE(state.last_reload_successful());
  EXPECT_EQ(state.Current(), loaded);
}

TEST(ConfigStateTest, AListenerThatThrowsFailsTheReload) {
  ConfigState state("", PlacementFlags{}, [](const Config&) { return std::nullopt; });
  state.SetListener([](const Config&) { throw 42; });
  EXPECT_EQ(state.Reload(), "internal error: unknown exception");
  EXPECT_FALSE(state.last_reload_successful());
}

}  // namespace
}  // namespace outage
