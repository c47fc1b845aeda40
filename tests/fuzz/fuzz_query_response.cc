// Fuzzes the query_response engine's pure parts: a regexp and a send
// template, then received bytes fed in random chunks to LineReader; every
// line is matched and the template expanded with its captures.
#include <fuzzer/FuzzedDataProvider.h>
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/tcp/query_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string pattern = in.ConsumeRandomLengthString(128);
  const std::string tmpl = in.ConsumeRandomLengthString(128);
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(1 << 20);
  const RE2 re(pattern, options);

  outage::LineReader reader;
  std::vector<std::string_view> groups;
  std::string line;
  auto match = [&] {
    if (re.ok() && outage::MatchLine(re, line, &groups)) {
      (void)outage::ExpandCaptures(tmpl, re, groups);
    }
  };
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
      case 0:
        reader.Append(in.ConsumeRandomLengthString(256));
        break;
      case 1:
        while (reader.NextLine(&line) == outage::LineReader::Next::kLine) match();
        break;
      case 2:
        (void)reader.TakeBytes(in.ConsumeIntegralInRange<size_t>(0, 64), &line);
        break;
      case 3:
        if (in.ConsumeBool()) reader.Clear();
        break;
    }
  }
  while (reader.NextLine(&line) == outage::LineReader::Next::kLine) match();
  if (reader.TakeRest(&line)) match();
  return 0;
}
