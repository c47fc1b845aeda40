// blackbox's RR and rcode rules, and the answer sets resolvers are compared by.
#include "collectors/dns/dns_validate.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace outage::dns {
namespace {

Regex Re(const std::string& pattern) {
  return Regex{pattern, std::make_shared<const re2::RE2>(pattern)};
}

ResourceRecord A(const std::string& ip, uint32_t ttl = 300) {
  return ResourceRecord{"example.com.", 1, 1, ttl, {}, ip};
}

TEST(DnsValidateTest, RcodesByName) {
  EXPECT_TRUE(ValidRcode(0, {"NOERROR"}));
  EXPECT_FALSE(ValidRcode(3, {"NOERROR"}));
  EXPECT_TRUE(ValidRcode(3, {"NOERROR", "NXDOMAIN"}));
  EXPECT_TRUE(ValidRcode(16, {"BADVERS"}));
}

TEST(DnsValidateTest, EachRuleAsBlackboxAppliesIt) {
  const std::vector<ResourceRecord> rrs = {A("192.0.2.1"), A("192.0.2.2")};
  DnsRrValidator v;
  v.fail_if_matches_regexp = {Re(R"(192\.0\.2\.2$)")};
  EXPECT_EQ(RrsProblem(rrs, v),
            "At least one RR matched regexp \"192\\.0\\.2\\.2$\": "
            "example.com.\t300\tIN\tA\t192.0.2.2");

  v = {};
  v.fail_if_not_matches_regexp = {Re(R"(192\.0\.2\.1$)")};
  const std::optional<std::string> problem = RrsProblem(rrs, v);
  ASSERT_NE(problem, std::nullopt);
  EXPECT_NE(problem->find("did not match"), std::string::npos);

  v = {};
  v.fail_if_none_matches_regexp = {Re(R"(192\.0\.2\.2$)")};
  EXPECT_EQ(RrsProblem(rrs, v), std::nullopt);
  v.fail_if_none_matches_regexp = {Re("198.51")};
  EXPECT_EQ(RrsProblem(rrs, v), "None of the RRs matched any regexp");

  // blackbox fails fail_if_all_match_regexp when NOT all records match.
  v = {};
  v.fail_if_all_match_regexp = {Re(R"(192\.0\.2\.1$)")};
  EXPECT_NE(RrsProblem(rrs, v), std::nullopt);
  v.fail_if_all_match_regexp = {Re(R"(192\.0\.2\.)")};
  EXPECT_EQ(RrsProblem(rrs, v), std::nullopt);
}

TEST(DnsValidateTest, RequiredMatchesFailOnEmptySections) {
  DnsRrValidator v;
  EXPECT_EQ(RrsProblem({}, v), std::nullopt);
  v.fail_if_matches_regexp = {Re(".")};
  EXPECT_EQ(RrsProblem({}, v), std::nullopt) << "nothing to match is fine";
  v.fail_if_not_matches_regexp = {Re(".")};
  EXPECT_EQ(RrsProblem({}, v), "fail_if_not_matches_regexp specified but no RRs returned");
}

TEST(DnsValidateTest, AnswerSetsIgnoreTtlOrderAndDuplicates) {
  EXPECT_EQ(AnswerSet({A("192.0.2.1", 30), A("192.0.2.2", 30)}),
            AnswerSet({A("192.0.2.2", 300), A("192.0.2.1", 300), A("192.0.2.1", 5)}));
  EXPECT_NE(AnswerSet({A("192.0.2.1")}), AnswerSet({A("192.0.2.9")}));
}

TEST(DnsValidateTest, SoaSerialFromTheFirstSoa) {
  uint32_t serial = 0;
  EXPECT_FALSE(SoaSerial({A("192.0.2.1")}, &serial));
  const ResourceRecord soa{
      "example.com.", kTypeSoa, 1, 300, {}, "ns.example.com. host.example.com. 4294967295 1 2 3 4"};
  EXPECT_TRUE(SoaSerial({A("192.0.2.1"), soa}, &serial));
  EXPECT_EQ(serial, 4294967295u);
}

}  // namespace
}  // namespace outage::dns
