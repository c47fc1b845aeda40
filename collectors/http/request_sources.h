// The parts of an HTTP probe's request that come from files read at probe
// time or from several config options: the body, the Authorization header
// and common's http_headers. Stateless functions, safe from any thread.
#pragma once

#include <curl/curl.h>

#include <string>

#include "config/config.h"

namespace outage {

// ReadSecretFile reads a credentials file the way Prometheus does: whole
// file, surrounding whitespace trimmed. Returns false if it cannot be read.
bool ReadSecretFile(const std::string& path, std::string* out);

// ReadRequestBody sets *body to the module's `body`, or to the whole of
// `body_file` read now (blackbox reads it on every probe). On failure
// returns false with *error naming the file.
bool ReadRequestBody(const HttpProbe& config, std::string* body, std::string* error);

// AppendAuthorization appends the Authorization header that bearer_token,
// bearer_token_file or `authorization` asks for (basic_auth is curl's job),
// reading credential files now. Returns false with *error on an unreadable
// file; appends nothing when none of them is set.
bool AppendAuthorization(const HttpProbe& config, curl_slist** list, std::string* error);

// AppendHttpHeaders appends one line per value, secret and file of
// http_headers, files read now; with `credentials` false (a redirect left the
// target's host) credential headers (IsCredentialHeader) are left out.
// Returns false with *error on an unreadable file.
bool AppendHttpHeaders(const HttpProbe& config, bool credentials, curl_slist** list,
                       std::string* error);

}  // namespace outage
