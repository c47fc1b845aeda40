// BasicAuthChecker: header decoding, bcrypt verification and the cache, in
// simulated time.
#include "exporter/server/basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <string>

namespace outage {
namespace {

std::string Hash(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE] = {};
  EXPECT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  return hash == nullptr ? "" : hash;
}

TEST(BasicAuthTest, DecodesBasicHeaders) {
  std::string user;
  std::string password;
  ASSERT_TRUE(DecodeBasicAuth("Basic dTpwdw==", &user, &password));  // u:pw
  EXPECT_EQ(user, "u");
  EXPECT_EQ(password, "pw");
  ASSERT_TRUE(DecodeBasicAuth("basic  YTpiOmM=", &user, &password));  // a:b:c
  EXPECT_EQ(user, "a");
  EXPECT_EQ(password, "b:c");
  EXPECT_FALSE(DecodeBasicAuth("Bearer dTpwdw==", &user, &password));
  EXPECT_FALSE(DecodeBasicAuth("Basic !!!", &user, &password));
  EXPECT_FALSE(DecodeBasicAuth("Basic dXNlcg==", &user, &password));  // no colon
}

TEST(BasicAuthTest, ChecksPasswordsAndCachesSuccessForTheTtl) {
  using std::chrono::seconds;
  BasicAuthChecker::TimePoint now{};
  BasicAuthChecker checker(
      {{"u", Hash("pw")}}, [&now] { return now; }, seconds(60));
  EXPECT_FALSE(checker.Check(std::nullopt));
  EXPECT_FALSE(checker.Check(std::string("Basic dTp3cm9uZw==")));  // u:wrong
  EXPECT_FALSE(checker.Check(std::string("Basic eDpwdw==")));      // x:pw, unknown user
  EXPECT_EQ(checker.bcrypt_calls(), 2);  // the unknown user costs a bcrypt too
  EXPECT_TRUE(checker.Check(std::string("Basic dTpwdw==")));
  EXPECT_EQ(checker.bcrypt_calls(), 3);
  now += seconds(59);
  EXPECT_TRUE(checker.Check(std::string("Basic dTpwdw==")));
  EXPECT_EQ(checker.bcrypt_calls(), 3);  // cached
  EXPECT_FALSE(checker.Check(std::string("Basic dTp3cm9uZw==")));
  EXPECT_EQ(checker.bcrypt_calls(), 4);  // failures are never cached
  now += seconds(2);
  EXPECT_TRUE(checker.Check(std::string("Basic dTpwdw==")));
  EXPECT_EQ(checker.bcrypt_calls(), 5);  // expired: verified again
}

}  // namespace
}  // namespace outage
