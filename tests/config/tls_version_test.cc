// Tests for OpenSslTlsVersion: each config name maps to its OpenSSL version.
#include "config/tls_version.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace outage {
namespace {

TEST(OpenSslTlsVersionTest, EachNameIsItsVersion) {
  EXPECT_EQ(OpenSslTlsVersion("TLS10"), TLS1_VERSION);
  EXPECT_EQ(OpenSslTlsVersion("TLS11"), TLS1_1_VERSION);
  EXPECT_EQ(OpenSslTlsVersion("TLS12"), TLS1_2_VERSION);
  EXPECT_EQ(OpenSslTlsVersion("TLS13"), TLS1_3_VERSION);
}

TEST(OpenSslTlsVersionTest, NoNameIsOpenSslsOwnBound) {
  EXPECT_EQ(OpenSslTlsVersion(""), 0);
  EXPECT_EQ(OpenSslTlsVersion("TLS 1.3"), 0);
}

}  // namespace
}  // namespace outage
