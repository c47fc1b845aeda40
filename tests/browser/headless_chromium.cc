// See headless_chromium.h.
#include "tests/browser/headless_chromium.h"

#include <cstdlib>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace outage::test {
namespace {

BrowserResult Run(std::vector<std::string> extra, const std::string& url,
                  std::chrono::milliseconds timeout) {
  TempDir profile;
  SubprocessOptions options;
  options.program = ChromiumPath();
  options.args = {"--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-extensions",
                  "--hide-scrollbars",
                  "--enable-logging=stderr",
                  "--v=0",
                  "--user-data-dir=" + profile.path()};
  options.args.insert(options.args.end(), extra.begin(), extra.end());
  options.args.push_back(url);
  // HOME in the temp folder: chromium writes caches and crash dumps there.
  options.extra_env = {{"HOME", profile.path()}};
  const RunResult run = RunSubprocess(options, timeout);
  BrowserResult result;
  result.output = run.stdout_text;
  result.log = run.stderr_text;
  if (!run.started) {
    result.error = "cannot start " + options.program + ": " + run.error;
  } else if (!run.exit_code) {
    result.error = "chromium did not finish within the timeout";
  } else if (*run.exit_code != 0) {
    result.error = "chromium exited " + std::to_string(*run.exit_code);
  } else {
    result.ok = true;
  }
  return result;
}

}  // namespace

std::string ChromiumPath() {
  const char* env = std::getenv("CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

BrowserResult DumpDom(const std::string& url, std::chrono::milliseconds timeout) {
  return Run({"--dump-dom"}, url, timeout);
}

BrowserResult Screenshot(const std::string& url, const std::string& png_path, int width, int height,
                         std::chrono::milliseconds timeout) {
  return Run({"--screenshot=" + png_path,
              "--window-size=" + std::to_string(width) + "," + std::to_string(height)},
             url, timeout);
}

}  // namespace outage::test
