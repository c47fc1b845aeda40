// Escaping for the status page: every value that reaches HTML goes through
// here, because targets, labels and vendor status pages are input we do not
// control.
#pragma once

#include <string>
#include <string_view>

namespace outage {

// HtmlEscape escapes & < > " ' so that `text` is safe as element content and
// inside a quoted attribute value.
std::string HtmlEscape(std::string_view text);

// SafeLinkUrl returns `url` when it is an absolute http:// or https:// URL
// (so a vendor's link can never be javascript: or data:), else "".
std::string SafeLinkUrl(std::string_view url);

}  // namespace outage
