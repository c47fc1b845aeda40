// Tests for the diagnosis keys of the config: what loads, and each bad
// value paired with its exact file:line:column error.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config/config_loader.h"
#include "config/time_zone.h"

namespace outage {
namespace {

constexpr char kModules[] =
    "modules:\n"
    "  http_2xx:\n"
    "    prober: http\n";

std::string ErrorOf(const std::string& yaml) {
  const ConfigResult result = LoadConfigString(yaml, "t.yml");
  if (const auto* e = std::get_if<ConfigError>(&result)) return e->ToString();
  return "loaded";
}

std::shared_ptr<const Config> Load(const std::string& yaml) {
  const ConfigResult result = LoadConfigString(yaml, "t.yml");
  if (const auto* e = std::get_if<ConfigError>(&result)) {
    ADD_FAILURE() << e->ToString();
    return std::make_shared<Config>();
  }
  return std::get<LoadedConfig>(result).config;
}

TEST(DiagnosisConfigTest, DefaultsWithoutAnyDiagnosisKey) {
  auto c = Load(std::string(kModules) +
                "targets:\n  - {target: https://a.example/, module: http_2xx}\n");
  ASSERT_EQ(c->targets.size(), 1u);
  const Target& t = c->targets[0];
  EXPECT_EQ(t.hysteresis.failure_threshold, 2);
  EXPECT_EQ(t.hysteresis.recovery_threshold, 2);
  EXPECT_EQ(t.hysteresis.degraded_latency, Duration(0));
  EXPECT_FALSE(t.control);
  EXPECT_FALSE(t.vendor_status_link.has_value());
  EXPECT_EQ(t.min_interval, Duration(0));
  EXPECT_TRUE(c->vendor_status_pages.empty());
  EXPECT_TRUE(c->maintenance.empty());
}

TEST(DiagnosisConfigTest, LoadsEveryKey) {
  auto c = Load(std::string(kModules) +
                "global:\n"
                "  failure_threshold: 3\n"
                "  recovery_threshold: 4\n"
                "  degraded_latency: 2s\n"
                "status_pages:\n"
                "  - name: github\n"
                "    url: https://www.githubstatus.com\n"
                "    refresh_interval: 2m\n"
                "maintenance:\n"
                "  - name: migration\n"
                "    start: 2024-05-01T22:00:00+02:00\n"
                "    end: 2024-05-01T23:30:00Z\n"
                "targets:\n"
                "  - target: https://one.one.one.one/\n"
                "    module: http_2xx\n"
                "    control: true\n"
                "  - target: https://api.github.com/\n"
                "    module: http_2xx\n"
                "    failure_threshold: 5\n"
                "    degraded_latency: 750ms\n"
                "    min_interval: 30s\n"
                "    status_page: {page: github, components: [API Requests, Git Operations]}\n"
                "    maintenance:\n"
                "      - every: [saturday, sunday]\n"
                "        start: \"23:30\"\n"
                "        duration: 1h30m\n"
                "        timezone: Europe/Stockholm\n"
                "      - every: daily\n"
                "        start: \"04:00\"\n"
                "        duration: 5m\n");
  ASSERT_EQ(c->targets.size(), 2u);
  EXPECT_TRUE(c->targets[0].control);
  EXPECT_EQ(c->targets[0].hysteresis.failure_threshold, 3);  // from global
  EXPECT_EQ(c->targets[0].hysteresis.recovery_threshold, 4);
  EXPECT_EQ(c->targets[0].hysteresis.degraded_latency, Duration(2000));
  const Target& t = c->targets[1];
  EXPECT_EQ(t.hysteresis.failure_threshold, 5);
  EXPECT_EQ(t.hysteresis.recovery_threshold, 4);
  EXPECT_EQ(t.hysteresis.degraded_latency, Duration(750));
  EXPECT_EQ(t.min_interval, Duration(30000));
  ASSERT_TRUE(t.vendor_status_link.has_value());
  EXPECT_EQ(t.vendor_status_link->page, "github");
  EXPECT_EQ(t.vendor_status_link->components,
            (std::vector<std::string>{"API Requests", "Git Operations"}));
  ASSERT_EQ(t.maintenance.size(), 2u);
  EXPECT_EQ(t.maintenance[0].weekdays, (std::vector<int>{0, 6}));
  EXPECT_EQ(t.maintenance[0].start_minute_of_day, 23 * 60 + 30);
  EXPECT_EQ(t.maintenance[0].duration, Duration(90 * 60 * 1000));
  ASSERT_NE(t.maintenance[0].zone, nullptr);
  EXPECT_EQ(t.maintenance[0].zone->name(), "Europe/Stockholm");
  EXPECT_EQ(t.maintenance[1].weekdays.size(), 7u);
  EXPECT_EQ(t.maintenance[1].timezone, "UTC");
  ASSERT_EQ(c->vendor_status_pages.size(), 1u);
  EXPECT_EQ(c->vendor_status_pages[0].refresh_interval, Duration(120000));
  ASSERT_EQ(c->maintenance.size(), 1u);
  EXPECT_EQ(c->maintenance[0].name, "migration");
  EXPECT_EQ(*c->maintenance[0].start_unix, 1714593600);  // 20:00Z
  EXPECT_EQ(*c->maintenance[0].end_unix, 1714606200);
  EXPECT_FALSE(c->maintenance[0].recurring());
}

struct BadCase {
  const char* yaml;      // appended to kModules
  const char* expected;  // the error after "t.yml:"
};

// Line numbers count the three lines of kModules.
const BadCase kBadCases[] = {
    {"global:\n  failure_threshold: 0\n",
     "5:22: global.failure_threshold: must be between 1 and 1000000, got 0"},
    {"global:\n  recovery_threshold: two\n",
     "5:23: global.recovery_threshold: expected an integer, got \"two\""},
    {"global:\n  degraded_latency: fast\n",
     "5:21: global.degraded_latency: invalid duration \"fast\" (use e.g. 30s, 5m, 1h30m)"},
    {"status_pages:\n  - {name: a, url: ftp://status.example}\n",
     "5:20: status_pages[0].url: invalid URL \"ftp://status.example\" (want http:// or https://)"},
    {"status_pages:\n  - {name: a, url: https://a.example}\n  - {name: a, url: "
     "https://b.example}\n",
     "6:12: status_pages[1].name: duplicate status page \"a\""},
    {"status_pages:\n  - {url: https://a.example}\n",
     "5:5: status_pages[0]: missing required key \"name\""},
    {"status_pages:\n  - {name: a, url: https://a.example, refresh_interval: 0s}\n",
     "5:57: status_pages[0].refresh_interval: must be more than 0"},
    {"status_pages:\n  - {name: a, url: https://a.example, colour: red}\n",
     "5:39: status_pages[0].colour: unknown key \"colour\""},
    {"targets:\n  - {target: x, module: http_2xx, status_page: {page: nope}}\n",
     "5:55: targets[0].status_page.page: unknown status page \"nope\" (not in status_pages)"},
    {"targets:\n  - {target: x, module: http_2xx, status_page: {components: [a]}}\n",
     "5:48: targets[0].status_page: missing required key \"page\""},
    {"targets:\n  - {target: x, module: http_2xx, control: maybe}\n",
     "5:44: targets[0].control: expected a boolean, got \"maybe\""},
    {"targets:\n  - {target: x, module: http_2xx, min_interval: -5s}\n",
     "5:49: targets[0].min_interval: invalid duration \"-5s\" (use e.g. 30s, 5m, 1h30m)"},
    {"maintenance:\n  - {start: 2024-05-01T10:00:00Z, end: 2024-05-01T09:00:00Z}\n",
     "5:40: maintenance[0].end: must be after start"},
    {"maintenance:\n  - {start: 2024-05-01 10:00, end: 2024-05-01T11:00:00Z}\n",
     "5:13: maintenance[0].start: invalid time \"2024-05-01 10:00\" (want RFC 3339, e.g. "
     "2024-05-01T22:00:00Z or ...T22:00:00+02:00)"},
    {"maintenance:\n  - {start: 2024-02-30T10:00:00Z, end: 2024-05-01T11:00:00Z}\n",
     "5:13: maintenance[0].start: invalid time \"2024-02-30T10:00:00Z\" (want RFC 3339, e.g. "
     "2024-05-01T22:00:00Z or ...T22:00:00+02:00)"},
    {"maintenance:\n  - {start: 2024-05-01T10:00:00Z}\n",
     "5:5: maintenance[0]: missing required key \"end\""},
    {"maintenance:\n  - {start: 2024-05-01T10:00:00Z, end: 2024-05-01T11:00:00Z, duration: 1h}\n",
     "5:62: maintenance[0].duration: only recurring windows (with \"every\") take \"duration\"; a "
     "one-off window takes \"end\""},
    {"maintenance:\n  - {every: daily, start: \"25:00\", duration: 1h}\n",
     "5:27: maintenance[0].start: invalid time of day \"25:00\" (want hh:mm, 24-hour)"},
    {"maintenance:\n  - {every: weekly, start: \"02:00\", duration: 1h}\n",
     "5:13: maintenance[0].every: expected \"daily\" or a list of weekdays, got \"weekly\""},
    {"maintenance:\n  - {every: [monday, funday], start: \"02:00\", duration: 1h}\n",
     "5:22: maintenance[0].every[1]: invalid value \"funday\" (want one of \"sunday\", \"monday\", "
     "\"tuesday\", \"wednesday\", \"thursday\", \"friday\", \"saturday\")"},
    {"maintenance:\n  - {every: [monday, monday], start: \"02:00\", duration: 1h}\n",
     "5:22: maintenance[0].every[1]: duplicate weekday \"monday\""},
    {"maintenance:\n  - {every: daily, start: \"02:00\"}\n",
     "5:5: maintenance[0]: missing required key \"duration\""},
    {"maintenance:\n  - {every: daily, start: \"02:00\", duration: 2w}\n",
     "5:46: maintenance[0].duration: must be more than 0 and at most 1w"},
    {"maintenance:\n  - {every: daily, start: \"02:00\", duration: 1h, timezone: "
     "Europe/Atlantis}\n",
     "5:60: maintenance[0].timezone: \"Europe/Atlantis\": unknown time zone (no TZif file in "
     "/usr/share/zoneinfo)"},
    {"maintenance:\n  - {every: daily, start: \"02:00\", duration: 1h, end: "
     "2024-05-01T11:00:00Z}\n",
     "5:50: maintenance[0].end: a recurring window (with \"every\") takes \"duration\", not "
     "\"end\""},
    {"targets:\n  - target: x\n    module: http_2xx\n    maintenance:\n      - {every: daily}\n",
     "8:9: targets[0].maintenance[0]: missing required key \"start\""},
};

TEST(DiagnosisConfigTest, EveryBadValueNamesItsPlace) {
  for (const BadCase& c : kBadCases) {
    EXPECT_EQ(ErrorOf(std::string(kModules) + c.yaml), std::string("t.yml:") + c.expected)
        << c.yaml;
  }
}

}  // namespace
}  // namespace outage
