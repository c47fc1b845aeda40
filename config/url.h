// Just enough URL handling for the config: validating proxy_url and hiding
// the password in a URL's userinfo.
#pragma once

#include <string>

namespace outage {

// IsHttpUrl reports whether text is an absolute http:// or https:// URL with
// a non-empty host and, if given, a numeric port in 1-65535.
bool IsHttpUrl(const std::string& text);

// RedactUrlPassword replaces the password of a URL's userinfo with
// "<secret>" ("http://user:<secret>@proxy:3128"), in every spelling a probe
// would send as credentials: with or without a scheme, after a
// percent-encoded colon, and in malformed forms such as "http:u:pw@host".
// Text without a password is returned unchanged.
std::string RedactUrlPassword(const std::string& text);

}  // namespace outage
