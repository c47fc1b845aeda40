// Tests for the bounded per-probe debug log.
#include "collectors/probe_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace outage {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

TEST(ProbeLogTest, DebugLinesAreDroppedSilentlyWithoutDebug) {
  ProbeLog log(false);
  log.Debug("resolving");
  EXPECT_TRUE(log.lines().empty());
  EXPECT_EQ(log.dropped(), 0u);
  EXPECT_EQ(log.Text(), "");
}

TEST(ProbeLogTest, DebugLinesAreKeptWithDebug) {
  ProbeLog log(true);
  log.Debug("resolving", {{"host", "example.com"}});
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_THAT(log.lines()[0], HasSubstr(" level=debug msg=resolving host=example.com"));
}

TEST(ProbeLogTest, InfoAndErrorAreAlwaysKept) {
  ProbeLog log(false);
  log.Info("Beginning probe");
  log.Error("Probe failed", {{"err", "connection refused"}});
  ASSERT_EQ(log.lines().size(), 2u);
  EXPECT_THAT(log.lines()[0], HasSubstr(" level=info msg=\"Beginning probe\""));
  EXPECT_THAT(log.lines()[1],
              HasSubstr(" level=error msg=\"Probe failed\" err=\"connection refused\""));
}

TEST(ProbeLogTest, LinesStartWithAnRfc3339Timestamp) {
  ProbeLog log;
  log.Info("x");
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_THAT(log.lines()[0],
              MatchesRegex("ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                           "level=info msg=x"));
}

TEST(ProbeLogTest, TextIsNewlineTerminatedLines) {
  ProbeLog log;
  log.Info("one");
  log.Info("two");
  EXPECT_EQ(log.Text(), log.lines()[0] + "\n" + log.lines()[1] + "\n");
}

TEST(ProbeLogTest, LinesBeyondTheCapAreCountedNotKept) {
  ProbeLog log;
  for (size_t i = 0; i < ProbeLog::kMaxLines + 7; ++i) log.Info("line", {{"i", std::to_string(i)}});
  EXPECT_EQ(log.lines().size(), ProbeLog::kMaxLines);
  EXPECT_EQ(log.dropped(), 7u);
  EXPECT_THAT(log.lines().back(), EndsWith(" i=" + std::to_string(ProbeLog::kMaxLines - 1)));

  const std::string text = log.Text();
  EXPECT_THAT(text, EndsWith("\n... 7 more lines dropped\n"));
  EXPECT_EQ(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')),
            ProbeLog::kMaxLines + 1);
}

TEST(ProbeLogTest, SuppressedDebugLinesDoNotCountAsDropped) {
  ProbeLog log(false);
  for (size_t i = 0; i < ProbeLog::kMaxLines; ++i) log.Info("line");
  log.Debug("quiet");
  log.Error("loud");
  EXPECT_EQ(log.dropped(), 1u);
}

TEST(ProbeLogTest, LongValuesAreClippedWithAnEllipsis) {
  ProbeLog log;
  log.Info("body", {{"body", std::string(3 * ProbeLog::kMaxLineBytes, 'x')}});
  ASSERT_EQ(log.lines().size(), 1u);
  const std::string line = log.lines()[0];
  EXPECT_LE(line.size(), ProbeLog::kMaxLineBytes);
  EXPECT_THAT(line, StartsWith("ts="));
  EXPECT_THAT(line, EndsWith(" body=" + std::string(ProbeLog::kMaxLineBytes / 4, 'x') + "..."));
}

TEST(ProbeLogTest, FieldsPastTheLineLimitAreDroppedWhole) {
  ProbeLog log;
  // Quoted values: clipping must never leave a quote open.
  const std::string value = "\"" + std::string(ProbeLog::kMaxLineBytes, 'q');
  log.Info("m", {{"a", value}, {"b", value}, {"c", value}, {"d", value}, {"e", value}});
  ASSERT_EQ(log.lines().size(), 1u);
  const std::string line = log.lines()[0];
  EXPECT_LE(line.size(), ProbeLog::kMaxLineBytes + std::string(" truncated=true").size());
  EXPECT_THAT(line, EndsWith(" truncated=true"));
  EXPECT_THAT(line, Not(HasSubstr(" e=")));
  // Every quote opened is closed: an even number of unescaped quotes.
  size_t quotes = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) ++quotes;
  }
  EXPECT_EQ(quotes % 2, 0u) << line;
}

TEST(ProbeLogTest, ShortLinesAreKeptWhole) {
  ProbeLog log;
  log.Info("m", {{"v", std::string(100, 'y')}});
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_THAT(log.lines()[0], EndsWith(" v=" + std::string(100, 'y')));
}

}  // namespace
}  // namespace outage
