// The yaml-free value parsers behind body_size_limit and proxy_url.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "config/byte_size.h"
#include "config/url.h"

namespace outage {
namespace {

TEST(ByteSizeTest, ParsesBlackboxUnits) {
  static constexpr std::pair<std::string_view, std::optional<int64_t>> kCases[] = {
      {"0", 0},
      {"1024", 1024},
      {"512B", 512},
      {"1KB", 1024},  // base 2, as units.Base2Bytes
      {"1KiB", 1024},
      {"10MB", 10 * 1024 * 1024},
      {"10MiB", 10 * 1024 * 1024},
      {"2GB", int64_t{2} * 1024 * 1024 * 1024},
      {"1GiB", int64_t{1024} * 1024 * 1024},
      {"1TB", int64_t{1} << 40},
      {"1.5KB", 1536},
      {"0.5B", 0},  // truncated to whole bytes
      {"8191PiB", int64_t{8191} << 50},
      {"8192PiB", std::nullopt},  // overflows int64
      {"99999999999999999999", std::nullopt},
      {"", std::nullopt},
      {"-1", std::nullopt},
      {"-1KB", std::nullopt},
      {"10 MB", std::nullopt},
      {"10mb", std::nullopt},
      {"10Mb", std::nullopt},
      {"MB", std::nullopt},
      {"1.KB", std::nullopt},
      {"1.5", std::nullopt},
      {"1KB2B", std::nullopt},
  };
  for (const auto& [text, bytes] : kCases) {
    EXPECT_EQ(ParseByteSize(text), bytes) << "input \"" << text << "\"";
  }
}

TEST(UrlTest, RecognisesHttpUrls) {
  static constexpr std::pair<std::string_view, bool> kCases[] = {
      {"http://proxy.example.com:3128", true},
      {"https://proxy.example.com", true},
      {"HTTP://proxy.example.com/", true},
      {"http://user:pass@proxy.example.com:3128/path?q#f", true},
      {"http://[2001:db8::1]:3128", true},
      {"http://[2001:db8::1]", true},
      {"ftp://proxy.example.com", false},
      {"socks5://proxy.example.com:1080", false},
      {"proxy.example.com:3128", false},
      {"http://", false},
      {"http://:3128", false},
      {"http://user@", false},
      {"http://proxy.example.com:0", false},
      {"http://proxy.example.com:65536", false},
      {"http://proxy.example.com:port", false},
      {"http://proxy example.com", false},
      {"http://[2001:db8::1", false},
      {"http://[]:80", false},
      {"", false},
  };
  for (const auto& [text, valid] : kCases) {
    EXPECT_EQ(IsHttpUrl(std::string(text)), valid) << "input \"" << text << "\"";
  }
}

TEST(UrlTest, RedactsOnlyTheUserinfoPasswordInEverySpelling) {
  static constexpr std::pair<std::string_view, std::string_view> kCases[] = {
      {"http://user:pass@proxy:3128", "http://user:<secret>@proxy:3128"},
      {"https://u:p@ss:w@rd@host/x@y", "https://u:<secret>@host/x@y"},
      {"http://user@proxy:3128", "http://user@proxy:3128"},
      {"http://proxy:3128", "http://proxy:3128"},
      {"http://proxy:3128/a:b@c", "http://proxy:3128/a:b@c"},
      {"http://proxy/?u=a:b@c", "http://proxy/?u=a:b@c"},
      {"www.example.com:443", "www.example.com:443"},
      {"", ""},
      // Every spelling a probe sends as credentials.
      {"user:pw@127.0.0.1:80/x", "user:<secret>@127.0.0.1:80/x"},
      {"user:pw@host", "user:<secret>@host"},
      {"http:user:pw@host", "http:<secret>@host"},
      {"http:\\\\user:pw@host/", "http:<secret>@host/"},
      {"http://user%3Apw@host", "http://user%3A<secret>@host"},
      {"http://user%3apw@host", "http://user%3a<secret>@host"},
      {"user%3Apw@host:1", "user%3A<secret>@host:1"},
      {"user@host:22", "user@host:22"},
      {"user:pw@host/?next=http://x", "user:<secret>@host/?next=http://x"},
  };
  for (const auto& [text, redacted] : kCases) {
    EXPECT_EQ(RedactUrlPassword(std::string(text)), redacted) << "input \"" << text << "\"";
  }
}

}  // namespace
}  // namespace outage
