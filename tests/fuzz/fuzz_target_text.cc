// Fuzzes what every target goes through as text: TargetTextProblem, the
// redactor and NormalizeHttpTarget (curl's URL parser), and the UTF-8
// repair every rendered label and page uses. Aborts when an invariant
// breaks: repaired text is valid UTF-8 and redaction is idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "collectors/http/http_prober.h"
#include "config/target_text.h"
#include "config/url.h"
#include "config/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string repaired = outage::ValidUtf8(text);
  if (!outage::IsValidUtf8(repaired)) std::abort();
  if (outage::IsValidUtf8(text) && repaired != text) std::abort();
  const std::string redacted = outage::RedactUrlPassword(text);
  if (outage::RedactUrlPassword(redacted) != redacted) std::abort();
  if (outage::TargetTextProblem(text).empty()) {
    const outage::NormalizedTarget normalized = outage::NormalizeHttpTarget(text);
    (void)normalized;
  }
  return 0;
}
