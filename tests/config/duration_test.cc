// ParseDuration and FormatDuration against Prometheus' model.Duration.
#include "config/duration.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace outage {
namespace {

using std::chrono::milliseconds;

struct ParseCase {
  std::string_view text;
  std::optional<int64_t> millis;  // nullopt: must be rejected
};

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

TEST(DurationTest, ParsesPrometheusSyntax) {
  static constexpr ParseCase kCases[] = {
      {"0", 0},
      {"0s", 0},
      {"5s", 5 * kSecond},
      {"500ms", 500},
      {"1m", kMinute},
      {"1m30s", kMinute + 30 * kSecond},
      {"1h", kHour},
      {"2d", 2 * kDay},
      {"1w", 7 * kDay},
      {"1y", 365 * kDay},
      {"1y2w3d4h5m6s7ms",
       365 * kDay + 14 * kDay + 3 * kDay + 4 * kHour + 5 * kMinute + 6 * kSecond + 7},
      {"90s", 90 * kSecond},  // terms need not be normalised
      {"007s", 7 * kSecond},
      {"", std::nullopt},
      {"5", std::nullopt},
      {"-5s", std::nullopt},
      {"+5s", std::nullopt},
      {"1.5s", std::nullopt},
      {"5 s", std::nullopt},
      {" 5s", std::nullopt},
      {"5S", std::nullopt},
      {"5us", std::nullopt},
      {"30s1m", std::nullopt},  // out of order
      {"1m1m", std::nullopt},   // repeated unit
      {"1s1s", std::nullopt},
      {"1ms1s", std::nullopt},
      {"s", std::nullopt},
      {"1h-1m", std::nullopt},
      {"9223372036854775807ms", INT64_MAX},
      {"9223372036854775808ms", std::nullopt},  // overflow in the digits
      {"292471209y", std::nullopt},             // overflow in the unit
      {"292y292y", std::nullopt},
  };
  for (const ParseCase& c : kCases) {
    SCOPED_TRACE("input \"" + std::string(c.text) + "\"");
    const std::optional<Duration> parsed = ParseDuration(c.text);
    if (c.millis) {
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(parsed->count(), *c.millis);
    } else {
      EXPECT_FALSE(parsed.has_value()) << "parsed as " << parsed->count();
    }
  }
}

TEST(DurationTest, FormatsLikePrometheus) {
  static constexpr std::pair<int64_t, std::string_view> kCases[] = {
      {0, "0s"},
      {1, "1ms"},
      {500, "500ms"},
      {1500, "1s500ms"},
      {5 * kSecond, "5s"},
      {90 * kSecond, "1m30s"},
      {kHour, "1h"},
      {kHour + 1, "1h1ms"},
      {kDay, "1d"},
      {7 * kDay, "1w"},
      {90 * kDay, "90d"},  // weeks only when exact
      {14 * kDay, "2w"},
      {365 * kDay, "1y"},
      {366 * kDay, "366d"},  // years only when exact
      {-5 * kSecond, "-5s"},
  };
  for (const auto& [millis, text] : kCases) {
    EXPECT_EQ(FormatDuration(milliseconds(millis)), text) << millis << "ms";
  }
}

TEST(DurationTest, FormatThenParseRoundTrips) {
  for (const int64_t millis : {int64_t{1}, int64_t{999}, int64_t{61001}, 3 * kDay + 7,
                               kDay * 52 * 7, (kDay * 2 * 365) + kMinute}) {
    const std::optional<Duration> parsed = ParseDuration(FormatDuration(milliseconds(millis)));
    ASSERT_TRUE(parsed.has_value()) << FormatDuration(milliseconds(millis));
    EXPECT_EQ(parsed->count(), millis);
  }
}

}  // namespace
}  // namespace outage
