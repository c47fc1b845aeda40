#include "tests/support/basic_auth_client.h"

#include <crypt.h>
#include <openssl/evp.h>

namespace outage::test {

std::string BcryptHash(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE] = {};
  if (crypt_gensalt_rn("$2b$", 5, nullptr, 0, setting, sizeof setting) == nullptr) return "";
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  return hash == nullptr ? "" : hash;
}

std::vector<std::pair<std::string, std::string>> BasicAuth(const std::string& user,
                                                           const std::string& password) {
  const std::string credentials = user + ":" + password;
  std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(credentials.data()),
                                static_cast<int>(credentials.size()));
  encoded.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return {{"Authorization", "Basic " + encoded}};
}

}  // namespace outage::test
