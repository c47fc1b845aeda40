// BasicAuthChecker verifies "Authorization: Basic ..." credentials against
// the web config's bcrypt hashes (libcrypt), as the exporter-toolkit does.
// Successful verifications are cached briefly, keyed by a SHA-256 of the
// credentials, so a scrape every second does not cost a bcrypt each time.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace outage {

class BasicAuthChecker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using NowFunction = std::function<TimePoint()>;

  // `users` maps user names to bcrypt hashes. `now` is the clock (injected
  // for tests); a verified credential is trusted for `cache_ttl`.
  explicit BasicAuthChecker(std::map<std::string, std::string> users,
                            NowFunction now = &std::chrono::steady_clock::now,
                            std::chrono::seconds cache_ttl = std::chrono::seconds(60));
  BasicAuthChecker(const BasicAuthChecker&) = delete;
  BasicAuthChecker& operator=(const BasicAuthChecker&) = delete;

  // Check reports whether `authorization` (the header's value, if any)
  // carries the right password for a configured user.
  bool Check(const std::optional<std::string>& authorization) const;

  // bcrypt_calls counts the bcrypt verifications done so far (cache misses).
  int bcrypt_calls() const;

 private:
  bool Verify(const std::string& user, const std::string& password) const;

  const std::map<std::string, std::string> users_;
  const NowFunction now_;
  const std::chrono::seconds cache_ttl_;
  mutable std::mutex mu_;
  // Hex SHA-256 of user + '\0' + password -> when the entry expires.
  mutable std::unordered_map<std::string, TimePoint> cache_;
  mutable int bcrypt_calls_ = 0;
};

// DecodeBasicAuth splits a "Basic base64(user:password)" header value;
// false when it is not one.
bool DecodeBasicAuth(std::string_view header, std::string* user, std::string* password);

}  // namespace outage
