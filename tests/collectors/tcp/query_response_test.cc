// Line splitting and ${N} expansion of the query_response engine, pinned to
// Go's bufio.ScanLines and Regexp.Expand behaviour that blackbox users see.
#include "collectors/tcp/query_response.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

namespace outage {
namespace {

std::vector<std::string> Lines(LineReader& reader) {
  std::vector<std::string> out;
  std::string line;
  while (reader.NextLine(&line) == LineReader::Next::kLine) out.push_back(line);
  return out;
}

TEST(LineReaderTest, SplitsLinesAcrossReads) {
  LineReader reader;
  reader.Append("220 mail");
  EXPECT_TRUE(Lines(reader).empty());
  reader.Append(" ready\r\n250-one\n250 t");
  EXPECT_EQ(Lines(reader), (std::vector<std::string>{"220 mail ready", "250-one"}));
  reader.Append("wo\r");
  EXPECT_TRUE(Lines(reader).empty());
  reader.Append("\n");
  EXPECT_EQ(Lines(reader), std::vector<std::string>{"250 two"});
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(LineReaderTest, KeepsInnerCarriageReturnsAndEmptyLines) {
  LineReader reader;
  reader.Append("a\rb\r\n\n\r\n");
  EXPECT_EQ(Lines(reader), (std::vector<std::string>{"a\rb", "", ""}));
}

TEST(LineReaderTest, TakeRestReturnsTheUnterminatedLastLine) {
  LineReader reader;
  reader.Append("done\nlast\r");
  EXPECT_EQ(Lines(reader), std::vector<std::string>{"done"});
  std::string rest;
  ASSERT_TRUE(reader.TakeRest(&rest));
  EXPECT_EQ(rest, "last");
  EXPECT_FALSE(reader.TakeRest(&rest));
}

TEST(LineReaderTest, TooLongLine) {
  LineReader reader;
  reader.Append(std::string(LineReader::kMaxLineBytes, 'x'));
  std::string line;
  EXPECT_EQ(reader.NextLine(&line), LineReader::Next::kNeedMore);
  reader.Append("y");
  EXPECT_EQ(reader.NextLine(&line), LineReader::Next::kTooLong);
}

TEST(LineReaderTest, TakeBytesIsExactAndLeavesTheRest) {
  LineReader reader;
  reader.Append(std::string("\x00\x01", 2));
  std::string got;
  EXPECT_FALSE(reader.TakeBytes(3, &got));
  reader.Append("Zrest\n");
  ASSERT_TRUE(reader.TakeBytes(3, &got));
  EXPECT_EQ(got, std::string("\x00\x01Z", 3));
  EXPECT_EQ(Lines(reader), std::vector<std::string>{"rest"});
}

TEST(LineReaderTest, ClearDropsBufferedBytes) {
  LineReader reader;
  reader.Append("injected before starttls\n");
  reader.Clear();
  EXPECT_TRUE(Lines(reader).empty());
}

std::string Expand(const std::string& pattern, const std::string& line, const std::string& tmpl) {
  RE2 re(pattern);
  std::vector<std::string_view> groups;
  EXPECT_TRUE(MatchLine(re, line, &groups)) << pattern << " on " << line;
  return ExpandCaptures(tmpl, re, groups);
}

TEST(ExpandCapturesTest, GoExpandSemantics) {
  const std::string re = "PING :([^ ]+)(?: (x))?(?P<rest>.*)";
  const std::string line = "PING :abc def";
  EXPECT_EQ(Expand(re, line, "PONG ${1}"), "PONG abc");
  EXPECT_EQ(Expand(re, line, "PONG $1"), "PONG abc");
  EXPECT_EQ(Expand(re, line, "$0|"), "PING :abc def|");
  EXPECT_EQ(Expand(re, line, "[${rest}]"), "[ def]");
  EXPECT_EQ(Expand(re, line, "[$rest]"), "[ def]");
  EXPECT_EQ(Expand(re, line, "[${2}]"), "[]");     // did not take part
  EXPECT_EQ(Expand(re, line, "[${9}]"), "[]");     // no such group
  EXPECT_EQ(Expand(re, line, "[${nope}]"), "[]");  // no such name
  EXPECT_EQ(Expand(re, line, "$1x"), "");          // the name is "1x"
  EXPECT_EQ(Expand(re, line, "${1}x"), "abcx");
  EXPECT_EQ(Expand(re, line, "cost $$5"), "cost $5");
  EXPECT_EQ(Expand(re, line, "50$ off"), "50$ off");  // malformed: literal
  EXPECT_EQ(Expand(re, line, "${1"), "${1");
  EXPECT_EQ(Expand(re, line, "end$"), "end$");
  EXPECT_EQ(Expand(re, line, "${01}"), "");  // leading zero: a name
  EXPECT_EQ(Expand(re, line, "no refs"), "no refs");
}

TEST(MatchLineTest, UnanchoredLikeGo) {
  RE2 re("OK");
  std::vector<std::string_view> groups;
  EXPECT_TRUE(MatchLine(re, "+OK ready", &groups));
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0], "OK");
  EXPECT_FALSE(MatchLine(re, "-ERR", &groups));
}

}  // namespace
}  // namespace outage
