// The OAuth 2.0 client credentials flow of an HTTP probe (common's
// `oauth2`): the token request's form, the token response's parsing, and a
// cache of tokens until they expire. The request itself is a hop of
// HttpProbeRun, so it obeys probe_policy like every other connection.
//
// Thread-safety: the functions are stateless; OAuth2TokenCache is used on
// the prober's loop thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.h"

namespace outage {

// OAuth2TokenForm is the url-encoded body of the token request:
// grant_type=client_credentials, scope (space-separated) and every
// endpoint_params entry. The client id and secret go in Basic auth.
std::string OAuth2TokenForm(const OAuth2& config);

// OAuth2UrlEscape encodes text as a form value (RFC 3986 unreserved kept,
// everything else %XX); the client id and secret are escaped so before
// Basic auth, as RFC 6749 section 2.3.1 asks.
std::string OAuth2UrlEscape(const std::string& text);

struct OAuth2Token {
  std::string access_token;                        // secret
  std::optional<std::chrono::seconds> expires_in;  // absent: does not expire
};

// ParseOAuth2TokenResponse reads a token endpoint's JSON answer. Returns
// nullopt with *error (which never holds the token) when it has no
// access_token.
std::optional<OAuth2Token> ParseOAuth2TokenResponse(const std::string& body, std::string* error);

class OAuth2TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  // Tokens are renewed this long before they expire, as Go's oauth2 does,
  // so a probe does not present a token that expires on the way.
  static constexpr std::chrono::seconds kExpiryMargin{10};
  // Bounds memory when reloads keep changing credentials.
  static constexpr size_t kMaxEntries = 1024;

  // Key identifies a token: module, token URL, client id, secret (as read
  // now), scopes and endpoint params. Any change asks for a new token.
  static std::string Key(const std::string& module, const OAuth2& config,
                         const std::string& secret);

  // Find returns the cached token for key, or nullptr when there is none
  // or it is about to expire.
  const std::string* Find(const std::string& key, Clock::time_point now) const;
  void Store(const std::string& key, const OAuth2Token& token, Clock::time_point now);

 private:
  struct Entry {
    std::string token;
    std::optional<Clock::time_point> renew_at;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace outage
