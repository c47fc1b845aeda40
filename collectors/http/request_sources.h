// The parts of an HTTP probe's request that come from files read at probe
// time or from several config options: the body, the Authorization header
// and common's http_headers. Stateless functions, safe from any thread.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "config/config.h"

namespace outage {

// ReadSecretFile reads a credentials file the way Prometheus does: whole
// file, surrounding whitespace trimmed. Returns nullopt if it cannot be
// read (the caller names the option that gave the path).
std::optional<std::string> ReadSecretFile(const std::string& path);

// ReadRequestBody is the module's `body`, or the whole of `body_file` read
// now (blackbox reads it on every probe); nullopt with *error naming the
// file when it cannot be read.
std::optional<std::string> ReadRequestBody(const HttpProbe& config, std::string* error);

// AppendAuthorization appends the Authorization header that bearer_token,
// bearer_token_file or `authorization` asks for (basic_auth is curl's job),
// reading credential files now; appends nothing when none of them is set.
// Returns the problem (an unreadable file), nullopt when done.
std::optional<std::string> AppendAuthorization(const HttpProbe& config, curl_slist** list);

// AppendHttpHeaders appends one line per value, secret and file of
// http_headers, files read now; with `credentials` false (a redirect left the
// target's host) credential headers (IsCredentialHeader) are left out.
// Returns the problem (an unreadable file), nullopt when done.
std::optional<std::string> AppendHttpHeaders(const HttpProbe& config, bool credentials,
                                             curl_slist** list);

}  // namespace outage
