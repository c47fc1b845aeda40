// Basic auth from the client side, for tests of --web.config.file: bcrypt
// hashes for basic_auth_users and the Authorization header that answers them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace outage::test {

// BcryptHash hashes `password` with a fresh $2b$ salt at cost 5 (fast tests);
// "" on failure.
std::string BcryptHash(const std::string& password);

// BasicAuth is the header list {"Authorization", "Basic base64(user:pass)"}.
std::vector<std::pair<std::string, std::string>> BasicAuth(const std::string& user,
                                                           const std::string& password);

}  // namespace outage::test
