// Text helpers for HTTP header lines, shared by the HTTP and gRPC probers'
// curl header callbacks.
#pragma once

#include <string>
#include <string_view>

namespace outage {

// LowerAscii lower-cases ASCII letters (header names compare this way).
std::string LowerAscii(std::string_view s);
// AppendLowerAscii appends LowerAscii(s) to *out.
void AppendLowerAscii(std::string_view s, std::string* out);

// TrimSpace drops leading and trailing whitespace, CR and LF included.
std::string_view TrimSpace(std::string_view s);

// SplitHeaderLine splits "Name: value\r\n" into the trimmed name and value;
// false for a line without a colon (a status line or the blank end of the
// headers). The first form lower-cases the name; the second leaves it as
// sent.
bool SplitHeaderLine(std::string_view line, std::string* name, std::string_view* value);
bool SplitHeaderLine(std::string_view line, std::string_view* name, std::string_view* value);

// IsCredentialHeader reports whether a request header named `name` (any
// case) carries credentials that must not follow a redirect to another host:
// Authorization, Proxy-Authorization, Cookie, Cookie2 and WWW-Authenticate,
// the set Go's client strips (plus Proxy-Authorization).
bool IsCredentialHeader(std::string_view name);

}  // namespace outage
