// Tests for logfmt quoting and escaping, and the RFC 3339 timestamp format.
#include "collectors/logfmt.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

namespace outage {
namespace {

std::string Value(std::string_view v) {
  std::string out;
  AppendLogfmtValue(&out, v);
  return out;
}

TEST(LogfmtValueTest, PlainValueIsNotQuoted) {
  EXPECT_EQ(Value("abc"), "abc");
  EXPECT_EQ(Value("https://example.com/a?b&c"), "https://example.com/a?b&c");
  EXPECT_EQ(Value("1.5s"), "1.5s");
}

TEST(LogfmtValueTest, EmptyValueIsQuoted) { EXPECT_EQ(Value(""), "\"\""); }

TEST(LogfmtValueTest, SpaceEqualsAndQuoteForceQuoting) {
  EXPECT_EQ(Value("a b"), "\"a b\"");
  EXPECT_EQ(Value("a=b"), "\"a=b\"");
  EXPECT_EQ(Value("say \"hi\""), "\"say \\\"hi\\\"\"");
}

TEST(LogfmtValueTest, BackslashAloneIsKeptRawButEscapedInsideQuotes) {
  EXPECT_EQ(Value("a\\b"), "a\\b");
  EXPECT_EQ(Value("a\\ b"), "\"a\\\\ b\"");
}

TEST(LogfmtValueTest, CommonControlCharactersUseShortEscapes) {
  EXPECT_EQ(Value("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(Value("a\rb"), "\"a\\rb\"");
  EXPECT_EQ(Value("a\tb"), "\"a\\tb\"");
}

TEST(LogfmtValueTest, OtherControlCharactersUseHexEscapes) {
  EXPECT_EQ(Value(std::string_view("a\x01z", 3)), "\"a\\x01z\"");
  EXPECT_EQ(Value(std::string_view("\x1f", 1)), "\"\\x1f\"");
  EXPECT_EQ(Value(std::string_view("a\0b", 3)), "\"a\\x00b\"");
  EXPECT_EQ(Value("del\x7f"), "\"del\\x7f\"");
}

TEST(LogfmtValueTest, NonAsciiBytesAreQuotedButKept) {
  EXPECT_EQ(Value("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(LogfmtValueTest, AppendsToExistingText) {
  std::string out = "x=";
  AppendLogfmtValue(&out, "a b");
  EXPECT_EQ(out, "x=\"a b\"");
}

TEST(LogfmtFieldTest, FirstFieldHasNoLeadingSpace) {
  std::string out;
  AppendLogfmtField(&out, "level", "info");
  EXPECT_EQ(out, "level=info");
}

TEST(LogfmtFieldTest, LaterFieldsAreSpaceSeparatedAndQuotedAsNeeded) {
  std::string out;
  AppendLogfmtField(&out, "level", "info");
  AppendLogfmtField(&out, "msg", "Probe failed");
  AppendLogfmtField(&out, "err", "");
  EXPECT_EQ(out, "level=info msg=\"Probe failed\" err=\"\"");
}

std::chrono::system_clock::time_point FromMillis(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

TEST(Rfc3339MillisTest, FormatsUtcWithMilliseconds) {
  // 2024-02-29T13:04:05.678Z, a leap day.
  EXPECT_EQ(Rfc3339Millis(FromMillis(1'709'211'845'678)), "2024-02-29T13:04:05.678Z");
}

TEST(Rfc3339MillisTest, PadsEveryField) {
  EXPECT_EQ(Rfc3339Millis(FromMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Rfc3339Millis(FromMillis(5)), "1970-01-01T00:00:00.005Z");
  // 2001-09-09T01:46:40.050Z
  EXPECT_EQ(Rfc3339Millis(FromMillis(1'000'000'000'050)), "2001-09-09T01:46:40.050Z");
}

TEST(Rfc3339MillisTest, SecondsFollowEachOtherInEitherOrder) {
  // The seconds part is reused within a second: a change either way shows.
  EXPECT_EQ(Rfc3339Millis(FromMillis(1'000'000'000'999)), "2001-09-09T01:46:40.999Z");
  EXPECT_EQ(Rfc3339Millis(FromMillis(1'000'000'001'000)), "2001-09-09T01:46:41.000Z");
  EXPECT_EQ(Rfc3339Millis(FromMillis(1'000'000'000'001)), "2001-09-09T01:46:40.001Z");
}

TEST(Rfc3339MillisTest, BeforeTheEpochCountsMillisecondsUp) {
  EXPECT_EQ(Rfc3339Millis(FromMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339MillisTest, TruncatesSubMillisecondPrecision) {
  const auto t = FromMillis(1'709'211'845'678) + std::chrono::microseconds(999);
  EXPECT_EQ(Rfc3339Millis(t), "2024-02-29T13:04:05.678Z");
}

}  // namespace
}  // namespace outage
