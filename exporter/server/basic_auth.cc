#include "exporter/server/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <strings.h>

#include <cstring>
#include <memory>
#include <utility>

namespace outage {
namespace {

// A user that does not exist still costs one bcrypt, so timing does not tell
// which user names are configured. The hash of "unused", cost 10.
constexpr char kDummyHash[] = "$2b$10$oIKFR08K4iWNV6ewuYaZrOCdkikQFgRrrUcTA58p5Ynr3z1X4guIu";

// The cache forgets everything rather than grow past this (a flood of
// distinct right passwords is not a realistic load).
constexpr size_t kMaxCacheEntries = 1024;

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool Base64Decode(std::string_view in, std::string* out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

std::string CacheKey(const std::string& user, const std::string& password) {
  std::string material = user;
  material.push_back('\0');
  material += password;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  OPENSSL_cleanse(material.data(), material.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

bool DecodeBasicAuth(std::string_view header, std::string* user, std::string* password) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  if (header.size() < 6 || strncasecmp(header.data(), "basic ", 6) != 0) return false;
  header.remove_prefix(6);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  std::string decoded;
  if (!Base64Decode(header, &decoded)) return false;
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  *user = decoded.substr(0, colon);
  *password = decoded.substr(colon + 1);
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return true;
}

BasicAuthChecker::BasicAuthChecker(std::map<std::string, std::string> users, NowFunction now,
                                   std::chrono::seconds cache_ttl)
    : users_(std::move(users)), now_(std::move(now)), cache_ttl_(cache_ttl) {}

bool BasicAuthChecker::Check(const std::optional<std::string>& authorization) const {
  if (!authorization) return false;
  std::string user;
  std::string password;
  if (!DecodeBasicAuth(*authorization, &user, &password)) return false;
  const std::string key = CacheKey(user, password);
  const TimePoint now = now_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (now < it->second) {
        OPENSSL_cleanse(password.data(), password.size());
        return true;
      }
      cache_.erase(it);
    }
  }
  const bool ok = Verify(user, password);
  OPENSSL_cleanse(password.data(), password.size());
  if (!ok) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key] = now + cache_ttl_;
  return true;
}

int BasicAuthChecker::bcrypt_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bcrypt_calls_;
}

bool BasicAuthChecker::Verify(const std::string& user, const std::string& password) const {
  auto it = users_.find(user);
  const bool known = it != users_.end();
  const std::string& hash = known ? it->second : std::string(kDummyHash);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++bcrypt_calls_;
  }
  auto data = std::make_unique<crypt_data>();  // large: keep it off the stack
  const char* out = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  const bool match = out != nullptr && std::strlen(out) == hash.size() &&
                     CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return known && match;
}

}  // namespace outage
