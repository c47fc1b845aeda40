// Drives Debian's chromium headless for browser tests: load a URL and get
// the DOM the browser built, or save a screenshot. Each call uses a fresh
// profile in a temporary folder and the flags that keep chromium from
// reaching anything but the page (no background networking, QUIC, sync or
// component updates).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace outage::test {

// ChromiumPath is $CHROMIUM when set, else /usr/bin/chromium.
std::string ChromiumPath();

struct BrowserResult {
  bool ok = false;     // chromium ran and exited 0
  std::string output;  // --dump-dom: the serialised DOM
  std::string log;     // chromium's stderr, console messages included
  std::string error;   // why !ok
};

// DumpDom loads `url` and returns the DOM after load.
BrowserResult DumpDom(const std::string& url,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Screenshot loads `url` in a `width` x `height` window and writes a PNG to
// `png_path`.
BrowserResult Screenshot(const std::string& url, const std::string& png_path, int width, int height,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace outage::test
