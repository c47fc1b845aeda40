#include "collectors/tls_facts.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "collectors/metric_catalog.h"

namespace outage {
namespace {

int64_t NotAfter(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string NameString(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio) return "";
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}

std::string DnsNames(X509* cert) {
  std::string out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    if (!out.empty()) out.push_back(',');
    out.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)), ASN1_STRING_length(dns));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

// SerialNumber renders the serial as Go's fmt "%x" of big.Int.Bytes():
// two lower-case hex digits per byte of the minimal big-endian encoding.
std::string SerialNumber(X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), &BN_free);
  if (!bn) return "";
  std::vector<unsigned char> bytes(BN_num_bytes(bn.get()));
  BN_bn2bin(bn.get(), bytes.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

CertFacts FactsOf(X509* cert) {
  CertFacts facts;
  facts.not_after = NotAfter(cert);
  facts.subject = NameString(X509_get_subject_name(cert));
  facts.issuer = NameString(X509_get_issuer_name(cert));
  facts.dns_names = DnsNames(cert);
  facts.fingerprint_sha256 = Fingerprint(cert);
  facts.serial_number = SerialNumber(cert);
  return facts;
}

// CaptureAndVerify records the peer's certificates, then verifies exactly
// as OpenSSL would have.
int CaptureAndVerify(X509_STORE_CTX* store_ctx, TlsFacts* facts) {
  *facts = TlsFacts{};
  if (X509* leaf = X509_STORE_CTX_get0_cert(store_ctx)) {
    facts->peer_certs.push_back(FactsOf(leaf));
  }
  if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store_ctx)) {
    X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
    for (int i = 0; i < sk_X509_num(sent); ++i) {
      X509* cert = sk_X509_value(sent, i);
      if (cert != leaf) facts->peer_certs.push_back(FactsOf(cert));
    }
  }
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr) {
    facts->version = TlsVersionName(SSL_get_version(ssl));
    // The server's hello, which picks the cipher, came before its certificate.
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
    if (cipher == nullptr) cipher = SSL_SESSION_get0_cipher(SSL_get_session(ssl));
    const char* name = cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : nullptr;
    if (name != nullptr) facts->cipher = name;
  }

  const int ok = X509_verify_cert(store_ctx);
  if (ok == 1) {
    facts->verified = true;
    int64_t earliest = std::numeric_limits<int64_t>::max();
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(store_ctx);
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      earliest = std::min(earliest, NotAfter(sk_X509_value(chain, i)));
    }
    facts->verified_chain_expiry = sk_X509_num(chain) > 0 ? earliest : 0;
  }
  return ok;
}

// VerifyAndCapture replaces OpenSSL's chain verification with
// CaptureAndVerify. OpenSSL calls it, so no exception may unwind out of it:
// running out of memory while copying the facts fails the verification
// with OpenSSL's own error for it.
int VerifyAndCapture(X509_STORE_CTX* store_ctx, void* arg) noexcept {
  try {
    return CaptureAndVerify(store_ctx, static_cast<TlsFacts*>(arg));
  } catch (const std::bad_alloc&) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_OUT_OF_MEM);
    return 0;
  }
}

}  // namespace

void InstallTlsFactsCapture(SSL_CTX* ctx, TlsFacts* facts) {
  SSL_CTX_set_cert_verify_callback(ctx, VerifyAndCapture, facts);
}

std::string TlsVersionName(const char* openssl_version) {
  if (openssl_version == nullptr) return "";
  std::string v = openssl_version;
  if (v == "TLSv1") return "TLS 1.0";
  if (v.rfind("TLSv", 0) == 0) return "TLS " + v.substr(4);
  return v;
}

void AddTlsSamples(const TlsFacts& facts, ProbeResult* result) {
  if (!facts.seen()) return;
  int64_t earliest = std::numeric_limits<int64_t>::max();
  for (const auto& cert : facts.peer_certs) earliest = std::min(earliest, cert.not_after);
  result->Add(metric::kSslEarliestCertExpiry, static_cast<double>(earliest));
  if (facts.verified) {
    result->Add(metric::kSslLastChainExpiry, static_cast<double>(facts.verified_chain_expiry));
  }
  const CertFacts& leaf = facts.peer_certs.front();
  result->Add(metric::kSslLastChainInfo,
              {{"fingerprint_sha256", leaf.fingerprint_sha256},
               {"subject", leaf.subject},
               {"issuer", leaf.issuer},
               {"subjectalternative", leaf.dns_names},
               {"serialnumber", leaf.serial_number}},
              1);
  if (!facts.version.empty()) {
    result->Add(metric::kTlsVersionInfo, {{"version", facts.version}}, 1);
  }
  if (!facts.cipher.empty()) {
    result->Add(metric::kTlsCipherInfo, {{"cipher", facts.cipher}}, 1);
  }
}

}  // namespace outage
