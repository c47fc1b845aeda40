// Tests for TLS version naming and the probe_ssl_* / probe_tls_* samples.
#include "collectors/tls_facts.h"

#include <gtest/gtest.h>

#include <string>

#include "collectors/metric_catalog.h"

namespace outage {
namespace {

TEST(TlsVersionNameTest, MapsOpenSslNamesToBlackboxNames) {
  EXPECT_EQ(TlsVersionName("TLSv1"), "TLS 1.0");
  EXPECT_EQ(TlsVersionName("TLSv1.1"), "TLS 1.1");
  EXPECT_EQ(TlsVersionName("TLSv1.2"), "TLS 1.2");
  EXPECT_EQ(TlsVersionName("TLSv1.3"), "TLS 1.3");
}

TEST(TlsVersionNameTest, PassesOtherNamesThrough) {
  EXPECT_EQ(TlsVersionName("SSLv3"), "SSLv3");
  EXPECT_EQ(TlsVersionName("unknown"), "unknown");
  EXPECT_EQ(TlsVersionName(nullptr), "");
}

CertFacts Cert(int64_t not_after, std::string subject) {
  CertFacts c;
  c.not_after = not_after;
  c.subject = std::move(subject);
  c.issuer = "CN=Test CA";
  c.dns_names = "example.com,www.example.com";
  c.fingerprint_sha256 = "ab01";
  c.serial_number = "0f42";
  return c;
}

// A chain as a server sends it: leaf, then two intermediates; the middle one
// expires first.
TlsFacts Chain() {
  TlsFacts facts;
  facts.version = "TLS 1.3";
  facts.cipher = "TLS_AES_128_GCM_SHA256";
  facts.peer_certs = {Cert(3'000, "CN=example.com"), Cert(1'000, "CN=Intermediate A"),
                      Cert(2'000, "CN=Intermediate B")};
  return facts;
}

const Sample* Find(const ProbeResult& r, const MetricDesc& desc) {
  const Sample* found = nullptr;
  for (const Sample& s : r.samples) {
    if (s.desc != &desc) continue;
    EXPECT_EQ(found, nullptr) << "duplicate " << desc.name;
    found = &s;
  }
  return found;
}

TEST(AddTlsSamplesTest, NothingWithoutCertificates) {
  ProbeResult r;
  TlsFacts facts;
  facts.version = "TLS 1.3";
  AddTlsSamples(facts, &r);
  EXPECT_TRUE(r.samples.empty());
}

TEST(AddTlsSamplesTest, EarliestExpiryIsAcrossAllPeerCertificates) {
  ProbeResult r;
  AddTlsSamples(Chain(), &r);
  const Sample* s = Find(r, metric::kSslEarliestCertExpiry);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value, 1'000);
  EXPECT_TRUE(s->labels.empty());
}

TEST(AddTlsSamplesTest, LastChainExpiryOnlyWhenVerified) {
  ProbeResult unverified;
  AddTlsSamples(Chain(), &unverified);
  EXPECT_EQ(Find(unverified, metric::kSslLastChainExpiry), nullptr);

  TlsFacts facts = Chain();
  facts.verified = true;
  facts.verified_chain_expiry = 1'500;
  ProbeResult verified;
  AddTlsSamples(facts, &verified);
  const Sample* s = Find(verified, metric::kSslLastChainExpiry);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value, 1'500);
}

TEST(AddTlsSamplesTest, ChainInfoDescribesTheLeaf) {
  ProbeResult r;
  AddTlsSamples(Chain(), &r);
  const Sample* s = Find(r, metric::kSslLastChainInfo);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value, 1);
  const LabelPairs want = {{"fingerprint_sha256", "ab01"},
                           {"subject", "CN=example.com"},
                           {"issuer", "CN=Test CA"},
                           {"subjectalternative", "example.com,www.example.com"},
                           {"serialnumber", "0f42"}};
  EXPECT_EQ(s->labels, want);
}

TEST(AddTlsSamplesTest, CipherInfoWhenKnown) {
  ProbeResult r;
  AddTlsSamples(Chain(), &r);
  const Sample* s = Find(r, metric::kTlsCipherInfo);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->labels, (LabelPairs{{"cipher", "TLS_AES_128_GCM_SHA256"}}));
}

TEST(AddTlsSamplesTest, VersionInfoWhenKnown) {
  ProbeResult r;
  AddTlsSamples(Chain(), &r);
  const Sample* s = Find(r, metric::kTlsVersionInfo);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value, 1);
  EXPECT_EQ(s->labels, (LabelPairs{{"version", "TLS 1.3"}}));
}

TEST(AddTlsSamplesTest, NoVersionInfoWhenUnknown) {
  TlsFacts facts = Chain();
  facts.version.clear();
  ProbeResult r;
  AddTlsSamples(facts, &r);
  EXPECT_EQ(Find(r, metric::kTlsVersionInfo), nullptr);
  EXPECT_NE(Find(r, metric::kSslEarliestCertExpiry), nullptr);
}

TEST(AddTlsSamplesTest, SingleSelfSignedCertificate) {
  TlsFacts facts;
  facts.peer_certs = {Cert(4'102'444'800, "CN=localhost")};  // 2100-01-01
  ProbeResult r;
  AddTlsSamples(facts, &r);
  const Sample* s = Find(r, metric::kSslEarliestCertExpiry);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value, 4'102'444'800.0);
}

}  // namespace
}  // namespace outage
