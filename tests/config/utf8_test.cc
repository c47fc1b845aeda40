// Tests for IsValidUtf8 / ValidUtf8 and TargetTextProblem.
#include "config/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "config/target_text.h"

namespace outage {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const std::string text : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC 5",
                                 "\xF0\x9F\x8E\xB5 music", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(ValidUtf8(text), text);
  }
}

TEST(Utf8Test, ReplacesEachMaximalInvalidSubsequence) {
  static constexpr std::pair<std::string_view, std::string_view> kCases[] = {
      {"a\xFF"
       "b",
       "a\xEF\xBF\xBD"
       "b"},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                  // overlong '/'
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // a surrogate
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // > U+10FFFF
      {"\xE2\x82", "\xEF\xBF\xBD"},  // truncated: one replacement
      {"\xE2\x82x", "\xEF\xBF\xBDx"},
      {"\xF0\x9F\x8E", "\xEF\xBF\xBD"},
  };
  for (const auto& [in, out] : kCases) {
    EXPECT_FALSE(IsValidUtf8(in));
    EXPECT_EQ(ValidUtf8(in), out);
    EXPECT_TRUE(IsValidUtf8(ValidUtf8(in)));
  }
}

TEST(Utf8Test, FindsAnInvalidByteAtEveryOffsetOfALongAsciiRun) {
  // ASCII is passed several bytes at a time: a bad byte anywhere in or after
  // such a run, and a valid sequence straddling its end, are still seen.
  const std::string ascii(40, 'a');
  for (size_t at = 0; at <= ascii.size(); ++at) {
    std::string bad = ascii;
    bad.insert(at, "\xFF");
    EXPECT_FALSE(IsValidUtf8(bad)) << "invalid byte at " << at;
    std::string good = ascii;
    good.insert(at, "\xF0\x9F\x8E\xB5");
    EXPECT_TRUE(IsValidUtf8(good)) << "valid sequence at " << at;
  }
}

TEST(TargetTextTest, RefusesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(TargetTextProblem("http://127.0.0.1:80/ok"), "");
  EXPECT_EQ(TargetTextProblem("http://b\xC3\xBC"
                              "cher.example/"),
            "");
  EXPECT_EQ(TargetTextProblem(std::string("http://h/ok\0evil", 16)),
            "contains the control character 0x00");
  EXPECT_EQ(TargetTextProblem("host\r\n:80"), "contains the control character 0x0d");
  EXPECT_EQ(TargetTextProblem("host\x7f"), "contains the control character 0x7f");
  EXPECT_EQ(TargetTextProblem("h\xFFost:80"), "is not valid UTF-8");
}

}  // namespace
}  // namespace outage
