// See oauth2_token.h.
#include "collectors/http/oauth2_token.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace outage {

std::string OAuth2UrlEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    }
  }
  return out;
}

std::string OAuth2TokenForm(const OAuth2& config) {
  std::string form = "grant_type=client_credentials";
  if (!config.scopes.empty()) {
    std::string scope;
    for (const std::string& s : config.scopes) scope += (scope.empty() ? "" : " ") + s;
    form += "&scope=" + OAuth2UrlEscape(scope);
  }
  for (const auto& [name, value] : config.endpoint_params) {
    form += "&" + OAuth2UrlEscape(name) + "=" + OAuth2UrlEscape(value);
  }
  return form;
}

std::optional<OAuth2Token> ParseOAuth2TokenResponse(const std::string& body, std::string* error) {
  const nlohmann::json root = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) {
    *error = "token response is not a JSON object";
    return std::nullopt;
  }
  const auto token = root.find("access_token");
  if (token == root.end() || !token->is_string() || token->get<std::string>().empty()) {
    *error = "token response has no access_token";
    return std::nullopt;
  }
  OAuth2Token out;
  out.access_token = token->get<std::string>();
  // RFC 6749 makes it a number; some servers send a string of digits.
  const auto expires = root.find("expires_in");
  int64_t seconds = 0;
  if (expires != root.end() && expires->is_number()) {
    seconds = expires->get<int64_t>();
  } else if (expires != root.end() && expires->is_string()) {
    seconds = std::strtoll(expires->get<std::string>().c_str(), nullptr, 10);
  }
  if (seconds > 0) out.expires_in = std::chrono::seconds(seconds);
  return out;
}

std::string OAuth2TokenCache::Key(const std::string& module, const OAuth2& config,
                                  const std::string& secret) {
  // NUL cannot occur in YAML strings, so the fields cannot run together.
  std::string key = module + '\0' + config.token_url + '\0' + config.client_id + '\0' + secret;
  for (const std::string& scope : config.scopes) key += '\0' + scope;
  key += '\1';
  for (const auto& [name, value] : config.endpoint_params) key += '\0' + name + '=' + value;
  return key;
}

const std::string* OAuth2TokenCache::Find(const std::string& key, Clock::time_point now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.renew_at && now >= *it->second.renew_at) return nullptr;
  return &it->second.token;
}

void OAuth2TokenCache::Store(const std::string& key, const OAuth2Token& token,
                             Clock::time_point now) {
  if (entries_.size() >= kMaxEntries && entries_.count(key) == 0) entries_.clear();
  Entry& entry = entries_[key];
  entry.token = token.access_token;
  entry.renew_at.reset();
  if (token.expires_in) entry.renew_at = now + *token.expires_in - kExpiryMargin;
}

}  // namespace outage
