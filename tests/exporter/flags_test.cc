// Tests for command-line parsing: defaults, every flag, --help/--version and
// the exact error lines.
#include "exporter/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "exporter/build_info.h"

namespace outage {
namespace {

using ::testing::ElementsAre;

using std::chrono::milliseconds;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::StartsWith;

FlagsOutcome Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "outage_exporter");
  return ParseFlags(static_cast<int>(args.size()), args.data());
}

size_t Lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ParseFlagsTest, Defaults) {
  const FlagsOutcome out = Parse({});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.message, "");
  const Flags& f = *out.flags;
  EXPECT_THAT(f.listen_addresses, ElementsAre(":9115"));
  EXPECT_EQ(f.external_url, "");
  EXPECT_EQ(f.route_prefix, "");
  EXPECT_EQ(f.config_file, "");
  EXPECT_FALSE(f.config_check);
  EXPECT_EQ(f.timeout_offset, milliseconds(500));
  EXPECT_EQ(f.log_level, LogLevel::kInfo);
  EXPECT_EQ(f.log_format, LogFormat::kLogfmt);
  EXPECT_EQ(f.log_prober, LogLevel::kDebug);  // blackbox's default
  EXPECT_EQ(f.probe_max_concurrent, 256);
  EXPECT_EQ(f.web_threads, 16);
}

TEST(ParseFlagsTest, ConfigAutoReload) {
  const FlagsOutcome off = Parse({});
  ASSERT_TRUE(off.flags.has_value()) << off.message;
  EXPECT_FALSE(off.flags->config_auto_reload);
  EXPECT_EQ(off.flags->config_auto_reload_interval, milliseconds(30'000));  // blackbox's default
  const FlagsOutcome on =
      Parse({"--config.enable-auto-reload", "--config.auto-reload-interval=2m"});
  ASSERT_TRUE(on.flags.has_value()) << on.message;
  EXPECT_TRUE(on.flags->config_auto_reload);
  EXPECT_EQ(on.flags->config_auto_reload_interval, milliseconds(120'000));
  for (const char* bad :
       {"--config.auto-reload-interval=0s", "--config.auto-reload-interval=soon"}) {
    const FlagsOutcome out = Parse({bad});
    EXPECT_FALSE(out.flags.has_value()) << bad;
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_THAT(out.message, HasSubstr("--config.auto-reload-interval: invalid duration"));
  }
}

TEST(ParseFlagsTest, EveryFlagWithEquals) {
  const FlagsOutcome out = Parse(
      {"--web.listen-address=127.0.0.1:9000", "--config.file=/etc/outage.yml", "--config.check",
       "--timeout-offset=250ms", "--log.level=debug", "--log.format=json", "--web.threads=8"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  const Flags& f = *out.flags;
  EXPECT_THAT(f.listen_addresses, ElementsAre("127.0.0.1:9000"));
  EXPECT_EQ(f.config_file, "/etc/outage.yml");
  EXPECT_TRUE(f.config_check);
  EXPECT_EQ(f.timeout_offset, milliseconds(250));
  EXPECT_EQ(f.log_level, LogLevel::kDebug);
  EXPECT_EQ(f.log_format, LogFormat::kJson);
  EXPECT_EQ(f.web_threads, 8);
}

TEST(ParseFlagsTest, ValuesAsSeparateArguments) {
  const FlagsOutcome out = Parse({"--config.file", "a.yml", "--log.level", "error",
                                  "--timeout-offset", "1s", "--web.listen-address", ":0"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.flags->config_file, "a.yml");
  EXPECT_EQ(out.flags->log_level, LogLevel::kError);
  EXPECT_EQ(out.flags->timeout_offset, milliseconds(1'000));
  EXPECT_THAT(out.flags->listen_addresses, ElementsAre(":0"));
}

// blackbox_exporter (through the exporter-toolkit) serves every
// --web.listen-address given; a given address replaces the default.
TEST(ParseFlagsTest, ListenAddressRepeats) {
  const FlagsOutcome out =
      Parse({"--web.listen-address=127.0.0.1:9000", "--web.listen-address", "127.0.0.2:9001"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_THAT(out.flags->listen_addresses, ElementsAre("127.0.0.1:9000", "127.0.0.2:9001"));
}

TEST(ParseFlagsTest, ExternalUrlAndRoutePrefix) {
  const FlagsOutcome out =
      Parse({"--web.external-url=https://example.org/outage", "--web.route-prefix", "/"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.flags->external_url, "https://example.org/outage");
  EXPECT_EQ(out.flags->route_prefix, "/");
}

TEST(ParseFlagsTest, EveryLogLevel) {
  const std::pair<const char*, LogLevel> levels[] = {{"--log.level=debug", LogLevel::kDebug},
                                                     {"--log.level=info", LogLevel::kInfo},
                                                     {"--log.level=warn", LogLevel::kWarn},
                                                     {"--log.level=error", LogLevel::kError}};
  for (const auto& [arg, level] : levels) {
    SCOPED_TRACE(arg);
    const FlagsOutcome out = Parse({arg});
    ASSERT_TRUE(out.flags.has_value()) << out.message;
    EXPECT_EQ(out.flags->log_level, level);
  }
}

TEST(ParseFlagsTest, ShardAndVantage) {
  const FlagsOutcome out = Parse({"--targets.shard=2/3", "--vantage", "eu-west"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  ASSERT_TRUE(out.flags->placement.shard.has_value());
  EXPECT_EQ(out.flags->placement.shard->index, 2);
  EXPECT_EQ(out.flags->placement.shard->count, 3);
  EXPECT_EQ(out.flags->placement.vantage, "eu-west");
  const FlagsOutcome unset = Parse({});
  ASSERT_TRUE(unset.flags.has_value());
  EXPECT_FALSE(unset.flags->placement.shard.has_value());
  EXPECT_EQ(unset.flags->placement.vantage, "");
}

TEST(ParseFlagsTest, BadShardIsOneErrorLine) {
  const FlagsOutcome out = Parse({"--targets.shard=3/2"});
  EXPECT_FALSE(out.flags.has_value());
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.message,
            "outage_exporter: --targets.shard: must be I/N with 1 <= I <= N <= 1000, got "
            "\"3/2\"\n");
}

TEST(ParseFlagsTest, HelpExitsZeroWithUsage) {
  for (const char* arg : {"--help", "-h"}) {
    SCOPED_TRACE(arg);
    const FlagsOutcome out = Parse({arg});
    EXPECT_FALSE(out.flags.has_value());
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_THAT(out.message, HasSubstr("--web.listen-address"));
    EXPECT_THAT(out.message, HasSubstr("--config.file"));
    EXPECT_THAT(out.message, HasSubstr("--timeout-offset"));
    EXPECT_THAT(out.message, HasSubstr("--log.format"));
    EXPECT_THAT(out.message, HasSubstr("--log.prober"));
  }
}

TEST(ParseFlagsTest, VersionExitsZeroWithVersionAndRevision) {
  const FlagsOutcome out = Parse({"--version"});
  EXPECT_FALSE(out.flags.has_value());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.message, std::string("outage_exporter, version ") + kVersion +
                             " (revision: " + kRevision + ")\n");
  EXPECT_STRNE(kVersion, "");
}

TEST(ParseFlagsTest, UnknownFlagIsOneErrorLine) {
  const FlagsOutcome out = Parse({"--no.such-flag"});
  EXPECT_FALSE(out.flags.has_value());
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_THAT(out.message, StartsWith("outage_exporter: "));
  EXPECT_THAT(out.message, HasSubstr("--no.such-flag"));
  EXPECT_THAT(out.message, EndsWith("\n"));
  EXPECT_EQ(Lines(out.message), 1u) << out.message;
}

TEST(ParseFlagsTest, MissingValueIsOneErrorLine) {
  const FlagsOutcome out = Parse({"--config.file"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_THAT(out.message, StartsWith("outage_exporter: "));
  EXPECT_EQ(Lines(out.message), 1u) << out.message;
}

TEST(ParseFlagsTest, BadLogLevel) {
  const FlagsOutcome out = Parse({"--log.level=verbose"});
  EXPECT_FALSE(out.flags.has_value());
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.message,
            "outage_exporter: --log.level: must be debug, info, warn or error, got \"verbose\"\n");
}

TEST(ParseFlagsTest, LogProber) {
  const FlagsOutcome out = Parse({"--log.prober=warn"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.flags->log_prober, LogLevel::kWarn);
  const FlagsOutcome bad = Parse({"--log.prober=none"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.message,
            "outage_exporter: --log.prober: must be debug, info, warn or error, got \"none\"\n");
}

TEST(ParseFlagsTest, BadLogFormat) {
  const FlagsOutcome out = Parse({"--log.format=xml"});
  EXPECT_FALSE(out.flags.has_value());
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.message, "outage_exporter: --log.format: must be logfmt or json, got \"xml\"\n");
}

TEST(ParseFlagsTest, BadTimeoutOffset) {
  for (const char* value : {"soon", "-1s", "5h", "0.5 s"}) {
    SCOPED_TRACE(value);
    const std::string arg = std::string("--timeout-offset=") + value;
    const FlagsOutcome out = Parse({arg.c_str()});
    EXPECT_FALSE(out.flags.has_value());
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out.message, std::string("outage_exporter: --timeout-offset: invalid duration \"") +
                               value + "\" (use e.g. 0.5s or 500ms)\n");
  }
}

TEST(ParseFlagsTest, WebThreadsOutOfRange) {
  for (const char* arg : {"--web.threads=0", "--web.threads=5000", "--web.threads=many"}) {
    SCOPED_TRACE(arg);
    const FlagsOutcome out = Parse({arg});
    EXPECT_FALSE(out.flags.has_value());
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_THAT(out.message, StartsWith("outage_exporter: "));
    EXPECT_EQ(Lines(out.message), 1u) << out.message;
  }
}

TEST(ParseFlagsTest, StatusPageAndHistoryFlags) {
  const FlagsOutcome defaults = Parse({});
  ASSERT_TRUE(defaults.flags.has_value());
  EXPECT_EQ(defaults.flags->history_limit, 100u);
  EXPECT_EQ(defaults.flags->status_refresh_seconds, 30);
  EXPECT_EQ(defaults.flags->status_group_label, "service");
  const FlagsOutcome out =
      Parse({"--history.limit=7", "--web.status-refresh=0", "--web.status-group-label=team"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.flags->history_limit, 7u);
  EXPECT_EQ(out.flags->status_refresh_seconds, 0);
  EXPECT_EQ(out.flags->status_group_label, "team");
  for (const char* arg : {"--history.limit=0", "--history.limit=-5", "--history.limit=100001",
                          "--web.status-refresh=-1", "--web.status-refresh=3601"}) {
    SCOPED_TRACE(arg);
    const FlagsOutcome bad = Parse({arg});
    EXPECT_FALSE(bad.flags.has_value());
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_EQ(Lines(bad.message), 1u) << bad.message;
  }
}

TEST(ParseFlagsTest, StorageMemoryIncidents) {
  const FlagsOutcome defaults = Parse({});
  ASSERT_TRUE(defaults.flags.has_value());
  EXPECT_EQ(defaults.flags->storage_memory_incidents, 1000u);
  const FlagsOutcome out = Parse({"--storage.memory-incidents=20"});
  ASSERT_TRUE(out.flags.has_value()) << out.message;
  EXPECT_EQ(out.flags->storage_memory_incidents, 20u);
  for (const char* arg : {"--storage.memory-incidents=0", "--storage.memory-incidents=1000001"}) {
    SCOPED_TRACE(arg);
    const FlagsOutcome bad = Parse({arg});
    EXPECT_FALSE(bad.flags.has_value());
    EXPECT_EQ(bad.exit_code, 1);
  }
}

TEST(ParseSecondsTest, AcceptedForms) {
  EXPECT_THAT(ParseSeconds("0.5"), Optional(milliseconds(500)));
  EXPECT_THAT(ParseSeconds("0.5s"), Optional(milliseconds(500)));
  EXPECT_THAT(ParseSeconds("2s"), Optional(milliseconds(2'000)));
  EXPECT_THAT(ParseSeconds("500ms"), Optional(milliseconds(500)));
  EXPECT_THAT(ParseSeconds("2m"), Optional(milliseconds(120'000)));
  EXPECT_THAT(ParseSeconds("0"), Optional(milliseconds(0)));
  EXPECT_THAT(ParseSeconds("0.0015s"), Optional(milliseconds(2)));  // rounded
}

TEST(ParseSecondsTest, RejectedForms) {
  for (const char* text :
       {"", "s", "ms", "abc", "-1", "-0.5s", "5h", "1d", "10 s", "1sec", "inf", "nan", "1e999"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseSeconds(text), std::nullopt);
  }
}

}  // namespace
}  // namespace outage
