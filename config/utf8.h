// UTF-8 validation for text that reaches an output we render (label values,
// HTML, logfmt): targets, vendor pages and probed servers send arbitrary
// bytes, and every output must stay valid UTF-8. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace outage {

// IsValidUtf8 reports whether `text` is well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// ValidUtf8 returns `text` with each maximal invalid subsequence replaced by
// U+FFFD, as the Unicode standard recommends; valid text comes back as is.
std::string ValidUtf8(std::string_view text);

// AsValidUtf8 is ValidUtf8 without a copy for valid text (the common case):
// it returns `text` itself, or the replaced text kept in *storage.
std::string_view AsValidUtf8(std::string_view text, std::string* storage);

}  // namespace outage
